// The two-phase delete wired into the real API (startServer, a real Git remote with a backup
// target in platform.yaml, HTTP on 127.0.0.1) against the local Argo CD stand-in: Delete marks the
// store; Argo CD reports the Job final-backup running, then complete → the API itself commits the
// folder's removal. A failed Job keeps the store `failed` until its owner deletes it again (a new
// mark, a new Job) or an admin forces the delete.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { finalBackupJobName } from '../../constructs/backup/backup.ts';
import { storeDir } from '../../generator/layout.ts';
import { withBackupTarget } from '../../generator/test/helpers.ts';
import { runGit } from '../git/exec.ts';
import type { RunningServer } from '../server.ts';
import { call, seededRemote, startApi, TOKENS, type Remote } from '../test-support/harness.ts';
import { editPlatformYaml } from '../test-support/transports.ts';
import type { HealthStatusCode, ResourceStatus } from './argocd-types.ts';
import { readyApp, variant } from './fixtures/applications.ts';
import { FAKE_ARGO_TOKEN, startFakeArgo, type FakeArgo } from './test-support/argocd-server.ts';

const WAIT = { timeout: 20_000, interval: 50 };
let argo: FakeArgo;
let api: RunningServer;
let remote: Remote;

beforeAll(async () => {
  argo = await startFakeArgo();
  remote = await seededRemote();
  await editPlatformYaml(remote, withBackupTarget);
  api = await startApi(remote.fileUrl, { STOREFLEET_ARGOCD_URL: argo.url, STOREFLEET_ARGOCD_TOKEN: FAKE_ARGO_TOKEN });
}, 60_000);
afterAll(async () => {
  await api?.close();
  await argo?.close();
});

/** Argo CD synced to `revision` with the Job final-backup-<hash of `mark`> in `health`. */
const withFinalBackup = (name: string, revision: string, mark: string, health: HealthStatusCode, message?: string) =>
  variant((a) => {
    a.status!.resources = [
      { version: 'v1', kind: 'Namespace', name: `store-${name}`, status: 'Synced', health: { status: 'Healthy' } },
      { group: 'batch', version: 'v1', kind: 'Job', namespace: `store-${name}`, name: finalBackupJobName(mark), status: 'Synced', health: { status: health, ...(message ? { message } : {}) } } as ResourceStatus,
    ];
    a.status!.health = { status: health };
  }, readyApp(name, revision));

/** A Delete's answer: the commit and the marked store.yaml. */
type Marked = { commit: string; store: { deleting: { requestedAt: string } } };
const deleteAs = async (name: string, token: string) => (await call(api.url, 'DELETE', `/api/stores/${name}`, { token })).body as unknown as Marked;

const statusOf = async (name: string) => {
  const list = await call(api.url, 'GET', '/api/stores', { token: TOKENS.admin });
  return (list.body.stores as { name: string; status: string; reason?: string }[]).find((s) => s.name === name);
};
const onMain = async (name: string) => (await runGit(remote.dir, ['ls-tree', '--name-only', 'main', `${storeDir(name)}/store.yaml`])).stdout.trim() !== '';

async function createReady(name: string): Promise<void> {
  const created = await call(api.url, 'POST', '/api/stores', { token: TOKENS.alice, body: { name, engine: 'woocommerce' } });
  expect(created.status).toBe(201);
  argo.put(readyApp(name, created.body.commit as string));
  await vi.waitFor(async () => expect((await statusOf(name))?.status).toBe('ready'), WAIT);
}

