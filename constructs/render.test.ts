// Every rendered object, for both engines and every plan of the template platform.yaml, validated
// against the Kubernetes OpenAPI schema (kubernetes-models) and the policy checks of testing.md.
import { describe, expect, it } from 'vitest';
import { Namespace, ResourceQuota, LimitRange, ConfigMap, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy, Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { SealedSecret } from '@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1';
import { renderStoreObjects, STORE_KINDS } from './index.ts';
import { ENGINES, LONGEST_NAME, PLANS, storeProps, TEMPLATE_PLATFORM } from './test-props.ts';
import { MAX_NAME_LENGTH } from './meta.ts';
import { engineOf } from './engines/index.ts';
import { manifestPolicyViolations, WRITABLE_ROOT_ALLOWED } from './platform/manifest-policy.ts';
import { containerResources } from './engines/schema.ts';

type Obj = Record<string, any>;

const VALIDATORS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ResourceQuota': ResourceQuota,
  'v1/LimitRange': LimitRange,
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'bitnami.com/v1alpha1/SealedSecret': SealedSecret,
};

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'Job']);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function podSpec(o: Obj): Obj | undefined {
  return WORKLOADS.has(o.kind) ? o.spec.template.spec : undefined;
}

function containers(o: Obj): Array<{ c: Obj; init: boolean }> {
  const spec = podSpec(o);
  if (!spec) return [];
  return [...(spec.initContainers ?? []).map((c: Obj) => ({ c, init: true })), ...spec.containers.map((c: Obj) => ({ c, init: false }))];
}

/** Kubernetes quantity → number (cores or bytes), enough for the suffixes platform.yaml allows. */
function quantity(s: string): number {
  const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(s);
  if (!m) throw new Error(`unparsed quantity ${s}`);
  const unit: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  return Number(m[1]) * unit[m[2] ?? ''];
}

const cases = ENGINES.flatMap((engine) => PLANS.map((plan) => ({ engine, plan })));

