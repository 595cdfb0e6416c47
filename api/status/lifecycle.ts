// The store lifecycle of architecture.md, derived (never stored) from Git facts, the store's Argo CD
// Application (or its absence), Argo CD's reachability and the clock. Pure: same input, same output.
// Every status but `ready` carries a reason a person can act on.
import { storeDir } from '../../generator/layout.ts';
import { BACKUP_NAMES, finalBackupJobName } from '../../constructs/backup/backup.ts';
import type { AppSummary, ResourceProblem } from './app-summary.ts';

/** The statuses: the API contract's one list (contract/statuses.ts). */
import { STATUSES, type StoreStatus } from '../../contract/statuses.ts';
export const LIFECYCLE_STATUSES = STATUSES;
export type LifecycleStatus = StoreStatus;

/** What Git says about one store (computed by the API's Git layer). */
export interface GitStoreFacts {
  name: string;
  /** The store's folder exists on the main branch now. */
  presentOnMain: boolean;
  /**
   * Latest commit on main touching the store's folder, found along the FIRST-PARENT chain
   * (`git log -1 --first-parent main -- stores/<shard>/<name>/`) so a merged pull request yields its merge commit.
   * For a deleted store: the deleting commit.
   */
  latestCommit?: { sha: string; committedAt: string };
  /** Owner from store.yaml: lets the events hub show members only their own stores. */
  owner?: string;
  /** An open pull request that adds the store (PR mode). */
  pullRequest?: { number?: number; url?: string; openedAt?: string };
  /** store.yaml `deleting` on main: marked for a two-phase delete, its final backup runs first. */
  deleting?: { requestedAt: string; by: string };
}

/** Argo CD as the status reader sees it right now. */
export type ArgoState =
  | { kind: 'connected' }
  /** No Argo CD configured (embedded default): stores stay `committed`. */
  | { kind: 'disabled' }
  /** Configured, first listing not finished yet. */
  | { kind: 'starting' }
  | { kind: 'unreachable'; reason: string };

/**
 * Does the commit Argo CD synced (`status.sync.revision`, the branch tip it compared) contain the
 * store's latest commit? Argo CD reports the tip of main, not the store's own commit, so equality
 * alone would leave every store but the last one written in `provisioning`. `undefined` = cannot tell.
 */
export type RevisionContains = (revision: string, commit: string) => boolean | undefined;

export interface LifecycleInput {
  git: GitStoreFacts;
  app: AppSummary | undefined;
  argo: ArgoState;
  now: Date;
  provisioningTimeoutMinutes: number;
  revisionContains?: RevisionContains;
}

export interface Lifecycle {
  status: LifecycleStatus;
  /** Set for every status but `ready`. */
  reason?: string;
  /** A marked store: its final backup as Argo CD reports it, for that mark (api/stores/rules.ts removalDue). */
  finalBackup?: { mark: string; state: 'pending' | 'complete' | 'failed' };
}

const short = (sha: string | undefined): string => (sha ? sha.slice(0, 7) : '?');

function describe(p: ResourceProblem): string {
  const what = `${p.kind} ${p.name}`;
  return p.message ? `${what}: ${p.message}` : `${what} is ${p.status}`;
}

function listProblems(problems: ResourceProblem[], max = 2): string {
  const shown = problems.slice(0, max).map(describe).join('; ');
  return problems.length > max ? `${shown}; and ${problems.length - max} more` : shown;
}

function includes(input: LifecycleInput, revision: string | undefined): boolean | undefined {
  const latest = input.git.latestCommit?.sha;
  if (!latest) return true; // nothing to compare against: any revision will do
  if (!revision) return false;
  if (revision === latest) return true;
  return input.revisionContains?.(revision, latest);
}

function minutesSince(iso: string | undefined, now: Date): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : (now.getTime() - t) / 60_000;
}

/**
 * The Application's health as the store's status sees it: a failed backup run (the backup
 * CronJob Degraded) is a backup warning (api/backups/), not a store failure, so when it is the
 * only Degraded resource the health is that of the rest (Argo CD aggregates the worst of all).
 */