describe('final backup on delete, through the API and Argo CD', () => {
  it('Delete marks; once Argo CD reports the Job complete for the mark, the API removes the folder by itself', async () => {
    await createReady('going');
    expect((await call(api.url, 'GET', '/api/platform', { token: TOKENS.alice })).body.platform).toMatchObject({ backupTarget: true, finalBackupRetentionDays: 30 });
    const marked = await call(api.url, 'DELETE', '/api/stores/going', { token: TOKENS.alice });
    expect(marked.status).toBe(200);
    expect(marked.body.store).toMatchObject({ status: 'deleting', deleting: { by: 'alice' } });
    const mark = marked.body.commit as string;
    const requestedAt = (marked.body as unknown as Marked).store.deleting.requestedAt;
    expect(await onMain('going')).toBe(true);

    argo.put(withFinalBackup('going', mark, requestedAt, 'Progressing'));
    await vi.waitFor(async () => expect(await statusOf('going')).toMatchObject({ status: 'deleting', reason: `final backup: Job ${finalBackupJobName(requestedAt)} running` }), WAIT);
    expect(await onMain('going')).toBe(true);

    argo.put(withFinalBackup('going', mark, requestedAt, 'Healthy'));
    await vi.waitFor(async () => expect(await onMain('going')).toBe(false), WAIT);
    const removal = (await runGit(remote.dir, ['log', '-1', '--format=%B', 'main'])).stdout;
    expect(removal).toContain('Its final backup completed (Job final-backup).');
    expect(removal).toContain('Requested-by: alice');
  });

  it('a failed final backup keeps the store, failed with the reason; members cannot force, admins can', async () => {
    await createReady('kept');
    const marked = await deleteAs('kept', TOKENS.alice);
    argo.put(withFinalBackup('kept', marked.commit, marked.store.deleting.requestedAt, 'Degraded', 'Job has reached the specified backoff limit'));
    await vi.waitFor(async () => expect(await statusOf('kept')).toMatchObject({ status: 'failed', reason: expect.stringContaining('final backup failed: Job has reached the specified backoff limit; the store and its data are kept') }), WAIT);
    expect(await onMain('kept')).toBe(true);
    expect((await call(api.url, 'POST', '/api/stores/kept/force-delete', { token: TOKENS.alice, body: { confirm: 'kept' } })).status).toBe(403);
    expect((await call(api.url, 'POST', '/api/stores/kept/force-delete', { token: TOKENS.admin, body: { confirm: 'kept' } })).status).toBe(200);
    expect(await onMain('kept')).toBe(false);
    expect((await runGit(remote.dir, ['log', '-1', '--format=%B', 'main'])).stdout).toContain('Forced by an admin without a final backup');
  });

  it('the owner retries a failed final backup by deleting again: a new mark, a new Job; Argo CD reports the new Job', async () => {
    await createReady('retried');
    const first = await deleteAs('retried', TOKENS.alice);
    // Busy while the first final backup has not failed.
    argo.put(withFinalBackup('retried', first.commit, first.store.deleting.requestedAt, 'Progressing'));
    await vi.waitFor(async () => expect((await statusOf('retried'))?.status).toBe('deleting'), WAIT);
    expect((await call(api.url, 'DELETE', '/api/stores/retried', { token: TOKENS.alice })).status).toBe(409);
    argo.put(withFinalBackup('retried', first.commit, first.store.deleting.requestedAt, 'Degraded', 'Job has reached the specified backoff limit'));
    await vi.waitFor(async () => expect(await statusOf('retried')).toMatchObject({ status: 'failed', reason: expect.stringContaining('delete it again to retry the final backup') }), WAIT);

    // Marks have second resolution: the retry's mark is a later second (the rules refuse the same one).
    await vi.waitFor(() => expect(new Date().toISOString().slice(0, 19)).not.toBe(first.store.deleting.requestedAt.slice(0, 19)), WAIT);
    const again = await call(api.url, 'DELETE', '/api/stores/retried', { token: TOKENS.alice });
    expect(again.status).toBe(200);
    const requestedAt = (again.body as unknown as Marked).store.deleting.requestedAt;
    expect(requestedAt).not.toBe(first.store.deleting.requestedAt);
    const job = await runGit(remote.dir, ['show', `main:${storeDir('retried')}/manifests/job-${finalBackupJobName(requestedAt)}.yaml`]);
    expect(job.stdout).toContain(`name: ${finalBackupJobName(requestedAt)}`);
    expect(await onMain('retried')).toBe(true);

    // Argo CD now reports the new mark's Job: the store is `deleting` again, no longer `failed`.
    argo.put(withFinalBackup('retried', again.body.commit as string, requestedAt, 'Progressing'));
    await vi.waitFor(async () => expect(await statusOf('retried')).toMatchObject({ status: 'deleting', reason: `final backup: Job ${finalBackupJobName(requestedAt)} running` }), WAIT);
  });

  it('a store whose Application never synced successfully: its owner’s Delete removes it in one commit, without a final backup, and says why', async () => {
    const created = await call(api.url, 'POST', '/api/stores', { token: TOKENS.alice, body: { name: 'never', engine: 'woocommerce' } });
    expect(created.status).toBe(201);
    // Its PostSync smoke test failed: the sync Failed, so Argo CD recorded no history.
    argo.put(
      variant((a) => {
        a.status!.history = [];
        a.status!.operationState!.phase = 'Failed';
        a.status!.operationState!.message = 'one or more synchronization tasks completed unsuccessfully';
      }, readyApp('never', created.body.commit as string)),
    );
    await vi.waitFor(async () => expect((await statusOf('never'))?.status).toBe('failed'), WAIT);
    const detail = await call(api.url, 'GET', '/api/stores/never', { token: TOKENS.alice });
    expect(detail.body.argocd).toMatchObject({ neverSynced: true });

    const deleted = await call(api.url, 'DELETE', '/api/stores/never', { token: TOKENS.alice });
    expect(deleted.status).toBe(200);
    expect(deleted.body.notice).toContain('No final backup: the store never synced successfully');
    expect(await onMain('never')).toBe(false);
    expect((await runGit(remote.dir, ['log', '-1', '--format=%B', 'main'])).stdout).toContain('No final backup: the store never synced successfully');
  });
});
