// npm run bench -- backups: how long the rendered backup CronJob and restore step take for a store
// database with 10,000 orders' worth of rows, per engine, on this machine (target: ≤ 60 s each).
// Same harness as the backup tier: real MariaDB/PostgreSQL (Debian), restic and SeaweedFS on
// 127.0.0.1, commands and scripts read from the rendered objects.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectSuccess, type ContainerRun } from '../e2e/backups/pod-runner.ts';
import { startS3Target } from '../e2e/backups/s3-target.ts';
import { ENGINE_DATABASES, startRoundTrip } from '../e2e/backups/harness.ts';
import { fingerprint, wipeDatabase } from '../e2e/backups/seed.ts';
import { median, type BenchTable } from './table.ts';

const ORDERS = 10_000;
const RUNS = 3;
const TARGET_SECONDS = 60;

/** Seconds of the whole pod: init containers included. */
function podSeconds(runs: ContainerRun[]): number {
  expectSuccess(runs);
  return runs.reduce((s, r) => s + r.seconds, 0);
}

export async function runBackupBench(): Promise<BenchTable[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sf-bench-backups-'));
  const s3 = await startS3Target({ dir: join(dir, 's3') });
  const rows: (string | number)[][] = [];
  try {
    for (const engine of ['woocommerce', 'medusa'] as const) {
      const rt = await startRoundTrip(engine, dir, s3);
      try {
        ENGINE_DATABASES[engine].seed(rt.db, ORDERS);
        const rowCount = Object.values(fingerprint(rt.db)).reduce((n, f) => n + Number(f.split(' ')[0]), 0);
        const before = fingerprint(rt.db);
        const backups: number[] = [];
        const restores: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          backups.push(podSeconds(await rt.backup()));
          wipeDatabase(rt.db);
          restores.push(podSeconds(await rt.restore()));
          if (JSON.stringify(fingerprint(rt.db)) !== JSON.stringify(before)) throw new Error(`${engine}: restored data differs from the backup`);
        }
        const verdict = (xs: number[]) => (median(xs) <= TARGET_SECONDS ? 'yes' : 'NO');
        rows.push([engine, rowCount.toLocaleString('en'), 'backup (dump → restic → S3)', median(backups).toFixed(1), `${Math.min(...backups).toFixed(1)}–${Math.max(...backups).toFixed(1)}`, verdict(backups)]);
        rows.push([engine, rowCount.toLocaleString('en'), 'restore (S3 → restic → load)', median(restores).toFixed(1), `${Math.min(...restores).toFixed(1)}–${Math.max(...restores).toFixed(1)}`, verdict(restores)]);
      } finally {
        await rt.stop();
      }
    }
  } finally {
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    {
      id: 'backups',
      title: `Backup and restore of a store database with ${ORDERS.toLocaleString('en')} orders`,
      columns: ['engine', 'rows', 'step', `seconds (median of ${RUNS})`, 'range', `≤ ${TARGET_SECONDS} s`],
      rows,
      notes: [
        'The rendered CronJob container and restore init containers run natively (e2e/backups/pod-runner.ts) against MariaDB 10.11 / PostgreSQL 15 from Debian, restic 0.18.1 and SeaweedFS on 127.0.0.1; the first backup of each engine creates its repository, later ones deduplicate against it. Each figure is the whole pod: copying restic from the image, then the backup (with its retention run, forget --prune) or the restore into the wiped database.',
      ],
    },
  ];
}
