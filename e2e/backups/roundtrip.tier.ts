// The backup tier (npm run test:backups): the rendered backup CronJob and restore step run for
// real — their own commands, scripts and environment, read from the rendered objects — against
// PostgreSQL and MariaDB from Debian and a local S3 target (SeaweedFS), all on 127.0.0.1.
// Shop-shaped data goes in, is backed up, the database is wiped, the restore step brings it back.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSuccess, type ContainerRun } from './pod-runner.ts';
import { startS3Target, type S3Target } from './s3-target.ts';
import { ENGINE_DATABASES, startRoundTrip, type RoundTrip } from './harness.ts';
import { fingerprint, wipeDatabase } from './seed.ts';

const ORDERS = 50;
let dir: string;
let s3: S3Target;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sf-backups-'));
  s3 = await startS3Target({ dir: join(dir, 's3') });
});

afterAll(async () => {
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const logsOf = (runs: ContainerRun[]) => runs.map((r) => r.stdout + r.stderr).join('\n');

describe.each(['woocommerce', 'medusa'] as const)('backup round trip: %s', (engine) => {
  let rt: RoundTrip;
  const allLogs: string[] = [];
  const logged = (runs: ContainerRun[]) => (allLogs.push(logsOf(runs)), runs);

  beforeAll(async () => {
    rt = await startRoundTrip(engine, dir, s3);
  });
  afterAll(async () => {
    await rt?.stop();
  });

  it('the restore step on a new store without backups leaves the database empty and succeeds', async () => {
    const runs = logged(await rt.restore());
    expect(expectSuccess(runs).stderr).toContain('no backup repository yet: the store starts empty');
  });

  let before: Record<string, string>;
  it('backs up with the rendered CronJob, and restores every row into the wiped database', async () => {
    ENGINE_DATABASES[engine].seed(rt.db, ORDERS);
    before = fingerprint(rt.db);
    expectSuccess(logged(await rt.backup()));
    const snaps = rt.snapshots();
    expect(snaps).toHaveLength(1);
    expect(snaps[0]).toMatchObject({ hostname: rt.store, tags: ['scheduled'], paths: [`/${rt.db.database}.sql`] });

    wipeDatabase(rt.db);
    expect(() => fingerprint(rt.db)).toThrow(); // the tables are gone
    const restore = logged(await rt.restore());
    expect(expectSuccess(restore).stderr).toMatch(/restored \d+ tables/);
    expect(fingerprint(rt.db)).toEqual(before);
  });

  it('keeps key sequences: the next row gets the next number', () => {
    if (engine === 'medusa') {
      const next = rt.db.sql(`INSERT INTO "order" (id, email, currency_code, status, created_at) VALUES ('order_next', 'n@example.com', 'eur', 'pending', now()) RETURNING display_id`);
      expect(Number(next.trim().split('\n')[0])).toBe(ORDERS + 1);
    } else {
      rt.db.sql(`INSERT INTO wp_options (option_name, option_value) VALUES ('after_restore', 'yes')`);
      expect(rt.db.sql(`SELECT option_id FROM wp_options WHERE option_name = 'after_restore'`).trim()).toBe('5');
    }
  });

  it('the restore step leaves a database that has tables alone', async () => {
    const current = fingerprint(rt.db);
    const runs = logged(await rt.restore());
    expect(expectSuccess(runs).stderr).toMatch(/has \d+ tables: nothing to restore/);
    expect(fingerprint(rt.db)).toEqual(current);
  });

  it('restores a chosen snapshot rather than the latest', async () => {
    const [first] = rt.snapshots();
    expectSuccess(logged(await rt.backup())); // now with the row added after the restore
    expect(rt.snapshots()).toHaveLength(2);
    wipeDatabase(rt.db);
    expectSuccess(logged(await rt.restore({ restoreSnapshot: first.id })));
    expect(fingerprint(rt.db)).toEqual(before);
  });

  it('a snapshot that cannot be read fails the restore step instead of starting the store empty', async () => {
    const current = fingerprint(rt.db);
    wipeDatabase(rt.db);
    const runs = logged(await rt.restore({ restoreSnapshot: 'deadbeef' }));
    expect(runs.at(-1)!.status).not.toBe(0);
    expect(runs.at(-1)!.stderr).toContain('reading snapshot deadbeef failed');
    // Put the data back as it was (the first snapshot) for the tests that follow.
    expectSuccess(logged(await rt.restore({ restoreSnapshot: rt.snapshots()[0].id })));
    expect(fingerprint(rt.db)).toEqual(current);
  });

  it('a failing dump fails the backup and stores no snapshot', async () => {
    const count = rt.snapshots().length;
    const runs = logged(await rt.backup({ [rt.passwordSecret]: 'not-the-password' }));
    expect(runs.at(-1)!.status).not.toBe(0);
    expect(rt.snapshots()).toHaveLength(count);
  });

  it('a wrong repository password fails and says so', async () => {
    const wrong = randomBytes(12).toString('hex');
    const runs = logged(await rt.backup({ 'backup-target/RESTIC_PASSWORD': wrong }));
    expect(runs.at(-1)!.status).not.toBe(0);
    expect(runs.at(-1)!.stderr).toContain('cannot open the backup repository');
    expect(runs.at(-1)!.stderr).not.toContain(wrong);
  });

  it('never prints a secret', () => {
    const logs = allLogs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of rt.secretValues()) expect(logs).not.toContain(secret);
  });
});
