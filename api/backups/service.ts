// The backups of every store as the API shows them: one store's answer (GET
// /api/stores/{name}/backups), and a periodic check of all stores that feeds the list's warnings,
// the Deleted list's "restorable until", the Prometheus gauges and the retention of final backups.
// The rules themselves are in assess.ts; snapshots come through the BackupCatalog port.
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { BackupWarning, StoreBackups } from '../../contract/index.ts';
import type { ResolvedPlatform } from '../../generator/platform.ts';
import { BACKUP_NAMES } from '../../constructs/backup/backup.ts';
import { assessBackups, failedBackupJob, nextRunAfter, restorableUntil } from './assess.ts';
import { BackupTargetError, type BackupCatalog, type BackupListing, type BackupSnapshot } from './port.ts';

/** What platform.yaml says about backups: each plan's schedule and the final backups' retention. */
export interface BackupPolicy {
  schedules: Record<string, string>;
  finalRetentionDays: number;
}

export function backupPolicyOf(platform: ResolvedPlatform | undefined): BackupPolicy | undefined {
  const cfg = platform?.config;
  if (!cfg?.backup) return undefined;
  const schedules: Record<string, string> = {};
  for (const [name, plan] of Object.entries(cfg.plans)) if (plan.backup) schedules[name] = plan.backup.schedule;
  return { schedules, finalRetentionDays: cfg.backup.finalBackupRetentionDays };
}

/** The Git facts about a store that its backups are judged by. */
export interface StoreBackupFacts {
  name: string;
  plan: string;
  deleted: boolean;
  /** When this lifetime began (create or restore commit). */
  lifetimeStart?: string;
  /** Deleted stores: the delete commit's time. */
  deletedAt?: string;
}

/** What the list shows of a store's backups (StoreSummary fields). */
export interface BackupSummary {
  backupWarning?: BackupWarning;
  restorableUntil?: string;
}

/** Expired final backups are forgotten with this (the restic implementation does it). */
export interface SnapshotForgetter {
  forget(store: string, ids: string[]): Promise<void>;
}

export interface BackupServiceOptions {
  catalog: BackupCatalog & Partial<SnapshotForgetter> & { invalidate?(store: string): void };
  /** Backup policy at the current tip (undefined: no backup target configured). */
  policy: () => Promise<BackupPolicy | undefined>;
  /** Every live and deleted store, for the periodic check. */
  stores: () => Promise<StoreBackupFacts[]>;
  registry?: Registry;
  log: Logger;
  /** Periodic check interval; 0 = no periodic check. */
  intervalMs: number;
  /** The store's backup CronJob failed its last run, as the live status says (Argo CD's CronJob health). */
  cronJobFailure?: (store: string) => { message?: string } | undefined;
  now?: () => Date;
}

interface Checked {
  summary: BackupSummary;
  lastSuccessAt?: string;
  deleted: boolean;
  /** The plan's schedule (live stores), to date a failure the live status reports. */
  schedule?: string;
  lifetimeStart?: string;
  /** A target error since when (kept across checks so `since` stays the first failure). */
  failingSince?: string;
}

export class BackupService {
  readonly #o: BackupServiceOptions;
  readonly #now: () => Date;
  #checked = new Map<string, Checked>();
  #version = 0;
  #timer?: NodeJS.Timeout;
  #running?: Promise<void>;

  constructor(o: BackupServiceOptions) {
    this.#o = o;
    this.#now = o.now ?? (() => new Date());
    if (o.registry) this.#registerMetrics(o.registry);
  }

