import { describe, expect, it } from 'vitest';
import { summarizeApplication } from './app-summary.ts';
import type { Application, ResourceStatus } from './argocd-types.ts';
import { fixtures, SHA_OLD, SHA_STORE, SHA_TIP, variant } from './fixtures/applications.ts';
import { computeLifecycle, LIFECYCLE_STATUSES, type ArgoState, type GitStoreFacts, type LifecycleStatus } from './lifecycle.ts';
import { finalBackupJobName } from '../../constructs/backup/backup.ts';

const NOW = new Date('2026-11-23T10:10:00Z');
const COMMITTED_5_MIN_AGO = '2026-11-23T10:05:00Z';
const COMMITTED_30_MIN_AGO = '2026-11-23T09:40:00Z';
const ORDER = [SHA_OLD, SHA_STORE, SHA_TIP];
/** First-parent order of main: a later commit contains the earlier ones. */
const revisionContains = (rev: string, commit: string) => {
  const r = ORDER.indexOf(rev);
  const c = ORDER.indexOf(commit);
  return r < 0 || c < 0 ? undefined : r >= c;
};

const onMain = (committedAt = COMMITTED_5_MIN_AGO): GitStoreFacts => ({ name: 'acme', presentOnMain: true, latestCommit: { sha: SHA_STORE, committedAt } });
const removed: GitStoreFacts = { name: 'acme', presentOnMain: false, latestCommit: { sha: SHA_TIP, committedAt: COMMITTED_5_MIN_AGO } };
const inReview: GitStoreFacts = { name: 'acme', presentOnMain: false, pullRequest: { number: 7, url: 'https://github.com/o/r/pull/7' } };
const CONNECTED: ArgoState = { kind: 'connected' };
const DOWN: ArgoState = { kind: 'unreachable', reason: 'connect ECONNREFUSED 127.0.0.1:8080' };

interface Row {
  name: string;
  git: GitStoreFacts;
  app?: Application;
  argo?: ArgoState;
  status: LifecycleStatus;
  /** Substrings the reason must contain (the actionable part). */
  reason?: string[];
}

