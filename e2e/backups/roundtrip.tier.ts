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

  it('"Back up now": the rendered manual Job stores a snapshot tagged manual, which the scheduled retention keeps', async () => {
    const before = rt.snapshots();
    expectSuccess(logged(await rt.manualBackup('2026-12-05T12:00:00Z')));
    const manual = rt.snapshots().filter((s) => s.tags?.includes('manual'));
    expect(manual).toHaveLength(1);
    expect(manual[0]).toMatchObject({ hostname: rt.store, tags: ['manual'], paths: [`/${rt.db.database}.sql`] });
    expect(before.map((s) => s.id)).not.toContain(manual[0].id);
    // The scheduled backup applies the plan's retention to scheduled snapshots: never to the manual one.
    const scheduled = logged(await rt.backup());
    expect(logsOf(scheduled)).toMatch(/Applying Policy/);
    expect(rt.snapshots().filter((s) => s.tags?.includes('manual')).map((s) => s.id)).toEqual([manual[0].id]);
  });

  it('roll-back: the restore step replaces the live database with the chosen snapshot, once; a restart replaces nothing', async () => {
    const [snapshot] = rt.snapshots().filter((s) => s.tags?.includes('manual'));
    const atSnapshot = fingerprint(rt.db);
    // The shop goes on after the backup: a new order, and a table a later migration added.
    const change = (tag: string) =>
      engine === 'medusa'
        ? rt.db.sql(`INSERT INTO "order" (id, email, currency_code, status, created_at) VALUES ('order_${tag}', '${tag}@example.com', 'eur', 'pending', now())`)
        : rt.db.sql(`INSERT INTO wp_options (option_name, option_value) VALUES ('${tag}', 'yes')`);
    change('after_backup');
    rt.db.sql('CREATE TABLE added_later (id int PRIMARY KEY)');
    expect(fingerprint(rt.db)).not.toEqual(atSnapshot);

    const rollback = { snapshot: snapshot.id.slice(0, 8), requestedAt: '2026-12-05T13:00:00Z' };
    const runs = logged(await rt.restore({ rollback }));
    expect(expectSuccess(runs).stderr).toContain(`rolling database ${rt.db.database} (${rt.db.engine}) back to snapshot ${rollback.snapshot}`);
    expect(fingerprint(rt.db)).toEqual(atSnapshot);
    const tables = engine === 'medusa' ? "SELECT count(*) FROM pg_tables WHERE tablename = 'added_later'" : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'added_later'";
    expect(rt.db.sql(tables).trim()).toBe('0');

    // The pod restarts (same request): orders taken since the roll-back stay.
    change('after_rollback');
    const current = fingerprint(rt.db);
    const again = logged(await rt.restore({ rollback }));
    expect(expectSuccess(again).stderr).toContain('was applied before: nothing replaced');
    expect(fingerprint(rt.db)).toEqual(current);

    // A new request replaces again.
    const next = logged(await rt.restore({ rollback: { ...rollback, requestedAt: '2026-12-05T14:00:00Z' } }));
    expect(expectSuccess(next).stderr).toContain('rolling database');
    expect(fingerprint(rt.db)).toEqual(atSnapshot);
  });

  it('roll-back to a snapshot that does not exist fails before anything is dropped', async () => {
    const current = fingerprint(rt.db);
    const runs = logged(await rt.restore({ rollback: { snapshot: 'deadbeefdeadbeef', requestedAt: '2026-12-05T15:00:00Z' } }));
    expect(runs.at(-1)!.status).not.toBe(0);
    expect(runs.at(-1)!.stderr).toContain('snapshot deadbeefdeadbeef cannot be read from the store\'s repository: nothing replaced');
    expect(fingerprint(rt.db)).toEqual(current);
  });

  it('an empty database with a roll-back request (a store restored after deletion) loads the latest snapshot and records the request', async () => {
    const [manual] = rt.snapshots().filter((s) => s.tags?.includes('manual'));
    const rollback = { snapshot: manual.id, requestedAt: '2026-12-05T16:00:00Z' };
    const latest = fingerprint(rt.db);
    expectSuccess(logged(await rt.backup()));
    wipeDatabase(rt.db);
    expect(expectSuccess(logged(await rt.restore({ rollback }))).stderr).toMatch(/restored \d+ tables/);
    expect(fingerprint(rt.db)).toEqual(latest);
    expect(expectSuccess(logged(await rt.restore({ rollback }))).stderr).toContain('was applied before: nothing replaced');
  });

  it('the scheduled run forgets manual snapshots older than the manual retention (30 days) counted from now, never final ones', async () => {
    // A store whose newest manual backup is 29 days old: restic's --keep-within counts back from
    // the newest snapshot of the group, so a rule over manual snapshots alone would keep the
    // 40-day-old one too (it is within 30 days of the 29-day-old one).
    const kinds = (tag: string) => rt.snapshots().filter((s) => s.tags?.includes(tag)).map((s) => s.id);
    expectSuccess(logged(await rt.backup())); // the repository exists (also when this test runs alone)
    rt.forget(kinds('manual'));
    const day = 86_400_000;
    const now = Date.now();
    const oldManual = rt.addSnapshot('manual', new Date(now - 40 * day));
    const keptManual = rt.addSnapshot('manual', new Date(now - 29 * day));
    const oldFinal = rt.addSnapshot('final', new Date(now - 400 * day));
    const oldScheduled = rt.addSnapshot('scheduled', new Date(now - 40 * day));
    const finals = kinds('final');
    expect(finals).toContain(oldFinal);

    const runs = logged(await rt.backup());
    expectSuccess(runs);
    expect(logsOf(runs)).toMatch(/within 30d of the newest/);
    const after = rt.snapshots();
    const ids = after.map((s) => s.id);
    expect(ids).not.toContain(oldManual);
    expect(ids).toContain(keptManual);
    // Final snapshots are outside the scheduled run's rules; old scheduled ones follow the plan's keep-* alone.
    expect(kinds('final')).toEqual(finals);
    expect(ids).toContain(oldScheduled);
    // The snapshot of this run is there, and a backup just made by "Back up now" stays too.
    expect(after.filter((s) => s.tags?.includes('scheduled')).length).toBeGreaterThanOrEqual(2);
    expectSuccess(logged(await rt.manualBackup('2026-12-05T18:00:00Z')));
    const recent = kinds('manual').filter((id) => id !== keptManual);
    expect(recent).toHaveLength(1);
    expectSuccess(logged(await rt.backup()));
    expect(kinds('manual').sort()).toEqual([keptManual, ...recent].sort());
  });

  it('never prints a secret', () => {
    const logs = allLogs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of rt.secretValues()) expect(logs).not.toContain(secret);
  });
});
