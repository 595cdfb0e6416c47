// The API's backup catalog for real (npm run test:backups): snapshots made by the rendered backup
// CronJob's own command (scheduled, and the same script as manual and final Jobs run it) against
// SeaweedFS on 127.0.0.1 are listed by GET /api/stores/{name}/backups through restic, with their
// kinds and sizes; the metrics endpoint shows the newest backup's age; a wrong repository password
// is a clear error that names no secret; a deleted store says until when it restores with its data.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary } from '../cluster/lib/config.ts';
import { runGit } from '../../api/git/exec.ts';
import type { RunningServer } from '../../api/server.ts';
import { call, freePort, seededRemote, startApi, TOKENS, type Remote } from '../../api/test-support/harness.ts';
import type { BackupCredentials } from '../../api/backups/credentials.ts';
import type { StoreBackups, StoreSummary } from '../../contract/index.ts';
import pino from 'pino';
import { ResticCatalog } from '../../api/backups/restic-catalog.ts';
import { BackupService } from '../../api/backups/service.ts';
import { startRoundTrip, type RoundTrip } from './harness.ts';
import { platformTextWithBackupTarget } from './platform-target.ts';
import { expectSuccess } from './pod-runner.ts';
import { startS3Target, type S3Target } from './s3-target.ts';
import { seedOrders } from './seed.ts';

const STORE = 'rt-medusa'; // the round trip's store name for the medusa engine
let dir: string;
let s3: S3Target;
let remote: Remote;
let api: RunningServer;
let rt: RoundTrip;
const resticPassword = randomBytes(24).toString('base64url');

function credentialsFile(name: string, password: string): string {
  const f = join(dir, name);
  writeFileSync(f, `AWS_ACCESS_KEY_ID=${s3.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${s3.secretAccessKey}\nRESTIC_PASSWORD=${password}\n`, { mode: 0o600 });
  return f;
}

const apiEnv = (credentials: string) => ({
  STOREFLEET_BACKUP_CREDENTIALS_FILE: credentials,
  STOREFLEET_BACKUP_RESTIC_BIN: binary('restic'),
  STOREFLEET_BACKUP_CACHE_SECONDS: '0',
  STOREFLEET_BACKUP_CHECK_INTERVAL_SECONDS: '0',
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sf-catalog-'));
  s3 = await startS3Target({ dir: join(dir, 's3') });
  remote = await seededRemote(join(dir, 'remote'));
  // platform.yaml gets the backup target, the way an operator commits it.
  const work = join(dir, 'work');
  await runGit(dir, ['clone', '--quiet', remote.dir, work]);
  const text = readFileSync(join(work, 'platform.yaml'), 'utf8');
  const cert = readFileSync(join(work, 'sealing', 'cert.pem'), 'utf8');
  writeFileSync(join(work, 'platform.yaml'), platformTextWithBackupTarget(text, cert, s3, resticPassword));
  await runGit(work, ['-c', 'user.name=Operator', '-c', 'user.email=op@example.com', 'commit', '--quiet', '-am', 'platform.yaml: backup target']);
  await runGit(work, ['push', '--quiet', 'origin', 'HEAD:main']);
  api = await startApi(remote.fileUrl, apiEnv(credentialsFile('credentials', resticPassword)));
  const created = await call(api.url, 'POST', '/api/stores', { token: TOKENS.admin, body: { name: STORE, engine: 'medusa' } });
  expect(created.status).toBe(201);
  rt = await startRoundTrip('medusa', dir, s3, { resticPassword });
});

