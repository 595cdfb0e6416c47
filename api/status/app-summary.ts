// Reduces an Argo CD Application (kilobytes of JSON) to the few facts the lifecycle needs, so the
// in-memory view of 10,000 stores stays small. Pure and tolerant of missing fields.
import type { Application, HealthStatusCode, OperationPhase, SyncStatusCode } from './argocd-types.ts';
import { BACKUP_NAMES } from '../../constructs/backup/backup.ts';

export const DEFAULT_STORE_LABEL = 'storefleet.dev/store';
/** The ApplicationSet names Applications `store-<name>` (argocd.md). */
export const APP_NAME_PREFIX = 'store-';

export interface ResourceProblem {
  kind: string;
  name: string;
  namespace?: string;
  /** Health status, or the sync result code for a resource that failed to apply. */
  status: string;
  message?: string;
}

export interface AppSummary {
  appName: string;
  storeName: string;
  /** Numeric Kubernetes resourceVersion as a string (Argo CD itself compares them with Atoi). */
  resourceVersion?: string;
  createdAt?: string;
  /** deletionTimestamp set: Argo CD is deleting the Application and (finalizer) its resources. */
  deleting: boolean;
  sync: { status: SyncStatusCode | 'Unknown'; revision?: string };
  health: { status: HealthStatusCode; message?: string; since?: string };
  operation?: {
    phase: OperationPhase;
    message?: string;
    /** Revision the operation synced (syncResult.revision) or asked for (operation.sync.revision). */
    revision?: string;
    startedAt?: string;
    finishedAt?: string;
    retryCount?: number;
    failedResources: ResourceProblem[];
  };
  /** Error conditions (type + message); warnings are left out. */
  errors: { type: string; message: string }[];
  /** Resources whose health is not Healthy (at most MAX_PROBLEMS), worst first; not the backup CronJob. */
  unhealthy: ResourceProblem[];
  /**
   * The store's backup CronJob when Argo CD reports it Degraded (its last run failed): a backup
   * warning, not a store failure (api/backups/), so it is kept apart from `unhealthy`.
   */
  backupFailed?: ResourceProblem;
  /**
   * The final-backup Jobs of a store being deleted (one per deletion mark, `final-backup-<hash>`),
   * as Argo CD judges their health (Healthy = complete); lifecycle.ts reads the current mark's.
   */
  finalBackups?: { name: string; health: string; message?: string }[];
  /** How many resources Argo CD found in the store's manifests (status.resources). */
  resourceCount: number;
  /** Deployment history, oldest first (Argo CD keeps the last 10 by default). */
  history: { revision?: string; deployedAt?: string }[];
  reconciledAt?: string;
}

