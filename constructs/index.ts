// Entry point of the constructs: one store's Kubernetes objects as plain JSON, in a fixed order.
import { App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ResourceAmounts, StoreProps } from './props.ts';
import { NamespaceGuardrails, podSecurityLabels } from './kit/namespace-guardrails.ts';
import { SealedSecrets } from './kit/sealed-secrets.ts';
import { StoreScripts } from './scripts.ts';
import { Ingress } from './kit/ingress.ts';
import { SmokeTest } from './smoke-test.ts';
import { engineOf, type Engine } from './engines/index.ts';
import { StoreBackup } from './backup/backup.ts';
import { NAMES, storeLabels, storePlacement, WAVE } from './meta.ts';

export type { StoreProps } from './props.ts';
export { engineIds, engineOf, engines, findEngine, registerEngine, type Engine } from './engines/index.ts';
export { storeNamespace, storeHosts } from './meta.ts';

/** Every apiVersion/kind renderStoreObjects can emit (the Argo CD AppProject whitelist is tested against it). */
export const STORE_KINDS = [
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'ResourceQuota' },
  { apiVersion: 'v1', kind: 'LimitRange' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'batch/v1', kind: 'CronJob' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
] as const;

/** Name of the TLS secret cert-manager fills when platform.yaml does not name one. */
export const DEFAULT_TLS_SECRET = 'store-tls';

/** platform.yaml amounts → k8s keys; ephemeral storage only when the plan states it (else derived). */
function k8sAmounts(a: ResourceAmounts): Record<string, string> {
  return { cpu: a.cpu, memory: a.memory, ...(a.ephemeralStorage ? { 'ephemeral-storage': a.ephemeralStorage } : {}) };
}

/**
 * The store namespace and its guardrails: Pod Security enforces baseline (warn/audit
 * restricted), the plan's quota and limit range, default-deny, DNS egress. The Namespace carries
 * the display name as an annotation only.
 */
function addGuardrails(scope: Construct, props: StoreProps): void {
  const { quota, limitRange } = props.plan;
  new NamespaceGuardrails(scope, 'namespace', {
    placement: storePlacement(props, WAVE.guardrails),
    namespaceLabels: { ...storeLabels(props), ...podSecurityLabels('baseline') },
    namespaceAnnotations: {
      'storefleet.dev/display-name': props.store.displayName,
      'storefleet.dev/plan': props.store.plan,
      'storefleet.dev/created-at': props.store.createdAt,
    },
    quota: {
      name: NAMES.quota,
      hard: {
        'requests.cpu': quota.requestsCpu,
        'requests.memory': quota.requestsMemory,
        'limits.cpu': quota.limitsCpu,
        'limits.memory': quota.limitsMemory,
        pods: String(quota.pods),
        persistentvolumeclaims: String(quota.persistentVolumeClaims),
        'requests.storage': quota.requestsStorage,
        ...(quota.requestsEphemeralStorage ? { 'requests.ephemeral-storage': quota.requestsEphemeralStorage } : {}),
        ...(quota.limitsEphemeralStorage ? { 'limits.ephemeral-storage': quota.limitsEphemeralStorage } : {}),
      },
    },
    limitRange: {
      name: NAMES.limits,
      defaultRequest: k8sAmounts(limitRange.defaultRequest),
      default: k8sAmounts(limitRange.default),
      max: k8sAmounts(limitRange.max),
    },
    dnsNamespace: props.site.dnsNamespace,
  });
}

/** Checks that the generator sealed exactly the keys of the engine's contract; names what is missing. */
export function checkSealedData(props: StoreProps, engine: Engine): void {
  for (const [name, keys] of Object.entries(engine.secrets)) {
    const data = props.sealed[name];
    if (!data) throw new Error(`store ${props.store.name}: sealed secret "${name}" is missing`);
    for (const key of keys) {
      if (typeof data[key] !== 'string' || data[key] === '') {
        throw new Error(`store ${props.store.name}: sealed secret "${name}" has no value for key ${key}`);
      }
    }
  }
}

/** Builds the construct tree of one store from the kit's blocks. Construct IDs are pinned: they never derive names. */
class StoreChart extends Chart {
  constructor(scope: App, props: StoreProps) {
    super(scope, 'store', { disableResourceNameHashes: true });
    const engine = engineOf(props.store.engine);
    checkSealedData(props, engine);
    addGuardrails(this, props);
    // Only the engine's contract keys, in the contract's order.
    const secrets = Object.fromEntries(
      Object.entries(engine.secrets).map(([name, keys]) => [name, Object.fromEntries(keys.map((k) => [k, props.sealed[name][k]]))]),
    );
    new SealedSecrets(this, 'secrets', { placement: storePlacement(props, WAVE.guardrails), secrets });
    if (props.finalBackup && props.backup) {
      // Being deleted: the apps stop taking orders, the database stays up for its final backup.
      const source = engine.backup?.(props);
      if (!source || !engine.database) throw new Error(`store ${props.store.name}: engine ${engine.id} cannot render its final backup (no database or backup source)`);
      engine.database(this, props);
      new StoreBackup(this, 'backup', props, props.backup, source, { final: props.finalBackup });
      return;
    }
    new StoreScripts(this, 'scripts', props, { folder: engine.folder, scripts: engine.scripts });
    engine.build(this, props);
    if (props.backup) {
      const source = engine.backup?.(props);
      if (!source) throw new Error(`store ${props.store.name}: engine ${engine.id} has no database to back up, but platform.yaml configures backups`);
      new StoreBackup(this, 'backup', props, props.backup, source);
    }
    const tls = props.site.tls;
    new Ingress(this, 'ingress', {
      placement: storePlacement(props, WAVE.ingress),
      name: NAMES.ingress,
      className: props.site.ingressClassName,
      routes: engine.routes(props),
      ...(tls.mode === 'cert-manager' ? { tls: { clusterIssuer: tls.clusterIssuer, secretName: tls.secretName ?? DEFAULT_TLS_SECRET } } : {}),
    });
    new SmokeTest(this, 'smoke-test', props, engine.smokeTest(props));
  }
}

/**
 * The Kubernetes objects of one store as plain JSON, deterministic (same props → deep-equal
 * output). (kind, metadata.name) is unique per store; everything but the Namespace lives in
 * namespace store-<name>. Throws if props.sealed lacks a secret key of the engine's contract.
 */
export function renderStoreObjects(props: StoreProps): Record<string, unknown>[] {
  const app = new App();
  const chart = new StoreChart(app, props);
  return chart.toJson() as Record<string, unknown>[];
}
