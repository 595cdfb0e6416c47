// Where the time inside Argo CD's sync goes, per store: watches the store's objects on the dev
// cluster's API server and stamps, on arrival (ms; object timestamps only have seconds), when
// each was created, when its pod was scheduled and running/complete, and when it became healthy
// the way Argo CD judges health. With the sync waves and hooks read from the objects' own
// annotations, POST → Ready splits into: each step (wave or hook phase) applied → its slowest
// object healthy → Argo CD applies the next step. kwok's share (a pod scheduled → running or
// complete: what a real node spends starting containers) is reported apart from the rest.
import { kubeWatch } from './api.ts';

const WATCHED: [kind: string, path: string][] = [
  ['Namespace', '/api/v1/namespaces'],
  ['ConfigMap', '/api/v1/configmaps'],
  ['Service', '/api/v1/services'],
  ['PersistentVolumeClaim', '/api/v1/persistentvolumeclaims'],
  ['ResourceQuota', '/api/v1/resourcequotas'],
  ['LimitRange', '/api/v1/limitranges'],
  ['ServiceAccount', '/api/v1/serviceaccounts'],
  ['Pod', '/api/v1/pods'],
  ['Deployment', '/apis/apps/v1/deployments'],
  ['StatefulSet', '/apis/apps/v1/statefulsets'],
  ['ReplicaSet', '/apis/apps/v1/replicasets'],
  ['Job', '/apis/batch/v1/jobs'],
  ['CronJob', '/apis/batch/v1/cronjobs'],
  ['NetworkPolicy', '/apis/networking.k8s.io/v1/networkpolicies'],
  ['Ingress', '/apis/networking.k8s.io/v1/ingresses'],
  ['SealedSecret', '/apis/bitnami.com/v1alpha1/sealedsecrets'],
  ['Role', '/apis/rbac.authorization.k8s.io/v1/roles'],
  ['RoleBinding', '/apis/rbac.authorization.k8s.io/v1/rolebindings'],
];

/** One object of a store namespace and the moments it reached (ms since the epoch, this machine). */
export interface ObjectTrace {
  kind: string;
  name: string;
  /** Applied by Argo CD (carries its tracking annotation), with its sync wave and hook. */
  tracked: boolean;
  wave: number;
  hook?: string;
  /** The controlling owner, `Kind/name` (a pod's ReplicaSet, StatefulSet or Job). */
  owner?: string;
  added: number;
  scheduled?: number;
  running?: number;
  healthy?: number;
}

/** An Application's sync operation as Argo CD's stream showed it. */
export interface ArgoTrace {
  created?: number;
  syncStarted?: number;
  argoReady?: number;
  /** Each change of operationState.message ("waiting for healthy state of …"), stamped. */
  messages: { at: number; phase: string; message: string }[];
}

const cond = (o: any, type: string) => o.status?.conditions?.some((c: any) => c.type === type && c.status === 'True');

/** When `o` counts as healthy for Argo CD's built-in checks (approximately; read on each event). */
function isHealthy(kind: string, o: any): boolean {
  const s = o.status ?? {};
  const want = o.spec?.replicas ?? 1;
  const current = (s.observedGeneration ?? 0) >= (o.metadata.generation ?? 0);
  switch (kind) {
    case 'Deployment': return current && (s.updatedReplicas ?? 0) >= want && (s.availableReplicas ?? 0) >= want;
    case 'StatefulSet': return current && (s.readyReplicas ?? 0) >= want && (s.updatedReplicas ?? 0) >= want;
    case 'ReplicaSet': return (s.readyReplicas ?? 0) >= want;
    case 'Job': return cond(o, 'Complete') || cond(o, 'Failed');
    case 'PersistentVolumeClaim': return s.phase === 'Bound';
    case 'SealedSecret': return cond(o, 'Synced');
    case 'Pod': return cond(o, 'Ready') || s.phase === 'Succeeded' || s.phase === 'Failed';
    default: return true;
  }
}

