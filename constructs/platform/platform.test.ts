import { describe, expect, it } from 'vitest';
import type { SiteProps } from '../props.ts';
import { manifestPolicyViolations } from './manifest-policy.ts';
import { PLATFORM_KINDS, PLATFORM_SECRET_NAMES, PlatformPropsError, renderPlatformObjects, type PlatformDeploymentProps } from './index.ts';
import { validateAgainstSchema } from './testing/kube-schemas.ts';

type Obj = Record<string, unknown>;
// Ciphertext-shaped placeholders: the chart only passes them through.
const CIPHER = Buffer.from('not a real ciphertext, only its shape').toString('base64');

const site: SiteProps = {
  domain: 'localtest.me',
  scheme: 'http',
  ingressClassName: 'traefik',
  tls: { mode: 'none' },
  ingressControllerNamespace: 'kube-system',
  dnsNamespace: 'kube-system',
};

function props(overrides: Partial<PlatformDeploymentProps> = {}): PlatformDeploymentProps {
  return {
    site,
    namespace: 'storefleet',
    image: 'ghcr.io/storefleet/storefleet:0.1.0',
    host: 'storefleet.localtest.me',
    env: { STOREFLEET_GIT_BRANCH: 'main', STOREFLEET_ARGOCD_URL: 'http://argocd-server.argocd.svc' },
    sealed: { git: { STOREFLEET_GIT_REMOTE: CIPHER, STOREFLEET_GITHUB_TOKEN: CIPHER }, argocd: { STOREFLEET_ARGOCD_TOKEN: CIPHER, STOREFLEET_ARGOCD_WEBHOOK_SECRET: CIPHER }, tokens: CIPHER },
    egress: { gitRemote: { cidrs: ['0.0.0.0/0'], ports: [443, 22] } },
    ...overrides,
  };
}

const find = (objs: Obj[], kind: string, name?: string) =>
  objs.find((o) => o.kind === kind && (name === undefined || (o.metadata as { name: string }).name === name)) as Obj & {
    metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
    spec: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- deep reads of rendered JSON
  };

