// The platform's own deployment: the Storefleet API+UI as one stateless Deployment in its own
// namespace. The generator renders it into platform/ of the GitOps repo and the `storefleet-platform`
// Argo CD Application applies it. The API gets no Kubernetes API permission at all (no RBAC objects,
// no service-account token): Argo CD is the only writer to the cluster.
// Built from the kit's blocks like a store (namespace guardrails, sealed secrets, ingress, network
// policy); the Deployment, Service and PodDisruptionBudget stay explicit here: several replicas
// spread over nodes, a credentials checksum and named ports are the platform's own, and the
// kit's StoreWorkload is a single-replica store pod.
import { createHash } from 'node:crypto';
import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
// Type-only: the models' interfaces make the compiler reject misspelt or misplaced fields.
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IService } from 'kubernetes-models/v1';
import type { z } from 'zod';
import type { ContainerResources } from '../props.ts';
import { bytes, ephemeralStorage } from '../kit/bounded.ts';
import { NamespaceGuardrails, dnsEgress } from '../kit/namespace-guardrails.ts';
import { SealedSecrets } from '../kit/sealed-secrets.ts';
import { Ingress } from '../kit/ingress.ts';
import { NetworkPolicy, namespacePeer } from '../kit/network-policy.ts';
import { port as portOf } from '../container.ts';
import { cidr, dnsLabel, image, networkPort, platformNamespace, replicas as replicaCount, storefleetEnvName } from './schema.ts';
import { BACKUP_CREDENTIALS_DIR, BACKUP_SECRET_NAME, GITHUB_APP_KEY_FILE, GITHUB_APP_KEY_PATH, GITHUB_APP_SECRET_NAME, PLATFORM_SECRET_NAMES, TOKENS_FILE_PATH, type PlatformDeploymentProps } from './props.ts';

/** Every apiVersion/kind this chart renders; the `platform` AppProject whitelists exactly these. */
export const PLATFORM_KINDS = [
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'ResourceQuota' },
  { apiVersion: 'v1', kind: 'LimitRange' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret' },
] as const;

export const PLATFORM_APP_NAME = 'storefleet';
const DEFAULT_RESOURCES: ContainerResources = {
  requests: { cpu: '100m', memory: '256Mi' },
  limits: { cpu: '1', memory: '512Mi' },
};
/** The API's scratch space: the Git working clone and tsx's compile cache. */
const TMP_SIZE = '1Gi';
/** The UID of the `node` user in the official Node images (see the Dockerfile). */
const RUN_AS = 1000;

const ENV_NAME = /^STOREFLEET_[A-Z0-9_]+$/;

export class PlatformPropsError extends Error {
  override name = 'PlatformPropsError';
}