const MAX_PROBLEMS = 5;
const MAX_MESSAGE = 500;
const ERROR_CONDITIONS = new Set(['ComparisonError', 'SyncError', 'InvalidSpecError', 'DeletionError', 'UnknownError']);
const HEALTH_RANK: Record<string, number> = { Degraded: 0, Missing: 1, Unknown: 2, Suspended: 3, Progressing: 4 };
const HEALTH_CODES = new Set(['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown']);
const SYNC_CODES = new Set(['Synced', 'OutOfSync', 'Unknown']);
const PHASES = new Set(['Running', 'Terminating', 'Failed', 'Error', 'Succeeded']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function clip(message: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}

/** Store name from the selector label, else from the `store-` name convention. */
export function storeNameOf(app: Application, labelKey = DEFAULT_STORE_LABEL): string | undefined {
  const label = str(app.metadata?.labels?.[labelKey]);
  if (label) return label;
  const name = str(app.metadata?.name);
  return name?.startsWith(APP_NAME_PREFIX) ? name.slice(APP_NAME_PREFIX.length) : name;
}

export function summarizeApplication(app: Application, labelKey = DEFAULT_STORE_LABEL): AppSummary | undefined {
  const appName = str(app?.metadata?.name);
  if (!appName) return undefined;
  const storeName = storeNameOf(app, labelKey) ?? appName;
  const status = app.status ?? {};
  const healthCode = str(status.health?.status);
  const syncCode = str(status.sync?.status);

  const unhealthy: ResourceProblem[] = [];
  let backupFailed: ResourceProblem | undefined;
  const finalBackups: NonNullable<AppSummary['finalBackups']> = [];
  for (const r of status.resources ?? []) {
    if (r?.kind === 'Job' && str(r.name)?.startsWith(`${BACKUP_NAMES.finalJob}-`) && !r.hook) {
      const h = str(r.health?.status);
      if (h) finalBackups.push({ name: str(r.name)!, health: h, ...(str(r.health?.message) ? { message: clip(str(r.health?.message)) } : {}) });
    }
    const h = str(r?.health?.status);
    if (!h || h === 'Healthy' || r.hook) continue;
    const problem = {
      kind: str(r.kind) ?? '?',
      name: str(r.name) ?? '?',
      namespace: str(r.namespace),
      status: h,
      message: clip(str(r.health?.message)),
    };
    if (problem.kind === 'CronJob' && problem.name === BACKUP_NAMES.cronJob && h === 'Degraded') backupFailed = problem;
    else unhealthy.push(problem);
  }
  unhealthy.sort((a, b) => (HEALTH_RANK[a.status] ?? 9) - (HEALTH_RANK[b.status] ?? 9));

  const op = status.operationState;
  let operation: AppSummary['operation'];
  if (op && PHASES.has(op.phase)) {
    const failedResources: ResourceProblem[] = [];
    for (const r of op.syncResult?.resources ?? []) {
      const failedHook = r.hookPhase === 'Failed' || r.hookPhase === 'Error';
      if (r.status !== 'SyncFailed' && !failedHook) continue;
      if (failedResources.length >= MAX_PROBLEMS) break;
      failedResources.push({
        kind: str(r.kind) ?? '?',
        name: str(r.name) ?? '?',
        namespace: str(r.namespace),
        status: failedHook ? `hook ${r.hookPhase}` : 'SyncFailed',
        message: clip(str(r.message)),
      });
    }
    operation = {
      phase: op.phase,
      message: clip(str(op.message)),
      revision: str(op.syncResult?.revision) ?? str(op.operation?.sync?.revision),
      startedAt: str(op.startedAt),
      finishedAt: str(op.finishedAt),
      retryCount: typeof op.retryCount === 'number' ? op.retryCount : undefined,
      failedResources,
    };
  }

  return {
    appName,
    storeName,
    resourceVersion: str(app.metadata.resourceVersion),
    createdAt: str(app.metadata.creationTimestamp),
    deleting: !!str(app.metadata.deletionTimestamp),
    sync: {
      status: syncCode && SYNC_CODES.has(syncCode) ? (syncCode as SyncStatusCode) : 'Unknown',
      revision: str(status.sync?.revision),
    },
    health: {
      status: healthCode && HEALTH_CODES.has(healthCode) ? (healthCode as HealthStatusCode) : 'Unknown',
      message: clip(str(status.health?.message)),
      since: str(status.health?.lastTransitionTime),
    },
    operation,
    errors: (status.conditions ?? [])
      .filter((c) => c && ERROR_CONDITIONS.has(c.type))
      .map((c) => ({ type: c.type, message: clip(str(c.message)) ?? '' })),
    unhealthy: unhealthy.slice(0, MAX_PROBLEMS),
    ...(backupFailed ? { backupFailed } : {}),
    ...(finalBackups.length ? { finalBackups } : {}),
    resourceCount: (status.resources ?? []).length,
    history: (status.history ?? []).map((h) => ({ revision: str(h?.revision), deployedAt: str(h?.deployedAt) })),
    reconciledAt: str(status.reconciledAt),
  };
}

/** Resource versions are decimal strings in Kubernetes' etcd3 storage; Argo CD compares them numerically. */
export function compareResourceVersions(a: string | undefined, b: string | undefined): number {
  const x = a === undefined ? NaN : Number(a);
  const y = b === undefined ? NaN : Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return 0;
  return x - y;
}
