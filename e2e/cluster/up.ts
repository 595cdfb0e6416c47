// npm run cluster:up — starts the dev cluster as local processes bound to 127.0.0.1:
// etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok (fake nodes), the harness
// loop (volumes, ingress status), Sealed Secrets, git smart-HTTP server, redis and Argo CD; applies the
// project's Argo CD bootstrap (argocd/); writes <state>/kubeconfig and <state>/storefleet.env.
// Every process gets a PID file; `cluster:down` stops exactly those. A failed start stops what
// it started (set STOREFLEET_CLUSTER_KEEP_ON_FAILURE=1 to keep it for debugging).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { PLATFORM_SECRET_NAMES } from '../../constructs/platform/index.ts';
import { platformSecretPath } from '../../generator/platform-deployment.ts';
import { publicKeyFromCertificate, seal } from '../../generator/sealing.ts';
import { argocdApi, login } from './lib/argocd.ts';
import { argocdUrl, binary, PLATFORM_NAMESPACE, cacheDir, clusterSourceDir, gitUrl, HOST, paths, ports, repoRoot, stateDir, versions } from './lib/config.ts';
import { apply, kubectl, kubectlJson } from './lib/kube.ts';
import { withFailingSmokeTests } from './lib/kwok-stages.ts';
import { configureBackups, startBackupTarget } from './lib/backup-target.ts';
import { moduleDir } from './lib/modules.ts';
import { createPki, writeKubeconfig } from './lib/pki.ts';
import { startProcess, stopAll, trackedProcesses } from './lib/procs.ts';
import { step, tcpOpen, waitFor } from './lib/wait.ts';

const ARGOCD_NS = 'argocd';
const SEALED_NS = 'kube-system';
const FAKE_NODES = [
  { name: 'kwok-node-0', ip: '127.0.1.1' },
  { name: 'kwok-node-1', ip: '127.0.1.2' },
];

function sh(cmd: string, args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], cwd: opts.cwd, input: opts.input, env: { ...process.env, ...opts.env } });
}