function healthOf(app: AppSummary): AppSummary['health']['status'] {
  const h = app.health.status;
  if (h !== 'Degraded' || !app.backupFailed || app.unhealthy.some((p) => p.status === 'Degraded')) return h;
  const rest = app.unhealthy[0]?.status; // worst first
  return rest && ['Missing', 'Unknown', 'Suspended', 'Progressing'].includes(rest) ? (rest as AppSummary['health']['status']) : 'Healthy';
}

/** Why a present, connected store is not ready yet (undefined = it is ready). */
function notReadyReason(input: LifecycleInput, app: AppSummary): string | undefined {
  const latest = input.git.latestCommit?.sha;
  if (app.deleting) return `Argo CD is deleting Application ${app.appName} although ${storeDir(input.git.name)}/ is on main; the ApplicationSet should recreate it`;
  const synced = includes(input, app.sync.revision);
  const op = app.operation;
  if (op?.phase === 'Running') {
    const retry = op.retryCount ? ` (retry ${op.retryCount})` : '';
    return `sync of ${short(op.revision ?? latest)} running${retry}${op.message ? `: ${op.message}` : ''}`;
  }
  if (op?.phase === 'Terminating') return `sync operation is being terminated${op.message ? `: ${op.message}` : ''}`;
  if (app.sync.status !== 'Synced' || synced !== true) {
    if (!app.sync.revision) return `waiting for Argo CD to compare Application ${app.appName} with Git`;
    if (synced === true) return `${app.sync.status}: Argo CD has not applied ${short(latest)} yet`;
    if (synced === undefined) return `Argo CD compared ${short(app.sync.revision)}, which this API cannot relate to ${short(latest)} yet`;
    return `waiting for Argo CD to pick up ${short(latest)} (it has ${short(app.sync.revision)}, ${app.sync.status})`;
  }
  const h = healthOf(app);
  if (h !== 'Healthy') {
    const problems = app.unhealthy.filter((p) => p.status === h);
    const detail = problems.length ? listProblems(problems) : (app.health.message ?? '');
    if (h === 'Missing') return `resources not created yet${detail ? `: ${detail}` : ''}`;
    return `health ${h}${detail ? `: ${detail}` : ''}`;
  }
  if (!op) return 'no sync operation has run yet';
  if (op.phase !== 'Succeeded') return `last sync ${op.phase}`; // Failed/Error are handled as failures earlier
  return undefined;
}

/**
 * Answers of the cluster that no retry can change, only a new commit: the AppProject refusing a
 * kind or namespace, an admission policy (argocd/4x-*.yaml) or Pod Security denying an object,
 * another Application owning it (FailOnSharedResource), an object larger than Kubernetes stores.
 */
const REFUSALS = [
  /is not permitted in project/,
  /denied request/,
  /denied the request/,
  /violates PodSecurity/,
  /is part of (?:applications?|a different application)/i,
  /shared resource/i,
  /Too long: /, // "Too long: may not be more than 1048576 bytes" (a ConfigMap), annotation limits
];
const isRefusal = (message: string | undefined) => message !== undefined && REFUSALS.some((r) => r.test(message));

/** Why the cluster refused the store's last sync attempt, if it did (see REFUSALS). */
function refusal(op: NonNullable<AppSummary['operation']>): string | undefined {
  const refused = op.failedResources.filter((p) => isRefusal(p.message));
  if (refused.length) return listProblems(refused);
  return isRefusal(op.message) ? op.message : undefined;
}

