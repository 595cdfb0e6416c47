import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ArgoCdClient } from './argocd-client.ts';
import type { Application } from './argocd-types.ts';
import { readyApp, SHA_TIP, variant } from './fixtures/applications.ts';
import { registerStatusMetrics, type StatusMetrics } from './metrics.ts';
import { FAKE_ARGO_TOKEN, startFakeArgo, type FakeArgo } from './test-support/argocd-server.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const WAIT = { timeout: 10_000, interval: 10 };

async function setup(opts: { token?: string; port?: number; idleTimeoutMs?: number } = {}) {
  const argo = await startFakeArgo(opts.port);
  cleanups.push(() => argo.close());
  const registry = new Registry();
  const metrics = registerStatusMetrics(registry);
  const client = newClient(argo.url, metrics, opts);
  return { argo, client, metrics, registry };
}

function newClient(url: string, metrics: StatusMetrics, opts: { token?: string; idleTimeoutMs?: number } = {}) {
  const client = new ArgoCdClient({
    url,
    token: opts.token ?? FAKE_ARGO_TOKEN,
    backoffInitialMs: 20,
    backoffMaxMs: 200,
    idleTimeoutMs: opts.idleTimeoutMs ?? 2_000,
    requestTimeoutMs: 2_000,
    metrics,
  });
  cleanups.push(() => client.stop());
  return client;
}

/** The view must equal the server's Applications exactly: same names, same resource versions. */
function expectInSync(client: ArgoCdClient, argo: FakeArgo) {
  const view = Object.fromEntries(client.view.all().map((s) => [s.appName, s.resourceVersion]));
  const truth = Object.fromEntries([...argo.apps.values()].map((a) => [a.metadata.name, a.metadata.resourceVersion]));
  expect(view).toEqual(truth);
}

const counter = async (registry: Registry, name: string) => (await registry.getSingleMetric(name)!.get()).values.reduce((n, v) => n + v.value, 0);

const progressing = (name: string): Application => variant((a) => (a.status!.health = { status: 'Progressing' }), readyApp(name));

describe('ArgoCdClient REST', () => {
  it('lists with the store selector and project, gets one app, and reports HTTP errors without the token', async () => {
    const { argo, client } = await setup();
    argo.put(readyApp('acme'));
    const list = await client.listApplications();
    expect(list.items?.map((a) => a.metadata.name)).toEqual(['store-acme']);

    const bad = new ArgoCdClient({ url: argo.url, token: 'wrong-token-value' });
    const err = await bad.listApplications().catch((e: Error) => e);
    expect(String(err)).toContain('HTTP 401');
    expect(String(err)).toContain('rejected the token');
    expect(String(err)).not.toContain('wrong-token-value');
  });
});

