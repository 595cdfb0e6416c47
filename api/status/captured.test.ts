// Payloads captured from the dev cluster's real Argo CD (npm run cluster:smoke with
// STOREFLEET_CAPTURE_DIR=api/status/fixtures/captured; each file says which version and commit).
// The hand-built fixtures in fixtures/applications.ts follow Argo CD's published types; these
// check the status reader against what a running Argo CD actually sends.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { storeDir } from '../../generator/layout.ts';
import type { Application } from './argocd-types.ts';
import { summarizeApplication } from './app-summary.ts';
import { computeLifecycle } from './lifecycle.ts';

function load<T>(file: string): { capturedFrom: string; revision: string; data: T } {
  return JSON.parse(readFileSync(new URL(`./fixtures/captured/${file}`, import.meta.url), 'utf8'));
}

describe('payloads captured from the real Argo CD', () => {
  const list = load<{ items: Application[] }>('applications-list.json');

  it('say where they came from', () => {
    expect(list.capturedFrom).toMatch(/^Argo CD v3\.2\.\d+/);
    expect(list.revision).toMatch(/^[0-9a-f]{40}$/);
  });

  it('summarize both smoke stores as synced, healthy and succeeded at the pushed commit', () => {
    const summaries = list.data.items.map((a) => summarizeApplication(a)).filter((s) => s !== undefined);
    expect(summaries.map((s) => s.storeName).sort()).toEqual(['smoke-medusa', 'smoke-woo']);
    for (const s of summaries) {
      expect(s).toMatchObject({ deleting: false, sync: { status: 'Synced', revision: list.revision }, health: { status: 'Healthy' }, operation: { phase: 'Succeeded' } });
      const lc = computeLifecycle({
        git: { name: s.storeName, presentOnMain: true, latestCommit: { sha: list.revision, committedAt: '2026-11-23T00:00:00Z' } },
        app: s,
        argo: { kind: 'connected' },
        now: new Date(),
        provisioningTimeoutMinutes: 20,
      });
      expect(lc).toEqual({ status: 'ready' });
    }
  });

  it("the ApplicationSet made each store's Application from its shard folder", () => {
    const smoke = list.data.items.filter((a) => a.metadata.name.startsWith('store-smoke-'));
    expect(smoke).toHaveLength(2);
    for (const a of smoke) expect(a.spec?.source?.path).toBe(`${storeDir(a.metadata.name.slice('store-'.length))}/manifests`);
  });

  it('stream frames carry {result: {type, application}} as the client expects', () => {
    const frames = load<string[]>('stream-frames.json').data;
    expect(frames.length).toBeGreaterThan(0);
    for (const f of frames) {
      const payload = JSON.parse(f.replace(/^data:\s*/, ''));
      expect(['ADDED', 'MODIFIED', 'DELETED']).toContain(payload.result.type);
      expect(summarizeApplication(payload.result.application)?.storeName).toMatch(/^smoke-/);
    }
  });

  it('the resource tree lists the store’s rendered kinds with health', () => {
    const tree = load<{ nodes: { kind: string; name: string; health?: { status: string } }[] }>('resource-tree-smoke-woo.json').data;
    const kinds = new Set(tree.nodes.map((n) => n.kind));
    for (const k of ['Deployment', 'StatefulSet', 'Service', 'Ingress', 'SealedSecret', 'PersistentVolumeClaim']) expect(kinds).toContain(k);
    expect(tree.nodes.find((n) => n.kind === 'Deployment' && n.name === 'wordpress')?.health?.status).toBe('Healthy');
  });
});

describe('store Applications the dev cluster refused (npm run cluster:hostile with STOREFLEET_CAPTURE_DIR)', () => {
  const cases: [string, RegExp][] = [
    ['hostile-foreign-namespace.json', /ConfigMap planted: .*ValidatingAdmissionPolicy 'storefleet-store-confinement'.*denied request/],
    ['hostile-privileged.json', /Deployment wordpress: .*ValidatingAdmissionPolicy 'storefleet-store-pod-security'.*denied request/],
    ['hostile-cluster-role-binding.json', /ClusterRoleBinding hx-admin: resource rbac\.authorization\.k8s\.io:ClusterRoleBinding is not permitted in project stores/],
  ];
  it.each(cases)('%s: failed at once with the refusal, while Argo CD still retries', (file, refusal) => {
    const { capturedFrom, revision, data } = load<Application>(file);
    expect(capturedFrom).toMatch(/^Argo CD v3\.2\.\d+/);
    const s = summarizeApplication(data)!;
    expect(s.operation?.phase).toBe('Running');
    expect(s.operation?.retryCount).toBeGreaterThan(0);
    const lc = computeLifecycle({
      git: { name: s.storeName, presentOnMain: true, latestCommit: { sha: revision, committedAt: new Date().toISOString() } },
      app: s,
      argo: { kind: 'connected' },
      now: new Date(),
      provisioningTimeoutMinutes: 30,
    });
    expect(lc.status).toBe('failed');
    expect(lc.reason).toMatch(/^refused by the cluster/);
    expect(lc.reason).toMatch(refusal);
  });
});