function have(cmd: string): boolean {
  try {
    sh('sh', ['-c', `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

/** Debian packages the cluster needs on the host; installed with apt-get when missing. */
function ensureHostPackages(): void {
  const missing = [['redis-server', 'redis-server'], ['git', 'git'], ['openssl', 'openssl'], ['unshare', 'util-linux']].filter(([cmd]) => !have(cmd)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  console.log(`  installing ${missing.join(', ')} with apt-get`);
  execFileSync(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), 'install', '-y', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

const log = (name: string) => join(paths.logs, `${name}.log`);
const lastLines = (name: string) => (existsSync(log(name)) ? readFileSync(log(name), 'utf8').split('\n').slice(-15).join('\n') : '(no log)');

async function waitListening(name: string, port: number, timeoutMs = 120_000): Promise<void> {
  await waitFor(`${name} on ${HOST}:${port}`, async () => {
    if (!trackedProcesses().find((p) => p.name === name)?.alive) throw new Error(`${name} exited; last log lines:\n${lastLines(name)}`);
    return (await tcpOpen(HOST, port)) || undefined;
  }, timeoutMs, 300).catch((err: Error) => {
    throw new Error(`${err.message}\n--- ${log(name)}\n${lastLines(name)}`);
  });
}

function freshState(): void {
  rmSync(stateDir, { recursive: true, force: true });
  for (const d of [paths.state, paths.pids, paths.logs, paths.etcdData, paths.gitBase, paths.argocd, paths.redis]) mkdirSync(d, { recursive: true, mode: 0o700 });
}

async function startEtcd(): Promise<void> {
  const url = `http://${HOST}:${ports.etcd}`;
  const peer = `http://${HOST}:${ports.etcdPeer}`;
  startProcess('etcd', binary('etcd'), [
    '--name=storefleet', `--data-dir=${paths.etcdData}`,
    `--listen-client-urls=${url}`, `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=storefleet=${peer}`,
    '--unsafe-no-fsync=true', // a throw-away dev store; fsync only slows the shared disk down
    '--quota-backend-bytes=2147483648', '--log-level=warn',
  ]);
  await waitFor('etcd /health', async () => {
    const res = await fetch(`${url}/health`).catch(() => undefined);
    return res?.ok ? true : undefined;
  }, 60_000);
}

async function startApiserver(): Promise<void> {
  const pki = (f: string) => join(paths.pki, f);
  startProcess('kube-apiserver', binary('kube-apiserver'), [
    `--etcd-servers=http://${HOST}:${ports.etcd}`,
    `--bind-address=${HOST}`, `--advertise-address=${HOST}`, `--secure-port=${ports.apiserver}`,
    `--tls-cert-file=${pki('apiserver.crt')}`, `--tls-private-key-file=${pki('apiserver.key')}`, `--client-ca-file=${pki('ca.crt')}`,
    `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
    `--service-account-key-file=${pki('sa.pub')}`, `--service-account-signing-key-file=${pki('sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    // The `kubernetes` Service's Endpoints may not hold a loopback address (validation error
    // every 10 s); nothing reaches the API server through that Service here anyway.
    '--endpoint-reconciler-type=none',
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,ResourceQuota,PodSecurity',
    '--allow-privileged=true',
    '--profiling=false',
    '--v=1',
  ]);
  await waitListening('kube-apiserver', ports.apiserver);
  await waitFor('kube-apiserver /readyz', () => (kubectl(['get', '--raw', '/readyz']).trim() === 'ok' ? true : undefined), 120_000, 1000);
}

async function startControllers(): Promise<void> {
  const cm = join(stateDir, 'controller-manager.kubeconfig');
  const sched = join(stateDir, 'scheduler.kubeconfig');
  writeKubeconfig(cm, 'controller-manager');
  writeKubeconfig(sched, 'scheduler');
  startProcess('kube-controller-manager', binary('kube-controller-manager'), [
    `--kubeconfig=${cm}`, `--authentication-kubeconfig=${cm}`, `--authorization-kubeconfig=${cm}`,
    `--bind-address=${HOST}`, `--secure-port=${ports.controllerManager}`,
    `--service-account-private-key-file=${join(paths.pki, 'sa.key')}`, `--root-ca-file=${join(paths.pki, 'ca.crt')}`,
    `--cluster-signing-cert-file=${join(paths.pki, 'ca.crt')}`, `--cluster-signing-key-file=${join(paths.pki, 'ca.key')}`,
    '--use-service-account-credentials=true', '--leader-elect=false', '--profiling=false', '--v=1',
  ]);
  startProcess('kube-scheduler', binary('kube-scheduler'), [
    `--kubeconfig=${sched}`, `--authentication-kubeconfig=${sched}`, `--authorization-kubeconfig=${sched}`,
    `--bind-address=${HOST}`, `--secure-port=${ports.scheduler}`, '--leader-elect=false', '--profiling=false', '--v=1',
  ]);
  await Promise.all([waitListening('kube-controller-manager', ports.controllerManager), waitListening('kube-scheduler', ports.scheduler)]);
}

async function startKwok(): Promise<void> {
  // kwok's own default stages (what kwokctl would load), straight from the module we built.
  const kwokDir = moduleDir('kwok', 'sigs.k8s.io/kwok');
  const stages = [
    'node/fast/node-initialize.yaml',
    'node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
    'pod/fast/pod-ready.yaml',
    'pod/fast/pod-complete.yaml',
    'pod/fast/pod-delete.yaml',
  ].map((f) => readFileSync(join(kwokDir, 'kustomize/stage', f), 'utf8'));
  writeFileSync(paths.kwokConfig, withFailingSmokeTests(stages).join('\n---\n'));
  // Fake nodes get loopback-range addresses and pods IPs from 127.1.0.0/16 (kwok's pod default
  // is 10.0.0.0/24; kwokctl's node addresses are not loopback either): nothing that might try an
  // address of a node or pod can leave the machine. Every container requests ephemeral storage, so
  // the nodes declare it as a kubelet would (without it the scheduler finds no node for any pod).
  apply(FAKE_NODES.map((n) => `apiVersion: v1
kind: Node
metadata:
  name: ${n.name}
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: ${n.name}
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
status:
  addresses:
  - type: InternalIP
    address: ${n.ip}
  - type: Hostname
    address: ${n.name}
  allocatable: { cpu: "32", memory: 128Gi, ephemeral-storage: 200Gi, pods: "110" }
  capacity: { cpu: "32", memory: 128Gi, ephemeral-storage: 200Gi, pods: "110" }
`).join('---\n'));
  startProcess('kwok', binary('kwok'), [
    `--kubeconfig=${paths.kubeconfig}`, `--config=${paths.kwokConfig}`,
    '--manage-all-nodes=false', '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
    '--node-ip=127.0.1.254', '--cidr=127.1.0.0/16', `--server-address=${HOST}:${ports.kwok}`,
    '--node-lease-duration-seconds=40',
  ]);
  await waitListening('kwok', ports.kwok);
  await waitFor('fake nodes Ready', () => {
    const nodes = kubectlJson<any>(['get', 'nodes']).items;
    return nodes.length === FAKE_NODES.length && nodes.every((n: any) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')) ? true : undefined;
  }, 60_000, 1000);
}

async function startHarnessLoop(): Promise<void> {
  apply(`apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: storefleet-dev
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: storefleet.dev/dev-cluster
reclaimPolicy: Delete
volumeBindingMode: Immediate
`);
  startProcess('harness-loop', process.execPath, [join(repoRoot, 'bin/run-ts.js'), join(clusterSourceDir, 'harness-loop.ts')], { cwd: repoRoot });
}

/** The Sealed Secrets dev key pair: made once by `storefleet init --dev-keys`, reused afterwards. */
function ensureSealingKeys(repoDir: string): void {
  const cli = join(repoRoot, 'bin/storefleet.js');
  if (existsSync(join(paths.sealingKeys, 'tls.key'))) {
    sh(process.execPath, [cli, 'init', repoDir], { cwd: repoRoot });
    mkdirSync(join(repoDir, 'sealing'), { recursive: true });
    copyFileSync(join(paths.sealingKeys, 'tls.crt'), join(repoDir, 'sealing', 'cert.pem'));
  } else {
    sh(process.execPath, [cli, 'init', repoDir, '--dev-keys', paths.sealingKeys], { cwd: repoRoot });
  }
}

async function startSealedSecrets(): Promise<void> {
  const ssDir = moduleDir('sealed-secrets', 'github.com/bitnami/sealed-secrets');
  apply(readFileSync(join(ssDir, 'helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml'), 'utf8'));
  const crt = readFileSync(join(paths.sealingKeys, 'tls.crt')).toString('base64');
  const key = readFileSync(join(paths.sealingKeys, 'tls.key')).toString('base64');
  apply(`apiVersion: v1
kind: Secret
metadata:
  name: sealed-secrets-key-storefleet-dev
  namespace: ${SEALED_NS}
  labels:
    sealedsecrets.bitnami.com/sealed-secrets-key: active
type: kubernetes.io/tls
data:
  tls.crt: ${crt}
  tls.key: ${key}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sealed-secrets-controller
  namespace: ${SEALED_NS}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: storefleet-dev:sealed-secrets-controller
rules:
- apiGroups: [bitnami.com]
  resources: [sealedsecrets, sealedsecrets/status]
  verbs: [get, list, watch, update, patch]
- apiGroups: ['']
  resources: [secrets]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: ['']
  resources: [events]
  verbs: [create, patch]
- apiGroups: ['']
  resources: [namespaces]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: storefleet-dev:sealed-secrets-controller
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: 'storefleet-dev:sealed-secrets-controller' }
subjects:
- { kind: ServiceAccount, name: sealed-secrets-controller, namespace: ${SEALED_NS} }
`);
  // The controller only knows in-cluster configuration (rest.InClusterConfig: fixed token path
  // under /var/run/secrets). It runs unmodified in a private mount namespace whose /run is a
  // tmpfs holding its own service-account token, CA and namespace, so it acts with its RBAC
  // like in a real cluster and nothing on the host changes.
  mkdirSync(paths.sealedSecretsSa, { recursive: true, mode: 0o700 });
  const token = await waitFor('sealed-secrets service-account token', () => kubectl(['-n', SEALED_NS, 'create', 'token', 'sealed-secrets-controller', '--duration=720h']).trim() || undefined, 60_000, 1000);
  writeFileSync(join(paths.sealedSecretsSa, 'token'), token, { mode: 0o600 });
  copyFileSync(join(paths.pki, 'ca.crt'), join(paths.sealedSecretsSa, 'ca.crt'));
  writeFileSync(join(paths.sealedSecretsSa, 'namespace'), SEALED_NS);
  const unshare = ['--mount', '--propagation', 'private', ...(process.getuid?.() === 0 ? [] : ['--map-root-user'])];
  startProcess('sealed-secrets-controller', 'unshare', [
    ...unshare, 'sh', '-c',
    'mount -t tmpfs tmpfs /run && mkdir -p /run/secrets/kubernetes.io/serviceaccount && cp "$SA_DIR"/* /run/secrets/kubernetes.io/serviceaccount/ && exec "$@"',
    'sh', binary('sealed-secrets-controller'),
    `--listen-addr=${HOST}:${ports.sealedSecrets}`, `--listen-metrics-addr=${HOST}:${ports.sealedSecretsMetrics}`,
    '--key-renew-period=0', '--update-status=true',
  ], { env: { SA_DIR: paths.sealedSecretsSa, KUBERNETES_SERVICE_HOST: HOST, KUBERNETES_SERVICE_PORT: String(ports.apiserver), POD_NAMESPACE: SEALED_NS } });
  await waitListening('sealed-secrets-controller', ports.sealedSecrets);
}

function startGit(): void {
  const work = paths.gitWork;
  ensureSealingKeys(work);
  const git = (args: string[], cwd = work) => sh('git', ['-c', 'user.name=Storefleet dev cluster', '-c', 'user.email=dev-cluster@storefleet.invalid', ...args], { cwd });
  git(['init', '-q', '-b', 'main']);
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'GitOps repository for the dev cluster (storefleet init)']);
  sh('git', ['init', '-q', '--bare', '-b', 'main', paths.gitBare]);
  sh('git', ['config', 'http.receivepack', 'true'], { cwd: paths.gitBare });
  git(['push', '-q', paths.gitBare, 'main']);
  git(['remote', 'add', 'origin', gitUrl]);
  startProcess('git-http', process.execPath, [join(repoRoot, 'bin/run-ts.js'), join(clusterSourceDir, 'git-http.ts'), paths.gitBase, String(ports.git)], { cwd: repoRoot });
}

/**
 * A kubeconfig with the token of ServiceAccount argocd/<role>, bound to cluster-admin as in
 * upstream's install (the controller's ClusterRole there is `*` on `*`). Running Argo CD under
 * its real service-account names makes identity-based rules apply here as in production, e.g.
 * the namespace guard ValidatingAdmissionPolicy of argocd/ matches
 * system:serviceaccount:argocd:argocd-application-controller.
 */
function serviceAccountKubeconfig(role: string): string {
  apply(`apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${role}
  namespace: ${ARGOCD_NS}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: storefleet-dev:${role}
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects:
- { kind: ServiceAccount, name: ${role}, namespace: ${ARGOCD_NS} }
`);
  const token = kubectl(['-n', ARGOCD_NS, 'create', 'token', role, '--duration=720h']).trim();
  const file = join(paths.argocd, `${role}.kubeconfig`);
  writeKubeconfig(file, role, { namespace: ARGOCD_NS, token });
  return file;
}

function argocdEnv(role: string): Record<string, string> {
  const tmp = join(paths.argocd, 'data');
  for (const d of ['tls', 'ssh', 'gpg', 'gnupg', 'static']) mkdirSync(join(tmp, d), { recursive: true, mode: 0o700 });
  return {
    ARGOCD_BINARY_NAME: role,
    ARGOCD_FAKE_IN_CLUSTER: 'true', // https://kubernetes.default.svc = the kubeconfig's cluster
    KUBECONFIG: serviceAccountKubeconfig(role === 'argocd-repo-server' ? 'argocd-server' : role),
    ARGOCD_GPG_ENABLED: 'false',
    ARGOCD_TLS_DATA_PATH: join(tmp, 'tls'),
    ARGOCD_SSH_DATA_PATH: join(tmp, 'ssh'),
    ARGOCD_GPG_DATA_PATH: join(tmp, 'gpg'),
    ARGOCD_GNUPGHOME: join(tmp, 'gnupg'),
    ARGOCD_REPO_SERVER_LISTEN_ADDRESS: HOST,
    HOME: paths.argocd,
  };
}

/**
 * Seconds the application controller waits after applying each sync wave before it judges the
 * wave's health: 0 instead of upstream's 2, which cost ~10 s per store (argocd/README.md, "Sync
 * wave delay"). STOREFLEET_DEV_SYNC_WAVE_DELAY=2 measures the difference (npm run bench -- cluster).
 */
const SYNC_WAVE_DELAY = process.env.STOREFLEET_DEV_SYNC_WAVE_DELAY ?? '0';
const RECONCILIATION_TIMEOUT = '20s';

async function startArgocd(adminPassword: string, webhookSecret: string): Promise<void> {
  const argoDir = moduleDir('argocd', 'github.com/argoproj/argo-cd/v3');
  const crds = readdirSync(join(argoDir, 'manifests/crds')).filter((f) => f.endsWith('-crd.yaml'));
  apply(crds.map((f) => readFileSync(join(argoDir, 'manifests/crds', f), 'utf8')).join('\n---\n'));
  // Argo CD's own bcrypt (Node has none built in). The password is on this one command line
  // for a moment; the error below never repeats the command.
  let hash: string;
  try {
    hash = sh(binary('argocd'), ['account', 'bcrypt', '--password', adminPassword], { env: { ARGOCD_BINARY_NAME: 'argocd', HOME: paths.argocd } }).trim();
  } catch {
    throw new Error('argocd account bcrypt failed');
  }
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const partOf = 'labels:\n    app.kubernetes.io/part-of: argocd';
  apply(`apiVersion: v1
kind: Namespace
metadata:
  name: ${ARGOCD_NS}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: ${ARGOCD_NS}
  ${partOf}
data:
  # Dev cluster: reconcile every 20 s instead of 120 s, so pushes show up quickly without webhooks.
  timeout.reconciliation: ${RECONCILIATION_TIMEOUT}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-rbac-cm
  namespace: ${ARGOCD_NS}
  ${partOf}
---
apiVersion: v1
kind: Secret
metadata:
  name: argocd-secret
  namespace: ${ARGOCD_NS}
  ${partOf}
type: Opaque
data:
  admin.password: ${b64(hash)}
  admin.passwordMtime: ${b64(new Date().toISOString().replace(/\.\d+Z$/, 'Z'))}
  server.secretkey: ${randomBytes(32).toString('base64')}
  webhook.github.secret: ${b64(webhookSecret)}
---
# What upstream's argocd-server creates on first start (and the operations walkthrough reads).
apiVersion: v1
kind: Secret
metadata:
  name: argocd-initial-admin-secret
  namespace: ${ARGOCD_NS}
type: Opaque
data:
  password: ${b64(adminPassword)}
`);
  const redis = `${HOST}:${ports.redis}`;
  const repo = `${HOST}:${ports.argocdRepoServer}`;
  startProcess('redis', 'redis-server', ['--bind', HOST, '--port', String(ports.redis), '--save', '', '--appendonly', 'no', '--dir', paths.redis, '--protected-mode', 'yes', '--daemonize', 'no']);
  await waitListening('redis', ports.redis);
  startProcess('argocd-repo-server', binary('argocd'), [
    `--address=${HOST}`, `--port=${ports.argocdRepoServer}`, `--metrics-address=${HOST}`, `--metrics-port=${ports.argocdRepoServerMetrics}`,
    `--redis=${redis}`, '--loglevel=info',
  ], { env: argocdEnv('argocd-repo-server') });
  await waitListening('argocd-repo-server', ports.argocdRepoServer);
  startProcess('argocd-application-controller', binary('argocd'), [
    `--redis=${redis}`, `--repo-server=${repo}`, `--metrics-port=${ports.argocdControllerMetrics}`,
    `--commit-server=${HOST}:1`, '--hydrator-enabled=false', '--loglevel=info',
  ], {
    env: {
      ...argocdEnv('argocd-application-controller'),
      ARGOCD_SYNC_WAVE_DELAY: SYNC_WAVE_DELAY,
      // Upstream's manifests pass argocd-cm's timeout.reconciliation to the controller this way;
      // the binary itself never reads that key (without it: 120 s + jitter).
      ARGOCD_RECONCILIATION_TIMEOUT: RECONCILIATION_TIMEOUT,
    },
  });
  startProcess('argocd-applicationset-controller', binary('argocd'), [
    `--metrics-addr=${HOST}:${ports.appsetMetrics}`, `--probe-addr=${HOST}:${ports.appsetProbe}`, `--webhook-addr=${HOST}:${ports.appsetWebhook}`,
    `--argocd-repo-server=${repo}`, '--enable-policy-override=true', '--loglevel=info',
  ], { env: argocdEnv('argocd-applicationset-controller') });
  startProcess('argocd-server', binary('argocd'), [
    '--insecure', `--address=${HOST}`, `--port=${ports.argocdServer}`, `--metrics-address=${HOST}`, `--metrics-port=${ports.argocdServerMetrics}`,
    `--redis=${redis}`, `--repo-server=${repo}`, `--dex-server=http://${HOST}:1`, `--staticassets=${join(paths.argocd, 'data', 'static')}`, '--loglevel=info',
  ], { env: argocdEnv('argocd-server') });
  await Promise.all([
    waitListening('argocd-application-controller', ports.argocdControllerMetrics),
    waitListening('argocd-applicationset-controller', ports.appsetWebhook),
    waitListening('argocd-server', ports.argocdServer),
  ]);
  await waitFor('argocd-server /healthz', async () => ((await fetch(`${argocdUrl}/healthz`).catch(() => undefined))?.ok ? true : undefined), 60_000);
}

/**
 * The project's own bootstrap: argocd/, filled by `storefleet bootstrap` with the git server's
 * URL, so the dev cluster uses the same manifests as production. Applied with field manager
 * `storefleet`, as argocd/README.md prescribes, so its keys merge with the ones `up` wrote.
 * (argocd-cmd-params-cm is read by nothing here: `up` passes the same settings as flags.)
 */
function applyBootstrap(webhookSecretFile: string): void {
  const out = join(stateDir, 'bootstrap');
  sh(process.execPath, [join(repoRoot, 'bin/storefleet.js'), 'bootstrap', '--repo', gitUrl, '--out', out, '--revision', 'main', '--platform-namespace', PLATFORM_NAMESPACE, '--webhook-secret-file', webhookSecretFile], { cwd: repoRoot });
  apply(readFileSync(join(out, 'secrets', 'argocd-secret.yaml'), 'utf8'), 'storefleet');
  const files = readdirSync(out).filter((f) => /\.ya?ml$/.test(f)).sort();
  apply(files.map((f) => readFileSync(join(out, f), 'utf8')).join('\n---\n'), 'storefleet');
}

/** A token for a role of AppProject `stores` (read-only per the design), made by the admin. */
async function projectToken(adminToken: string): Promise<string> {
  const project = await waitFor('AppProject stores', () => argocdApi<any>('GET', '/api/v1/projects/stores', adminToken), 60_000, 1000);
  const role = project.spec?.roles?.[0]?.name;
  if (!role) throw new Error('AppProject stores has no role to issue the API token for');
  const { token } = await argocdApi<{ token: string }>('POST', `/api/v1/projects/stores/roles/${role}/token`, adminToken, { description: 'Storefleet dev cluster API token' });
  return token;
}

/**
 * The platform deploys itself, as in production (docs/operations.md, step 6B): the working copy's
 * platform.yaml gets a `storefleet:` section, the API's three credentials are sealed with the dev
 * certificate exactly as `kubeseal --scope strict` would, `storefleet render` writes platform/,
 * and the push lets Application storefleet-platform sync it. kwok runs its pods without an image.
 */
function deployPlatform(argocdToken: string, webhookSecret: string, backupTarget: Parameters<typeof configureBackups>[1]): void {
  const work = paths.gitWork;
  // Stores back up to the SeaweedFS started above; a delete waits for their final backup.
  configureBackups(work, backupTarget);
  const namespace = PLATFORM_NAMESPACE;
  writeFileSync(join(work, 'platform.yaml'), `${readFileSync(join(work, 'platform.yaml'), 'utf8')}
# The platform's own deployment (written by npm run cluster:up; docs/platform-yaml.md).
storefleet:
  namespace: ${namespace}
  image: ghcr.io/storefleet/storefleet:0.1.0
  host: storefleet
  replicas: 1
  gitRemoteEgress: { cidrs: [${HOST}/32], ports: [${ports.git}] }
  env:
    STOREFLEET_ARGOCD_URL: ${argocdUrl}
    STOREFLEET_ARGOCD_APPSET_WEBHOOK_URL: http://${HOST}:${ports.appsetWebhook}/api/webhook
`);
  const key = publicKeyFromCertificate(readFileSync(join(paths.sealingKeys, 'tls.crt'), 'utf8'));
  const sealed = (name: string, data: Record<string, string>) => writeFileSync(join(work, platformSecretPath(name)), stringifyYaml({
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name, namespace },
    spec: {
      encryptedData: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, seal(key, namespace, name, v)])),
      template: { metadata: { name, namespace } },
    },
  }));
  sealed(PLATFORM_SECRET_NAMES.git, { STOREFLEET_GIT_REMOTE: gitUrl });
  sealed(PLATFORM_SECRET_NAMES.argocd, { STOREFLEET_ARGOCD_TOKEN: argocdToken, STOREFLEET_ARGOCD_WEBHOOK_SECRET: webhookSecret });
  sealed(PLATFORM_SECRET_NAMES.tokens, { 'tokens.yaml': 'tokens: []\n' });
  sh(process.execPath, [join(repoRoot, 'bin/storefleet.js'), 'render', work], { cwd: repoRoot });
  const git = (args: string[]) => sh('git', ['-c', 'user.name=Storefleet dev cluster', '-c', 'user.email=dev-cluster@storefleet.invalid', ...args], { cwd: work });
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'platform/: the Storefleet API+UI deployment (storefleet render); backups to the dev S3 target']);
  git(['push', '-q', 'origin', 'HEAD:main']);
  // What a Git host's push webhook would trigger: compare with the new commit now, not at the next poll.
  kubectl(['-n', ARGOCD_NS, 'annotate', '--overwrite', 'applications.argoproj.io', 'storefleet-platform', 'argocd.argoproj.io/refresh=normal']);
}

