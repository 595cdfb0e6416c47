// One contract, both Git transports: the same requests against the direct transport (a real Git
// remote) and the pull-request transport (the GitHub stand-in over the same kind of remote) get
// the same answers. What one allows the other allows; what one refuses the other refuses, with
// the same problem type. Only the form of an accepted change differs (a commit on the branch, or a
// pull request waiting for review).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, TOKENS } from '../test-support/harness.ts';
import { editPlatformYaml, startTransport, type TransportKind, type TransportSetup } from '../test-support/transports.ts';

const problem = (slug: string) => expect.objectContaining({ type: `https://storefleet.dev/problems/${slug}` });

describe.each<TransportKind>(['direct', 'pull-request'])('transport contract: %s', (kind) => {
  let t: TransportSetup;
  beforeAll(async () => {
    t = await startTransport(kind, async (direct, remote) => {
      await editPlatformYaml(remote, (text) => text.replace('storesPerOwner: 5', 'storesPerOwner: 4'));
      await direct.context.mirror.fetch();
      const seed = async (token: string, method: string, path: string, body?: unknown) => expect((await call(direct.url, method, path, { token, body })).status).toBeLessThan(300);
      await seed(TOKENS.alice, 'POST', '/api/stores', { name: 'seed-alice', engine: 'medusa' });
      await seed(TOKENS.bob, 'POST', '/api/stores', { name: 'seed-bob', engine: 'medusa' });
      await seed(TOKENS.alice, 'POST', '/api/stores', { name: 'gone-alice', engine: 'woocommerce', displayName: 'Gone' });
      await seed(TOKENS.alice, 'DELETE', '/api/stores/gone-alice');
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

  it("delete: the owner's store on the branch is accepted", async () => {
    const r = await as(TOKENS.bob, 'DELETE', '/api/stores/seed-bob');
    expect(r.status).toBe(200);
    accepted(r);
  });
});
