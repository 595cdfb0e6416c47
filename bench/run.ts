// npm run bench: runs every benchmark, prints the tables and writes them into docs/benchmarks.md.
// Figures are medians with their spread, compared inside one run (ratios hold on a noisy machine).
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { runRenderBench } from './render.ts';
import { toMarkdown, writeSection, type BenchTable } from './table.ts';

const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const only = process.argv.slice(2);
const stamp = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;

const suites: Record<string, () => Promise<BenchTable[]>> = {
  // STOREFLEET_BENCH_CHECK_SIZES=1000 skips the 10,000-store check (about 10 minutes on 2 cores).
  render: () => runRenderBench({ checkSizes: process.env.STOREFLEET_BENCH_CHECK_SIZES?.split(',').map(Number) }),
  api: async () => {
    const mod = (await import('./api.ts')) as { runApiBench: () => Promise<BenchTable | BenchTable[]> };
    const out = await mod.runApiBench();
    return Array.isArray(out) ? out : [out];
  },
  ui: async () => (await import('./ui.ts')).runUiBench(),
  // Runs a real Medusa store (minutes; needs PostgreSQL and Redis): only when asked for by name.
  engines: async () => (await import('./engines.ts')).runEnginesBench(),
  // Runs real databases, restic and SeaweedFS (npm run cluster:build -- seaweedfs restic): only when asked for by name.
  backups: async () => (await import('./backups.ts')).runBackupBench(),
  // Needs a running dev cluster (npm run cluster:up): only when asked for by name.
  cluster: async () => (await import('./cluster.ts')).runClusterBench(),
};
const ON_REQUEST = new Set(['engines', 'backups', 'cluster']);

for (const [name, run] of Object.entries(suites)) {
  if (only.length > 0 ? !only.includes(name) : ON_REQUEST.has(name)) continue;
  console.error(`bench: ${name} …`);
  for (const table of await run()) {
    console.log(toMarkdown(table) + '\n');
    writeSection(DOC, table, stamp);
  }
}
console.error(`bench: results written to ${DOC}`);