export interface KubeTracer {
  /** The objects seen in namespace `ns` since `since`. */
  objects(ns: string, since: number): ObjectTrace[];
  stop(): void;
}

export function traceKube(): KubeTracer {
  const ac = new AbortController();
  const byNs = new Map<string, Map<string, ObjectTrace>>();
  for (const [kind, path] of WATCHED) {
    kubeWatch(path, (type, o) => {
      const ns: string = kind === 'Namespace' ? o.metadata.name : o.metadata.namespace;
      if (type === 'DELETED' || !ns?.startsWith('store-')) return;
      const now = Date.now();
      const key = `${kind}/${o.metadata.name}/${o.metadata.uid}`;
      let objs = byNs.get(ns);
      if (!objs) byNs.set(ns, (objs = new Map()));
      let t = objs.get(key);
      if (!t) {
        const a = o.metadata.annotations ?? {};
        const ctl = o.metadata.ownerReferences?.find((r: any) => r.controller);
        t = {
          kind,
          name: o.metadata.name,
          tracked: 'argocd.argoproj.io/tracking-id' in a,
          wave: Number(a['argocd.argoproj.io/sync-wave'] ?? 0),
          hook: a['argocd.argoproj.io/hook'],
          owner: ctl ? `${ctl.kind}/${ctl.name}` : undefined,
          added: now,
        };
        objs.set(key, t);
      }
      if (kind === 'Pod') {
        if (o.spec?.nodeName) t.scheduled ??= now;
        if (o.status?.phase === 'Running' || o.status?.phase === 'Succeeded' || o.status?.phase === 'Failed') t.running ??= now;
      }
      if (isHealthy(kind, o)) t.healthy ??= now;
    }, ac.signal);
  }
  return {
    objects: (ns, since) => [...(byNs.get(ns)?.values() ?? [])].filter((o) => o.added >= since),
    stop: () => ac.abort(),
  };
}

/** A stretch of POST → Ready: its label (stable across stores of one engine) and length in ms. */
export interface Segment { key: string; label: string; ms: number; kwok?: boolean }

const ref = (o: ObjectTrace) => `${o.kind}/${o.name}`;

/** A step of the sync: one wave of plain resources and Sync hooks, or a hook phase. */
function stepOf(o: ObjectTrace): string {
  if (o.hook && o.hook !== 'Sync') return o.hook;
  return `wave ${o.wave}`;
}

/**
 * Splits POST (t0) → the dashboard shows Ready into consecutive segments whose lengths add up
 * to the whole: before the sync, each step's Kubernetes part (split at its slowest object's pod:
 * controllers/scheduler before it is scheduled, kwok until it runs or completes, controllers
 * until the object is healthy) and Argo CD's part (slowest object healthy → next step applied),
 * and after the sync.
 */