describe.each(cases)('$engine store on plan $plan', ({ engine, plan }) => {
  const props = storeProps(engine, plan);
  const objects = renderStoreObjects(props) as Obj[];
  const namespace = `store-${props.store.name}`;

  it('validates every object against the Kubernetes schema', () => {
    for (const o of objects) {
      const Model = VALIDATORS[`${o.apiVersion}/${o.kind}`];
      expect(Model, `${o.apiVersion} ${o.kind} has a validator`).toBeDefined();
      expect(() => new Model(o).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
    }
  });

  it('emits only kinds listed in STORE_KINDS, with unique (kind, name)', () => {
    const listed = new Set(STORE_KINDS.map((k) => `${k.apiVersion}/${k.kind}`));
    for (const o of objects) expect(listed.has(`${o.apiVersion}/${o.kind}`), `${o.kind}`).toBe(true);
    const keys = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('puts everything but the Namespace into the store namespace, with store labels', () => {
    for (const o of objects) {
      if (o.kind === 'Namespace') {
        expect(o.metadata.name).toBe(namespace);
        expect(o.metadata.namespace).toBeUndefined();
      } else {
        expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(namespace);
      }
      expect(o.metadata.labels).toMatchObject({
        'storefleet.dev/store': props.store.name,
        'storefleet.dev/engine': engine,
        'storefleet.dev/owner': 'alice',
        'app.kubernetes.io/part-of': 'storefleet',
      });
    }
  });

  it('guards the namespace: quota, limit range, default-deny, DNS, pod-security labels', () => {
    const ns = objects.find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    const quota = objects.find((o) => o.kind === 'ResourceQuota')!;
    expect(quota.spec.hard).toMatchObject({
      'services.loadbalancers': '0',
      'services.nodeports': '0',
      persistentvolumeclaims: String(props.plan.quota.persistentVolumeClaims),
      'requests.storage': props.plan.quota.requestsStorage,
      'requests.cpu': props.plan.quota.requestsCpu,
      'limits.memory': props.plan.quota.limitsMemory,
    });
    const limits = objects.find((o) => o.kind === 'LimitRange')!;
    expect(limits.spec.limits[0].type).toBe('Container');
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const deny = policies.find((p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress);
    expect(deny?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const dns = policies.find((p) => p.metadata.name === 'allow-dns')!;
    expect(dns.spec.egress[0].ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    for (const o of [ns, quota, limits, ...policies]) {
      expect(o.metadata.annotations['argocd.argoproj.io/sync-wave'], `${o.kind}/${o.metadata.name}`).toBe('-1');
    }
  });

  it('gives every container (init and Job too) requests, limits and an explicit security context', () => {
    for (const o of objects) {
      for (const { c } of containers(o)) {
        const where = `${o.kind}/${o.metadata.name}/${c.name}`;
        for (const r of ['requests', 'limits']) {
          expect(c.resources?.[r]?.cpu, `${where} ${r}.cpu`).toBeTruthy();
          expect(c.resources?.[r]?.memory, `${where} ${r}.memory`).toBeTruthy();
        }
        expect(c.securityContext, where).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(typeof c.securityContext.runAsUser, where).toBe('number');
        expect(typeof c.securityContext.readOnlyRootFilesystem, where).toBe('boolean');
      }
      const spec = podSpec(o);
      if (spec) {
        expect(spec.automountServiceAccountToken).toBe(false);
        expect(spec.enableServiceLinks).toBe(false);
      }
    }
  });

  it('fits each container under the limit range and all pods (plus one surge pod) under the quota', () => {
    const max = props.plan.limitRange.max;
    let requestsCpu = 0;
    let limitsMemory = 0;
    for (const o of objects) {
      const cs = containers(o);
      for (const { c } of cs) {
        expect(quantity(c.resources.limits.cpu)).toBeLessThanOrEqual(quantity(max.cpu));
        expect(quantity(c.resources.limits.memory)).toBeLessThanOrEqual(quantity(max.memory));
      }
      const app = cs.filter((x) => !x.init);
      requestsCpu += app.reduce((s, x) => s + quantity(x.c.resources.requests.cpu), 0);
      limitsMemory += app.reduce((s, x) => s + quantity(x.c.resources.limits.memory), 0);
    }
    expect(requestsCpu * 1.5).toBeLessThanOrEqual(quantity(props.plan.quota.requestsCpu));
    expect(limitsMemory * 1.5).toBeLessThanOrEqual(quantity(props.plan.quota.limitsMemory));
    const pvcs = objects.filter((o) => o.kind === 'PersistentVolumeClaim');
    expect(pvcs.length).toBeLessThanOrEqual(props.plan.quota.persistentVolumeClaims);
    const storage = pvcs.reduce((s, p) => s + quantity(p.spec.resources.requests.storage), 0);
    expect(storage).toBeLessThanOrEqual(quantity(props.plan.quota.requestsStorage));
  });

  it('passes the manifest policy (the rules check and the platform share)', () => {
    expect(manifestPolicyViolations(objects, namespace)).toEqual([]);
  });

  it('bounds every container on disk and counts it in the quota and the limit range', () => {
    const quota = objects.find((o) => o.kind === 'ResourceQuota')!.spec.hard;
    const range = objects.find((o) => o.kind === 'LimitRange')!.spec.limits[0];
    for (const part of ['defaultRequest', 'default', 'max']) expect(range[part]['ephemeral-storage'], part).toBeTruthy();
    let requests = 0;
    let limits = 0;
    for (const o of objects) {
      for (const { c } of containers(o)) {
        const where = `${o.kind}/${o.metadata.name}/${c.name}`;
        const request = quantity(c.resources.requests['ephemeral-storage'] ?? '0');
        const limit = quantity(c.resources.limits['ephemeral-storage'] ?? '0');
        expect(request, `${where} requests.ephemeral-storage`).toBeGreaterThan(0);
        expect(limit, `${where} limits.ephemeral-storage`).toBeGreaterThanOrEqual(request);
        expect(limit, `${where} within the limit range`).toBeLessThanOrEqual(quantity(range.max['ephemeral-storage']));
        // The pod is evicted when its emptyDirs and writable layers pass the sum of its limits.
        const mounted = (c.volumeMounts ?? []).map((m: Obj) => podSpec(o)!.volumes.find((v: Obj) => v.name === m.name));
        const emptyDirs = mounted.filter((v: Obj) => v.emptyDir).reduce((sum: number, v: Obj) => sum + quantity(v.emptyDir.sizeLimit), 0);
        expect(limit, `${where} covers its emptyDirs`).toBeGreaterThan(emptyDirs);
        requests += request;
        limits += limit;
      }
    }
    expect(requests * 1.5).toBeLessThanOrEqual(quantity(quota['requests.ephemeral-storage']));
    expect(limits * 1.5).toBeLessThanOrEqual(quantity(quota['limits.ephemeral-storage']));
  });

  it('runs every root filesystem read-only except the documented allow-list', () => {
    for (const o of objects) {
      for (const { c } of containers(o)) {
        const key = `${o.metadata.name}/${c.name}`;
        expect(c.securityContext.readOnlyRootFilesystem, key).toBe(!(key in WRITABLE_ROOT_ALLOWED));
      }
    }
  });

  it('never lets liveness check what readiness checks (a slow start must not become a restart loop)', () => {
    const check = (p: Obj) => JSON.stringify({ exec: p.exec, httpGet: p.httpGet, tcpSocket: p.tcpSocket });
    for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
      for (const c of o.spec.template.spec.containers) {
        expect(check(c.livenessProbe), `${o.metadata.name}/${c.name}`).not.toBe(check(c.readinessProbe));
      }
    }
  });

  it('probes every long-running container (readiness and liveness)', () => {
    for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
      for (const c of o.spec.template.spec.containers) {
        expect(c.readinessProbe, `${o.metadata.name}/${c.name} readiness`).toBeDefined();
        expect(c.livenessProbe, `${o.metadata.name}/${c.name} liveness`).toBeDefined();
      }
    }
  });

  it('pins every image to a tag that is not latest', () => {
    for (const o of objects) {
      for (const { c } of containers(o)) {
        const last = c.image.split('/').pop();
        expect(last, c.image).toMatch(/:[A-Za-z0-9_][A-Za-z0-9._-]*$/);
        expect(last, c.image).not.toMatch(/:latest$/);
      }
    }
  });

  it('renders no Secret with data: only SealedSecrets with strict scope, exactly the contract keys', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const sealed = objects.filter((o) => o.kind === 'SealedSecret');
    const contract = engineOf(engine).secrets;
    expect(sealed.map((s) => s.metadata.name).sort()).toEqual(Object.keys(contract).sort());
    for (const s of sealed) {
      expect(s.spec.template.metadata).toMatchObject({ name: s.metadata.name, namespace });
      expect(s.metadata.annotations ?? {}).not.toHaveProperty('sealedsecrets.bitnami.com/namespace-wide');
      expect(s.metadata.annotations ?? {}).not.toHaveProperty('sealedsecrets.bitnami.com/cluster-wide');
      expect(Object.keys(s.spec.encryptedData).sort()).toEqual([...contract[s.metadata.name]].sort());
    }
  });

  it('references only secrets and keys of the contract', () => {
    const contract = engineOf(engine).secrets;
    for (const o of objects) {
      for (const { c } of containers(o)) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) expect(contract[ref.name], `${c.name} ${e.name}`).toContain(ref.key);
        }
        for (const f of c.envFrom ?? []) expect(contract[f.secretRef.name], `${c.name} envFrom`).toBeDefined();
      }
    }
  });

  it('orders the sync: guardrails -1, database 0, apps and ingress 1, Jobs as hooks', () => {
    const wave = (o: Obj) => o.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    for (const o of objects) {
      if (['SealedSecret', 'ConfigMap'].includes(o.kind)) expect(wave(o), o.metadata.name).toBe('-1');
      if (o.kind === 'StatefulSet') expect(wave(o), o.metadata.name).toBe('0');
      if (o.kind === 'Ingress') expect(wave(o)).toBe('1');
      if (o.kind === 'Job') {
        expect(o.metadata.annotations['argocd.argoproj.io/hook-delete-policy']).toBe('BeforeHookCreation');
        expect(o.spec.ttlSecondsAfterFinished).toBeUndefined();
      }
    }
    const smoke = objects.find((o) => o.kind === 'Job' && o.metadata.name === 'smoke-test')!;
    expect(smoke.metadata.annotations['argocd.argoproj.io/hook']).toBe('PostSync');
    const app = objects.find((o) => o.kind === 'Deployment' && ['wordpress', 'medusa-backend'].includes(o.metadata.name))!;
    expect(wave(app)).toBe('1');
  });

  it('keeps data: PVCs are never pruned, database data is mounted by subPath, single stateful pods use Recreate', () => {
    for (const p of objects.filter((o) => o.kind === 'PersistentVolumeClaim')) {
      expect(p.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false');
    }
    for (const o of objects) {
      const spec = podSpec(o);
      if (!spec) continue;
      const pvcVolumes = new Set((spec.volumes ?? []).filter((v: Obj) => v.persistentVolumeClaim).map((v: Obj) => v.name));
      for (const { c } of containers(o)) {
        for (const m of c.volumeMounts ?? []) {
          if (pvcVolumes.has(m.name)) expect(m.subPath, `${o.metadata.name}/${c.name} ${m.mountPath}`).toBeTruthy();
        }
      }
      if (o.kind === 'Deployment' && pvcVolumes.size > 0) expect(o.spec.strategy.type).toBe('Recreate');
    }
  });

  it('selects pods by pinned labels only', () => {
    for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
      expect(Object.keys(o.spec.selector.matchLabels).sort()).toEqual(['app.kubernetes.io/instance', 'app.kubernetes.io/name']);
      expect(o.spec.template.metadata.labels).toMatchObject(o.spec.selector.matchLabels);
    }
  });

  it('keeps the display name out of commands and args', () => {
    for (const o of objects) {
      for (const { c } of containers(o)) {
        expect(JSON.stringify([c.command ?? [], c.args ?? []])).not.toContain(props.store.displayName);
      }
    }
  });

  it('routes the public hosts through the ingress', () => {
    const ingress = objects.find((o) => o.kind === 'Ingress')!;
    const hosts = ingress.spec.rules.map((r: Obj) => r.host);
    const expected = [`${props.store.name}.${props.site.domain}`];
    if (engine === 'medusa') expected.push(`${props.store.name}-admin.${props.site.domain}`);
    expect(hosts).toEqual(expected);
    expect(ingress.spec.ingressClassName).toBe(props.site.ingressClassName);
    expect(ingress.spec.tls).toBeUndefined();
  });
});

