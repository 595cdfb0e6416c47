// The push notifier against local receivers on 127.0.0.1 that check requests the way Argo CD v3.2 does
// (go-playground/webhooks v6.4.0 github.Parse + util/webhook GetWebURLRegex/ParseRevision).
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { registerStatusMetrics } from './metrics.ts';
import { ArgoWebhookNotifier, buildGitHubPushPayload, webURLOf, type PushNotice } from './webhook.ts';

const SECRET = 'webhook-test-secret-not-real';
const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  payload: Record<string, any>;
}

/** A receiver that accepts only what Argo CD's GitHub handler accepts; 400 otherwise (with Argo's texts). */
async function argoLikeReceiver(secret: string | undefined, status = 200): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const fail = (msg: string) => res.writeHead(400).end(`Webhook processing failed: ${msg}`);
      if (req.method !== 'POST') return fail('invalid HTTP Method');
      if (req.headers['x-github-event'] !== 'push') return fail('missing X-GitHub-Event Header');
      if (raw.length === 0) return fail('error parsing payload');
      if (secret) {
        const sig = String(req.headers['x-hub-signature-256'] ?? '');
        if (!sig) return fail('missing X-Hub-Signature-256 Header');
        const got = Buffer.from(sig.replace(/^sha256=/, ''));
        const want = Buffer.from(createHmac('sha256', secret).update(raw).digest('hex'));
        if (got.length !== want.length || !timingSafeEqual(got, want)) return fail('HMAC verification failed');
      }
      let payload: Record<string, any>;
      try {
        payload = JSON.parse(raw.toString('utf8'));
      } catch {
        return fail('error parsing payload');
      }
      received.push({ path: req.url ?? '', headers: req.headers, payload });
      res.writeHead(status).end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhook`, received };
}

/** Port of Argo CD's GetWebURLRegex: does this payload's html_url refresh Applications whose repoURL is `repoURL`? */
function argoMatches(webURL: string, repoURL: string): boolean {
  const u = new URL(webURL);
  const quote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const user = String.raw`[\w\.][\w\.-]{0,30}[\w\.\$-]?`;
  const re = new RegExp(String.raw`^((https?|ssh)://)?(${user}@)?((alt)?ssh\.)?${quote(u.hostname)}(:\d+)?[:/]${quote(u.pathname.replace(/^\//, ''))}(\.git)?$`, 'i');
  return re.test(repoURL);
}

const push: PushNotice = {
  branch: 'main',
  before: 'a'.repeat(40),
  after: 'c'.repeat(40),
  commits: [
    { sha: 'b'.repeat(40), message: 'Create store acme\n\nRequested-by: alice', timestamp: '2026-11-23T10:00:00Z', author: { name: 'Storefleet', email: 'bot@storefleet.dev' }, added: ['stores/acme/store.yaml', 'stores/acme/manifests/deployment.yaml'], modified: [], removed: [] },
    { sha: 'c'.repeat(40), message: 'Delete store old', timestamp: '2026-11-23T10:00:01Z', author: { name: 'Storefleet', email: 'bot@storefleet.dev' }, added: [], modified: [], removed: ['stores/old/store.yaml'] },
  ],
};