/** A failure that needs a person now, before any timeout (undefined = none). */
function failure(input: LifecycleInput, app: AppSummary): string | undefined {
  const err = app.errors.find((e) => e.type !== 'DeletionError');
  if (err) return `${err.type}: ${err.message}`;
  const op = app.operation;
  // Argo CD keeps a failed automated sync in phase Running while it retries (with backoff, for up to
  // ~30 minutes): the last attempt did fail, so say so now, with Argo CD's words, instead of
  // "provisioning" until the provisioning timeout. A retry that succeeds turns it ready. A refusal
  // fails the same way every time, so it says that Git must change.
  if (op?.phase === 'Running' && op.retryCount && (op.revision ? includes(input, op.revision) : undefined) !== false) {
    const refused = refusal(op);
    if (refused) return `refused by the cluster (Git must change; retrying cannot help): ${refused}`;
    const resources = op.failedResources.length ? `; ${listProblems(op.failedResources)}` : '';
    return `sync failed, Argo CD retries (attempt ${op.retryCount})${op.message ? `: ${op.message}` : ''}${resources}`;
  }
  if (op && (op.phase === 'Failed' || op.phase === 'Error')) {
    // A failed sync of an older commit will be superseded by the sync of the latest one.
    if ((op.revision ? includes(input, op.revision) : undefined) !== false) {
      const resources = op.failedResources.length ? `; ${listProblems(op.failedResources)}` : '';
      return `sync ${op.phase.toLowerCase()}${op.message ? `: ${op.message}` : ''}${resources}`;
    }
  }
  // Every store renders at least its Namespace: a comparison that found nothing means Argo CD read
  // no manifest at all (manifests/ missing, emptied, or a symbolic link, which Argo CD does not follow).
  if (app.sync.status === 'Synced' && app.resourceCount === 0 && app.sync.revision && includes(input, app.sync.revision) === true) {
    return `Argo CD found nothing to apply in ${storeDir(input.git.name)}/manifests/ at ${short(app.sync.revision)} (missing, empty or a symbolic link?); run "storefleet check" on the repository`;
  }
  if (healthOf(app) === 'Degraded') {
    const degraded = app.unhealthy.filter((p) => p.status === 'Degraded');
    if (degraded.length) return `Degraded: ${listProblems(degraded)}`;
    return `Degraded${app.health.message ? `: ${app.health.message}` : ''} (see the resource tree)`;
  }
  return undefined;
}

/**
 * The Application without the final-backup Jobs of earlier marks: a retried store's failed Job
 * stays until Argo CD syncs the new mark (which prunes it); its Degraded is not this mark's failure.
 */
function withoutEarlierJobs(app: AppSummary, jobName: string): AppSummary {
  const earlier = (p: ResourceProblem) => p.kind === 'Job' && p.name.startsWith(`${BACKUP_NAMES.finalJob}-`) && p.name !== jobName;
  const unhealthy = app.unhealthy.filter((p) => !earlier(p));
  if (unhealthy.length === app.unhealthy.length) return app;
  if (app.health.status !== 'Degraded' || unhealthy.some((p) => p.status === 'Degraded') || app.backupFailed) return { ...app, unhealthy };
  return { ...app, unhealthy, health: { status: (unhealthy[0]?.status ?? 'Healthy') as AppSummary['health']['status'] } };
}

/**
 * A store marked `deleting` (two-phase delete): `deleting — final backup` while the Job runs,
 * done once Argo CD synced the mark (or later) and judges the Job final-backup Healthy (complete);
 * `failed` with the Job's reason when it failed or did not finish in time. Nothing is removed then.
 */
function finalBackupLifecycle(input: LifecycleInput, app: AppSummary | undefined, elapsed: number | undefined): Lifecycle {
  const mark = input.git.deleting!.requestedAt;
  const kept = 'the store and its data are kept (delete it again to retry the final backup; an admin can force the delete)';
  const failed = (reason: string): Lifecycle => ({ status: 'failed', reason, finalBackup: { mark, state: 'failed' } });
  const pending = (why: string): Lifecycle => {
    if (elapsed !== undefined && elapsed > input.provisioningTimeoutMinutes) {
      return failed(`final backup did not complete within ${input.provisioningTimeoutMinutes} minutes (${why}); ${kept}`);
    }
    return { status: 'deleting', reason: `final backup: ${why}`, finalBackup: { mark, state: 'pending' } };
  };
  if (!app) return pending(`Argo CD has no Application store-${input.git.name}`);
  // Applied: Argo CD compared the mark (or later) and its last sync of it succeeded. Not
  // "Synced": the apps' volumes carry Prune=false, so a marked store stays OutOfSync on them.
  const op = app.operation;
  const synced = includes(input, app.sync.revision) === true && op?.phase === 'Succeeded' && (op.revision ? includes(input, op.revision) : undefined) === true;
  // Only this mark's Job counts: a failed Job of an earlier mark (retried since) is being pruned.
  const jobName = finalBackupJobName(mark);
  const job = app.finalBackups?.find((j) => j.name === jobName);
  if (synced && job?.health === 'Healthy') return { status: 'deleting', reason: 'final backup: complete; removing the store folder', finalBackup: { mark, state: 'complete' } };
  if (job?.health === 'Degraded') return failed(`final backup failed: ${job.message ?? `Job ${jobName} failed`}; ${kept}`);
  const broken = failure(input, withoutEarlierJobs(app, jobName));
  if (broken) return failed(`final backup cannot run: ${broken}; ${kept}`);
  if (!synced) return pending(`waiting for Argo CD to apply the deletion mark ${short(input.git.latestCommit?.sha)}`);
  if (!job) return pending(`waiting for the Job ${jobName}`);
  return pending(job.health === 'Progressing' ? `Job ${jobName} running` : `Job ${jobName} ${job.health}${job.message ? `: ${job.message}` : ''}`);
}