function assertProps(p: PlatformDeploymentProps): void {
  const fail = (field: string, reason: string): never => {
    throw new PlatformPropsError(`platform.${field}: ${reason}`);
  };
  // Field rules come from ./schema.ts, the objects the generator's platform.yaml schema is built
  // from; what is left here are rules across fields and sealed files.
  const check = (field: string, schema: z.ZodType, value: unknown) => {
    const r = schema.safeParse(value);
    if (!r.success) fail(field, r.error.issues[0].message);
  };
  check('namespace', platformNamespace, p.namespace);
  check('image', image, p.image);
  if (p.host.split('.').length < 2) fail('host', `"${p.host}" is not a DNS name`);
  p.host.split('.').forEach((label) => check('host', dnsLabel, label));
  check('replicas', replicaCount, p.replicas ?? 2);
  const port = p.port ?? 3000;
  if (!Number.isInteger(port) || port < 1024 || port > 65535) fail('port', 'expected an unprivileged port (1024-65535)');
  for (const name of Object.keys(p.env ?? {})) check(`env.${name}`, storefleetEnvName, name);
  const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
  for (const which of ['git', 'argocd'] as const) {
    for (const [name, value] of Object.entries(p.sealed[which])) {
      if (!ENV_NAME.test(name)) fail(`sealed.${which}.${name}`, 'expected a STOREFLEET_* variable name');
      if (!BASE64.test(value)) fail(`sealed.${which}.${name}`, 'expected base64 ciphertext (seal the value; never pass plaintext)');
      if (p.env && name in p.env) fail(`env.${name}`, 'also given as a sealed credential');
    }
  }
  if (!BASE64.test(p.sealed.tokens)) fail('sealed.tokens', 'expected the base64 ciphertext of tokens.yaml (seal it; never pass plaintext)');
  // Without a remote every replica would start its own embedded repository in its emptyDir.
  if (!('STOREFLEET_GIT_REMOTE' in p.sealed.git) && !(p.env && 'STOREFLEET_GIT_REMOTE' in p.env)) {
    fail('sealed.git.STOREFLEET_GIT_REMOTE', 'the GitOps remote is required (sealed when its URL carries a token)');
  }
  for (const reserved of ['STOREFLEET_TOKENS_FILE', 'STOREFLEET_HOST', 'STOREFLEET_PORT', 'STOREFLEET_DATA_DIR', 'STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE', 'STOREFLEET_BACKUP_CREDENTIALS_FILE']) {
    if (p.env && reserved in p.env) fail(`env.${reserved}`, 'set by the chart');
    if (reserved in p.sealed.git) fail(`sealed.git.${reserved}`, 'set by the chart');
  }
  // GitHub App: the API needs the App ID, the installation ID and the key file, and refuses a
  // token alongside them; say so here rather than in a crash-looping pod.
  const given = (name: string) => name in p.sealed.git || (p.env !== undefined && name in p.env);
  const appIds = ['STOREFLEET_GITHUB_APP_ID', 'STOREFLEET_GITHUB_APP_INSTALLATION_ID'];
  if (p.sealed.githubAppPrivateKey !== undefined) {
    if (!BASE64.test(p.sealed.githubAppPrivateKey)) fail('sealed.githubAppPrivateKey', 'expected the base64 ciphertext of the App\'s private key (seal it; never pass plaintext)');
    for (const name of appIds) if (!given(name)) fail(`env.${name}`, 'required with a GitHub App private key');
    if (given('STOREFLEET_GITHUB_TOKEN')) fail('sealed.git.STOREFLEET_GITHUB_TOKEN', 'set either a GitHub token or GitHub App credentials, not both');
  } else {
    for (const name of appIds) if (given(name)) fail('sealed.githubAppPrivateKey', `${name} is set but the App's private key is not sealed`);
  }
  if (p.egress.gitRemote.cidrs.length === 0) fail('egress.gitRemote.cidrs', 'at least one CIDR');
  for (const c of p.egress.gitRemote.cidrs) check('egress.gitRemote.cidrs', cidr, c);
  if (p.egress.gitRemote.ports.length === 0) fail('egress.gitRemote.ports', 'at least one port');
  for (const n of p.egress.gitRemote.ports) check('egress.gitRemote.ports', networkPort, n);
  if (p.egress.argocdNamespace !== undefined) check('egress.argocdNamespace', dnsLabel, p.egress.argocdNamespace);
  if (p.monitoringNamespace !== undefined) check('monitoringNamespace', dnsLabel, p.monitoringNamespace);
}

/** "100m" × 3 → "300m": quota = what all pods of a rolling update may request at once. */
function times(quantity: string, factor: number): string {
  const m = /^([0-9]+(?:\.[0-9]+)?)([A-Za-z]*)$/.exec(quantity);
  if (!m) throw new PlatformPropsError(`"${quantity}" is not a Kubernetes quantity`);
  return `${Number((Number(m[1]) * factor).toFixed(3))}${m[2]}`;
}