export function segments(t0: number, dashboardReady: number, argo: ArgoTrace, objs: ObjectTrace[]): Segment[] {
  const tracked = objs.filter((o) => o.tracked);
  const order = (s: string) => (s.startsWith('wave ') ? Number(s.slice(5)) : s === 'PreSync' ? -1e9 : 1e9);
  const steps = [...new Set(tracked.map(stepOf))].sort((a, b) => order(a) - order(b));
  const out: Segment[] = [];
  // key: the label without the slowest object's name, so stores of one engine line up.
  const push = (label: string, from: number | undefined, to: number | undefined, kwok = false) => {
    if (from !== undefined && to !== undefined) out.push({ key: label.replace(/ \([A-Za-z]+\/[^)]*\)/, ''), label, ms: to - from, kwok });
  };
  push('POST → Application created (API commit + push, webhook, ApplicationSet generation)', t0, argo.created);
  push('Application created → sync operation started (refresh, manifests, auto-sync)', argo.created, argo.syncStarted);
  const start = (s: string) => Math.min(...tracked.filter((o) => stepOf(o) === s).map((o) => o.added));
  push(`sync started → ${steps[0]} applied (Argo CD: the first pass)`, argo.syncStarted, steps.length ? start(steps[0]) : undefined);
  // The pods that belong to an object, following Deployment → ReplicaSet → Pod.
  const podsOf = (o: ObjectTrace) => {
    const owners = new Set([ref(o), ...objs.filter((x) => x.kind === 'ReplicaSet' && x.owner === ref(o)).map(ref)]);
    return objs.filter((p) => p.kind === 'Pod' && p.owner && owners.has(p.owner));
  };
  steps.forEach((step, i) => {
    const members = tracked.filter((o) => stepOf(o) === step);
    const slowest = members.reduce((a, b) => ((b.healthy ?? Infinity) > (a.healthy ?? Infinity) ? b : a));
    const what = `${step} (${ref(slowest)})`;
    // Argo CD creates a missing Namespace alone, dry-runs every resource of the Application, and
    // only applies the rest of the step in its next pass.
    const ns = members.find((o) => o.kind === 'Namespace');
    const rest = members.filter((o) => o !== ns);
    let applied = start(step);
    if (ns && rest.length) {
      const first = Math.min(...rest.map((o) => o.added));
      push(`${step}: Namespace created → the rest applied (Argo CD: a dry run of every resource, the next pass)`, ns.added, first);
      applied = first;
    }
    const last = Math.max(...members.map((o) => o.added));
    push(`${step}: first → last object applied (Argo CD applies kind by kind)`, applied, last);
    const pod = podsOf(slowest).sort((a, b) => (b.running ?? 0) - (a.running ?? 0))[0];
    if (pod?.scheduled && pod.running && slowest.healthy) {
      const scheduled = Math.max(last, pod.scheduled);
      const running = Math.max(scheduled, pod.running);
      push(`${what}: last applied → pod scheduled (controllers, scheduler, volume binding)`, last, scheduled);
      push(`${what}: pod scheduled → running or complete (kwok: the containers' start)`, scheduled, running, true);
      push(`${what}: pod running or complete → healthy (controllers)`, running, slowest.healthy);
    } else {
      push(`${what}: last applied → healthy (controllers)`, last, slowest.healthy);
    }
    const next = i + 1 < steps.length ? start(steps[i + 1]) : argo.argoReady;
    push(i + 1 < steps.length ? `${what}: healthy → ${steps[i + 1]} applied (Argo CD)` : `${what}: healthy → Argo CD reports Synced + Healthy + Succeeded`, slowest.healthy, next);
  });
  push('Argo CD ready → the dashboard shows Ready (API stream, status, SSE, render)', argo.argoReady, dashboardReady);
  return out;
}

/** One line per stamped moment, relative to t0: what `segments` was computed from. */
export function timeline(t0: number, argo: ArgoTrace, objs: ObjectTrace[]): string[] {
  const ev: [number, string][] = [];
  for (const o of objs) {
    const tag = `${ref(o)}${o.tracked ? ` [${stepOf(o)}]` : ''}`;
    ev.push([o.added, `${tag} created`]);
    if (o.scheduled) ev.push([o.scheduled, `${tag} scheduled`]);
    if (o.running) ev.push([o.running, `${tag} running`]);
    if (o.healthy && o.healthy !== o.added) ev.push([o.healthy, `${tag} healthy`]);
  }
  for (const m of argo.messages) ev.push([m.at, `Argo CD: ${m.phase}: ${m.message}`]);
  if (argo.created) ev.push([argo.created, 'Argo CD: Application created']);
  if (argo.syncStarted) ev.push([argo.syncStarted, 'Argo CD: sync operation started']);
  if (argo.argoReady) ev.push([argo.argoReady, 'Argo CD: Synced + Healthy + Succeeded']);
  return ev.sort((a, b) => a[0] - b[0]).map(([t, what]) => `${((t - t0) / 1000).toFixed(2).padStart(6)}s ${what}`);
}
