// The rules of create, delete and restore as the API answers them (issue 14): each case here was a
// defect found by probing the running API.
import type { EventSourceMessage } from 'eventsource-parser';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { subscribe } from './test-support/event-stream.ts';
import pino from 'pino';
import { gitOnlyStatus } from './status-provider.ts';
import { call, remoteStores, seededRemote, startApi, TOKENS } from './test-support/harness.ts';
import { editPlatformYaml, startTransport, type TransportSetup } from './test-support/transports.ts';

const WAIT = { timeout: 15_000, interval: 20 };
const setups: TransportSetup[] = [];
const aborts: AbortController[] = [];
afterAll(async () => {
  for (const a of aborts) a.abort();
  for (const s of setups) await s.close();
});
async function setup(...args: Parameters<typeof startTransport>): Promise<TransportSetup> {
  const s = await startTransport(...args);
  setups.push(s);
  return s;
}

async function events(base: string, token: string): Promise<EventSourceMessage[]> {
  const sub = await subscribe(base, token);
  aborts.push(sub.abort);
  expect(sub.status).toBe(200);
  return sub.events;
}

describe('limits', () => {
  it('pull-request mode counts open create pull requests against limits.storesPerOwner', async () => {
    const s = await setup('pull-request', (_api, remote) => editPlatformYaml(remote, (t) => t.replace('storesPerOwner: 5', 'storesPerOwner: 2')));
    const create = (name: string) => call(s.api.url, 'POST', '/api/stores', { token: TOKENS.alice, body: { name, engine: 'medusa' } });
    expect((await create('pending-one')).status).toBe(201);
    expect((await create('pending-two')).status).toBe(201);
    const third = await create('pending-three');
    expect(third.status).toBe(403);
    expect(third.body).toMatchObject({ type: expect.stringContaining('store-limit') });
    // Admins have no limit.
    expect((await call(s.api.url, 'POST', '/api/stores', { token: TOKENS.admin, body: { name: 'admin-pending', engine: 'medusa' } })).status).toBe(201);
  }, 60_000);
});

describe('idempotency keys in flight', () => {
  it('the same key with another body while the first is in flight → 422, and only the first store exists', async () => {
    const s = await setup('direct');
    const headers = { 'idempotency-key': 'same-key' };
    const [a, b] = await Promise.all([
      call(s.api.url, 'POST', '/api/stores', { token: TOKENS.alice, headers, body: { name: 'key-one', engine: 'medusa' } }),
      call(s.api.url, 'POST', '/api/stores', { token: TOKENS.alice, headers, body: { name: 'key-two', engine: 'medusa' } }),
    ]);
    expect([a.status, b.status]).toEqual([201, 422]);
    expect(b.body).toMatchObject({ type: expect.stringContaining('idempotency-key-reused') });
    const stores = await remoteStores(s.remote.dir);
    expect(stores).toContain('key-one');
    expect(stores).not.toContain('key-two');

    // A create and a DELETE sent together under one key are two requests: whichever arrives second
    // is refused (422) and does nothing.
    const k2 = { 'idempotency-key': 'create-and-delete' };
    const [c, d] = await Promise.all([
      call(s.api.url, 'POST', '/api/stores', { token: TOKENS.alice, headers: k2, body: { name: 'key-three', engine: 'medusa' } }),
      call(s.api.url, 'DELETE', '/api/stores/key-one', { token: TOKENS.alice, headers: k2 }),
    ]);
    expect([c.status, d.status].sort()).toEqual(c.status === 201 ? [201, 422] : [200, 422]);
    const after = await remoteStores(s.remote.dir);
    expect(after.includes('key-three')).toBe(c.status === 201);
    expect(after.includes('key-one')).toBe(d.status !== 200);

    // Identical requests in flight together execute once; every caller gets that one answer.
    const k3 = { 'idempotency-key': 'twice' };
    const same = await Promise.all(
      [0, 1, 2].map(() => call(s.api.url, 'POST', '/api/stores', { token: TOKENS.alice, headers: k3, body: { name: 'key-four', engine: 'medusa' } })),
    );
    expect(same.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(same.map((r) => r.body.commit)).size).toBe(1);
    expect(same.map((r) => (r.body.store as { name: string }).name)).toEqual(['key-four', 'key-four', 'key-four']);
  }, 60_000);
});

describe("a store's lifetime", () => {
  it('a name reused by another owner starts a new history; the first owner can still restore theirs', async () => {
    const s = await setup('direct');
    const as = (token: string, method: string, path: string, body?: unknown) => call(s.api.url, method, path, { token, body });
    expect((await as(TOKENS.alice, 'POST', '/api/stores', { name: 'reused', engine: 'woocommerce', displayName: 'Alice Shop' })).status).toBe(201);
    expect((await as(TOKENS.alice, 'DELETE', '/api/stores/reused')).status).toBe(200);
    expect((await as(TOKENS.bob, 'POST', '/api/stores', { name: 'reused', engine: 'medusa' })).status).toBe(201);

    const bobs = await as(TOKENS.bob, 'GET', '/api/stores/reused');
    expect(bobs.status).toBe(200);
    const history = bobs.body.history as { requestedBy?: string; message: string }[];
    expect(history.length).toBe(1);
    expect(history.map((h) => h.requestedBy)).toEqual(['bob']);

    expect((await as(TOKENS.bob, 'DELETE', '/api/stores/reused')).status).toBe(200);
    const restored = await as(TOKENS.alice, 'POST', '/api/stores/reused/restore');
    expect(restored.status).toBe(201);
    expect(restored.body.store).toMatchObject({ name: 'reused', owner: 'alice', engine: 'woocommerce', displayName: 'Alice Shop' });
    const alices = await as(TOKENS.alice, 'GET', '/api/stores/reused');
    expect((alices.body.history as { requestedBy?: string }[]).map((h) => h.requestedBy)).toEqual(['alice', 'alice', 'alice']);
  }, 60_000);
});