const rows: Row[] = [
  // pending-review
  { name: 'PR adds the store, not merged', git: inReview, status: 'pending-review', reason: ['pull/7'] },
  { name: 'PR open while Argo CD is down is still pending-review (Git-only fact)', git: inReview, argo: DOWN, status: 'pending-review' },
  // committed
  { name: 'on main, no Application yet', git: onMain(), status: 'committed', reason: ['no Application store-acme'] },
  { name: 'on main, no Argo CD configured', git: onMain(COMMITTED_30_MIN_AGO), argo: { kind: 'disabled' }, status: 'committed', reason: ['no Argo CD'] },
  // provisioning
  { name: 'fresh Application, never compared', git: onMain(), app: fixtures.fresh, status: 'provisioning', reason: ['compare'] },
  { name: 'synced + Healthy, but to an older commit', git: onMain(), app: fixtures.syncedToOlderCommit, status: 'provisioning', reason: ['2222222', '1111111'] },
  { name: 'sync operation running', git: onMain(), app: fixtures.syncing, status: 'provisioning', reason: ['running', 'Deployment/wordpress'] },
  { name: 'Ingress Progressing', git: onMain(), app: fixtures.progressingIngress, status: 'provisioning', reason: ['Progressing', 'Ingress storefront'] },
  { name: 'Missing (nothing created yet)', git: onMain(), app: fixtures.missing, status: 'provisioning' },
  { name: 'synced but a resource Missing', git: onMain(), app: fixtures.syncedMissing, status: 'provisioning', reason: ['not created', 'Service wordpress'] },
  { name: 'Suspended', git: onMain(), app: fixtures.suspended, status: 'provisioning', reason: ['Suspended', 'Deployment wordpress', 'paused'] },
  { name: 'health Unknown', git: onMain(), app: fixtures.healthUnknown, status: 'provisioning', reason: ['Unknown'] },
  { name: 'failed op of an OLDER commit does not fail the new commit', git: onMain(), app: fixtures.failedOlderOp, status: 'provisioning', reason: ['2222222'] },
  { name: 'Application deleted by someone while the folder is on main', git: onMain(), app: fixtures.deletionInProgress, status: 'provisioning', reason: ['deleting'] },
  { name: 'no commit index: equal SHA is enough', git: onMain(), app: fixtures.ready, status: 'ready' },
  // ready
  { name: 'synced to the latest commit, Healthy, Succeeded', git: onMain(), app: fixtures.ready, status: 'ready' },
  { name: 'synced to a newer tip that contains the store commit', git: onMain(), app: fixtures.syncedToNewerTip, status: 'ready' },
  { name: 'warning conditions do not block ready', git: onMain(), app: fixtures.orphanWarning, status: 'ready' },
  { name: 'a failed backup run (backup CronJob Degraded) is a warning, not a failure', git: onMain(), app: fixtures.backupFailed, status: 'ready' },
  { name: 'ready stays ready long after the timeout', git: onMain(COMMITTED_30_MIN_AGO), app: fixtures.ready, status: 'ready' },
  // failed
  { name: 'retrying a sync an admission policy denied: failed at once', git: onMain(), app: fixtures.refusedByAdmission, status: 'failed', reason: ['refused by the cluster', 'ConfigMap planted', 'denied request'] },
  { name: 'retrying a sync the project refused: failed at once', git: onMain(), app: fixtures.refusedByProject, status: 'failed', reason: ['refused by the cluster', 'ClusterRoleBinding hx-admin', 'not permitted in project stores'] },
  { name: 'Synced with no resources at all: Argo CD read no manifest', git: onMain(), app: fixtures.nothingToApply, status: 'failed', reason: ['found nothing to apply', 'manifests/', 'storefleet check'] },
  { name: 'auto-sync retrying after a failed attempt (Argo CD keeps phase Running)', git: onMain(), app: fixtures.retrying, status: 'failed', reason: ['attempt 2', 'failed to apply'] },
  { name: 'Degraded names the failing resource', git: onMain(), app: fixtures.degraded, status: 'failed', reason: ['Deployment wordpress', 'progress deadline'] },
  { name: 'a failed backup run does not hide a Degraded Deployment', git: onMain(), app: fixtures.backupFailedAndDegraded, status: 'failed', reason: ['Deployment wordpress', 'progress deadline'] },
  { name: 'Healthy but last operation Failed', git: onMain(), app: fixtures.healthyLastOpFailed, status: 'failed', reason: ['sync failed', 'Job smoke-test', 'backoff limit'] },
  { name: 'sync Error without a result or revision', git: onMain(), app: fixtures.failedNoResult, status: 'failed', reason: ['sync error', 'could not find the requested resource'] },
  { name: 'SyncError condition', git: onMain(), app: fixtures.syncError, status: 'failed', reason: ['SyncError', 'not permitted in project stores'] },
  { name: 'ComparisonError condition', git: onMain(), app: fixtures.comparisonError, status: 'failed', reason: ['ComparisonError', 'app path does not exist'] },
  { name: 'timeout: still Progressing after the provisioning timeout', git: onMain(COMMITTED_30_MIN_AGO), app: fixtures.progressingIngress, status: 'failed', reason: ['not ready after 30 minutes', 'Ingress storefront'] },
  { name: 'timeout: Suspended after the timeout', git: onMain(COMMITTED_30_MIN_AGO), app: fixtures.suspended, status: 'failed', reason: ['not ready after 30 minutes', 'Suspended'] },
  { name: 'timeout: no Application after the timeout', git: onMain(COMMITTED_30_MIN_AGO), status: 'failed', reason: ['not ready after 30 minutes', 'ApplicationSet'] },
  { name: 'timeout: synced to an older commit after the timeout', git: onMain(COMMITTED_30_MIN_AGO), app: fixtures.syncedToOlderCommit, status: 'failed', reason: ['not ready after 30 minutes', '2222222'] },
  // deleting
  { name: 'folder gone, Application still there', git: removed, app: fixtures.ready, status: 'deleting', reason: ['ApplicationSet'] },
  { name: 'folder gone, deletion in progress', git: removed, app: fixtures.deletionInProgress, status: 'deleting', reason: ['deleting Application store-acme'] },
  { name: 'folder gone, deletion blocked', git: removed, app: fixtures.deletionBlocked, status: 'deleting', reason: ['deletion blocked', 'forbidden'] },
  // deleted
  { name: 'gone from Git and Argo CD', git: removed, status: 'deleted', reason: ['3333333', 'revert'] },
  { name: 'gone from Git, no Argo CD configured', git: removed, argo: { kind: 'disabled' }, status: 'deleted' },
  // unknown
  { name: 'Argo CD unreachable', git: onMain(), app: fixtures.ready, argo: DOWN, status: 'unknown', reason: ['Argo CD unreachable', 'ECONNREFUSED'] },
  { name: 'Argo CD unreachable, store removed from Git', git: removed, argo: DOWN, status: 'unknown', reason: ['removed from Git', 'ECONNREFUSED'] },
  { name: 'Argo CD not read yet', git: onMain(), argo: { kind: 'starting' }, status: 'unknown', reason: ['first listing'] },
];

