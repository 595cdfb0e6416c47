// The two-phase delete wired into the real API (startServer, a real Git remote with a backup
// target in platform.yaml, HTTP on 127.0.0.1) against the local Argo CD stand-in: Delete marks the
// store; Argo CD reports the Job final-backup running, then complete → the API itself commits the
// folder's removal. A failed Job keeps the store `failed` until an admin forces the delete.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

/** Argo CD synced to `revision` with the Job final-backup in `health`. */
const withFinalBackup = (name: string, revision: string, health: HealthStatusCode, message?: string) =>
  variant((a) => {
    a.status!.resources = [
      { version: 'v1', kind: 'Namespace', name: `store-${name}`, status: 'Synced', health: { status: 'Healthy' } },
      { group: 'batch', version: 'v1', kind: 'Job', namespace: `store-${name}`, name: 'final-backup', status: 'Synced', health: { status: health, ...(message ? { message } : {}) } } as ResourceStatus,
    ];
    a.status!.health = { status: health };
  }, readyApp(name, revision));

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
    expect(await onMain('going')).toBe(true);

    argo.put(withFinalBackup('going', mark, 'Progressing'));
    await vi.waitFor(async () => expect(await statusOf('going')).toMatchObject({ status: 'deleting', reason: 'final backup: Job final-backup running' }), WAIT);
    expect(await onMain('going')).toBe(true);

    argo.put(withFinalBackup('going', mark, 'Healthy'));
    await vi.waitFor(async () => expect(await onMain('going')).toBe(false), WAIT);
    const removal = (await runGit(remote.dir, ['log', '-1', '--format=%B', 'main'])).stdout;
    expect(removal).toContain('Its final backup completed (Job final-backup).');
    expect(removal).toContain('Requested-by: alice');
  });

  it('a failed final backup keeps the store, failed with the reason; members cannot force, admins can', async () => {
    await createReady('kept');
    const mark = (await call(api.url, 'DELETE', '/api/stores/kept', { token: TOKENS.alice })).body.commit as string;
    argo.put(withFinalBackup('kept', mark, 'Degraded', 'Job has reached the specified backoff limit'));
    await vi.waitFor(async () => expect(await statusOf('kept')).toMatchObject({ status: 'failed', reason: expect.stringContaining('final backup failed: Job has reached the specified backoff limit; the store and its data are kept') }), WAIT);
    expect(await onMain('kept')).toBe(true);
    expect((await call(api.url, 'POST', '/api/stores/kept/force-delete', { token: TOKENS.alice, body: { confirm: 'kept' } })).status).toBe(403);
    expect((await call(api.url, 'POST', '/api/stores/kept/force-delete', { token: TOKENS.admin, body: { confirm: 'kept' } })).status).toBe(200);
    expect(await onMain('kept')).toBe(false);
    expect((await runGit(remote.dir, ['log', '-1', '--format=%B', 'main'])).stdout).toContain('Forced by an admin without a final backup');
  });
});
