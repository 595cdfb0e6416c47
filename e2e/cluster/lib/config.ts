// Where the dev cluster keeps its binaries and state, which ports it uses, which versions it runs.
// Everything lives outside the repository: binaries in <cache>/bin, one cluster in <cache>/cluster.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const clusterSourceDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(clusterSourceDir, '../..');

/** Versions pinned in versions.env (the build script sources the same file). */
export function readVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(clusterSourceDir, 'versions.env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(\S+)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

export const versions = readVersions();
export const cacheDir = process.env.STOREFLEET_CACHE ?? join(homedir(), '.cache', 'storefleet');
export const stateDir = process.env.STOREFLEET_CLUSTER_DIR ?? join(cacheDir, 'cluster');

/** Every listener binds this address; nothing in the dev cluster listens elsewhere. */
export const HOST = '127.0.0.1';

/** Fixed ports in one block (16xxx) so they are easy to audit with `ss -ltnp`. */
export const ports = {
  etcd: 16379,
  etcdPeer: 16380,
  apiserver: 16443,
  controllerManager: 16257,
  scheduler: 16259,
  kwok: 16247,
  redis: 16378,
  git: 16418,
  argocdServer: 16080,
  argocdRepoServer: 16081,
  argocdControllerMetrics: 16082,
  argocdServerMetrics: 16083,
  argocdRepoServerMetrics: 16084,
  appsetMetrics: 16085,
  appsetProbe: 16086,
  appsetWebhook: 16087,
  sealedSecrets: 16090,
  sealedSecretsMetrics: 16091,
  /** The stores' backup target: SeaweedFS's S3 gateway and its inner listeners (`weed mini`). */
  s3: 16333,
  s3Grpc: 16334,
  weedMaster: 16335,
  weedMasterGrpc: 16336,
  weedVolume: 16337,
  weedVolumeGrpc: 16338,
  weedFiler: 16339,
  weedFilerGrpc: 16340,
  weedAdmin: 16341,
  weedAdminGrpc: 16342,
} as const;

export const paths = {
  state: stateDir,
  pki: join(stateDir, 'pki'),
  pids: join(stateDir, 'pids'),
  logs: join(stateDir, 'logs'),
  etcdData: join(stateDir, 'etcd'),
  kubeconfig: join(stateDir, 'kubeconfig'),
  envFile: join(stateDir, 'storefleet.env'),
  gitBase: join(stateDir, 'git'),
  gitBare: join(stateDir, 'git', 'gitops.git'),
  gitWork: join(stateDir, 'gitops-work'),
  argocd: join(stateDir, 'argocd'),
  redis: join(stateDir, 'redis'),
  /** The Sealed Secrets dev key pair survives `down`/`up`, so sealed files stay decryptable. */
  sealingKeys: join(cacheDir, 'dev-sealing-keys'),
  kwokConfig: join(stateDir, 'kwok.yaml'),
  sealedSecretsSa: join(stateDir, 'sealed-secrets-sa'),
  /** SeaweedFS data and its credentials file (0600): the stores' backup target. */
  backupTarget: join(stateDir, 'backup-target'),
};

/** The platform's namespace (`storefleet bootstrap --platform-namespace`, platform.yaml `storefleet.namespace`). */
export const PLATFORM_NAMESPACE = 'storefleet';

/** Stores whose name starts with this get a smoke test that fails (a kwok stage, see up.ts). */
export const FAILING_STORE_PREFIX = 'fail-';

/** Stores whose name starts with this get a final backup that fails when they are deleted (a kwok stage). */
export const FAILING_BACKUP_PREFIX = 'keep-';

export const gitUrl = `http://${HOST}:${ports.git}/gitops.git`;
export const argocdUrl = `http://${HOST}:${ports.argocdServer}`;

export function binary(name: string): string {
  const v: Record<string, string> = {
    etcd: versions.ETCD_VERSION,
    'kube-apiserver': versions.KUBERNETES_VERSION,
    'kube-controller-manager': versions.KUBERNETES_VERSION,
    'kube-scheduler': versions.KUBERNETES_VERSION,
    kubectl: versions.KUBERNETES_VERSION,
    kwok: versions.KWOK_VERSION,
    kwokctl: versions.KWOK_VERSION,
    argocd: versions.ARGOCD_VERSION,
    'sealed-secrets-controller': versions.SEALED_SECRETS_VERSION,
    weed: versions.SEAWEEDFS_VERSION,
    restic: versions.RESTIC_VERSION,
  };
  if (!v[name]) throw new Error(`unknown binary ${name}`);
  return join(cacheDir, 'bin', `${name}-${v[name]}`);
}