function writeEnvFile(vars: Record<string, string>): void {
  const lines = Object.entries(vars).map(([k, v]) => `${k}=${v}`);
  writeFileSync(paths.envFile, `# Written by npm run cluster:up (${new Date().toISOString()}). Holds a token: keep it private.\n${lines.join('\n')}\n`, { mode: 0o600 });
}

async function main(): Promise<void> {
  const t0 = Date.now();
  if (trackedProcesses().some((p) => p.alive)) {
    console.error(`the dev cluster is already running (state: ${stateDir}); run npm run cluster:down first`);
    process.exit(1);
  }
  console.log(`Storefleet dev cluster: Kubernetes ${versions.KUBERNETES_VERSION}, etcd ${versions.ETCD_VERSION}, kwok ${versions.KWOK_VERSION}, Argo CD ${versions.ARGOCD_VERSION}, Sealed Secrets ${versions.SEALED_SECRETS_VERSION}`);
  console.log(`state: ${stateDir}`);
  if (process.env.STOREFLEET_CLUSTER_NO_BUILD !== '1') {
    await step('build (skips what is built)', () => {
      execFileSync(join(clusterSourceDir, 'build.sh'), [], { stdio: ['ignore', 'ignore', 'inherit'] });
    });
  }
  await step('host packages (redis-server, git, openssl, unshare)', ensureHostPackages);
  await step('fresh state, certificates, kubeconfig', () => {
    freshState();
    createPki();
    writeKubeconfig(paths.kubeconfig, 'admin');
  });
  const adminPassword = randomBytes(18).toString('base64url');
  const webhookSecret = randomBytes(24).toString('base64url');
  await step('etcd', startEtcd);
  await step('kube-apiserver', startApiserver);
  await step('kube-controller-manager, kube-scheduler', startControllers);
  await step('kwok with fake nodes', startKwok);
  await step('storage class + harness loop (volumes, ingress status)', startHarnessLoop);
  await step('GitOps repository + git smart-HTTP server', async () => {
    startGit();
    await waitListening('git-http', ports.git);
  });
  await step('Sealed Secrets controller (dev key)', startSealedSecrets);
  await step('redis + Argo CD', () => startArgocd(adminPassword, webhookSecret));
  const webhookSecretFile = join(paths.argocd, 'webhook-secret');
  writeFileSync(webhookSecretFile, webhookSecret, { mode: 0o600 });
  await step('Argo CD bootstrap (argocd/ via storefleet bootstrap)', () => applyBootstrap(webhookSecretFile));
  const token = await step('Argo CD API token', async () => projectToken(await login(adminPassword)));
  writeFileSync(join(paths.argocd, 'admin-password'), adminPassword, { mode: 0o600 });
  const backupTarget = await step(`backup target: SeaweedFS S3 on ${HOST}:${ports.s3}`, startBackupTarget);
  await step('platform/ rendered, sealed and pushed (Application storefleet-platform)', () => deployPlatform(token, webhookSecret, backupTarget));
  writeEnvFile({
    KUBECONFIG: paths.kubeconfig,
    STOREFLEET_ARGOCD_URL: argocdUrl,
    STOREFLEET_ARGOCD_TOKEN: token,
    STOREFLEET_ARGOCD_WEBHOOK_URL: `${argocdUrl}/api/webhook`,
    STOREFLEET_ARGOCD_APPSET_WEBHOOK_URL: `http://${HOST}:${ports.appsetWebhook}/api/webhook`,
    STOREFLEET_ARGOCD_WEBHOOK_SECRET: webhookSecret,
    STOREFLEET_GIT_URL: gitUrl,
    STOREFLEET_GIT_REMOTE: gitUrl,
    STOREFLEET_GIT_WORKDIR: paths.gitWork,
    STOREFLEET_SEALING_CERT: join(paths.sealingKeys, 'tls.crt'),
    STOREFLEET_SEALING_KEY_DIR: paths.sealingKeys,
  });
  console.log(`\ndev cluster up in ${((Date.now() - t0) / 1000).toFixed(1)}s
  kubeconfig: ${paths.kubeconfig}
  env file:   ${paths.envFile}
  Argo CD:    ${argocdUrl} (admin password in ${join(paths.argocd, 'admin-password')})
  GitOps:     ${gitUrl} (working copy ${paths.gitWork})
  logs:       ${paths.logs}
  cache:      ${cacheDir}`);
}

try {
  await main();
} catch (err) {
  console.error(`\ncluster:up failed: ${(err as Error).message}`);
  if (process.env.STOREFLEET_CLUSTER_KEEP_ON_FAILURE === '1') {
    console.error('processes kept running for debugging (STOREFLEET_CLUSTER_KEEP_ON_FAILURE=1); npm run cluster:down stops them');
  } else {
    console.error('stopping what was started:');
    await stopAll();
  }
  process.exit(1);
}