export function computeLifecycle(input: LifecycleInput): Lifecycle {
  const { git, app, argo } = input;
  const appName = app?.appName ?? `store-${git.name}`;

  if (!git.presentOnMain) {
    if (git.pullRequest) {
      const pr = git.pullRequest.url ?? (git.pullRequest.number ? `#${git.pullRequest.number}` : 'a pull request');
      return { status: 'pending-review', reason: `waiting for review: ${pr} adds the store; it is provisioned once merged` };
    }
    if (argo.kind === 'disabled') return { status: 'deleted', reason: `removed from Git in ${short(git.latestCommit?.sha)}; restore by reverting that commit` };
    if (argo.kind !== 'connected') {
      const why = argo.kind === 'unreachable' ? `Argo CD unreachable: ${argo.reason}` : 'Argo CD not read yet';
      return { status: 'unknown', reason: `removed from Git; ${why}, so it is not known whether its resources are gone` };
    }
    if (app) {
      const blocked = app.errors.find((e) => e.type === 'DeletionError');
      if (blocked) return { status: 'deleting', reason: `deletion blocked: ${blocked.message}` };
      return {
        status: 'deleting',
        reason: app.deleting
          ? `Argo CD is deleting Application ${app.appName} and its resources`
          : `removed from Git; waiting for the ApplicationSet to delete Application ${app.appName}`,
      };
    }
    return { status: 'deleted', reason: `removed from Git in ${short(git.latestCommit?.sha)}; restore by reverting that commit` };
  }

  if (argo.kind === 'disabled') {
    if (git.deleting) return { status: 'deleting', reason: 'final backup: marked for deletion; no Argo CD is connected to this API to report the Job final-backup' };
    return { status: 'committed', reason: 'on main; no Argo CD is connected to this API, so it is not provisioned from here' };
  }
  if (argo.kind === 'unreachable') return { status: 'unknown', reason: `Argo CD unreachable: ${argo.reason}` };
  if (argo.kind === 'starting') return { status: 'unknown', reason: 'reading Argo CD (first listing not finished yet)' };

  const elapsed = minutesSince(git.latestCommit?.committedAt, input.now);
  if (git.deleting) return finalBackupLifecycle(input, app, elapsed);
  const overdue = elapsed !== undefined && elapsed > input.provisioningTimeoutMinutes;
  const timedOut = (why: string): Lifecycle => ({ status: 'failed', reason: `not ready after ${Math.floor(elapsed ?? 0)} minutes: ${why}` });

  if (!app) {
    const why = `Argo CD has no Application ${appName} yet (the ApplicationSet creates it once it sees ${storeDir(git.name)}/)`;
    return overdue ? timedOut(`${why}; check the ApplicationSet 'stores' and the webhook`) : { status: 'committed', reason: why };
  }

  const failed = failure(input, app);
  if (failed) return { status: 'failed', reason: failed };
  const pending = notReadyReason(input, app);
  if (pending === undefined) return { status: 'ready' };
  return overdue ? timedOut(pending) : { status: 'provisioning', reason: pending };
}
