// The status service end to end against the local Argo CD stand-in: list statuses from memory,
// live change events, the detail view, readiness when Argo CD goes away and comes back, and the push hook.
import { storeDir } from '../../generator/layout.ts';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ArgoCdClient } from './argocd-client.ts';
import type { HubEvent } from './events-hub.ts';
import { readyApp, SHA_STORE, variant } from './fixtures/applications.ts';
import type { GitStoreFacts } from './lifecycle.ts';
import { registerStatusMetrics } from './metrics.ts';
import { StatusService } from './status-service.ts';
import { FAKE_ARGO_TOKEN, startFakeArgo } from './test-support/argocd-server.ts';
import { ArgoWebhookNotifier } from './webhook.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const WAIT = { timeout: 10_000, interval: 10 };

const facts = (name: string, committedAt = new Date(Date.now() - 60_000).toISOString()): GitStoreFacts => ({
  name,
  owner: 'alice',
  presentOnMain: true,
  latestCommit: { sha: SHA_STORE, committedAt },
});

async function setup(port?: number) {
  const argo = await startFakeArgo(port);
  cleanups.push(() => argo.close());
  const registry = new Registry();
  const metrics = registerStatusMetrics(registry);
  const client = new ArgoCdClient({ url: argo.url, token: FAKE_ARGO_TOKEN, backoffInitialMs: 20, backoffMaxMs: 200, requestTimeoutMs: 2_000, metrics });
  const published: HubEvent[] = [];
  const known = new Map<string, GitStoreFacts>();
  const service = new StatusService({
    argocd: client,
    provisioningTimeoutMinutes: () => 20,
    gitFacts: (name) => known.get(name),
    hub: { publish: (e) => published.push(e) },
    metrics,
    argocdUiUrl: 'https://argocd.example.com/',
  });
  cleanups.push(() => service.stop());
  return { argo, client, service, registry, published, known };
}

const metricSum = async (registry: Registry, name: string, labels?: Record<string, string>) =>
  (await registry.getSingleMetric(name)!.get()).values
    .filter((v) => !labels || Object.entries(labels).every(([k, x]) => v.labels[k] === x))
    .filter((v) => !('le' in v.labels))
    .reduce((n, v) => n + v.value, 0);