afterAll(async () => {
  await api?.close();
  await rt?.stop();
  await s3?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The API's restic catalog on this target, with the test's overrides. */
function catalogFor(o: { endpoint?: string; credentials?: Partial<BackupCredentials> } = {}): ResticCatalog {
  return new ResticCatalog({
    target: async () => ({ endpoint: o.endpoint ?? s3.endpoint, bucket: s3.bucket, region: s3.region, prefix: 'stores' }),
    credentials: { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, RESTIC_PASSWORD: resticPassword, ...o.credentials },
    restic: binary('restic'),
    cacheMs: 0,
    timeoutMs: 120_000,
    concurrency: 2,
  });
}

const backupsOf = async (base = api.url) => call(base, 'GET', `/api/stores/${STORE}/backups`, { token: TOKENS.admin });

/** The bytes of the dump a snapshot holds, read back with restic itself. */
function dumpBytes(id: string): number {
  const r = spawnSync(binary('restic'), ['dump', '--no-cache', id, `/${rt.db.database}.sql`], {
    env: { RESTIC_REPOSITORY: `s3:${s3.endpoint}/${s3.bucket}/stores/${STORE}`, RESTIC_PASSWORD: resticPassword, AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_DEFAULT_REGION: s3.region },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`restic dump failed: ${r.stderr}`);
  return r.stdout.length;
}

describe('the API backup catalog against SeaweedFS', () => {
  it('a store without a repository yet has no backups (not an error)', async () => {
    const r = await backupsOf();
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ target: true, backups: [] });
  });

  it('lists the snapshots of the rendered backup command newest first, with kinds and sizes', async () => {
    seedOrders(rt.db, 20);
    for (const kind of ['scheduled', 'manual', 'final'] as const) expectSuccess(await rt.backup(undefined, kind));
    const r = await backupsOf();
    expect(r.status).toBe(200);
    const body = r.body as unknown as StoreBackups;
    expect(body.target).toBe(true);
    expect(body.backups.map((b) => b.kind)).toEqual(['final', 'manual', 'scheduled']);
    // The same snapshots restic itself lists, newest first.
    const raw = rt.snapshots() as Array<{ id: string; time?: string }>;
    expect(new Set(body.backups.map((b) => b.id))).toEqual(new Set(raw.map((s) => s.id)));
    for (const b of body.backups) {
      expect(b.shortId).toBe(b.id.slice(0, 8));
      expect(b.sizeBytes).toBe(dumpBytes(b.id));
    }
    expect(body.backups[0].sizeBytes).toBeGreaterThan(1000);
    expect(body.lastSuccessAt).toBe(body.backups[0].time);
    expect(body.warning).toBeUndefined();
  });

  it('the metrics endpoint shows the newest backup\'s age and no failure', async () => {
    await api.context.backups!.check();
    const text = await (await fetch(`${api.url}/metrics`)).text();
    const age = Number(new RegExp(`^storefleet_store_last_backup_age_seconds\\{store="${STORE}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(600);
    expect(text).toContain(`storefleet_store_backup_failing{store="${STORE}"} 0`);
  });

  it('a wrong repository password is a clear error that names no secret, and a warning in list and metrics', async () => {
    const wrong = randomBytes(24).toString('base64url');
    const other = await startApi(remote.fileUrl, apiEnv(credentialsFile('wrong-credentials', wrong)));
    try {
      const r = await backupsOf(other.url);
      expect(r.status).toBe(503);
      expect(r.body.type).toMatch(/backup-target-unavailable$/);
      expect(r.body.detail).toBe(`the repository password does not open the backups of store ${STORE}: the API's RESTIC_PASSWORD differs from the one the backups were made with`);
      await other.context.backups!.check();
      const list = await call(other.url, 'GET', '/api/stores', { token: TOKENS.admin });
      const row = (list.body.stores as StoreSummary[]).find((s) => s.name === STORE)!;
      expect(row.status).toBe('committed'); // a warning, not a status change
      expect(row.backupWarning?.reason).toMatch(/^cannot check backups: the repository password does not open/);
      const metrics = await (await fetch(`${other.url}/metrics`)).text();
      expect(metrics).toContain(`storefleet_store_backup_failing{store="${STORE}"} 1`);
      const said = JSON.stringify(r.body) + JSON.stringify(list.body) + metrics;
      for (const secret of [wrong, resticPassword, s3.secretAccessKey, s3.accessKeyId]) expect(said).not.toContain(secret);
    } finally {
      await other.close();
    }
  });

  it('refused S3 credentials and an unreachable target are clear errors with the real restic, never "no backups"', async () => {
    const refused = catalogFor({ credentials: { AWS_SECRET_ACCESS_KEY: 'not-the-secret-key' } });
    for (const store of [STORE, 'no-such-store']) {
      const err = await refused.list(store).then(() => undefined, (e: Error) => e);
      expect(err?.message).toBe(`the backup target refused the API's S3 credentials for store ${store}: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the backup credentials file`);
    }
    const closed = await freePort(); // nothing listens there
    await expect(catalogFor({ endpoint: `http://127.0.0.1:${closed}` }).list(STORE)).rejects.toThrow(`the backup target is unreachable for store ${STORE}`);
  });

  it('a deleted store says until when it restores with its data (final backup + finalBackupRetentionDays)', async () => {
    expect((await call(api.url, 'DELETE', `/api/stores/${STORE}`, { token: TOKENS.admin })).status).toBe(200);
    const r = await backupsOf();
    expect(r.status).toBe(200);
    const body = r.body as unknown as StoreBackups;
    const final = body.backups.find((b) => b.kind === 'final')!;
    expect(body.restorableUntil).toBe(new Date(new Date(final.time).getTime() + 30 * 86_400_000).toISOString());
    await api.context.backups!.check();
    const list = await call(api.url, 'GET', '/api/stores?include=deleted', { token: TOKENS.admin });
    expect((list.body.stores as StoreSummary[]).find((s) => s.name === STORE)?.restorableUntil).toBe(body.restorableUntil);
  });

  it('forgets a deleted store\'s backups once its restorable-until date has passed, not before', async () => {
    const until = Date.parse(((await backupsOf()).body as unknown as StoreBackups).restorableUntil!);
    const catalog = catalogFor();
    let now = new Date(until - 60_000);
    const service = new BackupService({
      catalog,
      policy: async () => ({ schedules: {}, finalRetentionDays: 30 }),
      stores: async () => [{ name: STORE, plan: 'small', deleted: true }],
      log: pino({ level: 'silent' }),
      intervalMs: 0,
      now: () => now,
    });
    await service.check();
    expect(rt.snapshots()).toHaveLength(3);
    now = new Date(until + 60_000);
    await service.check();
    expect(rt.snapshots()).toEqual([]);
    const r = await backupsOf();
    expect(r.body).toEqual({ target: true, backups: [] });
  });
});