describe('computeLifecycle (architecture.md lifecycle table)', () => {
  it.each(rows)('$name → $status', (row) => {
    const app = row.app ? summarizeApplication(row.app) : undefined;
    const contains = row.name === 'no commit index: equal SHA is enough' ? undefined : revisionContains;
    const out = computeLifecycle({ git: row.git, app, argo: row.argo ?? CONNECTED, now: NOW, provisioningTimeoutMinutes: 20, revisionContains: contains });
    expect(out.status).toBe(row.status);
    if (row.status === 'ready') expect(out.reason).toBeUndefined();
    else expect(out.reason, 'every non-ready status carries a reason').toMatch(/\S/);
    for (const part of row.reason ?? []) expect(out.reason).toContain(part);
  });

  it('covers every status of the table', () => {
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(LIFECYCLE_STATUSES));
  });

  it('cannot relate an unknown revision: stays provisioning instead of claiming ready', () => {
    const app = summarizeApplication(fixtures.syncedToNewerTip);
    const out = computeLifecycle({ git: onMain(), app, argo: CONNECTED, now: NOW, provisioningTimeoutMinutes: 20 });
    expect(out.status).toBe('provisioning');
    expect(out.reason).toContain('3333333');
  });

  it('the timeout boundary: exactly at the timeout is not yet failed', () => {
    const app = summarizeApplication(fixtures.progressingIngress);
    const at = (minutes: number) =>
      computeLifecycle({ git: onMain(COMMITTED_5_MIN_AGO), app, argo: CONNECTED, now: new Date(Date.parse(COMMITTED_5_MIN_AGO) + minutes * 60_000), provisioningTimeoutMinutes: 20, revisionContains });
    expect(at(20).status).toBe('provisioning');
    expect(at(20.5).status).toBe('failed');
  });

  it('tolerates garbage in the Application payload', () => {
    const junk = { metadata: { name: 'store-acme' }, status: { health: { status: 'Weird' }, sync: { status: 42 }, operationState: { phase: 'Nope' }, conditions: [null] } } as unknown as Application;
    const app = summarizeApplication(junk);
    expect(app?.health.status).toBe('Unknown');
    const out = computeLifecycle({ git: onMain(), app, argo: CONNECTED, now: NOW, provisioningTimeoutMinutes: 20, revisionContains });
    expect(out.status).toBe('provisioning');
  });
});

