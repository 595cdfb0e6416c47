// One contract, both Git transports: the same requests against the direct transport (a real Git
// remote) and the pull-request transport (the GitHub stand-in over the same kind of remote) get
// the same answers. What one allows the other allows; what one refuses the other refuses, with
// the same problem type. Only the form of an accepted change differs (a commit on the branch, or a
// pull request waiting for review).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, TOKENS } from '../test-support/harness.ts';
import { editPlatformYaml, startTransport, type TransportKind, type TransportSetup } from '../test-support/transports.ts';
import { runGit } from '../git/exec.ts';
import { storeDir } from '../../generator/layout.ts';
import { withBackupTarget } from '../../generator/test/helpers.ts';
import { StoreNotDeleting } from './errors.ts';
import { StoreService } from './service.ts';
import { finalBackupJobName } from '../../constructs/backup/backup.ts';

const problem = (slug: string) => expect.objectContaining({ type: `https://storefleet.dev/problems/${slug}` });

describe.each<TransportKind>(['direct', 'pull-request'])('transport contract: %s', (kind) => {
  let t: TransportSetup;
  beforeAll(async () => {
    t = await startTransport(kind, async (direct, remote) => {
      await editPlatformYaml(remote, (text) => withBackupTarget(text.replace('storesPerOwner: 5', 'storesPerOwner: 4')));
      await direct.context.mirror.fetch();
      const seed = async (token: string, method: string, path: string, body?: unknown) => {
        const r = await call(direct.url, method, path, { token, body });
        expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
      };
      await seed(TOKENS.alice, 'POST', '/api/stores', { name: 'seed-alice', engine: 'medusa' });
      await seed(TOKENS.bob, 'POST', '/api/stores', { name: 'seed-bob', engine: 'medusa' });
      await seed(TOKENS.alice, 'POST', '/api/stores', { name: 'gone-alice', engine: 'woocommerce', displayName: 'Gone' });
      await seed(TOKENS.alice, 'DELETE', '/api/stores/gone-alice');
      await seed(TOKENS.bob, 'POST', '/api/stores', { name: 'bk-bob', engine: 'woocommerce' });
      await seed(TOKENS.admin, 'POST', '/api/stores', { name: 'rb-root', engine: 'medusa' });
    });
  }, 120_000);
  afterAll(() => t?.close());

  const as = (token: string, method: string, path: string, opts: { body?: unknown; key?: string } = {}) =>
    call(t.api.url, method, path, { token, body: opts.body, headers: opts.key ? { 'idempotency-key': opts.key } : {} });
  const accepted = (r: Awaited<ReturnType<typeof as>>) => {
    expect(r.body.commit).toMatch(/^[0-9a-f]{40}$/);
    if (kind === 'pull-request') expect(r.body.pullRequest).toMatch(/\/pull\/\d+$/);
    else expect(r.body.pullRequest).toBeUndefined();
  };

  it('create: accepted for a free name, owned by the requester', async () => {
    const r = await as(TOKENS.alice, 'POST', '/api/stores', { body: { name: 'c-one', engine: 'medusa' } });
    expect(r.status).toBe(201);
    accepted(r);
    expect(r.body.store).toMatchObject({ name: 'c-one', owner: 'alice', engine: 'medusa' });
    expect((r.body.adminLogin as { password: string }).password.length).toBeGreaterThan(10);
  });

  it('create: a name on the branch, or one just accepted, is taken (409)', async () => {
    expect(await as(TOKENS.alice, 'POST', '/api/stores', { body: { name: 'seed-bob', engine: 'medusa' } })).toMatchObject({ status: 409, body: problem('store-exists') });
    expect(await as(TOKENS.bob, 'POST', '/api/stores', { body: { name: 'c-one', engine: 'medusa' } })).toMatchObject({ status: 409, body: problem('store-exists') });
  });

  it('create: an invalid request is refused with field errors (400) and changes nothing', async () => {
    const r = await as(TOKENS.alice, 'POST', '/api/stores', { body: { name: 'Bad Name', engine: 'medusa' } });
    expect(r).toMatchObject({ status: 400, body: problem('validation') });
    expect((r.body.errors as { field: string }[]).map((e) => e.field)).toContain('name');
  });

  it("delete and restore: someone else's store is not found (404)", async () => {
    expect(await as(TOKENS.alice, 'DELETE', '/api/stores/seed-bob')).toMatchObject({ status: 404, body: problem('store-not-found') });
    expect(await as(TOKENS.alice, 'DELETE', '/api/stores/no-such-store')).toMatchObject({ status: 404, body: problem('store-not-found') });
    expect(await as(TOKENS.bob, 'POST', '/api/stores/gone-alice/restore')).toMatchObject({ status: 404, body: problem('store-not-found') });
  });

  it('restore: a store on the branch has nothing to restore (409)', async () => {
    expect(await as(TOKENS.alice, 'POST', '/api/stores/seed-alice/restore')).toMatchObject({ status: 409, body: problem('store-exists') });
  });

  it('limits: stores accepted (on the branch or waiting for review) count; restore counts too; admins have none', async () => {
    // alice: seed-alice + c-one; the limit is 4.
    const third = await as(TOKENS.alice, 'POST', '/api/stores', { body: { name: 'c-two', engine: 'medusa' } });
    expect(third.status).toBe(201);
    const restored = await as(TOKENS.alice, 'POST', '/api/stores/gone-alice/restore');
    expect(restored.status).toBe(201);
    accepted(restored);
    expect(restored.body.store).toMatchObject({ name: 'gone-alice', owner: 'alice', displayName: 'Gone' });
    expect(await as(TOKENS.alice, 'POST', '/api/stores', { body: { name: 'c-three', engine: 'medusa' } })).toMatchObject({ status: 403, body: problem('store-limit') });
    expect((await as(TOKENS.admin, 'POST', '/api/stores', { body: { name: 'c-big', engine: 'medusa' } })).status).toBe(201);
  });

  it('idempotency: the same key and request replays the first answer; another request with it is 422', async () => {
    const body = { name: 'c-keyed', engine: 'woocommerce' };
    const first = await as(TOKENS.bob, 'POST', '/api/stores', { body, key: 'contract-key' });
    expect(first.status).toBe(201);
    const again = await as(TOKENS.bob, 'POST', '/api/stores', { body, key: 'contract-key' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.commit).toBe(first.body.commit);
    expect(again.body.pullRequest).toBe(first.body.pullRequest);
    expect(again.body.adminLogin).toBeUndefined();
    expect(await as(TOKENS.bob, 'POST', '/api/stores', { body: { ...body, displayName: 'Other' }, key: 'contract-key' })).toMatchObject({ status: 422, body: problem('idempotency-key-reused') });
    expect(await as(TOKENS.bob, 'DELETE', '/api/stores/seed-bob', { key: 'contract-key' })).toMatchObject({ status: 422, body: problem('idempotency-key-reused') });
    // Another user's key space is their own.
    expect((await as(TOKENS.admin, 'POST', '/api/stores', { body: { name: 'c-keyed-2', engine: 'medusa' }, key: 'contract-key' })).status).toBe(201);
  });

  it('"Back up now": the owner commits a manual-backup request (202), replayed under its key; others do not find the store', async () => {
    expect(await as(TOKENS.alice, 'POST', '/api/stores/bk-bob/backups')).toMatchObject({ status: 404, body: problem('store-not-found') });
    const r = await as(TOKENS.bob, 'POST', '/api/stores/bk-bob/backups', { key: 'backup-key' });
    expect(r.status).toBe(202);
    accepted(r);
    expect(r.body.store).toMatchObject({ name: 'bk-bob', owner: 'bob', manualBackup: { by: 'bob', requestedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) } });
    const again = await as(TOKENS.bob, 'POST', '/api/stores/bk-bob/backups', { key: 'backup-key' });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.commit).toBe(r.body.commit);
    expect(await as(TOKENS.bob, 'DELETE', '/api/stores/bk-bob', { key: 'backup-key' })).toMatchObject({ status: 422, body: problem('idempotency-key-reused') });
  });

  it('roll-back: admins only, with the store name typed again and a snapshot ID; then the request is committed (202)', async () => {
    const rollback = (token: string, store: string, snapshot: string, body: unknown) => as(token, 'POST', `/api/stores/${store}/backups/${snapshot}/restore`, { body });
    expect(await rollback(TOKENS.bob, 'bk-bob', '4f2a9c1e', { confirm: 'bk-bob' })).toMatchObject({ status: 403, body: problem('forbidden') });
    expect(await rollback(TOKENS.alice, 'rb-root', '4f2a9c1e', { confirm: 'rb-root' })).toMatchObject({ status: 404, body: problem('store-not-found') });
    const wrong = await rollback(TOKENS.admin, 'rb-root', '4f2a9c1e', { confirm: 'rb-root ' });
    expect(wrong).toMatchObject({ status: 400, body: problem('validation') });
    expect(wrong.body.errors).toEqual([{ field: 'confirm', reason: 'type the store\'s name "rb-root" to confirm: its current data will be overwritten with the backup' }]);
    const malformed = await rollback(TOKENS.admin, 'rb-root', 'latest', { confirm: 'rb-root' });
    expect(malformed).toMatchObject({ status: 400, body: problem('validation') });
    expect((malformed.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['snapshot']);
    expect(await rollback(TOKENS.admin, 'rb-root', '4f2a9c1e', {})).toMatchObject({ status: 400, body: problem('validation') });
    const r = await rollback(TOKENS.admin, 'rb-root', '4f2a9c1e', { confirm: 'rb-root' });
    expect(r.status).toBe(202);
    accepted(r);
    expect(r.body.store).toMatchObject({ name: 'rb-root', rollback: { snapshot: '4f2a9c1e', by: 'admin' } });
  });

  it("delete: the owner's store on the branch is accepted", async () => {
    const r = await as(TOKENS.bob, 'DELETE', '/api/stores/seed-bob');
    expect(r.status).toBe(200);
    accepted(r);
  });
});

