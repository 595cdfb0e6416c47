// Names, labels and Argo CD annotations shared by every store construct. Everything here is
// pure data derived from StoreProps, so two renders of the same props are identical.
import type { StoreProps } from './props.ts';

/**
 * The longest store name. Derived names must stay valid DNS labels (63): the namespace
 * "store-<name>", the Argo CD Application "store-<name>" (also a label value) and the host
 * "<name>-admin.<domain>" add at most 6 characters; 40 leaves room for future suffixes and keeps
 * hosts readable. (The generator's name schema enforces it.)
 */
export const MAX_NAME_LENGTH = 40;

/** The namespace of a store. */
export function storeNamespace(name: string): string {
  return `store-${name}`;
}

/** Public hosts of a store: one DNS label under the domain each, so one wildcard certificate fits. */
export function storeHosts(props: StoreProps): { storefront: string; admin: string } {
  const { name } = props.store;
  return { storefront: `${name}.${props.site.domain}`, admin: `${name}-admin.${props.site.domain}` };
}

export function storeUrl(props: StoreProps, host: string): string {
  return `${props.site.scheme}://${host}`;
}

/**
 * Selector labels of one component. These are immutable once synced (Deployment/StatefulSet
 * selectors), so they depend only on the component and the store name, never on plan, owner or
 * construct paths.
 */
export function selectorLabels(props: StoreProps, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': component,
    'app.kubernetes.io/instance': props.store.name,
  };
}

/** Labels on every object of a store (the owner label may change; it is never in a selector). */
export function storeLabels(props: StoreProps): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': 'storefleet',
    'app.kubernetes.io/managed-by': 'storefleet',
    'storefleet.dev/store': props.store.name,
    'storefleet.dev/engine': props.store.engine,
    'storefleet.dev/owner': props.store.owner,
  };
}

/** Labels of an object that belongs to a component (selector labels + store labels + component). */
export function componentLabels(props: StoreProps, component: string, role: string): Record<string, string> {
  return { ...storeLabels(props), ...selectorLabels(props, component), 'app.kubernetes.io/component': role };
}

/**
 * Argo CD sync waves (stores.md): guardrails and secrets → database → app and ingress → PostSync
 * test. A wave only where order matters, since each costs a round trip of Argo CD's controller
 * (docs/benchmarks.md): the Ingress comes with the app, as a route to pods that are not ready yet
 * only answers 503 and the store is not ready before its PostSync smoke test passes anyway.
 */
export const WAVE = {
  guardrails: -1,
  database: 0,
  app: 1,
  /** Medusa's bootstrap hook runs once the backend (and its migrate init container) is healthy. */
  bootstrap: 2,
  ingress: 1,
} as const;

export function syncWave(wave: number): Record<string, string> {
  return { 'argocd.argoproj.io/sync-wave': String(wave) };
}

/** Jobs Argo CD manages are hooks, deleted before the next run (never ttlSecondsAfterFinished). */
export function hookAnnotations(hook: 'Sync' | 'PostSync', wave?: number): Record<string, string> {
  return {
    'argocd.argoproj.io/hook': hook,
    'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
    ...(wave === undefined ? {} : syncWave(wave)),
  };
}

/**
 * Data volumes survive ordinary re-syncs: Argo CD never prunes them, even if a PVC disappears from
 * Git by mistake. Deleting the store deletes the namespace, and the namespace takes its PVCs along.
 */
export const KEEP_ON_PRUNE = { 'argocd.argoproj.io/sync-options': 'Prune=false' } as const;

/** Fixed object names inside a store namespace (short: the namespace carries the store name). */
export const NAMES = {
  quota: 'store-quota',
  limits: 'store-limits',
  mariadb: 'mariadb',
  mariadbData: 'mariadb-data',
  wordpress: 'wordpress',
  wordpressData: 'wordpress-data',
  postgres: 'postgres',
  postgresData: 'postgres-data',
  redis: 'redis',
  backend: 'medusa-backend',
  storefront: 'medusa-storefront',
  bootstrap: 'medusa-bootstrap',
  smokeTest: 'smoke-test',
  ingress: 'store',
  scripts: 'store-scripts',
} as const;

/** Where a store's objects go: its namespace, its store labels, the given sync wave. */
export function storePlacement(props: StoreProps, wave: number): { namespace: string; labels: Record<string, string>; annotations: Record<string, string> } {
  return { namespace: storeNamespace(props.store.name), labels: storeLabels(props), annotations: syncWave(wave) };
}
