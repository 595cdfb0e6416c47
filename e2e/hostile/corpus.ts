// The hostile pull-request corpus (issue 15): ways a merged change to the GitOps repository could
// try to leave its store. Built at run time from stores the generator renders (`storefleet new`),
// so it follows the constructs and holds no secret of its own: no fixture files, no plaintext
// Secret objects. Used twice: `npm test` (e2e/hostile/corpus.test.ts) proves `storefleet check`
// refuses every case; `npm run cluster:hostile` (e2e/cluster/hostile.ts) pushes the same tree to
// the dev cluster and proves Argo CD or admission refuses every case on its own.
//
// Each case gets its own store `hx-<id>` (so all cases can be pushed and judged at once), next to
// one ordinary store, the victim `hx-victim`, whose namespace the cases try to reach.
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { main } from '../../generator/cli.ts';
import { manifestsDir, storeDir, storeNamespace } from '../../generator/layout.ts';
import { toYaml } from '../../generator/render.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Kubernetes objects as parsed YAML

export const VICTIM = 'hx-victim';
/** Label on every object a case injects or changes: the cluster run lists the cluster by it. */
export const CASE_LABEL = 'storefleet.dev/hostile-case';
/** Files outside stores/ that some cases point symbolic links at (ignored by `check`, read by Argo CD). */
export const PAYLOAD_DIR = 'hostile-payload';

/** Who is expected to refuse the case on the cluster. */
export type ClusterLayer = 'project' | 'admission';

export interface HostileCase {
  id: string;
  /** What the pull request tries. */
  what: string;
  /** The layer expected to stop it on the cluster (the other may stop it too). */
  layer: ClusterLayer;
  /** A `check` problem for this case contains this text. */
  checkSays: string;
  /** Turns the freshly rendered store `store` in `repo` into the hostile variant. */
  apply(repo: string, store: string): void;
}

export const caseStore = (c: Pick<HostileCase, 'id'>): string => `hx-${c.id}`;

// ---- small file helpers over a checkout ----

const manifestsPath = (repo: string, store: string) => join(repo, manifestsDir(store));

function manifestFiles(repo: string, store: string): string[] {
  return readdirSync(manifestsPath(repo, store)).sort();
}

/** The manifest file of the first rendered object of `kind` (by file name: `<kind>-<name>.yaml`). */
function fileOf(repo: string, store: string, kind: string): string {
  const f = manifestFiles(repo, store).find((x) => x.startsWith(`${kind.toLowerCase()}-`));
  if (!f) throw new Error(`${manifestsDir(store)} has no ${kind}`);
  return join(manifestsPath(repo, store), f);
}

const mark = (o: Obj, id: string): Obj => {
  o.metadata ??= {};
  o.metadata.labels = { ...(o.metadata.labels ?? {}), [CASE_LABEL]: id };
  return o;
};

function edit(file: string, id: string, change: (o: Obj) => void): void {
  const o = parse(readFileSync(file, 'utf8')) as Obj;
  change(o);
  writeFileSync(file, toYaml(mark(o, id)));
}

function add(repo: string, store: string, file: string, id: string, ...objects: Obj[]): void {
  writeFileSync(join(manifestsPath(repo, store), file), objects.map((o) => toYaml(mark(o, id))).join('---\n'));
}

/** The pod spec of the store's first Deployment, changed in place. */
const editPod = (id: string, change: (pod: Obj) => void) => (repo: string, store: string) =>
  edit(fileOf(repo, store, 'Deployment'), id, (d) => change(d.spec.template.spec));
const editFirstContainer = (id: string, change: (c: Obj) => void) => editPod(id, (pod) => change(pod.containers[0]));

/** A minimal pod spec that would pass nothing but the test at hand. */
const busybox = (extra: Obj = {}): Obj => ({
  containers: [{ name: 'x', image: 'busybox:1.36', securityContext: { allowPrivilegeEscalation: false }, ...extra }],
});

const configMap = (name: string, namespace: string | undefined, data: Record<string, string> = { k: 'v' }): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  data,
});

const clusterAdminBinding = (name: string, namespace: string): Obj => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
  subjects: [{ kind: 'ServiceAccount', name: 'default', namespace }],
});

const webhook = (kind: string, name: string): Obj => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind,
  metadata: { name },
  webhooks: [
    {
      name: `${name}.hostile.invalid`,
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      failurePolicy: 'Ignore',
      clientConfig: { url: 'https://hostile.invalid/hook' },
      rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['secrets'] }],
    },
  ],
});

