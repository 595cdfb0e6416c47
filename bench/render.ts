// Render and check throughput: stores rendered per second per engine (one core: rendering is
// single-threaded), and `storefleet check` over generated repos of 1,000 and 10,000 stores.
import { engineIds } from '../constructs/engines/index.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRepo } from '../generator/check.ts';
import { renderStore } from '../generator/render.ts';
import { loadPlatform, writeStoreFiles } from '../generator/repo.ts';
import { createDevSealingKeyPair } from '../generator/sealing.ts';
import type { StoreSpec } from '../generator/spec.ts';
import { main as cli } from '../generator/cli.ts';
import { median, type BenchTable } from './table.ts';

const quiet = { log() {}, error() {}, progress() {} };

function spec(i: number, engine: StoreSpec['engine']): StoreSpec {
  return { name: `shop-${i}`, engine, plan: 'small', displayName: `Shop ${i}`, owner: `owner-${i % 50}`, createdAt: '2026-11-23T16:00:00Z' };
}

async function makeRepo(): Promise<string> {
  const base = mkdtempSync(join(tmpdir(), 'sf-bench-'));
  const repo = join(base, 'repo');
  if ((await cli(['init', repo], quiet)) !== 0) throw new Error('init failed');
  const { certificatePem } = await createDevSealingKeyPair(4096);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(repo, 'sealing', 'cert.pem'), certificatePem);
  return repo;
}

/**
 * CPU seconds this process spent since `start`. Rendering is single-threaded, so stores per CPU-second is
 * stores per second on one core — and, unlike wall time, it does not halve when other work shares the machine.
 */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

export async function runRenderBench(opts: { checkSizes?: number[] } = {}): Promise<BenchTable[]> {
  const repo = await makeRepo();
  const platform = loadPlatform(repo);
  const rows: (string | number)[][] = [];
  for (const engine of engineIds()) {
    // First render of a store: generates and seals its secrets (RSA-4096 OAEP per value).
    const firstRates: number[] = [];
    const rerenderRates: number[] = [];
    for (let round = 0; round < 5; round++) {
      const n = 200;
      let t = process.cpuUsage();
      const results = [];
      for (let i = 0; i < n; i++) results.push(renderStore({ spec: spec(i, engine), platform }));
      firstRates.push(n / cpuSeconds(t));
      t = process.cpuUsage();
      for (let i = 0; i < n; i++) renderStore({ spec: spec(i, engine), platform, existing: results[i].files });
      rerenderRates.push(n / cpuSeconds(t));
    }
    const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
    rows.push([engine, 'new store (secrets generated + sealed)', median(firstRates).toFixed(0), spread(firstRates)]);
    rows.push([engine, 're-render (secrets kept)', median(rerenderRates).toFixed(0), spread(rerenderRates)]);
  }
  const renderTable: BenchTable = {
    id: 'render',
    title: 'Render throughput (one core)',
    columns: ['engine', 'case', 'stores per CPU-second (median of 5 × 200)', 'spread'],
    rows,
    notes: ['Target: ≥ 100 stores/s on one core. Measured in CPU time of the rendering process (rendering is single-threaded), so the figure holds on a shared machine.'],
  };

  const checkRows: (string | number)[][] = [];
  for (const size of opts.checkSizes ?? [1000, 10000]) {
    const dir = await makeRepo();
    const p = loadPlatform(dir);
    for (let i = 0; i < size; i++) {
      const s = spec(i, engineIds()[i % engineIds().length]);
      writeStoreFiles(dir, s.name, renderStore({ spec: s, platform: p }).files);
    }
    const t = performance.now();
    const report = checkRepo(dir);
    const seconds = (performance.now() - t) / 1000;
    if (report.problems.length > 0) throw new Error(`check found problems in a freshly rendered repo: ${report.problems[0]}`);
    checkRows.push([size, seconds.toFixed(1), (size / seconds).toFixed(0)]);
    rmSync(dir, { recursive: true, force: true });
  }
  const checkTable: BenchTable = {
    id: 'check',
    title: '`storefleet check` over a generated repo (the registered engines in turn)',
    columns: ['stores', 'seconds', 'stores/s'],
    rows: checkRows,
    notes: ['Target: 1,000 stores under 20 s; time should grow linearly with the number of stores.'],
  };
  rmSync(repo, { recursive: true, force: true });
  return [renderTable, checkTable];
}
