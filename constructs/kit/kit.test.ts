// The kit's blocks on their own, with their narrow props (the store and platform charts are
// tested through their renders in render.test.ts and platform/platform.test.ts).
import { describe, expect, it } from 'vitest';
import { App, Chart } from 'cdk8s';
import { NamespaceGuardrails, podSecurityLabels } from './namespace-guardrails.ts';
import { SealedSecrets } from './sealed-secrets.ts';
import { Ingress } from './ingress.ts';
import { StoreJob } from './store-job.ts';
import { storeProps } from '../test-props.ts';

type Obj = Record<string, any>;
const placement = { namespace: 'demo', labels: { 'app.kubernetes.io/part-of': 'storefleet' } };
const small = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } };

function render(build: (chart: Chart) => void): Obj[] {
  const chart = new Chart(new App(), 'test', { disableResourceNameHashes: true });
  build(chart);
  return chart.toJson() as Obj[];
}

function guardrails(chart: Chart, over: Partial<ConstructorParameters<typeof NamespaceGuardrails>[2]> = {}) {
  new NamespaceGuardrails(chart, 'ns', {
    placement,
    namespaceLabels: podSecurityLabels('restricted'),
    quota: { name: 'quota', hard: { pods: '3', 'services.loadbalancers': '5' } },
    limitRange: { name: 'limits', defaultRequest: { cpu: '10m' }, default: { cpu: '100m' }, max: { cpu: '1' } },
    ...over,
  });
}

describe('NamespaceGuardrails', () => {
  it('refuses a namespace whose labels do not enforce Pod Security', () => {
    expect(() => render((c) => guardrails(c, { namespaceLabels: { 'app.kubernetes.io/part-of': 'storefleet' } }))).toThrow(
      'label pod-security.kubernetes.io/enforce must be "baseline" or "restricted"',
    );
    expect(() => render((c) => guardrails(c, { namespaceLabels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }))).toThrow(/privileged/);
  });

  it('always denies by default, caps LoadBalancer/NodePort Services at 0 and counts ephemeral storage of workloads added later', () => {
    const objects = render((c) => {
      guardrails(c);
      // A kit workload created after the guardrails: the quota still counts it (derived at render).
      new StoreJob(c, 'job', storeProps('woocommerce', 'small'), {
        name: 'j', role: 'test', hook: 'PostSync', backoffLimit: 0, activeDeadlineSeconds: 60, uid: 1000,
        container: { name: 'c', image: 'x:1', resources: small },
      });
    });
    const quota = objects.find((o) => o.kind === 'ResourceQuota')!.spec.hard;
    expect(quota).toMatchObject({ pods: '3', 'services.loadbalancers': '0', 'services.nodeports': '0' });
    // One read-only container: 128Mi of logs, requests a quarter; the quota is twice that.
    expect(quota['limits.ephemeral-storage']).toBe('256Mi');
    expect(quota['requests.ephemeral-storage']).toBe('64Mi');
    const range = objects.find((o) => o.kind === 'LimitRange')!.spec.limits[0];
    expect(range.max).toEqual({ cpu: '1', 'ephemeral-storage': '128Mi' });
    const deny = objects.find((o) => o.kind === 'NetworkPolicy')!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(objects.some((o) => o.metadata.name === 'allow-dns')).toBe(false);
  });
});

describe('SealedSecrets', () => {
  it('writes keys sorted and refuses a value that is not base64 ciphertext', () => {
    const [s] = render((c) => new SealedSecrets(c, 's', { placement, secrets: { creds: { b: 'Yg==', a: 'YQ==' } } }));
    expect(Object.keys(s.spec.encryptedData)).toEqual(['a', 'b']);
    expect(s.spec.template.metadata).toEqual({ name: 'creds', namespace: 'demo', labels: placement.labels });
    expect(() => render((c) => new SealedSecrets(c, 's', { placement, secrets: { creds: { pw: 'hunter2!' } } }))).toThrow(
      'sealed secret demo/creds: key pw is not base64 ciphertext',
    );
  });
});

describe('Ingress', () => {
  it('routes hosts to Service ports by number or name; TLS covers every host and names the issuer', () => {
    const routes = [
      { host: 'a.example.com', service: 'web', port: 80 },
      { host: 'b.example.com', service: 'api', port: 'http' },
    ];
    const [plain] = render((c) => new Ingress(c, 'i', { placement, name: 'i', className: 'traefik', routes }));
    expect(plain.metadata.annotations).toBeUndefined();
    expect(plain.spec.tls).toBeUndefined();
    expect(plain.spec.rules.map((r: Obj) => r.http.paths[0].backend.service.port)).toEqual([{ number: 80 }, { name: 'http' }]);
    const [tls] = render((c) => new Ingress(c, 'i', { placement, name: 'i', className: 'traefik', routes, tls: { clusterIssuer: 'le', secretName: 'cert' } }));
    expect(tls.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'le' });
    expect(tls.spec.tls).toEqual([{ hosts: ['a.example.com', 'b.example.com'], secretName: 'cert' }]);
  });
});
