// The ValidatingAdmissionPolicies of argocd/ (40-45), evaluated with a CEL interpreter against the
// requests kube-apiserver would see: everything a real store renders is admitted (created and
// deleted by Argo CD, its pods created by the workload controllers), and each way out of a store
// is denied with its message. The dev cluster (`npm run cluster:hostile`) repeats this for real.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderStoreObjects } from '../constructs/index.ts';
import { ENGINES, PLANS, storeProps } from '../constructs/test-props.ts';
import { backupProps } from '../constructs/backup/test-props.ts';
import { finalBackupJobName } from '../constructs/backup/backup.ts';
import { renderBootstrap } from '../generator/bootstrap.ts';
import { ARGOCD_CONTROLLER, argoCdApply, evaluatePolicy, type AdmissionRequest } from './admission-eval.ts';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed YAML

const files = renderBootstrap({ REPO_URL: 'https://github.com/acme/shops-gitops.git', REVISION: 'main', PLATFORM_NAMESPACE: 'storefleet', WEBHOOK_SECRET: 'a'.repeat(64) });
const policy = (file: string): Any => parse(files.get(file) as string);
const POLICIES = {
  namespaces: policy('40-namespace-guard-policy.yaml'),
  confinement: policy('42-store-confinement-policy.yaml'),
  podSecurity: policy('44-store-pod-security-policy.yaml'),
};
/** Every message any policy denies the request with. */
const denials = (req: AdmissionRequest): string[] => Object.values(POLICIES).flatMap((p) => evaluatePolicy(p, req).denied);

const podTemplateOf = (o: Any): Any => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec?.template);

const deployment = (spec: Any = {}, meta: Any = {}): Any => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'store-a', ...meta },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', securityContext: { allowPrivilegeEscalation: false } }], ...spec },
    },
  },
});
const container = (securityContext: Any, extra: Any = {}) => ({ containers: [{ name: 'web', image: 'nginx:1.27', securityContext, ...extra }] });
const ok = { allowPrivilegeEscalation: false };
const admin = 'kubernetes-admin';
const as = (username: string, object: Any, operation: AdmissionRequest['operation'] = 'CREATE'): AdmissionRequest => ({ operation, username, namespace: object.metadata.namespace ?? '', object });

