// Entry point of the constructs: one store's Kubernetes objects as plain JSON, in a fixed order.
import { App, Chart } from 'cdk8s';
import type { StoreProps } from './props.ts';
import { StoreNamespace } from './kit/namespace-guardrails.ts';
import { StoreSecrets } from './kit/sealed-secrets.ts';
import { StoreScripts } from './scripts.ts';
import { StoreIngress } from './kit/ingress.ts';
import { SmokeTest } from './smoke-test.ts';
import { engineOf } from './engines/index.ts';

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
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
] as const;

/** Builds the construct tree of one store. Construct IDs are pinned: they never derive names. */
class StoreChart extends Chart {
  constructor(scope: App, props: StoreProps) {
    super(scope, 'store', { disableResourceNameHashes: true });
    const engine = engineOf(props.store.engine);
    new StoreNamespace(this, 'namespace', props);
    new StoreSecrets(this, 'secrets', props);
    new StoreScripts(this, 'scripts', props, { folder: engine.folder, scripts: engine.scripts });
    engine.build(this, props);
    new StoreIngress(this, 'ingress', props, engine.routes(props));
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
