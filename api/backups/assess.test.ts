import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import pino from 'pino';
import { assessBackups, failedBackupJob, restorableUntil } from './assess.ts';
import { BackupService, type StoreBackupFacts } from './service.ts';
import { BackupTargetError, type BackupListing, type BackupSnapshot } from './port.ts';

const snap = (time: string, kind: BackupSnapshot['kind'] = 'scheduled'): BackupSnapshot => ({ id: time, shortId: time.slice(0, 8), time, kind });
const daily = '17 3 * * *';

describe('assessBackups', () => {
  it('no warning while the last run that is past its grace period left a snapshot', () => {
    const a = assessBackups({ snapshots: [snap('2026-12-05T03:18:00.000Z')], schedule: daily, now: new Date('2026-12-05T12:00:00Z') });
    expect(a).toEqual({ lastSuccessAt: '2026-12-05T03:18:00.000Z' });
    // 04:00: today's run is still within its grace: yesterday's snapshot is enough.
    expect(assessBackups({ snapshots: [snap('2026-12-04T03:18:00.000Z')], schedule: daily, now: new Date('2026-12-05T04:00:00Z') }).warning).toBeUndefined();
  });

  it('warns from the first missed run once a run is overdue', () => {
    const a = assessBackups({ snapshots: [snap('2026-12-03T03:18:00.000Z'), snap('2026-12-01T03:18:00.000Z')], schedule: daily, now: new Date('2026-12-05T12:00:00Z') });
    expect(a.lastSuccessAt).toBe('2026-12-03T03:18:00.000Z');
    expect(a.warning).toEqual({ reason: expect.stringMatching(/^no backup since 2026-12-03T03:18:00.000Z/), since: '2026-12-04T03:17:00.000Z' });
  });

  it('a new store is not warned about runs before it existed; one that never backed up is', () => {
    expect(assessBackups({ snapshots: [], schedule: daily, now: new Date('2026-12-05T12:00:00Z'), lifetimeStart: '2026-12-05T08:00:00Z' }).warning).toBeUndefined();
    const a = assessBackups({ snapshots: [], schedule: daily, now: new Date('2026-12-07T12:00:00Z'), lifetimeStart: '2026-12-05T08:00:00Z' });
    expect(a.warning).toEqual({ reason: expect.stringMatching(/^no backup yet/), since: '2026-12-06T03:17:00.000Z' });
  });

  it('a failed backup Job after the last snapshot warns at once, with its message', () => {
    const failedJob = { name: 'backup-29412197', message: 'Job has reached the specified backoff limit', scheduledAt: '2026-12-05T03:17:00.000Z' };
    const a = assessBackups({ snapshots: [snap('2026-12-04T03:18:00.000Z')], schedule: daily, now: new Date('2026-12-05T04:00:00Z'), failedJob });
    expect(a.warning).toEqual({ reason: 'the latest scheduled backup failed (Job backup-29412197): Job has reached the specified backoff limit', since: '2026-12-05T03:17:00.000Z' });
    // A snapshot newer than the failed run (e.g. a manual backup) clears it.
    expect(assessBackups({ snapshots: [snap('2026-12-05T03:40:00.000Z', 'manual')], schedule: daily, now: new Date('2026-12-05T04:00:00Z'), failedJob }).warning).toBeUndefined();
  });
});

describe('failedBackupJob', () => {
  it('takes the newest Job of the backup CronJob and reports it only when Degraded', () => {
    const at = (min: number) => new Date(min * 60_000).toISOString();
    const resources = [
      { kind: 'CronJob', name: 'backup', health: 'Healthy' },
      { kind: 'Job', name: 'backup-29412000', health: 'Degraded', message: 'old failure', parent: 'CronJob/backup' },
      { kind: 'Job', name: 'backup-29412197', health: 'Degraded', message: 'BackoffLimitExceeded', parent: 'CronJob/backup' },
      { kind: 'Job', name: 'bootstrap', health: 'Degraded' },
    ];
    expect(failedBackupJob(resources, 'backup')).toEqual({ name: 'backup-29412197', message: 'BackoffLimitExceeded', scheduledAt: at(29412197) });
    const healed = [...resources, { kind: 'Job', name: 'backup-29413637', health: 'Healthy', parent: 'CronJob/backup' }];
    expect(failedBackupJob(healed, 'backup')).toBeUndefined();
    expect(failedBackupJob(undefined, 'backup')).toBeUndefined();
  });
});