describe('renderPlatformObjects', () => {
  const objs = renderPlatformObjects(props());

  it('renders every object valid against the Kubernetes / Sealed Secrets schemas', () => {
    expect(objs.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`)).toEqual([
      'Namespace/storefleet',
      'ResourceQuota/platform-quota',
      'LimitRange/platform-limits',
      // The namespace's guardrails come first (kit NamespaceGuardrails), before any pod.
      'NetworkPolicy/default-deny',
      'SealedSecret/storefleet-git',
      'SealedSecret/storefleet-argocd',
      'SealedSecret/storefleet-tokens',
      'Deployment/storefleet',
      'Service/storefleet',
      'Ingress/storefleet',
      'PodDisruptionBudget/storefleet',
      'NetworkPolicy/storefleet',
    ]);
    for (const o of objs) expect(() => validateAgainstSchema(o)).not.toThrow();
  });

  it('passes the store manifest policy (non-root, resources, probes, pinned image, no plaintext Secret, no RBAC)', () => {
    expect(manifestPolicyViolations(objs, 'storefleet')).toEqual([]);
  });

  it('renders exactly the kinds in PLATFORM_KINDS (the platform AppProject whitelist)', () => {
    const rendered = new Set(objs.map((o) => `${o.apiVersion} ${o.kind}`));
    expect([...rendered].sort()).toEqual(PLATFORM_KINDS.map((k) => `${k.apiVersion} ${k.kind}`).sort());
  });

  it('runs the API with no Kubernetes API access and a read-only root filesystem', () => {
    const d = find(objs, 'Deployment');
    const pod = d.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBeUndefined();
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    const [c] = pod.containers;
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'tokens', mountPath: '/etc/storefleet/tokens', readOnly: true },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'tokens', secret: { secretName: 'storefleet-tokens', defaultMode: 0o440 } },
    ]);
    expect(objs.some((o) => String(o.apiVersion).startsWith('rbac.authorization.k8s.io') || o.kind === 'ServiceAccount')).toBe(false);
  });

  it('runs 2 replicas with a surge-only rolling update, probes on /healthz and /readyz, and a PDB', () => {
    const d = find(objs, 'Deployment');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    const [c] = d.spec.template.spec.containers;
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    // Ephemeral storage: logs (128Mi) + the 1Gi /tmp; requests a quarter of it.
    expect(c.resources).toEqual({
      requests: { cpu: '100m', memory: '256Mi', 'ephemeral-storage': '288Mi' },
      limits: { cpu: '1', memory: '512Mi', 'ephemeral-storage': '1152Mi' },
    });
    expect(find(objs, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: d.spec.selector });
    // Quota leaves room for the surge pod.
    expect(find(objs, 'ResourceQuota').spec.hard).toMatchObject({
      pods: '3',
      'requests.cpu': '300m',
      'limits.memory': '1536Mi',
      'requests.ephemeral-storage': '864Mi',
      'limits.ephemeral-storage': '3456Mi',
    });
  });

  it('passes credentials only as SealedSecrets (strict scope) wired in through envFrom', () => {
    for (const name of Object.values(PLATFORM_SECRET_NAMES)) {
      const s = find(objs, 'SealedSecret', name);
      expect(s.metadata.namespace).toBe('storefleet');
      expect(s.metadata.annotations).toBeUndefined(); // no namespace-wide / cluster-wide scope annotation
      expect(s.spec.template.metadata).toMatchObject({ name, namespace: 'storefleet' });
      expect(Object.values(s.spec.encryptedData).every((v) => v === CIPHER)).toBe(true);
    }
    expect(Object.keys(find(objs, 'SealedSecret', 'storefleet-git').spec.encryptedData)).toEqual(['STOREFLEET_GITHUB_TOKEN', 'STOREFLEET_GIT_REMOTE']);
    expect(find(objs, 'SealedSecret', 'storefleet-tokens').spec.encryptedData).toEqual({ 'tokens.yaml': CIPHER });
    const c = find(objs, 'Deployment').spec.template.spec.containers[0];
    expect(c.envFrom).toEqual([{ secretRef: { name: 'storefleet-git' } }, { secretRef: { name: 'storefleet-argocd' } }]);
    expect(c.env).toEqual([
      { name: 'NODE_ENV', value: 'production' },
      { name: 'STOREFLEET_TOKENS_FILE', value: '/etc/storefleet/tokens/tokens.yaml' },
      { name: 'STOREFLEET_ARGOCD_URL', value: 'http://argocd-server.argocd.svc' },
      { name: 'STOREFLEET_GIT_BRANCH', value: 'main' },
      { name: 'STOREFLEET_PUBLIC_URL', value: 'http://storefleet.localtest.me' },
      // Rate limits see the client behind the Ingress hop (docs/configuration.md).
      { name: 'STOREFLEET_TRUSTED_PROXIES', value: 'uniquelocal' },
    ]);
    // No credential value appears anywhere outside encryptedData.
    expect(JSON.stringify(objs.map((o) => (o.kind === 'SealedSecret' ? {} : o)))).not.toContain(CIPHER);
  });

  it('rolls the pods when a sealed credential changes, and is otherwise deterministic', () => {
    const checksum = (o: Obj[]) => find(o, 'Deployment').spec.template.metadata.annotations['storefleet.dev/credentials-checksum'];
    expect(renderPlatformObjects(props())).toEqual(objs);
    const rotated = renderPlatformObjects(props({ sealed: { ...props().sealed, git: { STOREFLEET_GIT_REMOTE: 'b3RoZXI=' } } }));
    expect(checksum(rotated)).not.toBe(checksum(objs));
  });

  it('with a sealed GitHub App key: one more SealedSecret, mounted as the key file; still valid and within policy', () => {
    const app = props({
      env: { ...props().env, STOREFLEET_GITHUB_APP_ID: '424242', STOREFLEET_GITHUB_APP_INSTALLATION_ID: '31337' },
      sealed: { git: { STOREFLEET_GIT_REMOTE: CIPHER }, argocd: props().sealed.argocd, tokens: CIPHER, githubAppPrivateKey: CIPHER },
    });
    const withApp = renderPlatformObjects(app);
    for (const o of withApp) expect(() => validateAgainstSchema(o)).not.toThrow();
    expect(manifestPolicyViolations(withApp, 'storefleet')).toEqual([]);
    const s = find(withApp, 'SealedSecret', 'storefleet-github-app');
    expect(s.spec).toEqual({ encryptedData: { 'private-key.pem': CIPHER }, template: { type: 'Opaque', metadata: expect.objectContaining({ name: 'storefleet-github-app', namespace: 'storefleet' }) } });
    const pod = find(withApp, 'Deployment').spec.template.spec;
    expect(pod.containers[0].env).toContainEqual({ name: 'STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE', value: '/etc/storefleet/github-app/private-key.pem' });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'github-app', mountPath: '/etc/storefleet/github-app', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'github-app', secret: { secretName: 'storefleet-github-app', defaultMode: 0o440 } });
    // Without the key nothing of it is rendered; a new key rolls the pods (it is read at start).
    expect(JSON.stringify(objs)).not.toContain('github-app');
    const checksum = (o: Obj[]) => find(o, 'Deployment').spec.template.metadata.annotations['storefleet.dev/credentials-checksum'];
    const rotated = renderPlatformObjects({ ...app, sealed: { ...app.sealed, githubAppPrivateKey: 'b3RoZXI=' } });
    expect(checksum(rotated)).not.toBe(checksum(withApp));
  });

  it('with a backup target: its cluster-wide sealed credentials mounted for the API, and egress to the target', () => {
    const credentials = { AWS_ACCESS_KEY_ID: CIPHER, AWS_SECRET_ACCESS_KEY: CIPHER, RESTIC_PASSWORD: CIPHER };
    const withBackup = renderPlatformObjects(props({ backup: { credentials, egress: { cidrs: ['203.0.113.0/24'], ports: [443] } } }));
    for (const o of withBackup) expect(() => validateAgainstSchema(o)).not.toThrow();
    expect(manifestPolicyViolations(withBackup, 'storefleet')).toEqual([]);
    const s = find(withBackup, 'SealedSecret', 'storefleet-backup-target');
    expect(s.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
    expect(s.spec.encryptedData).toEqual(credentials);
    expect(s.spec.template.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
    const pod = find(withBackup, 'Deployment').spec.template.spec;
    expect(pod.containers[0].env).toContainEqual({ name: 'STOREFLEET_BACKUP_CREDENTIALS_FILE', value: '/etc/storefleet/backup-target' });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'backup-target', mountPath: '/etc/storefleet/backup-target', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'backup-target', secret: { secretName: 'storefleet-backup-target', defaultMode: 0o440 } });
    expect(find(withBackup, 'NetworkPolicy', 'storefleet').spec.egress.at(-1)).toEqual({ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] });
    expect(JSON.stringify(objs)).not.toContain('backup-target');
  });

  it('admits traffic from the ingress controller only and allows egress to DNS, the Git remote and Argo CD', () => {
    const np = find(objs, 'NetworkPolicy', 'storefleet').spec;
    expect(np.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ protocol: 'TCP', port: 3000 }] }]);
    expect(np.egress[0].ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    expect(np.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 22 }] });
    expect(np.egress[2].to[0]).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'argocd' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'argocd-server' } },
    });
    const withMonitoring = renderPlatformObjects(props({ monitoringNamespace: 'monitoring' }));
    expect(find(withMonitoring, 'NetworkPolicy', 'storefleet').spec.ingress[0].from).toHaveLength(2);
  });

  it('serves TLS only when configured, through the cert-manager issuer', () => {
    expect(find(objs, 'Ingress').spec.tls).toBeUndefined();
    expect(find(objs, 'Ingress').metadata.annotations).toBeUndefined();
    const issued = find(renderPlatformObjects(props({ site: { ...site, scheme: 'https', tls: { mode: 'cert-manager', clusterIssuer: 'letsencrypt-prod' } } })), 'Ingress');
    expect(issued.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
    expect(issued.spec.tls).toEqual([{ hosts: ['storefleet.localtest.me'], secretName: 'storefleet-tls' }]);
    const named = find(
      renderPlatformObjects(props({ site: { ...site, scheme: 'https', tls: { mode: 'cert-manager', clusterIssuer: 'letsencrypt-prod', secretName: 'wildcard-tls' } } })),
      'Ingress',
    );
    expect(named.spec.tls).toEqual([{ hosts: ['storefleet.localtest.me'], secretName: 'wildcard-tls' }]);
  });

  it.each([
    [{ image: 'ghcr.io/storefleet/storefleet' }, 'platform.image: image must be pinned'],
    [{ image: 'ghcr.io/storefleet/storefleet:latest' }, 'platform.image: image tag "latest"'],
    [{ namespace: 'store-evil' }, 'platform.namespace: must not start with "store-"'],
    [{ host: 'not a host' }, 'platform.host'],
    [{ env: { PATH: '/evil' } }, 'platform.env.PATH'],
    [{ sealed: { git: { STOREFLEET_GITHUB_TOKEN: 'ghp_plain text token' }, argocd: {}, tokens: CIPHER } }, 'never pass plaintext'],
    [{ sealed: { git: { STOREFLEET_GIT_REMOTE: CIPHER }, argocd: {}, tokens: 'tokens:\n- user: alice' } }, 'platform.sealed.tokens'],
    [{ sealed: { git: {}, argocd: {}, tokens: CIPHER } }, 'the GitOps remote is required'],
    [{ env: { STOREFLEET_TOKENS_FILE: '/elsewhere' } }, 'set by the chart'],
    [{ env: { STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE: '/k/app.pem' } }, 'platform.env.STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE: set by the chart'],
    [{ sealed: { git: { STOREFLEET_GIT_REMOTE: CIPHER, STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE: CIPHER }, argocd: {}, tokens: CIPHER } }, 'platform.sealed.git.STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE: set by the chart'],
    [{ sealed: { git: { STOREFLEET_GIT_REMOTE: CIPHER }, argocd: {}, tokens: CIPHER, githubAppPrivateKey: '-----BEGIN RSA PRIVATE KEY-----' } }, 'platform.sealed.githubAppPrivateKey: expected the base64 ciphertext'],
    [{ env: { STOREFLEET_GITHUB_APP_ID: '1' }, sealed: { git: { STOREFLEET_GIT_REMOTE: CIPHER }, argocd: {}, tokens: CIPHER, githubAppPrivateKey: CIPHER } }, 'platform.env.STOREFLEET_GITHUB_APP_INSTALLATION_ID: required with a GitHub App private key'],
    [{ env: { STOREFLEET_GITHUB_APP_ID: '1' } }, "STOREFLEET_GITHUB_APP_ID is set but the App's private key is not sealed"],
    [{ egress: { gitRemote: { cidrs: ['github.com'], ports: [443] } } }, 'expected a CIDR'],
    [{ replicas: 0 }, 'platform.replicas'],
    // The generator's platform.yaml schema caps replicas at 20: the chart uses the same rule.
    [{ replicas: 21 }, 'platform.replicas: expected an integer from 1 to 20'],
    [{ egress: { gitRemote: { cidrs: ['140.82.112.0/20'], ports: [70000] } } }, 'platform.egress.gitRemote.ports'],
  ])('rejects invalid props %j', (override, message) => {
    expect(() => renderPlatformObjects(props(override as Partial<PlatformDeploymentProps>))).toThrow(PlatformPropsError);
    expect(() => renderPlatformObjects(props(override as Partial<PlatformDeploymentProps>))).toThrow(message);
  });
});

describe('manifestPolicyViolations', () => {
  it('reports each broken rule (so the checks above can fail)', () => {
    const objs = structuredClone(renderPlatformObjects(props())) as Obj[];
    const d = find(objs, 'Deployment');
    const c = d.spec.template.spec.containers[0];
    delete c.resources.limits;
    delete c.readinessProbe;
    c.image = 'ghcr.io/storefleet/storefleet:latest';
    delete c.securityContext.allowPrivilegeEscalation;
    delete c.resources.requests['ephemeral-storage'];
    c.securityContext.readOnlyRootFilesystem = false;
    c.readinessProbe = undefined;
    const second = structuredClone(c);
    second.name = 'sidecar';
    second.readinessProbe = { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 };
    d.spec.template.spec.containers.push(second);
    delete find(objs, 'LimitRange').spec.limits[0].max['ephemeral-storage'];
    const quota = structuredClone(find(objs, 'ResourceQuota'));
    delete quota.spec.hard['limits.ephemeral-storage'];
    objs.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak', namespace: 'storefleet' }, stringData: { x: 'y' } });
    objs.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'storefleet' } });
    objs.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'elsewhere', namespace: 'kube-system' } });
    const v = manifestPolicyViolations(
      objs.filter((o) => o.kind !== 'ResourceQuota'),
      'storefleet',
    );
    const unbounded = manifestPolicyViolations([...objs.filter((o) => o.kind !== 'ResourceQuota'), quota], 'storefleet');
    expect(unbounded).toContain('ResourceQuota/platform-quota: does not count limits.ephemeral-storage');
    for (const expected of [
      'no ResourceQuota',
      'Deployment/storefleet container api: no limits.cpu',
      'Deployment/storefleet container api: no readiness/liveness probe',
      'Deployment/storefleet container api: image "ghcr.io/storefleet/storefleet:latest" not pinned to a tag or digest',
      'Deployment/storefleet container api: allowPrivilegeEscalation not false',
      'Deployment/storefleet container api: no requests.ephemeral-storage',
      'Deployment/storefleet container api: writable root filesystem (mount emptyDirs for the paths the image writes)',
      'Deployment/storefleet container sidecar: liveness probe checks the same as readiness (a slow start or dependency becomes a restart loop)',
      'LimitRange/platform-limits: no max ephemeral-storage for containers',
      'Secret/leak: plain Secret rendered (only SealedSecrets may carry credentials)',
      'Role/r: RBAC objects are not allowed',
      'ConfigMap/elsewhere: outside namespace storefleet (kube-system)',
    ]) {
      expect(v).toContain(expected);
    }
  });
});