describe('a store marked `deleting` (two-phase delete): its final backup', () => {
  const MARK = '2026-11-23T10:05:00Z';
  const marked = (committedAt = COMMITTED_5_MIN_AGO): GitStoreFacts => ({ ...onMain(committedAt), deleting: { requestedAt: MARK, by: 'alice' } });
  /** Argo CD synced to `revision`, with the Job final-backup in `health` (none: not created yet). */
  const withJob = (health?: string, message?: string, revision = SHA_STORE, sync: 'Synced' | 'OutOfSync' = 'Synced', jobName?: string) =>
    variant((a) => {
      a.status!.sync = { status: sync, revision };
      a.status!.operationState!.syncResult!.revision = revision;
      a.status!.resources = [
        { version: 'v1', kind: 'Namespace', name: 'store-acme', status: 'Synced', health: { status: 'Healthy' } },
        ...(health ? [{ group: 'batch', version: 'v1', kind: 'Job', namespace: 'store-acme', name: jobName ?? finalBackupJobName(MARK), status: 'Synced' as const, health: { status: health, ...(message ? { message } : {}) } } as ResourceStatus] : []),
      ];
      a.status!.health = { status: health === 'Degraded' ? 'Degraded' : health === 'Healthy' ? 'Healthy' : 'Progressing' };
    });
  const at = (git: GitStoreFacts, app?: Application, argo: ArgoState = CONNECTED) =>
    computeLifecycle({ git, app: app && summarizeApplication(app), argo, now: NOW, provisioningTimeoutMinutes: 20, revisionContains });

  it.each([
    ['Job running', marked(), withJob('Progressing'), 'deleting', 'pending', ['final backup', 'running']],
    ['Job not created yet', marked(), withJob(), 'deleting', 'pending', ['final backup', `waiting for the Job ${finalBackupJobName(MARK)}`]],
    ['Argo CD has not applied the mark', marked(), withJob('Healthy', undefined, SHA_OLD), 'deleting', 'pending', ['final backup', 'deletion mark 2222222']],
    ['Job complete, synced to the mark', marked(), withJob('Healthy'), 'deleting', 'complete', ['final backup: complete']],
    ['Job complete, synced to a later tip', marked(), withJob('Healthy', undefined, SHA_TIP), 'deleting', 'complete', ['complete']],
    // The apps' volumes are Prune=false: the marked store stays OutOfSync on them for good.
    ['Job complete, OutOfSync only on what Argo CD does not prune', marked(), withJob('Healthy', undefined, SHA_STORE, 'OutOfSync'), 'deleting', 'complete', ['complete']],
    ['Job failed', marked(), withJob('Degraded', 'Job has reached the specified backoff limit'), 'failed', 'failed', ['final backup failed: Job has reached the specified backoff limit', 'the store and its data are kept']],
    ['Job still running after the provisioning timeout', marked(COMMITTED_30_MIN_AGO), withJob('Progressing'), 'failed', 'failed', ['final backup did not complete within 20 minutes', 'the store and its data are kept']],
    // Retried (a new mark): the failed Job of the earlier mark is not this mark's outcome.
    ['only an earlier mark’s Job, failed', marked(), withJob('Degraded', 'backoff limit', SHA_STORE, 'Synced', finalBackupJobName('2026-11-23T09:00:00Z')), 'deleting', 'pending', ['waiting for the Job final-backup-']],
    ['no Application after the timeout', marked(COMMITTED_30_MIN_AGO), undefined, 'failed', 'failed', ['did not complete within 20 minutes']],
  ] as const)('%s → %s', (_what, git, app, status, state, reason) => {
    const out = at(git, app);
    expect(out.status).toBe(status);
    expect(out.finalBackup).toEqual({ mark: MARK, state });
    for (const part of reason) expect(out.reason).toContain(part);
  });

  it('a healthy final-backup Job of an unmarked store is just a resource (no final backup state)', () => {
    expect(at(onMain(), withJob('Healthy')).finalBackup).toBeUndefined();
  });

  it('without Argo CD the mark shows as deleting, with why nothing reports the Job', () => {
    expect(at(marked(), undefined, { kind: 'disabled' })).toMatchObject({ status: 'deleting', reason: expect.stringContaining('no Argo CD') });
  });
});