  /** The answer of GET /api/stores/{name}/backups; `resources` is the store's live resource tree, if any. */
  async storeBackups(store: StoreBackupFacts, resources?: Parameters<typeof failedBackupJob>[0]): Promise<StoreBackups> {
    const [policy, listing] = await Promise.all([this.#o.policy(), this.#o.catalog.list(store.name)]);
    if (!listing.target || !policy) return { target: false, backups: [] };
    const judged = this.#judge(store, listing.snapshots, policy, true, resources);
    const { backupWarning, restorableUntil: until } = judged.summary;
    return {
      target: true,
      backups: listing.snapshots,
      ...(judged.lastSuccessAt ? { lastSuccessAt: judged.lastSuccessAt } : {}),
      ...(backupWarning ? { warning: backupWarning } : {}),
      ...(until ? { restorableUntil: until } : {}),
    };
  }

  /** The list's backup fields of a store: the last periodic check, and a failure the live status reports now. */
  summaryOf(name: string): BackupSummary {
    const c = this.#checked.get(name);
    if (!c || c.deleted || c.summary.backupWarning || !c.schedule) return c?.summary ?? {};
    const warning = this.#cronJobWarning(name, c.schedule, c.lastSuccessAt ?? c.lifetimeStart);
    return warning ? { ...c.summary, backupWarning: warning } : c.summary;
  }

  /**
   * The warning for a backup CronJob the live status reports failed. Argo CD does not say when:
   * since the first scheduled run after the last success (or the store's start).
   */
  #cronJobWarning(store: string, schedule: string, since: string | undefined): BackupWarning | undefined {
    const failed = this.#o.cronJobFailure?.(store);
    if (!failed) return undefined;
    const now = this.#now();
    const next = since ? nextRunAfter(schedule, since) : undefined;
    // A success newer than the failed run (a manual backup) would put it in the future: then "now".
    const scheduledAt = next && next <= now.toISOString() ? next : undefined;
    const failedJob = { kind: 'CronJob' as const, name: BACKUP_NAMES.cronJob, ...(failed.message ? { message: failed.message } : {}), ...(scheduledAt ? { scheduledAt } : {}) };
    return assessBackups({ snapshots: [], schedule, now, failedJob }).warning;
  }

  /** Changes whenever a summaryOf() answer may have changed (list answers are cached by it). */
  version(): number {
    return this.#version;
  }

  /**
   * The rules applied to one store. The periodic check leaves out what the live status says
   * (`live` false): summaryOf() adds that when asked, so a healed CronJob clears at once.
   */
  #judge(store: StoreBackupFacts, snapshots: BackupSnapshot[], policy: BackupPolicy, live: boolean, resources?: Parameters<typeof failedBackupJob>[0]): { summary: BackupSummary; lastSuccessAt?: string } {
    if (store.deleted) {
      const until = restorableUntil(snapshots, policy.finalRetentionDays, store.deletedAt);
      return { summary: until ? { restorableUntil: until } : {}, lastSuccessAt: snapshots[0]?.time };
    }
    const schedule = policy.schedules[store.plan];
    if (!schedule) return { summary: {}, lastSuccessAt: snapshots[0]?.time };
    const a = assessBackups({ snapshots, schedule, now: this.#now(), lifetimeStart: store.lifetimeStart, failedJob: failedBackupJob(resources, BACKUP_NAMES.cronJob) });
    // No failed Job in the resource tree (pruned, or no tree given), but the CronJob is Degraded.
    const warning = a.warning ?? (live ? this.#cronJobWarning(store.name, schedule, a.lastSuccessAt ?? store.lifetimeStart) : undefined);
    return { summary: warning ? { backupWarning: warning } : {}, lastSuccessAt: a.lastSuccessAt };
  }

  /** Checks every store once (and forgets final backups past their retention). */
  check(): Promise<void> {
    return (this.#running ??= this.#check().finally(() => (this.#running = undefined)));
  }

  async #check(): Promise<void> {
    const policy = await this.#o.policy();
    if (!policy) {
      if (this.#checked.size) this.#bump(new Map());
      return;
    }
    const stores = await this.#o.stores();
    const next = new Map<string, Checked>();
    let forgotten = 0;
    await Promise.all(
      stores.map(async (store) => {
        let listing: BackupListing;
        try {
          listing = await this.#o.catalog.list(store.name);
        } catch (err) {
          const prev = this.#checked.get(store.name);
          const since = prev?.failingSince ?? this.#now().toISOString();
          const reason = err instanceof BackupTargetError ? err.message : `listing backups failed: ${(err as Error).message}`;
          next.set(store.name, { deleted: store.deleted, lastSuccessAt: prev?.lastSuccessAt, failingSince: since, summary: store.deleted ? (prev?.summary ?? {}) : { backupWarning: { reason: `cannot check backups: ${reason}`, since } } });
          return;
        }
        if (!listing.target) return;
        const judged = this.#judge(store, listing.snapshots, policy, false);
        const schedule = store.deleted ? undefined : policy.schedules[store.plan];
        next.set(store.name, { deleted: store.deleted, lastSuccessAt: judged.lastSuccessAt, summary: judged.summary, ...(schedule ? { schedule } : {}), ...(store.lifetimeStart ? { lifetimeStart: store.lifetimeStart } : {}) });
        forgotten += await this.#expire(store, listing.snapshots, judged.summary.restorableUntil);
      }),
    );
    if (forgotten) this.#o.log.info({ snapshots: forgotten }, 'forgot backups of deleted stores past finalBackupRetentionDays');
    this.#bump(next);
  }

  /** A deleted store's snapshots are forgotten once it can no longer be restored with them. */
  async #expire(store: StoreBackupFacts, snapshots: BackupSnapshot[], until: string | undefined): Promise<number> {
    const forget = this.#o.catalog.forget?.bind(this.#o.catalog);
    if (!store.deleted || !until || !forget || until > this.#now().toISOString() || !snapshots.length) return 0;
    try {
      await forget(store.name, snapshots.map((s) => s.id));
      this.#o.catalog.invalidate?.(store.name);
      return snapshots.length;
    } catch (err) {
      this.#o.log.warn({ store: store.name, err: { message: (err as Error).message } }, 'forgetting expired backups failed; retried at the next check');
      return 0;
    }
  }

  #bump(next: Map<string, Checked>): void {
    const print = (m: Map<string, Checked>) => JSON.stringify([...m].map(([k, v]) => [k, v.summary]).sort());
    if (print(next) !== print(this.#checked)) this.#version++;
    this.#checked = next;
  }

  #registerMetrics(registry: Registry): void {
    const self = this;
    new Gauge({
      name: 'storefleet_store_last_backup_age_seconds',
      help: 'Seconds since the newest backup snapshot of each live store (stores without one are absent)',
      labelNames: ['store'] as const,
      registers: [registry],
      collect() {
        this.reset();
        const now = self.#now().getTime();
        for (const [store, c] of self.#checked) {
          if (!c.deleted && c.lastSuccessAt) this.set({ store }, Math.max(0, Math.round((now - new Date(c.lastSuccessAt).getTime()) / 1000)));
        }
      },
    });
    new Gauge({
      name: 'storefleet_store_backup_failing',
      help: 'Whether a live store\'s backups need attention (1: failed, overdue or unreadable; 0: fine)',
      labelNames: ['store'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [store, c] of self.#checked) if (!c.deleted) this.set({ store }, self.summaryOf(store).backupWarning ? 1 : 0);
      },
    });
  }

  start(): void {
    if (this.#o.intervalMs <= 0 || this.#timer) return;
    const tick = () => void this.check().catch((err: unknown) => this.#o.log.warn({ err: { message: (err as Error).message } }, 'backup check failed'));
    tick();
    this.#timer = setInterval(tick, this.#o.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }
}
