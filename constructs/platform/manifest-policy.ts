// Policy checks for rendered manifests (docs: /work/shared/design/testing.md "Policy checks"):
// the same rules hold for a store's namespace and for the platform's own namespace. Returns
// readable violations instead of throwing, so a test can show all of them at once.

type Obj = Record<string, unknown>;
interface Container {
  name?: string;
  image?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { runAsNonRoot?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  readinessProbe?: unknown;
  livenessProbe?: unknown;
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean };
  containers?: Container[];
  initContainers?: Container[];
}

const RBAC_GROUP = 'rbac.authorization.k8s.io/';
const PINNED = /^[^@]+:[A-Za-z0-9_][A-Za-z0-9._-]*(@sha256:[a-f0-9]{64})?$|@sha256:[a-f0-9]{64}$/;

function meta(o: Obj): { name: string; namespace?: string; labels: Record<string, string> } {
  const m = (o.metadata ?? {}) as { name?: string; namespace?: string; labels?: Record<string, string> };
  return { name: m.name ?? '', namespace: m.namespace, labels: m.labels ?? {} };
}

function podSpecOf(o: Obj): PodSpec | undefined {
  const spec = o.spec as { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } } | undefined;
  if (o.kind === 'Pod') return o.spec as PodSpec;
  if (o.kind === 'CronJob') return spec?.jobTemplate?.spec?.template?.spec;
  return spec?.template?.spec;
}

function imagePinned(image: string): boolean {
  const last = image.split('/').pop() ?? '';
  if (/:latest(@|$)/.test(last)) return false;
  return PINNED.test(last) || image.includes('@sha256:');
}

/** Violations of the manifest policy for the objects of one namespace. Empty means compliant. */
export function manifestPolicyViolations(objects: Obj[], namespace: string): string[] {
  const out: string[] = [];
  const id = (o: Obj) => `${String(o.kind)}/${meta(o).name}`;

  const nsObj = objects.find((o) => o.kind === 'Namespace');
  if (!nsObj) out.push(`no Namespace ${namespace} rendered`);
  else {
    if (meta(nsObj).name !== namespace) out.push(`${id(nsObj)}: expected namespace ${namespace}`);
    if (!meta(nsObj).labels['pod-security.kubernetes.io/enforce']) out.push(`${id(nsObj)}: no pod-security enforce label`);
  }
  if (!objects.some((o) => o.kind === 'ResourceQuota')) out.push('no ResourceQuota');
  if (!objects.some((o) => o.kind === 'LimitRange')) out.push('no LimitRange');
  const defaultDeny = objects.some((o) => {
    if (o.kind !== 'NetworkPolicy') return false;
    const s = o.spec as { podSelector?: Obj; policyTypes?: string[]; ingress?: unknown[]; egress?: unknown[] };
    return (
      Object.keys(s.podSelector ?? { x: 1 }).length === 0 &&
      ['Ingress', 'Egress'].every((t) => s.policyTypes?.includes(t)) &&
      !s.ingress?.length &&
      !s.egress?.length
    );
  });
  if (!defaultDeny) out.push('no default-deny NetworkPolicy (empty podSelector, Ingress+Egress, no rules)');

  for (const o of objects) {
    const apiVersion = String(o.apiVersion);
    const m = meta(o);
    if (!m.name) out.push(`${String(o.kind)}: no metadata.name`);
    if (m.name.length > 63) out.push(`${id(o)}: name longer than 63 characters`);
    if (apiVersion.startsWith(RBAC_GROUP) || o.kind === 'ServiceAccount') out.push(`${id(o)}: RBAC objects are not allowed`);
    if (o.kind === 'Secret') out.push(`${id(o)}: plain Secret rendered (only SealedSecrets may carry credentials)`);
    if (o.kind !== 'Namespace' && m.namespace !== namespace) out.push(`${id(o)}: outside namespace ${namespace} (${m.namespace ?? 'cluster-scoped'})`);
    if (o.kind === 'SealedSecret') {
      const t = (o.spec as { template?: { data?: unknown; stringData?: unknown } }).template;
      if (t?.data || t?.stringData) out.push(`${id(o)}: SealedSecret template carries plaintext data`);
    }

    const pod = podSpecOf(o);
    if (!pod) continue;
    const longRunning = o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'DaemonSet';
    const all: [Container, boolean][] = [
      ...(pod.initContainers ?? []).map((c): [Container, boolean] => [c, false]),
      ...(pod.containers ?? []).map((c): [Container, boolean] => [c, longRunning]),
    ];
    for (const [c, needsProbes] of all) {
      const where = `${id(o)} container ${c.name ?? '?'}`;
      for (const part of ['requests', 'limits'] as const) {
        for (const r of ['cpu', 'memory']) if (!c.resources?.[part]?.[r]) out.push(`${where}: no ${part}.${r}`);
      }
      const sc = c.securityContext;
      if (!sc) out.push(`${where}: no securityContext`);
      if (!(sc?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot)) out.push(`${where}: not runAsNonRoot`);
      if (sc?.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation not false`);
      if (!sc?.capabilities?.drop?.includes('ALL')) out.push(`${where}: capabilities not dropped`);
      if (!c.image || !imagePinned(c.image)) out.push(`${where}: image "${c.image}" not pinned to a tag or digest`);
      if (needsProbes && (!c.readinessProbe || !c.livenessProbe)) out.push(`${where}: no readiness/liveness probe`);
    }
  }
  return out;
}