describe('ArgoWebhookNotifier', () => {
  it('sends a signed GitHub push event that Argo CD accepts and matches to the repo, to both endpoints', async () => {
    const api = await argoLikeReceiver(SECRET);
    const appset = await argoLikeReceiver(SECRET);
    const registry = new Registry();
    const repoURL = 'http://127.0.0.1:8088/storefleet/gitops.git';
    const n = new ArgoWebhookNotifier({
      repoURL,
      secret: SECRET,
      targets: [{ name: 'argocd', url: api.url }, { name: 'applicationset', url: appset.url }],
      metrics: registerStatusMetrics(registry),
    });
    const results = await n.notifyPush(push);
    expect(results).toEqual([
      { target: 'argocd', ok: true, status: 200 },
      { target: 'applicationset', ok: true, status: 200 },
    ]);
    for (const r of [api, appset]) {
      expect(r.received).toHaveLength(1);
      const { payload, headers } = r.received[0];
      expect(headers['content-type']).toBe('application/json');
      expect(headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      // What Argo CD reads:
      expect(payload.ref).toBe('refs/heads/main');
      expect(payload.ref.split('/').slice(2).join('/')).toBe(payload.repository.default_branch); // touchedHead
      expect(payload.before).toBe(push.before);
      expect(payload.after).toBe(push.after);
      expect(argoMatches(payload.repository.html_url, repoURL)).toBe(true);
      expect(payload.commits.flatMap((c: any) => [...c.added, ...c.modified, ...c.removed])).toEqual([
        'stores/acme/store.yaml',
        'stores/acme/manifests/deployment.yaml',
        'stores/old/store.yaml',
      ]);
      expect(payload.head_commit.id).toBe(push.after);
      expect(payload.repository.clone_url).toBe(repoURL);
    }
    const ok = await registry.getSingleMetric('storefleet_argocd_webhook_notifications_total')!.get();
    expect(ok.values.filter((v) => v.labels.outcome === 'ok').reduce((s, v) => s + v.value, 0)).toBe(2);
  });

  it('a wrong secret is rejected by the receiver: counted as a failure, never thrown', async () => {
    const api = await argoLikeReceiver('the-real-secret');
    const registry = new Registry();
    const n = new ArgoWebhookNotifier({ repoURL: 'https://git.example.com/o/gitops.git', secret: 'another-secret', targets: [{ name: 'argocd', url: api.url }], metrics: registerStatusMetrics(registry) });
    const [r] = await n.notifyPush(push);
    expect(r.ok).toBe(false);
    expect(r.status).toBe(400);
    expect(r.error).toContain('HMAC verification failed');
    expect(api.received).toHaveLength(0);
    const failures = await registry.getSingleMetric('storefleet_argocd_webhook_failures_total')!.get();
    expect(failures.values).toEqual([expect.objectContaining({ labels: { target: 'argocd' }, value: 1 })]);
  });

  it('an unreachable endpoint and a 503 are failures that resolve quickly and never throw', async () => {
    const busy = await argoLikeReceiver(undefined, 503);
    const closed = await argoLikeReceiver(undefined);
    const closedUrl = closed.url;
    await new Promise((r) => servers.pop()!.close(r));
    const n = new ArgoWebhookNotifier({ repoURL: 'https://git.example.com/o/gitops.git', targets: [{ name: 'argocd', url: busy.url }, { name: 'applicationset', url: closedUrl }], timeoutMs: 2_000 });
    const results = await n.notifyPush(push);
    expect(results[0]).toMatchObject({ ok: false, status: 503 });
    expect(results[1].ok).toBe(false);
    expect(results[1].error).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('without a secret the event is unsigned (Argo CD then accepts it only if it has no secret either)', async () => {
    const api = await argoLikeReceiver(undefined);
    const n = new ArgoWebhookNotifier({ repoURL: 'https://git.example.com/o/gitops.git', targets: [{ name: 'argocd', url: api.url }] });
    await n.notifyPush(push);
    expect(api.received[0].headers['x-hub-signature-256']).toBeUndefined();
  });

  it('oversized pushes are sent without file lists (Argo CD then refreshes every app of the repo)', async () => {
    const api = await argoLikeReceiver(SECRET);
    const n = new ArgoWebhookNotifier({ repoURL: 'https://git.example.com/o/gitops.git', secret: SECRET, targets: [{ name: 'argocd', url: api.url }], maxBodyBytes: 600 });
    const [r] = await n.notifyPush(push);
    expect(r.ok).toBe(true);
    expect(api.received[0].payload.commits.every((c: any) => c.added.length + c.modified.length + c.removed.length === 0)).toBe(true);
  });
});

describe('webURLOf / payload repository URLs', () => {
  it.each([
    ['https://github.com/acme/gitops.git', 'https://github.com/acme/gitops'],
    ['https://bot@git.example.com:8443/acme/gitops.git', 'https://git.example.com:8443/acme/gitops'],
    ['git@github.com:acme/gitops.git', 'https://github.com/acme/gitops'],
    ['ssh://git@git.example.com:2222/acme/gitops.git', 'https://git.example.com:2222/acme/gitops'],
    ['http://127.0.0.1:8088/gitops.git', 'http://127.0.0.1:8088/gitops'],
  ])('%s → %s, which Argo CD matches back to the repoURL', (repoURL, web) => {
    expect(webURLOf(repoURL)).toBe(web);
    expect(argoMatches(web, repoURL)).toBe(true);
  });

  it('never puts credentials of the remote URL into the payload', () => {
    const body = JSON.stringify(buildGitHubPushPayload('https://bot:s3cr3t-token@git.example.com/acme/gitops.git', push));
    expect(body).not.toContain('s3cr3t-token');
  });

  it('file:// and git:// remotes cannot be matched by Argo CD webhooks (documented limitation)', () => {
    expect(argoMatches(webURLOf('file:///srv/gitops.git'), 'file:///srv/gitops.git')).toBe(false);
    expect(argoMatches(webURLOf('git://127.0.0.1/gitops.git'), 'git://127.0.0.1/gitops.git')).toBe(false);
  });
});