describe('restorableUntil', () => {
  it('newest final snapshot + retention; else deletion + retention; nothing without snapshots', () => {
    const s = [snap('2026-12-01T00:00:00.000Z', 'final'), snap('2026-12-02T00:00:00.000Z', 'final'), snap('2026-12-03T00:00:00.000Z', 'scheduled')];
    expect(restorableUntil(s, 30, '2026-12-03T06:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(restorableUntil([snap('2026-12-03T00:00:00.000Z')], 7, '2026-12-04T00:00:00.000Z')).toBe('2026-12-11T00:00:00.000Z');
    expect(restorableUntil([snap('2026-12-03T00:00:00.000Z')], 7)).toBe('2026-12-10T00:00:00.000Z');
    expect(restorableUntil([], 30, '2026-12-04T00:00:00Z')).toBeUndefined();
  });
});

describe('BackupService', () => {
  const now = new Date('2026-12-05T12:00:00Z');
  const listings = new Map<string, BackupListing | Error>([
    ['fresh', { target: true, snapshots: [snap('2026-12-05T03:18:00.000Z')] }],
    ['stale', { target: true, snapshots: [snap('2026-12-01T03:18:00.000Z')] }],
    ['unreadable', new BackupTargetError('wrong-password', 'the repository password does not open the backups of store unreadable')],
    ['gone-kept', { target: true, snapshots: [snap('2026-12-04T10:00:00.000Z', 'final')] }],
    ['gone-expired', { target: true, snapshots: [snap('2026-10-01T10:00:00.000Z', 'final')] }],
  ]);
  const stores: StoreBackupFacts[] = [
    { name: 'fresh', plan: 'small', deleted: false },
    { name: 'stale', plan: 'small', deleted: false },
    { name: 'unreadable', plan: 'small', deleted: false },
    { name: 'gone-kept', plan: '', deleted: true, deletedAt: '2026-12-04T10:05:00Z' },
    { name: 'gone-expired', plan: '', deleted: true, deletedAt: '2026-10-01T10:05:00Z' },
  ];
  const make = () => {
    const forgotten: Array<[string, string[]]> = [];
    const registry = new Registry();
    const service = new BackupService({
      catalog: {
        list: async (name) => {
          const l = listings.get(name)!;
          if (l instanceof Error) throw l;
          return l;
        },
        forget: async (name, ids) => void forgotten.push([name, ids]),
      },
      policy: async () => ({ schedules: { small: daily }, finalRetentionDays: 30 }),
      stores: async () => stores,
      registry,
      log: pino({ level: 'silent' }),
      intervalMs: 0,
      now: () => now,
    });
    return { service, registry, forgotten };
  };

  it('the periodic check feeds list warnings, restorable-until, metrics and final-backup retention', async () => {
    const { service, registry, forgotten } = make();
    const v0 = service.version();
    await service.check();
    expect(service.version()).not.toBe(v0);
    expect(service.summaryOf('fresh')).toEqual({});
    expect(service.summaryOf('stale').backupWarning?.since).toBe('2026-12-02T03:17:00.000Z');
    expect(service.summaryOf('unreadable').backupWarning).toEqual({ reason: 'cannot check backups: the repository password does not open the backups of store unreadable', since: now.toISOString() });
    expect(service.summaryOf('gone-kept')).toEqual({ restorableUntil: '2027-01-03T10:00:00.000Z' });
    expect(forgotten).toEqual([['gone-expired', ['2026-10-01T10:00:00.000Z']]]);

    const text = await registry.metrics();
    expect(text).toContain('storefleet_store_last_backup_age_seconds{store="fresh"} 31320');
    expect(text).toContain('storefleet_store_last_backup_age_seconds{store="stale"} 376920');
    expect(text).not.toMatch(/last_backup_age_seconds\{store="gone-kept"\}/);
    expect(text).toContain('storefleet_store_backup_failing{store="stale"} 1');
    expect(text).toContain('storefleet_store_backup_failing{store="fresh"} 0');
    expect(text).toContain('storefleet_store_backup_failing{store="unreadable"} 1');

    // Unchanged answers keep the version (list answers stay cached).
    const v1 = service.version();
    await service.check();
    expect(service.version()).toBe(v1);
  });

  it('a backup CronJob the live status reports failed warns in the list, the metrics and the store answer', async () => {
    const failing = new Set(['fresh']);
    const registry = new Registry();
    const service = new BackupService({
      catalog: { list: async (name) => listings.get(name) as BackupListing },
      policy: async () => ({ schedules: { small: daily }, finalRetentionDays: 30 }),
      stores: async () => stores.slice(0, 2),
      registry,
      log: pino({ level: 'silent' }),
      intervalMs: 0,
      now: () => now,
      cronJobFailure: (name) => (failing.has(name) ? { message: 'CronJob has not completed its last execution successfully' } : undefined),
    });
    await service.check();
    const warning = { reason: 'the latest scheduled backup failed (CronJob backup): CronJob has not completed its last execution successfully', since: now.toISOString() };
    expect(service.summaryOf('fresh').backupWarning).toEqual(warning);
    expect(await registry.metrics()).toContain('storefleet_store_backup_failing{store="fresh"} 1');
    expect((await service.storeBackups(stores[0])).warning).toEqual(warning);
    // An overdue store keeps its own, older reason; a healed CronJob clears the warning at once.
    expect(service.summaryOf('stale').backupWarning?.reason).toMatch(/^no backup since/);
    failing.clear();
    expect(service.summaryOf('fresh')).toEqual({});
    expect(await registry.metrics()).toContain('storefleet_store_backup_failing{store="fresh"} 0');
  });

  it('one store\'s answer: snapshots, last success, warning; deleted: restorable until', async () => {
    const { service } = make();
    expect(await service.storeBackups(stores[1])).toEqual({
      target: true,
      backups: [snap('2026-12-01T03:18:00.000Z')],
      lastSuccessAt: '2026-12-01T03:18:00.000Z',
      warning: { reason: expect.stringMatching(/^no backup since/), since: '2026-12-02T03:17:00.000Z' },
    });
    expect(await service.storeBackups(stores[3])).toMatchObject({ target: true, restorableUntil: '2027-01-03T10:00:00.000Z' });
    await expect(service.storeBackups(stores[2])).rejects.toThrow(BackupTargetError);
  });
});