/** A symbolic link at `from` (absolute) to `to` (absolute), stored relative as Git keeps it. */
function link(from: string, to: string): void {
  rmSync(from, { recursive: true, force: true });
  symlinkSync(relative(dirname(from), to), from);
}

function payload(repo: string, file: string, id: string, obj: Obj): string {
  const abs = join(repo, PAYLOAD_DIR, file);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, toYaml(mark(obj, id)));
  return abs;
}

// ---- the cases ----

export const CASES: HostileCase[] = [
  {
    id: 'foreign-namespace',
    what: "a new ConfigMap in the victim store's namespace",
    layer: 'admission',
    checkSays: 'unexpected file',
    apply: (repo, s) => add(repo, s, 'configmap-planted.yaml', 'foreign-namespace', configMap('planted', storeNamespace(VICTIM))),
  },
  {
    id: 'moved-object',
    what: "a rendered Service moved into the victim store's namespace",
    layer: 'admission',
    checkSays: 'differs from the generator',
    apply: (repo, s) => edit(fileOf(repo, s, 'Service'), 'moved-object', (o) => (o.metadata.namespace = storeNamespace(VICTIM))),
  },
  {
    id: 'forged-tracking',
    what: "an object in the victim's namespace carrying the victim Application's tracking annotation",
    layer: 'admission',
    checkSays: 'unexpected file',
    apply: (repo, s) =>
      add(repo, s, 'configmap-forged.yaml', 'forged-tracking', {
        ...configMap('forged', storeNamespace(VICTIM)),
        metadata: {
          name: 'forged',
          namespace: storeNamespace(VICTIM),
          annotations: { 'argocd.argoproj.io/tracking-id': `store-${VICTIM}:/ConfigMap:${storeNamespace(VICTIM)}/forged` },
        },
      }),
  },
  {
    id: 'squat-namespace',
    what: 'a second Namespace, store-hx-squatted, for a store that does not exist yet',
    layer: 'admission',
    checkSays: 'unexpected file',
    apply: (repo, s) =>
      add(repo, s, 'namespace-squat.yaml', 'squat-namespace', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'store-hx-squatted', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
      }),
  },
  {
    id: 'foreign-namespace-object',
    what: "the victim's Namespace object, relabelled privileged",
    layer: 'admission',
    checkSays: 'unexpected file',
    apply: (repo, s) => {
      const victimNs = parse(readFileSync(fileOf(repo, VICTIM, 'Namespace'), 'utf8')) as Obj;
      victimNs.metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged';
      add(repo, s, 'namespace-victim.yaml', 'foreign-namespace-object', victimNs);
    },
  },
  {
    id: 'system-namespace',
    what: 'a Namespace kube-system (adopted, then deleted with the store)',
    layer: 'admission',
    checkSays: 'unexpected file',
    apply: (repo, s) => add(repo, s, 'namespace-kube-system.yaml', 'system-namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }),
  },
  {
    id: 'no-pod-security',
    what: "the store's own Namespace without pod-security labels",
    layer: 'admission',
    checkSays: 'differs from the generator',
    apply: (repo, s) =>
      edit(fileOf(repo, s, 'Namespace'), 'no-pod-security', (o) => {
        for (const k of Object.keys(o.metadata.labels)) if (k.startsWith('pod-security.kubernetes.io/')) delete o.metadata.labels[k];
      }),
  },
  {
    id: 'privileged-namespace',
    what: "the store's own Namespace labelled enforce: privileged",
    layer: 'admission',
    checkSays: 'differs from the generator',
    apply: (repo, s) => edit(fileOf(repo, s, 'Namespace'), 'privileged-namespace', (o) => (o.metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged')),
  },
  {
    id: 'privileged',
    what: 'a privileged container in a rendered Deployment',
    layer: 'admission',
    checkSays: 'differs from the generator',
    // Kubernetes refuses privileged with allowPrivilegeEscalation: false, so a real attempt sets both.
    apply: editFirstContainer('privileged', (c) => (c.securityContext = { ...c.securityContext, privileged: true, allowPrivilegeEscalation: true })),
  },
  {
    id: 'host-path',
    what: "a hostPath volume of the node's / in a rendered Deployment",
    layer: 'admission',
    checkSays: 'differs from the generator',
    apply: editPod('host-path', (pod) => {
      pod.volumes = [...(pod.volumes ?? []), { name: 'host', hostPath: { path: '/' } }];
    }),
  },
  {
    id: 'host-network',
    what: 'hostNetwork: true in a rendered Deployment',
    layer: 'admission',
    checkSays: 'differs from the generator',
    // Without the rendered sysctls, which Kubernetes does not allow together with hostNetwork.
    apply: editPod('host-network', (pod) => {
      pod.hostNetwork = true;
      if (pod.securityContext) delete pod.securityContext.sysctls;
    }),
  },
  {
    id: 'host-pid',
    what: 'hostPID and hostIPC in a rendered Deployment',
    layer: 'admission',
    checkSays: 'differs from the generator',
    apply: editPod('host-pid', (pod) => Object.assign(pod, { hostPID: true, hostIPC: true })),
  },
  {
    id: 'privilege-escalation',
    what: 'allowPrivilegeEscalation: true in a rendered Deployment',
    layer: 'admission',
    checkSays: 'differs from the generator',
    apply: editFirstContainer('privilege-escalation', (c) => (c.securityContext = { ...c.securityContext, allowPrivilegeEscalation: true })),
  },
  {
    id: 'capabilities',
    what: 'capabilities.add SYS_ADMIN in a rendered Deployment',
    layer: 'admission',
    checkSays: 'differs from the generator',
    apply: editFirstContainer('capabilities', (c) => (c.securityContext = { ...c.securityContext, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } })),
  },
  {
    id: 'host-port',
    what: 'a hostPort on a rendered container',
    layer: 'admission',
    checkSays: 'differs from the generator',
    apply: editFirstContainer('host-port', (c) => (c.ports = [...(c.ports ?? []), { containerPort: 2222, hostPort: 22 }])),
  },
  {
    id: 'bare-pod',
    what: 'a bare privileged Pod (a kind the project does not list)',
    layer: 'project',
    checkSays: 'unexpected file',
    apply: (repo, s) =>
      add(repo, s, 'pod-root.yaml', 'bare-pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'root' }, spec: busybox({ securityContext: { privileged: true } }) }),
  },
  {
    id: 'daemonset',
    what: 'a DaemonSet mounting the host filesystem on every node',
    layer: 'project',
    checkSays: 'unexpected file',
    apply: (repo, s) =>
      add(repo, s, 'daemonset-everywhere.yaml', 'daemonset', {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'everywhere' },
        spec: {
          selector: { matchLabels: { app: 'everywhere' } },
          template: { metadata: { labels: { app: 'everywhere' } }, spec: { ...busybox(), volumes: [{ name: 'host', hostPath: { path: '/' } }] } },
        },
      }),
  },
  {
    id: 'cluster-role',
    what: 'a ClusterRole that can read every Secret',
    layer: 'project',
    checkSays: 'unexpected file',
    apply: (repo, s) =>
      add(repo, s, 'clusterrole-secrets.yaml', 'cluster-role', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'hx-read-secrets' },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
      }),
  },
  {
    id: 'cluster-role-binding',
    what: "a ClusterRoleBinding of cluster-admin to the store's default ServiceAccount",
    layer: 'project',
    checkSays: 'unexpected file',
    apply: (repo, s) => add(repo, s, 'clusterrolebinding-admin.yaml', 'cluster-role-binding', clusterAdminBinding('hx-admin', storeNamespace(s))),
  },
  {
    id: 'namespaced-rbac',
    what: 'a ServiceAccount with a Role and RoleBinding in the store namespace',
    layer: 'project',
    checkSays: 'unexpected file',
    apply: (repo, s) =>
      add(
        repo,
        s,
        'role-everything.yaml',
        'namespaced-rbac',
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'everything' } },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'everything' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'everything' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'everything' },
          subjects: [{ kind: 'ServiceAccount', name: 'everything' }],
        },
      ),
  },
  {
    id: 'validating-webhook',
    what: 'a ValidatingWebhookConfiguration that sees every new Secret',
    layer: 'project',
    checkSays: 'unexpected file',
    apply: (repo, s) => add(repo, s, 'validatingwebhookconfiguration-spy.yaml', 'validating-webhook', webhook('ValidatingWebhookConfiguration', 'hx-spy')),
  },
  {
    id: 'mutating-webhook',
    what: 'a MutatingWebhookConfiguration that could rewrite every new Secret',
    layer: 'project',
    checkSays: 'unexpected file',
    apply: (repo, s) => add(repo, s, 'mutatingwebhookconfiguration-rewrite.yaml', 'mutating-webhook', webhook('MutatingWebhookConfiguration', 'hx-rewrite')),
  },
  {
    id: 'crd',
    what: 'a CustomResourceDefinition',
    layer: 'project',
    checkSays: 'unexpected file',
    apply: (repo, s) =>
      add(repo, s, 'customresourcedefinition-backdoors.yaml', 'crd', {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'backdoors.hostile.invalid' },
        spec: {
          group: 'hostile.invalid',
          names: { kind: 'Backdoor', plural: 'backdoors' },
          scope: 'Cluster',
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
        },
      }),
  },
  {
    id: 'multi-document',
    what: 'a second YAML document (a ClusterRoleBinding) appended to a rendered manifest',
    layer: 'project',
    checkSays: 'differs from the generator',
    apply: (repo, s) => {
      const file = fileOf(repo, s, 'ConfigMap');
      writeFileSync(file, `${readFileSync(file, 'utf8')}---\n${toYaml(mark(clusterAdminBinding('hx-multidoc', storeNamespace(s)), 'multi-document'))}`);
    },
  },
  {
    id: 'json-manifest',
    what: 'a ClusterRoleBinding as a .json file (Argo CD reads JSON too)',
    layer: 'project',
    checkSays: 'unexpected file',
    apply: (repo, s) =>
      writeFileSync(join(manifestsPath(repo, s), 'clusterrolebinding-json.json'), JSON.stringify(mark(clusterAdminBinding('hx-json', storeNamespace(s)), 'json-manifest'))),
  },
  {
    id: 'symlink',
    what: 'a rendered manifest replaced by a symbolic link to a ClusterRoleBinding elsewhere in the repository',
    layer: 'project',
    checkSays: 'symbolic link',
    apply: (repo, s) => link(fileOf(repo, s, 'ConfigMap'), payload(repo, 'symlink.yaml', 'symlink', clusterAdminBinding('hx-symlink', storeNamespace(s)))),
  },
  {
    id: 'symlinked-folder',
    what: "manifests/ replaced by a symbolic link to the victim store's manifests",
    layer: 'admission',
    checkSays: 'symbolic link',
    apply: (repo, s) => link(manifestsPath(repo, s), manifestsPath(repo, VICTIM)),
  },
  {
    id: 'claims-victim',
    what: "a store folder whose store.yaml and manifests are the victim store's (it claims the victim's name)",
    layer: 'admission',
    checkSays: `does not match its folder name`,
    apply: (repo, s) => {
      const mine = join(repo, storeDir(s));
      rmSync(mine, { recursive: true });
      const theirs = join(repo, storeDir(VICTIM));
      mkdirSync(join(mine, 'manifests'), { recursive: true });
      writeFileSync(join(mine, 'store.yaml'), readFileSync(join(theirs, 'store.yaml')));
      for (const f of readdirSync(join(theirs, 'manifests'))) writeFileSync(join(mine, 'manifests', f), readFileSync(join(theirs, 'manifests', f)));
    },
  },
  {
    id: 'oversized',
    what: 'a 1.2 MB ConfigMap (more than Kubernetes stores, far more than any generated file)',
    layer: 'admission',
    checkSays: 'larger than any generated file',
    apply: (repo, s) => add(repo, s, 'configmap-huge.yaml', 'oversized', configMap('huge', undefined, { blob: 'x'.repeat(1_200_000) })),
  },
];

export interface Out {
  log(line: string): void;
  error(line: string): void;
}

const quiet = { log: () => {}, error: () => {}, progress: () => {} };

/** Renders a store with the real CLI (`storefleet new`): the victim and every case start as ordinary stores. */
export async function newStore(repo: string, name: string): Promise<void> {
  const errors: string[] = [];
  const code = await main(['new', repo, '--name', name, '--engine', 'woocommerce', '--owner', 'hostile-corpus'], { ...quiet, error: (l) => errors.push(l) });
  if (code !== 0) throw new Error(`storefleet new ${name} failed: ${errors.join('; ')}`);
}

/** Renders the victim and one store per case, then turns each case's store hostile. */
export async function buildCorpus(repo: string, cases: HostileCase[] = CASES): Promise<void> {
  await newStore(repo, VICTIM);
  for (const c of cases) await newStore(repo, caseStore(c));
  for (const c of cases) c.apply(repo, caseStore(c));
}

/** Every object of a YAML or JSON text (what Argo CD would read from it). */
export function objectsOf(text: string): Obj[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Obj)
    .filter((o) => o && typeof o === 'object');
}