describe('failures that change an answer are said', () => {
  it('an unreadable platform.yaml: store URLs are left out (not guessed) and a warning names the cause', async () => {
    const remote = await seededRemote();
    const seed = await startApi(remote.fileUrl);
    expect((await call(seed.url, 'POST', '/api/stores', { token: TOKENS.admin, body: { name: 'url-shop', engine: 'medusa' } })).status).toBe(201);
    await seed.close();
    await editPlatformYaml(remote, (t) => t.replace('site:', 'site: [broken'));
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
    const api = await startApi(remote.fileUrl, {}, { logger });
    setups.push({ kind: 'direct', remote, api, close: () => api.close() });
    const list = await call(api.url, 'GET', '/api/stores', { token: TOKENS.admin });
    const row = (list.body.stores as { name: string; urls?: unknown }[]).find((r) => r.name === 'url-shop');
    expect(row).toBeDefined();
    expect(row!.urls).toBeUndefined();
    expect(lines.some((l) => l.includes('platform.yaml cannot be read'))).toBe(true);
    // A write is refused with the reason, not half done.
    const create = await call(api.url, 'POST', '/api/stores', { token: TOKENS.admin, body: { name: 'no-platform', engine: 'medusa' } });
    expect(create).toMatchObject({ status: 503, body: { type: expect.stringContaining('platform-invalid') } });
  }, 60_000);
});

describe('failures that change an answer are said: live status', () => {
  it('the live status detail failing: the store page answers without it, and a warning says why', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
    const statusProvider = { ...gitOnlyStatus, detail: () => Promise.reject(new Error('Argo CD answered 502')) };
    const s = await setup('direct', undefined, { logger, statusProvider });
    expect((await call(s.api.url, 'POST', '/api/stores', { token: TOKENS.alice, body: { name: 'live-shop', engine: 'medusa' } })).status).toBe(201);
    const page = await call(s.api.url, 'GET', '/api/stores/live-shop', { token: TOKENS.alice });
    expect(page.status).toBe(200);
    expect(page.body.resources).toBeUndefined();
    const warning = lines.find((l) => l.includes('live status detail failed'));
    expect(warning).toContain('Argo CD answered 502');
  }, 60_000);
});

describe('failures that change an answer are said, also in pull-request mode', () => {
  it('GitHub refusing the pull-request list: stores waiting for review are left out, and a warning says why', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
    const s = await setup('pull-request', undefined, { logger });
    expect((await call(s.api.url, 'POST', '/api/stores', { token: TOKENS.alice, body: { name: 'waiting', engine: 'medusa' } })).status).toBe(201);
    s.gh!.failPullList(true);
    const list = await call(s.api.url, 'GET', '/api/stores', { token: TOKENS.alice });
    expect(list.status).toBe(200);
    expect((list.body.stores as { name: string }[]).map((r) => r.name)).not.toContain('waiting');
    expect(lines.some((l) => l.includes('listing open pull requests failed'))).toBe(true);
  }, 60_000);
});

describe('what members see', () => {
  it("the owner's own create reaches /api/events with the store's name", async () => {
    const s = await setup('direct');
    const got = await events(s.api.url, TOKENS.alice);
    await vi.waitFor(() => expect(got.some((e) => e.event === 'snapshot')).toBe(true), WAIT);
    expect((await call(s.api.url, 'POST', '/api/stores', { token: TOKENS.alice, body: { name: 'evt-shop', engine: 'medusa' } })).status).toBe(201);
    await vi.waitFor(() => expect(got.some((e) => e.event === 'commit')).toBe(true), WAIT);
    const commit = got.find((e) => e.event === 'commit')!;
    expect((JSON.parse(commit.data) as { stores: string[] }).stores).toEqual(['evt-shop']);
  }, 60_000);

  it('only admins see the Git remote in /api/platform', async () => {
    const s = await setup('direct');
    const member = await call(s.api.url, 'GET', '/api/platform', { token: TOKENS.alice });
    expect(member.status).toBe(200);
    expect(member.body.remote).toBeUndefined();
    expect(JSON.stringify(member.body)).not.toContain(s.remote.dir);
    expect(member.body.mode).toBe('direct');
    const admin = await call(s.api.url, 'GET', '/api/platform', { token: TOKENS.admin });
    expect(String(admin.body.remote)).toContain(s.remote.dir.split('/').pop()!);
  }, 60_000);
});