describe('names, hosts and TLS', () => {
  it.each(ENGINES)('fit Kubernetes limits for the longest allowed name (%s)', (engine) => {
    expect(LONGEST_NAME).toHaveLength(MAX_NAME_LENGTH);
    const props = storeProps(engine, 'small', { name: LONGEST_NAME });
    for (const o of renderStoreObjects(props) as Obj[]) {
      const name: string = o.metadata.name;
      if (['Namespace', 'Service'].includes(o.kind)) expect(name).toMatch(DNS_LABEL);
      expect(name.length, `${o.kind}/${name}`).toBeLessThanOrEqual(o.kind === 'Namespace' || o.kind === 'Service' ? 63 : 253);
      expect(name).toMatch(DNS_SUBDOMAIN);
      for (const v of Object.values(o.metadata.labels as Record<string, string>)) expect(v.length).toBeLessThanOrEqual(63);
      if (o.kind === 'Ingress') {
        for (const r of o.spec.rules) {
          expect(r.host.split('.')[0].length).toBeLessThanOrEqual(63);
          expect(r.host.length).toBeLessThanOrEqual(253);
        }
      }
    }
  });

  it('adds TLS with the cert-manager issuer when configured', () => {
    const platform = {
      ...TEMPLATE_PLATFORM,
      site: { ...TEMPLATE_PLATFORM.site, scheme: 'https' as const, tls: { mode: 'cert-manager' as const, clusterIssuer: 'letsencrypt' } },
    };
    const props = storeProps('medusa', 'small', { platform });
    const objects = renderStoreObjects(props) as Obj[];
    const ingress = objects.find((o) => o.kind === 'Ingress')!;
    expect(ingress.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt');
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop-medusa.localtest.me', 'shop-medusa-admin.localtest.me'], secretName: 'store-tls' }]);
    expect(() => new Ingress(ingress as any).validate()).not.toThrow();
    const backend = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'medusa-backend')!;
    const env = Object.fromEntries(backend.spec.template.spec.containers[0].env.map((e: Obj) => [e.name, e.value]));
    expect(env.STORE_CORS).toBe('https://shop-medusa.localtest.me');
    expect(env.COOKIE_SECURE).toBe('true');
  });

  it('sends X-Forwarded-Proto on WordPress probes behind TLS only', () => {
    const https = {
      ...TEMPLATE_PLATFORM,
      site: { ...TEMPLATE_PLATFORM.site, scheme: 'https' as const, tls: { mode: 'cert-manager' as const, clusterIssuer: 'x', secretName: 'wildcard' } },
    };
    const probe = (p: typeof TEMPLATE_PLATFORM) =>
      (renderStoreObjects(storeProps('woocommerce', 'small', { platform: p })) as Obj[]).find((o) => o.metadata.name === 'wordpress' && o.kind === 'Deployment')!
        .spec.template.spec.containers[0].readinessProbe.httpGet;
    expect(probe(TEMPLATE_PLATFORM).httpHeaders).toBeUndefined();
    expect(probe(https).httpHeaders).toEqual([{ name: 'X-Forwarded-Proto', value: 'https' }]);
  });
});

