// Policy checks for rendered manifests (docs: /work/shared/design/testing.md "Policy checks"):
// the same rules hold for a store's namespace and for the platform's own namespace. Returns
// readable violations instead of throwing, so a test can show all of them at once.

type Obj = Record<string, unknown>;
interface Container {
  name?: string;
  image?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { runAsNonRoot?: boolean; allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
}
type Probe = Record<string, unknown>;
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean };
  containers?: Container[];
  initContainers?: Container[];
}

const RBAC_GROUP = 'rbac.authorization.k8s.io/';

/**
 * Containers that may keep a writable root filesystem, as "<workload>/<container>" → why (the
 * same list is in docs/constructs.md). Every other container runs read-only with emptyDirs for the
 * paths its image writes.
 */
export const WRITABLE_ROOT_ALLOWED: Readonly<Record<string, string>> = {};

/** What a probe checks, without its timing: equal checks mean liveness restarts whatever readiness only reports. */
function probeCheck(p: Probe): string {
  const { exec, httpGet, tcpSocket, grpc } = p;
  return JSON.stringify({ exec, httpGet, tcpSocket, grpc });
}
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
  const quota = objects.find((o) => o.kind === 'ResourceQuota');
  if (!quota) out.push('no ResourceQuota');
  const hard = ((quota?.spec as { hard?: Record<string, unknown> } | undefined)?.hard ?? {});
  for (const key of ['requests.ephemeral-storage', 'limits.ephemeral-storage']) {
    if (quota && !hard[key]) out.push(`${id(quota)}: does not count ${key}`);
  }
  const limitRange = objects.find((o) => o.kind === 'LimitRange');
  if (!limitRange) out.push('no LimitRange');
  else {
    const limits = (limitRange.spec as { limits?: Array<Record<string, Record<string, unknown> | string>> }).limits ?? [];
    const container = limits.find((l) => l.type === 'Container');
    for (const part of ['defaultRequest', 'default', 'max']) {
      if (!(container?.[part] as Record<string, unknown> | undefined)?.['ephemeral-storage']) out.push(`${id(limitRange)}: no ${part} ephemeral-storage for containers`);
    }
  }
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
        for (const r of ['cpu', 'memory', 'ephemeral-storage']) if (!c.resources?.[part]?.[r]) out.push(`${where}: no ${part}.${r}`);
      }
      const sc = c.securityContext;
      if (!sc) out.push(`${where}: no securityContext`);
      if (!(sc?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot)) out.push(`${where}: not runAsNonRoot`);
      if (sc?.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation not false`);
      if (!sc?.capabilities?.drop?.includes('ALL')) out.push(`${where}: capabilities not dropped`);
      if (sc?.readOnlyRootFilesystem !== true && !(`${m.name}/${c.name}` in WRITABLE_ROOT_ALLOWED)) {
        out.push(`${where}: writable root filesystem (mount emptyDirs for the paths the image writes)`);
      }
      if (!c.image || !imagePinned(c.image)) out.push(`${where}: image "${c.image}" not pinned to a tag or digest`);
      if (needsProbes && (!c.readinessProbe || !c.livenessProbe)) out.push(`${where}: no readiness/liveness probe`);
      else if (needsProbes && probeCheck(c.readinessProbe!) === probeCheck(c.livenessProbe!)) {
        out.push(`${where}: liveness probe checks the same as readiness (a slow start or dependency becomes a restart loop)`);
      }
    }
  }
  return out;
}
