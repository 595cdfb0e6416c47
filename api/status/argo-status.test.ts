// The status reader wired into the real API (startServer, real Git remote, HTTP on 127.0.0.1) against
// the local Argo CD stand-in: create a store → signed webhook + commit event → committed → Argo CD
// reports the app → ready (live event, list, detail) → Argo CD gone → unknown, /readyz degraded.
import { createHmac } from 'node:crypto';
import type { EventSourceMessage } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../server.ts';
import { subscribe } from '../test-support/event-stream.ts';
import { call, seededRemote, startApi, TOKENS } from '../test-support/harness.ts';
import { readyApp, variant } from './fixtures/applications.ts';
import { FAKE_ARGO_TOKEN, startFakeArgo, type FakeArgo } from './test-support/argocd-server.ts';

const SECRET = 'status-wiring-test-secret';
const WAIT = { timeout: 15_000, interval: 20 };
let argo: FakeArgo;
let api: RunningServer;
const aborts: AbortController[] = [];
const saved = { ...process.env };

beforeAll(async () => {
  argo = await startFakeArgo();
  const remote = await seededRemote();
  api = await startApi(remote.fileUrl, {
    STOREFLEET_ARGOCD_URL: argo.url,
    STOREFLEET_ARGOCD_TOKEN: FAKE_ARGO_TOKEN,
    STOREFLEET_ARGOCD_WEBHOOK_SECRET: SECRET,
    STOREFLEET_ARGOCD_REPO_URL: 'https://git.example.com/acme/gitops.git',
  });
});
afterAll(async () => {
  for (const a of aborts) a.abort();
  await api?.close();
  await argo?.close();
  process.env = saved;
});

async function events(token: string): Promise<EventSourceMessage[]> {
  const sub = await subscribe(api.url, token);
  aborts.push(sub.abort);
  expect(sub.status).toBe(200);
  return sub.events;
}

const dataOf = (e: EventSourceMessage) => JSON.parse(e.data) as Record<string, any>;

describe('Argo CD status wired into the API', () => {
  it('runs the whole loop: webhook, events, committed → ready, detail, outage', async () => {
    const admin = TOKENS.admin;
    await vi.waitFor(async () => expect((await call(api.url, 'GET', '/readyz')).body.checks).toMatchObject({ status: { ok: true } }), WAIT);
    expect((await fetch(`${api.url}/api/events`)).status).toBe(401);
    const adminEvents = await events(admin);
    const aliceEvents = await events(TOKENS.alice);
    await vi.waitFor(() => expect(adminEvents[0]?.event).toBe('snapshot'), WAIT);

    const created = await call(api.url, 'POST', '/api/stores', { token: admin, body: { name: 'acme', engine: 'woocommerce' } });
    expect(created.status).toBe(201);
    const commit = (created.body.store as { commit: string }).commit;

    // The push was announced to Argo CD (signed, GitHub format) and to browsers.
    await vi.waitFor(() => expect(argo.webhooks.length).toBe(1), WAIT);
    const hook = argo.webhooks[0];
    expect(hook.headers['x-github-event']).toBe('push');
    expect(hook.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', SECRET).update(hook.raw).digest('hex')}`);
    const payload = JSON.parse(hook.raw);
    expect(payload.repository.html_url).toBe('https://git.example.com/acme/gitops');
    expect(payload.after).toBe(commit);
    await vi.waitFor(() => expect(adminEvents.some((e) => e.event === 'commit' && dataOf(e).stores.includes('acme'))).toBe(true), WAIT);
    // Alice (a member) hears that something was committed, not which store of someone else.
    await vi.waitFor(() => expect(aliceEvents.some((e) => e.event === 'commit')).toBe(true), WAIT);
    expect(aliceEvents.filter((e) => e.event === 'commit').every((e) => dataOf(e).stores.length === 0)).toBe(true);

    let list = await call(api.url, 'GET', '/api/stores', { token: admin });
    const acme = () => (list.body.stores as { name: string; status: string; reason?: string }[]).find((s) => s.name === 'acme')!;
    expect(acme().status).toBe('committed');
    expect(acme().reason).toContain('no Application store-acme');

    // Argo CD creates and syncs the Application: progressing, then ready.
    argo.put(variant((a) => (a.status!.health = { status: 'Progressing' }), readyApp('acme', commit)));
    await vi.waitFor(async () => {
      list = await call(api.url, 'GET', '/api/stores', { token: admin });
      expect(acme().status).toBe('provisioning');
    }, WAIT);
    argo.put(readyApp('acme', commit));
    await vi.waitFor(() => expect(adminEvents.some((e) => e.event === 'store-status' && dataOf(e).name === 'acme' && dataOf(e).status === 'ready')).toBe(true), WAIT);
    list = await call(api.url, 'GET', '/api/stores', { token: admin });
    expect(acme()).toMatchObject({ status: 'ready' });
    expect(acme().reason).toBeUndefined();

    const detail = await call(api.url, 'GET', '/api/stores/acme', { token: admin });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ name: 'acme', status: 'ready' });
    expect(detail.body.resources).toContainEqual(expect.objectContaining({ kind: 'Deployment', name: 'wordpress', health: 'Healthy' }));
    expect((detail.body.events as unknown[]).length).toBe(2);
    expect(detail.body.timeline).toMatchObject({ syncedAt: '2026-11-23T10:02:00Z', readyAt: expect.any(String) });
    expect(Array.isArray(detail.body.history)).toBe(true); // the API's Git history is not overridden

    expect((await call(api.url, 'GET', '/api/platform', { token: admin })).body.argocd).toMatchObject({ configured: true, connected: true, url: argo.url });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/storefleet_stores\{status="ready"\} 1/);
    expect(metrics).toMatch(/storefleet_argocd_webhook_notifications_total\{target="argocd",outcome="ok"\} 1/);

    // Argo CD goes away: the API stays up, the store is unknown, /readyz says why.
    await argo.close();
    await vi.waitFor(async () => expect((await call(api.url, 'GET', '/readyz')).body.checks).toMatchObject({ status: { ok: false, reason: expect.stringContaining('Argo CD unreachable') } }), WAIT);
    list = await call(api.url, 'GET', '/api/stores', { token: admin });
    expect(list.status).toBe(200);
    expect(acme()).toMatchObject({ status: 'unknown', reason: expect.stringContaining('Argo CD unreachable') });
    const platform = await call(api.url, 'GET', '/api/platform', { token: admin });
    expect(platform.body.argocd).toMatchObject({ configured: true, connected: false, reason: expect.stringContaining('Argo CD unreachable') });
  });
});
