// Domain rules of a store's backups, pure: when its backups need attention (a warning, never a
// status change) and until when a deleted store can be restored with its data.
import { Cron } from 'croner';
import type { BackupSnapshot, BackupWarning } from './port.ts';

/**
 * How long after a scheduled run its snapshot may still be missing: the CronJob may start up to
 * an hour late (startingDeadlineSeconds) and a dump takes time. After that the run counts as missed.
 */
export const SCHEDULE_GRACE_MS = 2 * 3600_000;

/** A failed backup Job as Argo CD's resource tree shows it. */
export interface FailedBackupJob {
  /** Default Job; the CronJob when only its health says its last run failed. */
  kind?: 'Job' | 'CronJob';
  name: string;
  message?: string;
  /** When the run was scheduled (from the CronJob's job name), if known. */
  scheduledAt?: string;
}

export interface BackupAssessment {
  lastSuccessAt?: string;
  warning?: BackupWarning;
}

/** The newest snapshot that counts as a successful backup of the running store. */
function newest(snapshots: BackupSnapshot[]): BackupSnapshot | undefined {
  return snapshots.reduce<BackupSnapshot | undefined>((a, s) => (!a || s.time > a.time ? s : a), undefined);
}

/**
 * A live store's backups: a warning when the latest backup Job failed (with its message), or when
 * no snapshot exists since the last scheduled run that is past its grace period. `since` is the
 * first run that went without a snapshot. `lifetimeStart` (create or restore commit) keeps a new
 * store from being warned about runs before it existed.
 */
export function assessBackups(o: { snapshots: BackupSnapshot[]; schedule: string; now: Date; lifetimeStart?: string; failedJob?: FailedBackupJob }): BackupAssessment {
  const last = newest(o.snapshots);
  const out: BackupAssessment = last ? { lastSuccessAt: last.time } : {};
  const failedAfterLast = o.failedJob && (!last || !o.failedJob.scheduledAt || o.failedJob.scheduledAt > last.time);
  if (o.failedJob && failedAfterLast) {
    out.warning = {
      reason: `the latest scheduled backup failed (${o.failedJob.kind ?? 'Job'} ${o.failedJob.name})${o.failedJob.message ? `: ${o.failedJob.message}` : ''}`,
      since: o.failedJob.scheduledAt ?? last?.time ?? o.now.toISOString(),
    };
    return out;
  }
  const cron = new Cron(o.schedule, { timezone: 'Etc/UTC', paused: true });
  // The last run that is past its grace period must have left a snapshot.
  const due = cron.previousRuns(1, new Date(o.now.getTime() - SCHEDULE_GRACE_MS))[0];
  const since = [last?.time, o.lifetimeStart].filter((t): t is string => Boolean(t)).sort().at(-1);
  if (!due || (since && due.toISOString() <= since)) return out;
  // The first run after the last snapshot (or the store's start) is when backups stopped.
  const firstMissed = since ? (cron.nextRun(new Date(since)) ?? due) : due;
  out.warning = {
    reason: last
      ? `no backup since ${last.time}: the scheduled backup (${o.schedule} UTC) has not succeeded since then`
      : `no backup yet: the scheduled backup (${o.schedule} UTC) has not succeeded since the store started`,
    since: firstMissed.toISOString(),
  };
  return out;
}

/** The first run of `schedule` (UTC) after `time`. */
export function nextRunAfter(schedule: string, time: string): string | undefined {
  return new Cron(schedule, { timezone: 'Etc/UTC', paused: true }).nextRun(new Date(time))?.toISOString();
}

/**
 * Until when a deleted store restores with its data: the newest final snapshot's time plus
 * finalBackupRetentionDays. Without a final snapshot (deleted before final backups existed, or
 * forced) the newest snapshot counts, kept from the deletion on for the same period: the store's
 * CronJob, which applied the scheduled retention, is gone with its namespace, so the platform's
 * final retention governs every snapshot a deleted store left. No snapshot: nothing to restore.
 */
export function restorableUntil(snapshots: BackupSnapshot[], retentionDays: number, deletedAt?: string): string | undefined {
  const final = newest(snapshots.filter((s) => s.kind === 'final'));
  const start = final?.time ?? (snapshots.length ? (deletedAt ?? newest(snapshots)!.time) : undefined);
  if (!start) return undefined;
  return new Date(new Date(start).getTime() + retentionDays * 86_400_000).toISOString();
}

/**
 * The failed backup Job in a store's resource tree: the newest Job of the backup CronJob, if
 * Argo CD reports it Degraded. CronJob job names end in the scheduled time in minutes since the epoch.
 */
export function failedBackupJob(resources: Array<{ kind: string; name: string; health?: string; message?: string; parent?: string }> | undefined, cronJob: string): FailedBackupJob | undefined {
  const jobs = (resources ?? [])
    .filter((r) => r.kind === 'Job' && r.name.startsWith(`${cronJob}-`) && (!r.parent || r.parent === `CronJob/${cronJob}`))
    .map((r) => ({ r, minutes: Number(r.name.slice(cronJob.length + 1)) }))
    .sort((a, b) => (Number.isFinite(b.minutes) ? b.minutes : 0) - (Number.isFinite(a.minutes) ? a.minutes : 0));
  const latest = jobs[0];
  if (!latest || latest.r.health !== 'Degraded') return undefined;
  return {
    name: latest.r.name,
    ...(latest.r.message ? { message: latest.r.message } : {}),
    ...(Number.isFinite(latest.minutes) && latest.minutes > 0 ? { scheduledAt: new Date(latest.minutes * 60_000).toISOString() } : {}),
  };
}
