// npm run bench -- engines: a Medusa store from an empty database to "first order possible"
// (migrate init container → backend healthy → bootstrap Job), measured natively with the engine
// tier's harness (e2e/engines/lib/medusa-store.ts), plus the storefront's JavaScript size and the
// servers' memory after one order. Needs PostgreSQL, Redis (.ci/setup-engines.sh) and the
// cached builds (the first run builds them, which is not timed).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MedusaStore } from '../e2e/engines/lib/medusa-store.ts';
import type { BenchTable } from './table.ts';

/** Resident memory of a process group (the server and any children it forked), in MiB. */
function groupRssMiB(pgid: number): number {
  let kib = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue; // field 5: process group
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kib += Number(m?.[1] ?? 0);
    } catch {
      /* exited meanwhile */
    }
  }
  return kib / 1024;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

export async function runEnginesBench(): Promise<BenchTable[]> {
  const shop = new MedusaStore();
  try {
    await shop.prepare('Bench Shop', (m) => console.error(`bench: ${m}`));
    await shop.startDatabases();
    const migrate = await timed(() => shop.migrate());
    const start = await timed(() => shop.startBackend());
    const bootstrap = await timed(() => shop.bootstrap());
    const again = await timed(() => shop.bootstrap());
    await shop.startStorefront();
    const order = await timed(() => shop.smokeTest());
    const backendRss = groupRssMiB(shop.backend!.pid);
    const storefrontRss = groupRssMiB(shop.storefront!.pid);
    const assets = join(shop.storefrontDir, 'dist', 'assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
    const raw = js.reduce((n, f) => n + readFileSync(join(assets, f)).length, 0);
    const gz = js.reduce((n, f) => n + gzipSync(readFileSync(join(assets, f))).length, 0);
    const s = (x: number) => x.toFixed(1);
    return [
      {
        id: 'engines-medusa',
        title: 'Medusa store: empty database → first order possible (native, this machine)',
        columns: ['step', 'value'],
        rows: [
          ['migrate (`medusa db:migrate`, the init container)', `${s(migrate)} s`],
          ['backend start until `GET /health` is 200', `${s(start)} s`],
          ['bootstrap Job, first run', `${s(bootstrap)} s`],
          ['**first order possible** (sum of the three)', `**${s(migrate + start + bootstrap)} s**`],
          ['bootstrap Job, second run (nothing to do)', `${s(again)} s`],
          ['rendered smoke test (one order through the Store API, found in the admin API)', `${s(order)} s`],
          ['storefront JavaScript (all chunks), gzipped / raw', `${(gz / 1024).toFixed(1)} KiB / ${(raw / 1024).toFixed(1)} KiB`],
          ['backend memory (RSS) after one order', `${backendRss.toFixed(0)} MiB`],
          ['storefront server memory (RSS) after one order', `${storefrontRss.toFixed(0)} MiB`],
        ],
        notes: [
          'One run (each step takes seconds to minutes; the spread between runs on this shared machine is larger than any median would hide). PostgreSQL and Redis from Debian on 127.0.0.1, the backend and storefront built from `images/medusa-*` and started with the commands and env of a rendered store.',
        ],
      },
    ];
  } finally {
    await shop.stopAll(false);
  }
}
