// Every bootstrap file, filled the way `storefleet bootstrap` fills it, against the Argo CD and
// Kubernetes schemas; and the AppProject whitelists against what the constructs really render.
import { readFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { STORE_KINDS, renderStoreObjects } from '../constructs/index.ts';
import { PLATFORM_KINDS } from '../constructs/platform/index.ts';
import { engineOf } from '../constructs/engines/index.ts';
import type { StoreProps } from '../constructs/props.ts';
import { backupProps } from '../constructs/backup/test-props.ts';
import { validateAgainstSchema } from '../constructs/platform/testing/kube-schemas.ts';
import { ARGOCD_VERSION, TEMPLATE_DIR, renderBootstrap, templateFiles, type BootstrapValues } from '../generator/bootstrap.ts';
import { storeDir } from '../generator/layout.ts';
import { parsePlatform } from '../generator/platform.ts';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- deep reads of parsed YAML

const VALUES: BootstrapValues = {
  REPO_URL: 'https://github.com/acme/shops-gitops.git',
  REVISION: 'main',
  PLATFORM_NAMESPACE: 'storefleet',
  WEBHOOK_SECRET: 'a'.repeat(64),
};
const files = renderBootstrap(VALUES);
const docs = new Map([...files].map(([f, text]) => [f, parse(text, { version: '1.1' }) as Any]));
const byKind = (kind: string, name: string): Any => [...docs.values()].find((d) => d.kind === kind && d.metadata.name === name);

const groupKind = (apiVersion: string, kind: string) => `${apiVersion.includes('/') ? apiVersion.split('/')[0] : ''}/${kind}`;
const whitelist = (list: { group: string; kind: string }[]) => list.map((gk) => `${gk.group}/${gk.kind}`).sort();
const CLUSTER_SCOPED = new Set(['/Namespace']);

/** A store of `engine` on the template platform; `withBackups`: as if platform.yaml had a backup target. */
function storeProps(engine: string, withBackups = false): StoreProps {
  const config = parsePlatform(readFileSync(join(TEMPLATE_DIR, '../gitops-repo-template/platform.yaml'), 'utf8'));
  // Ciphertext-shaped placeholders: the constructs only pass encryptedData through.
  const sealed = Object.fromEntries(
    Object.entries(engineOf(engine).secrets).map(([secret, keys]) => [secret, Object.fromEntries((keys as readonly string[]).map((k: string) => [k, 'Y2lwaGVydGV4dA==']))]),
  );
  return {
    store: { name: 'kinds-probe', engine, plan: config.defaultPlan, displayName: 'Kinds probe', owner: 'test', createdAt: '2026-11-23T16:00:00Z' },
    site: config.site,
    plan: config.plans[config.defaultPlan],
    images: config.images,
    sealed,
    ...(withBackups ? { backup: backupProps() } : {}),
  };
}

describe(`argocd/ bootstrap (Argo CD ${ARGOCD_VERSION})`, () => {
  it('fills every template completely and parses each into one object', () => {
    expect(templateFiles()).toEqual([
      '01-argocd-cmd-params-cm.yaml',
      '02-argocd-cm.yaml',
      '03-argocd-rbac-cm.yaml',
      '10-project-stores.yaml',
      '11-project-platform.yaml',
      '20-applicationset-stores.yaml',
      '30-application-platform.yaml',
      '40-namespace-guard-policy.yaml',
      '41-namespace-guard-binding.yaml',
      '42-store-confinement-policy.yaml',
      '43-store-confinement-binding.yaml',
      '44-store-pod-security-policy.yaml',
      '45-store-pod-security-binding.yaml',
      'argocd-secret.yaml',
    ]);
    for (const [f, text] of files) {
      expect(text, f).not.toContain('${');
      const clusterScoped = f.startsWith('4');
      expect(docs.get(f), f).toMatchObject({ apiVersion: expect.any(String), kind: expect.any(String), metadata: clusterScoped ? {} : { namespace: 'argocd' } });
    }
  });

  it.each([...templateFiles()])('%s is valid against its schema', (f) => {
    expect(() => validateAgainstSchema(docs.get(f))).not.toThrow();
  });

  it('the stores AppProject admits only the GitOps repo, store-* namespaces in this cluster, and a read-only API role', () => {
    const p = byKind('AppProject', 'stores').spec;
    expect(p.sourceRepos).toEqual([VALUES.REPO_URL]);
    expect(p.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'store-*' }]);
    expect(p.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    expect(p.orphanedResources).toEqual({ warn: true });
    expect(p.roles).toEqual([expect.objectContaining({ name: 'api-reader', policies: ['p, proj:stores:api-reader, applications, get, stores/*, allow'] })]);
    const all = [...p.namespaceResourceWhitelist, ...p.clusterResourceWhitelist];
    expect(all.some((gk: { group: string; kind: string }) => gk.group === 'rbac.authorization.k8s.io' || gk.kind === 'ServiceAccount' || gk.kind === '*' || gk.group === '*')).toBe(false);
  });

  it('the stores AppProject whitelists exactly STORE_KINDS', () => {
    const p = byKind('AppProject', 'stores').spec;
    const kinds = STORE_KINDS.map((k) => groupKind(k.apiVersion, k.kind));
    expect(whitelist(p.namespaceResourceWhitelist)).toEqual(kinds.filter((k) => !CLUSTER_SCOPED.has(k)).sort());
    expect(whitelist(p.clusterResourceWhitelist)).toEqual(kinds.filter((k) => CLUSTER_SCOPED.has(k)).sort());
  });

  it.each(['woocommerce', 'medusa'] as const)('every kind a %s store renders (with and without backups, and being deleted: its final backup) is allowed by the stores AppProject, and each rendered kind is in STORE_KINDS', (engine) => {
    const p = byKind('AppProject', 'stores').spec;
    const allowed = new Set([...whitelist(p.namespaceResourceWhitelist), ...whitelist(p.clusterResourceWhitelist)]);
    const declared = new Set(STORE_KINDS.map((k) => `${k.apiVersion} ${k.kind}`));
    const marked = renderStoreObjects({ ...storeProps(engine, true), finalBackup: { requestedAt: '2026-01-02T03:04:05.000Z' } });
    expect(marked.some((o) => o.kind === 'Job')).toBe(true);
    for (const o of [...renderStoreObjects(storeProps(engine)), ...renderStoreObjects(storeProps(engine, true)), ...marked]) {
      expect(allowed, `${o.kind} ${(o.metadata as { name: string }).name}`).toContain(groupKind(String(o.apiVersion), String(o.kind)));
      expect(declared).toContain(`${o.apiVersion} ${o.kind}`);
    }
  });

  it('no AppProject allows a kind that neither engine renders (backups included)', () => {
    const rendered = new Set(
      (['woocommerce', 'medusa'] as const).flatMap((e) =>
        [...renderStoreObjects(storeProps(e)), ...renderStoreObjects(storeProps(e, true))].map((o) => groupKind(String(o.apiVersion), String(o.kind))),
      ),
    );
    const p = byKind('AppProject', 'stores').spec;
    for (const gk of [...whitelist(p.namespaceResourceWhitelist), ...whitelist(p.clusterResourceWhitelist)]) expect(rendered, gk).toContain(gk);
  });

  it('the platform AppProject whitelists exactly PLATFORM_KINDS, in the platform namespace only', () => {
    const p = byKind('AppProject', 'platform').spec;
    const kinds = PLATFORM_KINDS.map((k) => groupKind(k.apiVersion, k.kind));
    expect(whitelist(p.namespaceResourceWhitelist)).toEqual(kinds.filter((k) => !CLUSTER_SCOPED.has(k)).sort());
    expect(whitelist(p.clusterResourceWhitelist)).toEqual(kinds.filter((k) => CLUSTER_SCOPED.has(k)).sort());
    expect(p.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'storefleet' }]);
    expect(p.sourceRepos).toEqual([VALUES.REPO_URL]);
  });

  it("the stores generator's pattern matches every store folder and nothing else under stores/", () => {
    // Argo CD filters directories with Go's path.Match; for `*` and `[...]` Node's matchesGlob agrees.
    const [{ path: pattern }] = byKind('ApplicationSet', 'stores').spec.generators[0].git.directories;
    const names = Array.from({ length: 300 }, (_, i) => `shop-${i}`);
    expect(new Set(names.map((n) => storeDir(n).split('/')[1])).size).toBeGreaterThan(150); // many shards seen
    for (const n of names) expect(matchesGlob(storeDir(n), pattern), storeDir(n)).toBe(true);
    for (const other of ['stores/corner-shop', 'stores/corner-shop/manifests', 'stores/89', 'stores/89/corner-shop/manifests', 'stores/8/x', 'stores/0g/x', 'platform/x'])
      expect(matchesGlob(other, pattern), other).toBe(false);
  });

  it('the stores ApplicationSet generates one store Application per folder with the agreed semantics', () => {
    const s = byKind('ApplicationSet', 'stores').spec;
    expect(s.goTemplate).toBe(true);
    expect(s.goTemplateOptions).toEqual(['missingkey=error']);
    expect(s.generators).toEqual([{ git: { repoURL: VALUES.REPO_URL, revision: 'main', directories: [{ path: 'stores/[0-9a-f][0-9a-f]/*' }] } }]);
    expect(s.syncPolicy).toEqual({ applicationsSync: 'sync', preserveResourcesOnDeletion: false });
    const t = s.template;
    expect(t.metadata).toEqual({
      name: 'store-{{.path.basename}}',
      labels: { 'app.kubernetes.io/part-of': 'storefleet', 'storefleet.dev/store': '{{.path.basename}}' },
      annotations: { 'argocd.argoproj.io/manifest-generate-paths': '.' },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    });
    expect(t.spec.project).toBe('stores');
    expect(t.spec.source).toEqual({ repoURL: VALUES.REPO_URL, targetRevision: 'main', path: '{{.path.path}}/manifests' });
    expect(t.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'store-{{.path.basename}}' });
    expect(t.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(t.spec.syncPolicy.retry).toMatchObject({ limit: expect.any(Number), backoff: { duration: expect.any(String), factor: 2, maxDuration: expect.any(String) } });
    // The generated Application is itself a valid Application once the template is expanded.
    const expanded = JSON.parse(
      JSON.stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { ...t.metadata, namespace: 'argocd' }, spec: t.spec })
        .replaceAll('{{.path.basename}}', 'corner-shop')
        .replaceAll('{{.path.path}}', 'stores/1f/corner-shop'),
    );
    expect(() => validateAgainstSchema(expanded)).not.toThrow();
    expect(expanded.spec.source.path).toBe('stores/1f/corner-shop/manifests');
  });

  it('the controller settings honour the per-ApplicationSet policy', () => {
    const params = byKind('ConfigMap', 'argocd-cmd-params-cm').data;
    expect(params['applicationsetcontroller.enable.policy.override']).toBe('true');
    expect(params['applicationsetcontroller.policy']).toBe('');
  });

  it('argocd-cm reports an Ingress without load-balancer status Healthy and defines the API account', () => {
    const cm = byKind('ConfigMap', 'argocd-cm').data;
    const lua: string = cm['resource.customizations.health.networking.k8s.io_Ingress'];
    expect(lua).toContain('hs.status = "Healthy"');
    expect(lua.trimEnd().endsWith('return hs')).toBe(true);
    expect(lua).not.toMatch(/Progressing|Degraded/);
    expect(cm['accounts.storefleet-api']).toBe('apiKey');
  });

  it('argocd-rbac-cm grants the API account read access to store Applications only', () => {
    const rbac = byKind('ConfigMap', 'argocd-rbac-cm').data;
    expect(rbac['policy.default']).toBe('');
    const lines = rbac['policy.csv'].trim().split('\n').map((l: string) => l.trim());
    expect(lines).toEqual(['p, role:storefleet-reader, applications, get, stores/*, allow', 'g, storefleet-api, role:storefleet-reader']);
  });

  it('argocd-secret carries the webhook secret under the key Argo CD reads', () => {
    expect(byKind('Secret', 'argocd-secret').stringData).toEqual({ 'webhook.github.secret': VALUES.WEBHOOK_SECRET });
  });

  it('the namespace guard limits Argo CD\'s application controller to store-* and the platform namespace', () => {
    const policy = byKind('ValidatingAdmissionPolicy', 'storefleet-argocd-namespaces').spec;
    expect(policy.matchConditions).toEqual([
      { name: 'argocd-application-controller', expression: 'request.userInfo.username == "system:serviceaccount:argocd:argocd-application-controller"' },
    ]);
    expect(policy.matchConstraints.resourceRules).toEqual([{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE', 'DELETE'], resources: ['namespaces'] }]);
    const [rule] = policy.validations;
    expect(rule.expression).toContain('startsWith("store-")');
    expect(rule.expression).toContain('== "storefleet"');
    expect(byKind('ValidatingAdmissionPolicyBinding', 'storefleet-argocd-namespaces').spec).toEqual({
      policyName: 'storefleet-argocd-namespaces',
      validationActions: ['Deny'],
    });
  });

  it('the platform Application deploys platform/ into the platform namespace and keeps it on deletion', () => {
    const a = byKind('Application', 'storefleet-platform');
    expect(a.metadata.finalizers).toBeUndefined();
    expect(a.spec).toMatchObject({
      project: 'platform',
      source: { repoURL: VALUES.REPO_URL, targetRevision: 'main', path: 'platform' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'storefleet' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    });
  });
});