class PlatformChart extends Chart {
  constructor(scope: Construct, id: string, p: PlatformDeploymentProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const ns = p.namespace;
    const replicas = p.replicas ?? 2;
    const port = p.port ?? 3000;
    const res = p.resources ?? DEFAULT_RESOURCES;
    // Bounded on disk like every store container: read-only root, so logs and /tmp.
    const disk = ephemeralStorage(res, { writableRoot: false, emptyDirBytes: bytes(TMP_SIZE) });
    const requests = { cpu: res.requests.cpu, memory: res.requests.memory, 'ephemeral-storage': disk.request };
    const limits = { cpu: res.limits.cpu, memory: res.limits.memory, 'ephemeral-storage': disk.limit };
    const argocdNs = p.egress.argocdNamespace ?? 'argocd';
    const labels = { 'app.kubernetes.io/name': PLATFORM_APP_NAME, 'app.kubernetes.io/component': 'api', 'app.kubernetes.io/part-of': 'storefleet' };
    const selector = { 'app.kubernetes.io/name': PLATFORM_APP_NAME, 'app.kubernetes.io/component': 'api' };
    const obj = (id: string, apiVersion: string, kind: string, name: string, body: Record<string, unknown>, extraMeta: Record<string, unknown> = {}) =>
      new ApiObject(this, id, { apiVersion, kind, metadata: { name, namespace: ns, labels, ...extraMeta }, ...body });

    const placement = { namespace: ns, labels };
    // Room for every replica plus the surge pod of a rolling update.
    const pods = replicas + 1;
    new NamespaceGuardrails(this, 'guardrails', {
      placement,
      namespaceLabels: {
        'app.kubernetes.io/part-of': 'storefleet',
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      },
      quota: {
        name: 'platform-quota',
        hard: {
          'requests.cpu': times(res.requests.cpu, pods),
          'requests.memory': times(res.requests.memory, pods),
          'limits.cpu': times(res.limits.cpu, pods),
          'limits.memory': times(res.limits.memory, pods),
          'requests.ephemeral-storage': times(disk.request, pods),
          'limits.ephemeral-storage': times(disk.limit, pods),
          pods: String(pods),
          persistentvolumeclaims: '0',
        },
      },
      limitRange: { name: 'platform-limits', defaultRequest: requests, default: limits, max: limits },
    });

    const sealedData: Record<keyof typeof PLATFORM_SECRET_NAMES, Record<string, string>> = {
      git: p.sealed.git,
      argocd: p.sealed.argocd,
      tokens: { 'tokens.yaml': p.sealed.tokens },
    };
    // Strict scope (the default): each ciphertext only decrypts as <ns>/<secret name>.
    const secrets: Record<string, Record<string, string>> = {};
    for (const [which, secretName] of Object.entries(PLATFORM_SECRET_NAMES) as [keyof typeof PLATFORM_SECRET_NAMES, string][]) {
      secrets[secretName] = sealedData[which];
    }
    const appKey = p.sealed.githubAppPrivateKey;
    if (appKey !== undefined) secrets[GITHUB_APP_SECRET_NAME] = { [GITHUB_APP_KEY_FILE]: appKey };
    new SealedSecrets(this, 'sealed', { placement, secrets });
    // The backup target's credentials: the cluster-wide ciphertexts of platform.yaml, as the stores get them.
    const backup = p.backup;
    if (backup) new SealedSecrets(this, 'backup-sealed', { placement, secrets: { [BACKUP_SECRET_NAME]: backup.credentials }, clusterWide: true });

    // Rolls the pods when a credential read at start only changes (the environment, the GitHub
    // App key). The tokens file is not part of it: the API re-reads it when the mounted file changes.
    const credentialsChecksum = createHash('sha256')
      .update(JSON.stringify([sortedRecord(p.sealed.git), sortedRecord(p.sealed.argocd), ...(appKey === undefined ? [] : [appKey]), ...(backup ? [sortedRecord(backup.credentials)] : [])]))
      .digest('hex');
    const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
      httpGet: { path, port: 'http' },
      periodSeconds,
      timeoutSeconds: 3,
      failureThreshold,
    });
    obj('deployment', 'apps/v1', 'Deployment', PLATFORM_APP_NAME, {
      spec: {
        replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: { labels, annotations: { 'storefleet.dev/credentials-checksum': credentialsChecksum } },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 30,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: RUN_AS,
              runAsGroup: RUN_AS,
              fsGroup: RUN_AS,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
            ],
            containers: [
              {
                name: 'api',
                image: p.image,
                imagePullPolicy: 'IfNotPresent',
                args: ['serve', '--host', '0.0.0.0', '--port', String(port), '--data-dir', '/tmp/storefleet'],
                ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
                env: [
                  { name: 'NODE_ENV', value: 'production' },
                  { name: 'STOREFLEET_TOKENS_FILE', value: TOKENS_FILE_PATH },
                  ...(appKey === undefined ? [] : [{ name: 'STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE', value: GITHUB_APP_KEY_PATH }]),
                  ...(backup ? [{ name: 'STOREFLEET_BACKUP_CREDENTIALS_FILE', value: BACKUP_CREDENTIALS_DIR }] : []),
                  // The API port admits only the ingress controller (NetworkPolicy below), whose pods have
                  // private addresses: trust its X-Forwarded-For so rate limits see the real client.
                  ...Object.entries(sortedRecord({ STOREFLEET_PUBLIC_URL: `${p.site.scheme}://${p.host}`, STOREFLEET_TRUSTED_PROXIES: 'uniquelocal', ...p.env })).map(([name, value]) => ({ name, value })),
                ],
                envFrom: [PLATFORM_SECRET_NAMES.git, PLATFORM_SECRET_NAMES.argocd].map((name) => ({ secretRef: { name } })),
                resources: { requests, limits },
                startupProbe: probe('/healthz', 2, 30),
                livenessProbe: probe('/healthz', 10, 3),
                readinessProbe: probe('/readyz', 5, 2),
                securityContext: {
                  runAsNonRoot: true,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                // The Git working clone and tsx's compile cache live in /tmp.
                volumeMounts: [
                  { name: 'tmp', mountPath: '/tmp' },
                  // A directory mount (no subPath), so an updated Secret reaches the running pods.
                  { name: 'tokens', mountPath: TOKENS_FILE_PATH.slice(0, TOKENS_FILE_PATH.lastIndexOf('/')), readOnly: true },
                  ...(appKey === undefined ? [] : [{ name: 'github-app', mountPath: GITHUB_APP_KEY_PATH.slice(0, GITHUB_APP_KEY_PATH.lastIndexOf('/')), readOnly: true }]),
                  ...(backup ? [{ name: 'backup-target', mountPath: BACKUP_CREDENTIALS_DIR, readOnly: true }] : []),
                ],
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: TMP_SIZE } },
              { name: 'tokens', secret: { secretName: PLATFORM_SECRET_NAMES.tokens, defaultMode: 0o440 } },
              ...(appKey === undefined ? [] : [{ name: 'github-app', secret: { secretName: GITHUB_APP_SECRET_NAME, defaultMode: 0o440 } }]),
              ...(backup ? [{ name: 'backup-target', secret: { secretName: BACKUP_SECRET_NAME, defaultMode: 0o440 } }] : []),
            ],
          },
        },
      },
    } satisfies Pick<IDeployment, 'spec'>);

    obj('service', 'v1', 'Service', PLATFORM_APP_NAME, {
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    } satisfies Pick<IService, 'spec'>);

    const tls = p.site.tls;
    // As for store ingresses (docs/constructs.md): the issuer annotation plus a tls block.
    new Ingress(this, 'ingress', {
      placement,
      name: PLATFORM_APP_NAME,
      className: p.site.ingressClassName,
      routes: [{ host: p.host, service: PLATFORM_APP_NAME, port: 'http' }],
      ...(tls.mode === 'cert-manager' ? { tls: { clusterIssuer: tls.clusterIssuer, secretName: tls.secretName ?? 'storefleet-tls' } } : {}),
    });

    obj('pdb', 'policy/v1', 'PodDisruptionBudget', PLATFORM_APP_NAME, {
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    } satisfies Pick<IPodDisruptionBudget, 'spec'>);

    const from = [namespacePeer(p.site.ingressControllerNamespace)];
    if (p.monitoringNamespace) from.push(namespacePeer(p.monitoringNamespace));
    const tcp = (n: number) => ({ protocol: 'TCP', port: portOf(n) });
    const argocdPods = (name: string) => ({ ...namespacePeer(argocdNs), podSelector: { matchLabels: { 'app.kubernetes.io/name': name } } });
    new NetworkPolicy(this, 'api-policy', {
      placement,
      name: PLATFORM_APP_NAME,
      podSelector: selector,
      ingress: [{ from, ports: [tcp(port)] }],
      egress: [
        dnsEgress(p.site.dnsNamespace),
        { to: p.egress.gitRemote.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: p.egress.gitRemote.ports.map(tcp) },
        // Argo CD's API server (REST, SSE, /api/webhook) and the ApplicationSet controller's webhook.
        // Ports are the pods' ports: policies match after the Service's port translation.
        { to: [argocdPods('argocd-server')], ports: [tcp(8080)] },
        { to: [argocdPods('argocd-applicationset-controller')], ports: [tcp(7000)] },
        // The backup target (the API lists every store's snapshots with restic).
        ...(backup ? [{ to: backup.egress.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: backup.egress.ports.map(tcp) }] : []),
      ],
    });
  }
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Renders the platform's Kubernetes objects (plain JSON, deterministic order). Throws
 * PlatformPropsError naming the field when props are invalid. Never reads files or the environment.
 */
export function renderPlatformObjects(props: PlatformDeploymentProps): Record<string, unknown>[] {
  assertProps(props);
  const app = new App();
  const chart = new PlatformChart(app, 'platform', props);
  return chart.toJson() as Record<string, unknown>[];
}