// The two-phase delete (platform.yaml with a backup target, an API that follows Argo CD): the same
// requests through both transports. Direct mode commits on main; pull-request mode opens pull
// requests with the same trees (read from the stand-in's recorded requests).
describe.each<TransportKind>(['direct', 'pull-request'])('transport contract, final backup on delete: %s', (kind) => {
  let t: TransportSetup;
  const seeded: { premark?: string; marks: Record<string, string> } = { marks: {} };
  const dirOf = (name: string) => storeDir(name);
  beforeAll(async () => {
    t = await startTransport(kind, async (direct, remote) => {
      await editPlatformYaml(remote, withBackupTarget);
      await direct.context.mirror.fetch();
      const seed = async (token: string, method: string, path: string, body?: unknown) => expect((await call(direct.url, method, path, { token, body })).status).toBeLessThan(300);
      for (const name of ['fb-a', 'fb-b', 'fb-c', 'fb-gone']) await seed(TOKENS.alice, 'POST', '/api/stores', { name, engine: 'woocommerce' });
      seeded.premark = (await runGit(remote.dir, ['rev-parse', `main:${dirOf('fb-gone')}`])).stdout.trim();
      // Marked on main as an API that follows Argo CD marks them; fb-gone also removed after its final backup.
      const twoPhase = new StoreService(direct.context.stores.transport, { finalBackups: true });
      const alice = { requester: { id: 'alice', role: 'member' as const, name: 'Alice', email: 'alice@example.com' } };
      for (const name of ['fb-b', 'fb-c', 'fb-gone']) seeded.marks[name] = (await twoPhase.delete(name, alice)).spec!.deleting!.requestedAt;
      await twoPhase.removeAfterFinalBackup('fb-gone', seeded.marks['fb-gone']);
    }, { finalBackups: true });
  }, 120_000);
  afterAll(() => t?.close());

  const as = (token: string, method: string, path: string, body?: unknown) => call(t.api.url, method, path, { token, body });
  const show = async (path: string) => (await runGit(t.remote.dir, ['show', `main:${path}`], { okCodes: [0, 128] })).stdout;
  /** The tree entries of the last pull request opened (pull-request mode). */
  const lastTree = () => [...t.gh!.requests].reverse().find((r) => r.operationId === 'git/create-tree')!.requestBody as { tree: { path: string; sha?: string | null; content?: string }[] };
  const lastPull = () => [...t.gh!.requests].reverse().find((r) => r.operationId === 'pulls/create')!.requestBody as { head: string; title: string };

  it('Delete marks the store: store.yaml `deleting`, only the database and the Job final-backup rendered', async () => {
    const r = await as(TOKENS.alice, 'DELETE', '/api/stores/fb-a');
    expect(r.status).toBe(200);
    expect(r.body.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(r.body.store).toMatchObject({ name: 'fb-a', deleting: { by: 'alice' } });
    const manifests = `${dirOf('fb-a')}/manifests`;
    const job = `job-${finalBackupJobName((r.body.store as { deleting: { requestedAt: string } }).deleting.requestedAt)}.yaml`;
    if (kind === 'direct') {
      expect(await show(`${dirOf('fb-a')}/store.yaml`)).toMatch(/deleting:\n  requestedAt: "[^"]+"\n  by: "alice"/);
      const files = (await runGit(t.remote.dir, ['ls-tree', '--name-only', `main:${manifests}`])).stdout;
      expect(files).toContain(job);
      expect(files).not.toContain('deployment-wordpress.yaml');
      expect(files).not.toContain('cronjob-backup.yaml');
    } else {
      expect(lastPull()).toMatchObject({ head: 'storefleet/delete-fb-a', title: 'Delete store fb-a: final backup first' });
      const tree = lastTree().tree;
      expect(tree.find((e) => e.path === `${dirOf('fb-a')}/store.yaml`)?.content).toMatch(/deleting:\n  requestedAt: "[^"]+"\n  by: "alice"/);
      expect(tree.find((e) => e.path === `${manifests}/deployment-wordpress.yaml`)).toMatchObject({ sha: null });
      expect(tree.find((e) => e.path === `${manifests}/${job}`)?.content).toContain('value: final');
    }
  });

  it('a marked store: Delete again is 409; force delete is for admins, with the name typed, of marked stores only', async () => {
    expect(await as(TOKENS.alice, 'DELETE', '/api/stores/fb-b')).toMatchObject({ status: 409, body: problem('store-busy') });
    const member = await as(TOKENS.alice, 'POST', '/api/stores/fb-b/force-delete', { confirm: 'fb-b' });
    expect(member).toMatchObject({ status: 403, body: problem('forbidden') });
    expect(String(member.body.detail)).toMatch(/Only an admin can force a delete/);
    const typo = await as(TOKENS.admin, 'POST', '/api/stores/fb-b/force-delete', { confirm: 'fb-' });
    expect(typo).toMatchObject({ status: 400, body: problem('validation') });
    expect(JSON.stringify(typo.body.errors)).toContain('its data will be lost');
    expect(await as(TOKENS.admin, 'POST', '/api/stores/seed-nope/force-delete', { confirm: 'seed-nope' })).toMatchObject({ status: 404 });
    const forced = await as(TOKENS.admin, 'POST', '/api/stores/fb-b/force-delete', { confirm: 'fb-b' });
    expect(forced.status).toBe(200);
    if (kind === 'direct') expect(await show(`${dirOf('fb-b')}/store.yaml`)).toBe('');
    else expect(lastPull().head).toBe('storefleet/force-delete-fb-b');
  });

  it('phase 2 removes the folder for the mark whose backup completed; another mark removes nothing', async () => {
    const stores = t.api.context.stores;
    await expect(stores.removeAfterFinalBackup('fb-c', '2020-01-01T00:00:00Z')).rejects.toBeInstanceOf(StoreNotDeleting);
    const r = await stores.removeAfterFinalBackup('fb-c', seeded.marks['fb-c']);
    expect(r.commit).toMatch(/^[0-9a-f]{40}$/);
    if (kind === 'direct') {
      expect(await show(`${dirOf('fb-c')}/store.yaml`)).toBe('');
      const log = (await runGit(t.remote.dir, ['log', '-1', '--format=%B', 'main'])).stdout;
      expect(log).toContain('Its final backup completed (Job final-backup).');
      expect(log).toContain('Requested-by: alice');
    } else {
      expect(r.pullRequest).toMatch(/\/pull\/\d+$/);
      expect(lastPull().head).toBe('storefleet/remove-fb-c');
      expect(lastTree().tree.every((e) => e.sha === null && e.path.startsWith(`${dirOf('fb-c')}/`))).toBe(true);
    }
  });

  it('restore brings back the lifetime before the mark, not the marked tree', async () => {
    const r = await as(TOKENS.alice, 'POST', '/api/stores/fb-gone/restore');
    expect(r.status).toBe(201);
    expect(r.body.store).not.toHaveProperty('deleting');
    if (kind === 'direct') {
      expect((await runGit(t.remote.dir, ['rev-parse', `main:${dirOf('fb-gone')}`])).stdout.trim()).toBe(seeded.premark);
      expect((await runGit(t.remote.dir, ['log', '-1', '--format=%B', 'main'])).stdout).toMatch(/and the deletion mark of commit [0-9a-f]{40}/);
    } else {
      expect(lastTree().tree).toEqual([expect.objectContaining({ path: dirOf('fb-gone'), sha: seeded.premark })]);
    }
  });
});