describe('StatusService', () => {
  it('follows a store from committed to ready, publishing each change, and observes the provisioning duration', async () => {
    const { argo, client, service, registry, published, known } = await setup();
    known.set('acme', facts('acme'));
    service.start();
    await vi.waitFor(() => expect(client.state().kind).toBe('connected'), WAIT);
    expect(service.statusOf(facts('acme'))).toMatchObject({ status: 'committed' });

    argo.put(variant((a) => (a.status!.health = { status: 'Progressing' }), readyApp('acme')));
    await vi.waitFor(() => expect(published.map((e) => (e.data as { status?: string }).status)).toContain('provisioning'), WAIT);
    argo.put(readyApp('acme'));
    await vi.waitFor(() => expect(published.map((e) => (e.data as { status?: string }).status)).toContain('ready'), WAIT);
    expect(published.find((e) => (e.data as { status?: string }).status === 'ready')).toMatchObject({ event: 'store-status', key: 'store:acme', data: { name: 'acme', owner: 'alice' } });

    const list = service.statusesOf([facts('acme')]);
    expect(list).toEqual([{ name: 'acme', status: 'ready', argocd: { application: 'store-acme', sync: 'Synced', revision: SHA_STORE, health: 'Healthy', operation: 'Succeeded' } }]);
    expect(await metricSum(registry, 'storefleet_stores', { status: 'ready' })).toBe(1);
    const hist = (await registry.getSingleMetric('storefleet_store_provisioning_duration_seconds')!.get()).values.find((v) => (v as { metricName?: string }).metricName?.endsWith('_count'));
    expect(hist?.value).toBe(1);
  });

  it('the list makes no Argo CD call per store', async () => {
    const { argo, client, service } = await setup();
    for (let i = 0; i < 50; i++) argo.put(readyApp(`s${i}`));
    service.start();
    await vi.waitFor(() => expect(client.view.size).toBe(50), WAIT);
    const calls = argo.listCalls;
    const statuses = service.statusesOf(Array.from({ length: 50 }, (_, i) => facts(`s${i}`)));
    expect(statuses.every((s) => s.status === 'ready')).toBe(true);
    expect(argo.listCalls).toBe(calls);
  });

  it('detail: resource tree, events, history, operation, timeline and an Argo CD link', async () => {
    const { argo, client, service } = await setup();
    argo.put(readyApp('acme'));
    service.start();
    await vi.waitFor(() => expect(client.view.size).toBe(1), WAIT);
    const d = await service.detail(facts('acme', '2026-11-23T10:01:00Z'));
    expect(d.status).toBe('ready');
    expect(d.errors).toBeUndefined();
    expect(d.resources).toContainEqual({ kind: 'Deployment', name: 'wordpress', namespace: 'store-acme', health: 'Healthy', status: 'Synced' });
    expect(d.resources).toContainEqual(expect.objectContaining({ kind: 'ReplicaSet', parent: 'Deployment/wordpress' }));
    expect(d.events.map((e) => e.reason)).toEqual(['OperationCompleted', 'OperationStarted']);
    expect(d.history).toEqual([{ revision: SHA_STORE, deployedAt: '2026-11-23T10:02:00Z', deployStartedAt: '2026-11-23T10:01:30Z', automated: true }]);
    expect(d.operation).toMatchObject({ phase: 'Succeeded', revision: SHA_STORE });
    expect(d.timeline).toEqual({ committedAt: '2026-11-23T10:01:00Z', syncedAt: '2026-11-23T10:02:00Z', readyAt: '2026-11-23T10:04:00Z' });
    expect(d.links.argocd).toBe('https://argocd.example.com/applications/argocd/store-acme');
  });

  it('resources: the tree alone (health, message, parent), without the other calls; none for a store Argo CD does not know', async () => {
    const { argo, client, service } = await setup();
    argo.put(readyApp('acme'));
    service.start();
    await vi.waitFor(() => expect(client.view.size).toBe(1), WAIT);
    const resources = await service.resources('acme');
    expect(resources).toContainEqual({ kind: 'Deployment', name: 'wordpress', namespace: 'store-acme', health: 'Healthy' });
    expect(resources).toContainEqual(expect.objectContaining({ kind: 'ReplicaSet', parent: 'Deployment/wordpress' }));
    expect(await service.resources('nobody')).toEqual([]);
  });

  it('Argo CD goes away: stores become unknown, readiness degraded with the reason; both recover by themselves', async () => {
    const { argo, client, service, published, known } = await setup();
    const port = argo.port;
    argo.put(readyApp('acme'));
    known.set('acme', facts('acme'));
    service.start();
    await vi.waitFor(() => expect(client.view.size).toBe(1), WAIT);
    expect(service.statusOf(facts('acme')).status).toBe('ready');
    expect(service.dependencyHealth()).toMatchObject({ status: 'ok' });

    await argo.close();
    await vi.waitFor(() => expect(service.dependencyHealth().status).toBe('degraded'), WAIT);
    expect(service.dependencyHealth().reason).toMatch(/^Argo CD unreachable: /);
    const down = service.statusOf(facts('acme'));
    expect(down.status).toBe('unknown');
    expect(down.reason).toMatch(/Argo CD unreachable/);
    expect(published.some((e) => (e.data as { status?: string }).status === 'unknown')).toBe(true);

    const again = await startFakeArgo(port);
    cleanups.push(() => again.close());
    again.put(readyApp('acme'));
    await vi.waitFor(() => expect(service.dependencyHealth().status).toBe('ok'), WAIT);
    expect(service.statusOf(facts('acme')).status).toBe('ready');
  });

  it('the provisioning timeout turns a store failed by time alone, announced by the periodic sweep', async () => {
    const argo = await startFakeArgo();
    cleanups.push(() => argo.close());
    argo.put(variant((a) => (a.status!.health = { status: 'Progressing' }), readyApp('slow')));
    let now = new Date('2026-11-23T10:19:00Z');
    const published: HubEvent[] = [];
    const client = new ArgoCdClient({ url: argo.url, token: FAKE_ARGO_TOKEN, backoffInitialMs: 20, backoffMaxMs: 200 });
    const service = new StatusService({ argocd: client, provisioningTimeoutMinutes: () => 20, hub: { publish: (e) => published.push(e) }, now: () => now, sweepIntervalMs: 20 });
    cleanups.push(() => service.stop());
    service.start();
    await vi.waitFor(() => expect(client.view.size).toBe(1), WAIT);
    expect(service.statusOf(facts('slow', '2026-11-23T10:00:00Z')).status).toBe('provisioning');
    now = new Date('2026-11-23T10:25:00Z');
    await vi.waitFor(() => expect(published.some((e) => (e.data as { status?: string }).status === 'failed')).toBe(true), WAIT);
    const failed = published.find((e) => (e.data as { status?: string }).status === 'failed')!.data as { reason: string };
    expect(failed.reason).toMatch(/^not ready after 25 minutes: /);
  });

  it('without Argo CD configured: stores are committed and readiness says disabled (not degraded)', () => {
    const service = new StatusService({ provisioningTimeoutMinutes: () => 20 });
    expect(service.statusOf(facts('acme'))).toMatchObject({ status: 'committed' });
    expect(service.dependencyHealth()).toMatchObject({ status: 'disabled' });
  });

  it('onPush notifies the webhook endpoint and publishes a commit event, without waiting', async () => {
    const bodies: { payload: Record<string, any>; signature?: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        bodies.push({ payload: JSON.parse(raw), signature: req.headers['x-hub-signature-256'] as string });
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => receiver.close(r)));
    const published: HubEvent[] = [];
    const webhook = new ArgoWebhookNotifier({
      repoURL: 'http://127.0.0.1:9/gitops.git',
      secret: 's',
      targets: [{ name: 'argocd', url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhook` }],
    });
    const service = new StatusService({ provisioningTimeoutMinutes: () => 20, webhook, hub: { publish: (e) => published.push(e) } });
    const ret = service.onPush('d'.repeat(40), ['acme', 'beta']);
    expect(ret).toBeUndefined();
    expect(published).toEqual([{ event: 'commit', data: { sha: 'd'.repeat(40), stores: ['acme', 'beta'] } }]);
    await vi.waitFor(() => expect(bodies).toHaveLength(1), WAIT);
    expect(bodies[0].signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(bodies[0].payload).toMatchObject({ ref: 'refs/heads/main', before: '', after: 'd'.repeat(40) });
    expect(bodies[0].payload.commits[0].modified).toEqual([`${storeDir('acme')}/store.yaml`, `${storeDir('acme')}/manifests/`, `${storeDir('beta')}/store.yaml`, `${storeDir('beta')}/manifests/`]);
  });
});