describe('admission policies of argocd/ (CEL, evaluated offline)', () => {
  it.each(ENGINES.flatMap((engine) => [{ engine, deleting: false }, { engine, deleting: true }]))('admit everything a $engine store renders (being deleted: $deleting): Argo CD creates, updates and deletes it, controllers create its pods', ({ engine, deleting }) => {
    const props = storeProps(engine, PLANS[0], { name: 'corner-shop' });
    // Being deleted: the database and the Job final-backup (a backup target is configured).
    const objects = renderStoreObjects(deleting ? { ...props, backup: backupProps(), finalBackup: { requestedAt: '2026-01-02T03:04:05.000Z' } } : props);
    expect(objects.length).toBeGreaterThan(10);
    if (deleting) expect(objects.map((o) => `${o.kind}/${(o.metadata as Any).name}`)).toContain(`Job/${finalBackupJobName('2026-01-02T03:04:05.000Z')}`);
    for (const o of objects) {
      for (const op of ['CREATE', 'UPDATE', 'DELETE'] as const) {
        expect(denials(argoCdApply('store-corner-shop', 'store-corner-shop', o, op)), `${op} ${o.kind}/${(o.metadata as Any).name}`).toEqual([]);
      }
      const template = podTemplateOf(o);
      if (template) {
        const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${(o.metadata as Any).name}-x1`, namespace: 'store-corner-shop' }, spec: template.spec };
        expect(denials(as('system:serviceaccount:kube-system:replicaset-controller', pod)), `pod of ${o.kind}`).toEqual([]);
      }
    }
  });

  it("Argo CD may write only into the namespace named by the object's Application", () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'store-b' }, data: {} };
    expect(denials(argoCdApply('store-a', 'store-a', cm)).join()).toMatch(/may write only into its own namespace/);
    expect(denials(argoCdApply('store-b', 'store-b', cm))).toEqual([]);
    // A tracking id written into the manifest is overwritten by Argo CD's own.
    const forged = { ...cm, metadata: { ...cm.metadata, annotations: { 'argocd.argoproj.io/tracking-id': 'store-b:/ConfigMap:store-b/x' } } };
    expect(denials(argoCdApply('store-a', 'store-a', forged)).join()).toMatch(/own namespace/);
    // Deleting another store's objects is refused too.
    expect(denials({ ...argoCdApply('store-a', 'store-a', cm, 'DELETE') }).join()).toMatch(/own namespace/);
  });

  it("Argo CD may create only its Application's own Namespace, and no other cluster-scoped object", () => {
    const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } });
    expect(denials(argoCdApply('store-a', 'store-a', ns('store-a')))).toEqual([]);
    expect(denials(argoCdApply('store-a', 'store-a', ns('store-b'))).join()).toMatch(/own namespace/);
    expect(denials(argoCdApply('store-a', 'store-a', ns('kube-system'))).join()).toMatch(/only store-\* namespaces/);
    for (const kind of ['ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'ValidatingWebhookConfiguration']) {
      const group = kind.startsWith('Cluster') ? 'rbac.authorization.k8s.io/v1' : kind.startsWith('Custom') ? 'apiextensions.k8s.io/v1' : 'admissionregistration.k8s.io/v1';
      expect(denials(argoCdApply('store-a', 'store-a', { apiVersion: group, kind, metadata: { name: 'x' } })).join(), kind).toMatch(/no cluster-scoped object/);
    }
    const inSystem = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'kube-system' } };
    expect(denials(argoCdApply('store-a', 'store-a', inSystem)).join()).toMatch(/only into store-\* namespaces and the platform namespace/);
  });

  it("leave the platform Application, Argo CD's own namespace and other users alone", () => {
    const cm = (namespace: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace } });
    expect(denials(argoCdApply('storefleet-platform', 'storefleet', cm('storefleet')))).toEqual([]);
    expect(evaluatePolicy(POLICIES.confinement, as(ARGOCD_CONTROLLER, cm('argocd'))).matched).toBe(false);
    expect(evaluatePolicy(POLICIES.confinement, as(admin, cm('store-b'))).matched).toBe(false);
  });

  it('a store Namespace must enforce baseline or restricted pod security, for every requester', () => {
    const ns = (labels?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'store-a', ...(labels ? { labels } : {}) } });
    const say = /must carry pod-security.kubernetes.io\/enforce/;
    expect(denials(as(admin, ns())).join()).toMatch(say);
    expect(denials(as(admin, ns({ 'pod-security.kubernetes.io/enforce': 'privileged' }))).join()).toMatch(say);
    expect(denials(as(admin, ns({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.0' }))).join()).toMatch(say);
    expect(denials(as(admin, ns({ 'pod-security.kubernetes.io/enforce': 'restricted' })))).toEqual([]);
    expect(denials(as(admin, { ...ns(), metadata: { name: 'team-x' } }))).toEqual([]); // not a store namespace
  });

  const violations: [string, Any, RegExp][] = [
    ['privileged', container({ ...ok, privileged: true }), /privileged containers/],
    ['hostNetwork', { hostNetwork: true }, /host's network, PID or IPC/],
    ['hostPID', { hostPID: true }, /host's network, PID or IPC/],
    ['hostIPC', { hostIPC: true }, /host's network, PID or IPC/],
    ['hostPath', { volumes: [{ name: 'h', hostPath: { path: '/' } }] }, /hostPath/],
    ['allowPrivilegeEscalation: true', container({ allowPrivilegeEscalation: true }), /allowPrivilegeEscalation: false/],
    ['allowPrivilegeEscalation unset', container({}), /allowPrivilegeEscalation: false/],
    ['no securityContext', { containers: [{ name: 'web', image: 'nginx:1.27' }] }, /allowPrivilegeEscalation: false/],
    ['SYS_ADMIN', container({ ...ok, capabilities: { add: ['SYS_ADMIN'] } }), /capability/],
    ['hostPort', container(ok, { ports: [{ containerPort: 80, hostPort: 80 }] }), /host ports/],
    ['privileged init container', { initContainers: [{ name: 'i', image: 'busybox:1.36', securityContext: { ...ok, privileged: true } }] }, /privileged containers/],
  ];

  it.each(violations)('refuse %s in a store namespace, in a Deployment, a bare Pod and a CronJob, whoever asks', (_what, spec, message) => {
    const d = deployment(spec);
    const podSpec = d.spec.template.spec;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'store-a' }, spec: podSpec };
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'store-a' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: podSpec } } } } };
    for (const o of [d, pod, cron]) {
      expect(denials(argoCdApply('store-a', 'store-a', o)).join(), o.kind).toMatch(message);
      expect(denials(as(admin, o)).join(), `${o.kind} by an operator`).toMatch(message);
    }
    // Outside store namespaces this policy does not apply (the platform and the system have their own rules).
    expect(evaluatePolicy(POLICIES.podSecurity, as(admin, { ...pod, metadata: { name: 'p', namespace: 'kube-system' } })).matched).toBe(false);
  });

  it('admit NET_BIND_SERVICE, hostPort 0 and privileged: false', () => {
    expect(denials(argoCdApply('store-a', 'store-a', deployment(container({ ...ok, privileged: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }, { ports: [{ containerPort: 80, hostPort: 0 }] }))))).toEqual([]);
  });
});