describe('ArgoCdClient stream follower', () => {
  it('lists once, then applies ADDED/MODIFIED/DELETED from the stream', async () => {
    const { argo, client } = await setup();
    argo.put(readyApp('acme'));
    argo.put(progressing('beta'));
    client.start();
    await vi.waitFor(() => expect(client.state().kind).toBe('connected'), WAIT);
    await vi.waitFor(() => expect(client.view.size).toBe(2), WAIT);

    const changes: string[] = [];
    client.view.onChange((c) => changes.push(`${c.type}:${c.storeName}`));
    argo.put(readyApp('beta'));
    argo.del('store-acme');
    argo.put(readyApp('gamma'));
    await vi.waitFor(() => expectInSync(client, argo), WAIT);
    expect(client.view.get('beta')?.health.status).toBe('Healthy');
    expect(changes).toEqual(['upsert:beta', 'delete:acme', 'upsert:gamma']);
    expect(client.dependencyHealth()).toMatchObject({ status: 'ok', streamConnected: true, applications: 2 });
  });

  it('survives dropped connections: changes made while disconnected are neither lost nor duplicated', async () => {
    const { argo, client, registry } = await setup();
    for (const n of ['a', 'b', 'c']) argo.put(readyApp(n));
    client.start();
    await vi.waitFor(() => expectInSync(client, argo), WAIT);

    for (let round = 0; round < 3; round++) {
      const before = argo.connections;
      argo.stall = true; // nothing reaches clients while "disconnected"
      argo.dropStreams();
      argo.del(`store-${['a', 'b', 'c'][round]}`);
      argo.put(progressing(`new${round}`));
      argo.put(variant((a) => (a.status!.sync!.revision = SHA_TIP), readyApp('b')));
      argo.stall = false;
      await vi.waitFor(() => expect(argo.connections).toBeGreaterThan(before), WAIT);
      await vi.waitFor(() => expectInSync(client, argo), WAIT);
    }
    expect(client.view.all().map((s) => s.storeName).sort()).toEqual(['b', 'new0', 'new1', 'new2']);
    expect(await counter(registry, 'storefleet_argocd_stream_reconnects_total')).toBeGreaterThanOrEqual(3);
    expect(client.state().kind).toBe('connected');
  });

  it('skips malformed events without crashing and keeps applying good ones', async () => {
    const { argo, client, registry } = await setup();
    argo.put(readyApp('acme'));
    client.start();
    await vi.waitFor(() => expect(client.view.size).toBe(1), WAIT);
    argo.raw('data: {not json\n\n');
    argo.raw('data: {"result":{}}\n\n');
    argo.raw('data: {"result":{"type":"MODIFIED","application":{"metadata":{}}}}\n\n');
    argo.raw('data: {"result":{"type":"EXPLODE","application":{"metadata":{"name":"store-x"}}}}\n\n');
    argo.raw('data: null\n\n');
    argo.raw('event: weird\ndata: [1,2,3]\n\n');
    argo.raw('\u0000\u0001garbage without newline… ');
    argo.raw('\n\n: a comment\n');
    argo.put(readyApp('after'));
    await vi.waitFor(() => expectInSync(client, argo), WAIT);
    expect(await counter(registry, 'storefleet_argocd_stream_malformed_events_total')).toBeGreaterThanOrEqual(5);
    expect(client.view.get('x')).toBeUndefined();
    expect(client.state().kind).toBe('connected');
  });

  it('treats an in-stream error frame as a broken stream and reconnects', async () => {
    const { argo, client } = await setup();
    argo.put(readyApp('acme'));
    client.start();
    await vi.waitFor(() => expect(argo.connections).toBe(1), WAIT);
    await vi.waitFor(() => expect(client.view.size).toBe(1), WAIT);
    argo.raw('data: {"error":{"grpc_code":14,"http_code":503,"message":"transport is closing","http_status":"Service Unavailable"}} \n\n');
    await vi.waitFor(() => expect(argo.connections).toBeGreaterThanOrEqual(2), WAIT);
    expectInSync(client, argo);
  });

  it('detects a stalled stream (no bytes, no keepalive) and reopens it', async () => {
    const { argo, client } = await setup({ idleTimeoutMs: 300 });
    argo.put(readyApp('acme'));
    client.start();
    await vi.waitFor(() => expect(client.view.size).toBe(1), WAIT);
    argo.stall = true; // the open stream goes silent; changes are not sent on it
    argo.put(readyApp('hidden'));
    argo.del('store-acme');
    await vi.waitFor(() => expect(argo.connections).toBeGreaterThanOrEqual(2), WAIT);
    argo.stall = false;
    await vi.waitFor(() => expectInSync(client, argo), WAIT);
    expect(client.view.get('hidden')).toBeDefined();
  });

  it('keepalive comments keep a quiet stream open', async () => {
    const { argo, client } = await setup({ idleTimeoutMs: 1_000 });
    argo.put(readyApp('acme'));
    client.start();
    await vi.waitFor(() => expect(client.view.size).toBe(1), WAIT);
    for (let i = 0; i < 15; i++) {
      argo.raw(':\n');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(argo.connections).toBe(1);
  });

  it('Argo CD down: degraded with the reason, then recovers by itself', async () => {
    // Reserve a port, then close the server so nothing listens there.
    const probe = await startFakeArgo();
    const port = probe.port;
    await probe.close();
    const registry = new Registry();
    const client = newClient(`http://127.0.0.1:${port}`, registerStatusMetrics(registry));
    client.start();
    await vi.waitFor(() => expect(client.state().kind).toBe('unreachable'), WAIT);
    const health = client.dependencyHealth();
    expect(health.status).toBe('degraded');
    expect(health.reason).toMatch(/Argo CD unreachable: .*ECONNREFUSED/);

    const argo = await startFakeArgo(port);
    cleanups.push(() => argo.close());
    argo.put(readyApp('acme'));
    await vi.waitFor(() => expect(client.state().kind).toBe('connected'), WAIT);
    await vi.waitFor(() => expectInSync(client, argo), WAIT);
    expect(client.dependencyHealth().status).toBe('ok');
  });

  it('a rejected token or a failing server marks Argo CD unreachable with an actionable reason', async () => {
    const { argo, client } = await setup({ token: 'not-the-token' });
    argo.put(readyApp('acme'));
    client.start();
    await vi.waitFor(() => expect(client.state()).toMatchObject({ kind: 'unreachable' }), WAIT);
    const state = client.state();
    expect(state.kind === 'unreachable' && state.reason).toContain('rejected the token');

    const good = newClient(argo.url, registerStatusMetrics(new Registry()));
    good.start();
    await vi.waitFor(() => expect(good.state().kind).toBe('connected'), WAIT);
    argo.failWith = 503;
    argo.dropStreams();
    await vi.waitFor(() => expect(good.state()).toMatchObject({ kind: 'unreachable' }), WAIT);
    argo.failWith = undefined;
    await vi.waitFor(() => expect(good.state().kind).toBe('connected'), WAIT);
  });

  it('stop() ends the loop promptly even while backing off', async () => {
    const { argo, client } = await setup();
    argo.failWith = 500;
    client.start();
    await vi.waitFor(() => expect(client.state().kind).toBe('unreachable'), WAIT);
    await client.stop();
    const calls = argo.listCalls;
    await new Promise((r) => setTimeout(r, 100));
    expect(argo.listCalls).toBe(calls);
  });
});