describe('ephemeral storage from the plan', () => {
  it('uses the plan\'s container and quota sizes when given, the derived ones otherwise', () => {
    const props = storeProps('medusa', 'small');
    const plan = structuredClone(props.plan) as Obj;
    plan.resources.medusa.redis = {
      requests: { ...plan.resources.medusa.redis.requests, ephemeralStorage: '100Mi' },
      limits: { ...plan.resources.medusa.redis.limits, ephemeralStorage: '3Gi' },
    };
    plan.quota = { ...plan.quota, requestsEphemeralStorage: '7Gi', limitsEphemeralStorage: '30Gi' };
    plan.limitRange = { ...plan.limitRange, max: { ...plan.limitRange.max, ephemeralStorage: '4Gi' } };
    const objects = renderStoreObjects({ ...props, plan: plan as typeof props.plan }) as Obj[];
    const redis = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'redis')!.spec.template.spec.containers[0];
    expect(redis.resources.requests['ephemeral-storage']).toBe('100Mi');
    expect(redis.resources.limits['ephemeral-storage']).toBe('3Gi');
    expect(objects.find((o) => o.kind === 'ResourceQuota')!.spec.hard).toMatchObject({ 'requests.ephemeral-storage': '7Gi', 'limits.ephemeral-storage': '30Gi' });
    expect(objects.find((o) => o.kind === 'LimitRange')!.spec.limits[0].max['ephemeral-storage']).toBe('4Gi');
    // The derived quota counts every container, so a bigger container raises it.
    const derived = (r: Obj[]) => quantity(r.find((o) => o.kind === 'ResourceQuota')!.spec.hard['limits.ephemeral-storage']);
    const base = renderStoreObjects(props) as Obj[];
    const bigger = renderStoreObjects({ ...props, plan: { ...(plan as typeof props.plan), quota: props.plan.quota } }) as Obj[];
    expect(derived(bigger)).toBeGreaterThan(derived(base));
  });

  it('refuses a container size that sets ephemeral storage on one side only', () => {
    const half = { requests: { cpu: '1', memory: '1Gi', ephemeralStorage: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
    expect(containerResources.safeParse(half).error?.issues[0].message).toMatch(/together/);
    expect(containerResources.safeParse({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }).success).toBe(true);
  });
});

describe('contract and determinism', () => {
  it.each(ENGINES)('renders the same objects twice (%s)', (engine) => {
    expect(renderStoreObjects(storeProps(engine, 'medium'))).toEqual(renderStoreObjects(storeProps(engine, 'medium')));
  });

  it('refuses props whose sealed data lacks a key of the contract', () => {
    const props = storeProps('medusa', 'small');
    delete props.sealed['medusa-secrets'].PUBLISHABLE_KEY;
    expect(() => renderStoreObjects(props)).toThrow('sealed secret "medusa-secrets" has no value for key PUBLISHABLE_KEY');
  });

  it('composes the Medusa DATABASE_URL from the sealed password by env expansion', () => {
    const objects = renderStoreObjects(storeProps('medusa', 'small')) as Obj[];
    const backend = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'medusa-backend')!;
    const env: Obj[] = backend.spec.template.spec.containers[0].env;
    const names = env.map((e) => e.name);
    expect(names.indexOf('POSTGRES_PASSWORD')).toBeLessThan(names.indexOf('DATABASE_URL'));
    expect(env.find((e) => e.name === 'DATABASE_URL')!.value).toBe('postgres://medusa:$(POSTGRES_PASSWORD)@postgres:5432/medusa');
  });
});
