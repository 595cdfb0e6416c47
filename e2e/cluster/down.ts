// npm run cluster:down — stops exactly the processes cluster:up started (from their PID files),
// also after a failed start, and removes the env file npm start reads. Keeps the rest of the state
// folder for post-mortems unless --purge is given;
// the next cluster:up starts from a fresh state anyway. The Sealed Secrets dev key pair (in the
// cache folder) is always kept.
import { rmSync } from 'node:fs';
import { paths, stateDir } from './lib/config.ts';
import { stopAll, trackedProcesses } from './lib/procs.ts';

const purge = process.argv.includes('--purge');
const tracked = trackedProcesses();
if (tracked.length === 0) {
  console.log(`no dev cluster processes recorded in ${stateDir}`);
} else {
  console.log(`stopping ${tracked.filter((p) => p.alive).length} process(es):`);
  await stopAll();
}
// The env file describes a running cluster (npm start picks it up) and holds its API token.
rmSync(paths.envFile, { force: true });
if (purge) {
  rmSync(stateDir, { recursive: true, force: true });
  console.log(`removed ${stateDir}`);
}
