// npm run cluster:status — which recorded processes run, their memory, whether the API server
// and Argo CD answer, and the Argo CD Applications with their sync/health. Exit 1 if any
// recorded process is not running.
import { existsSync, readFileSync } from 'node:fs';
import { argocdUrl, paths, stateDir } from './lib/config.ts';
import { kubectl, kubectlJson } from './lib/kube.ts';
import { trackedProcesses } from './lib/procs.ts';

function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

const procs = trackedProcesses();
if (procs.length === 0) {
  console.log(`dev cluster: not running (no PID files in ${stateDir})`);
  process.exit(1);
}
let total = 0;
console.log('process                              pid      RSS');
for (const p of procs) {
  const rss = p.alive ? rssMiB(p.pid) : 0;
  total += rss;
  console.log(`${p.name.padEnd(36)} ${String(p.pid).padEnd(8)} ${p.alive ? `${rss.toFixed(0)} MiB` : 'NOT RUNNING'}`);
}
console.log(`${'total'.padEnd(45)} ${total.toFixed(0)} MiB`);

try {
  console.log(`\nkube-apiserver /readyz: ${kubectl(['get', '--raw', '/readyz']).trim()}`);
  const nodes = kubectlJson<any>(['get', 'nodes']).items.map((n: any) => `${n.metadata.name}(${n.status?.addresses?.find((a: any) => a.type === 'InternalIP')?.address}, ${n.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady'})`);
  console.log(`nodes: ${nodes.join(' ')}`);
  const apps = kubectlJson<any>(['-n', 'argocd', 'get', 'applications.argoproj.io']).items;
  console.log(`Argo CD applications (${argocdUrl}): ${apps.length}`);
  for (const a of apps) console.log(`  ${a.metadata.name.padEnd(30)} ${a.status?.sync?.status ?? '-'} / ${a.status?.health?.status ?? '-'}`);
} catch (err) {
  console.log(`API not reachable: ${(err as Error).message.split('\n')[0]}`);
}
if (existsSync(paths.envFile)) console.log(`\nenv file: ${paths.envFile}\nkubeconfig: ${paths.kubeconfig}`);
process.exit(procs.every((p) => p.alive) ? 0 : 1);
