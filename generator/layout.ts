// Where things live in a GitOps repo and in the cluster, derived from a store name.
export const PLATFORM_FILE = 'platform.yaml';

export function storeDir(name: string): string {
  return `stores/${name}`;
}

export function storeSpecPath(name: string): string {
  return `${storeDir(name)}/store.yaml`;
}

export function manifestsDir(name: string): string {
  return `${storeDir(name)}/manifests`;
}

export function storeNamespace(name: string): string {
  return `store-${name}`;
}

/** The Argo CD Application the ApplicationSet creates for a store. */
export function storeApplicationName(name: string): string {
  return `store-${name}`;
}

export function sealedSecretPath(storeName: string, secretName: string): string {
  return `${manifestsDir(storeName)}/sealedsecret-${secretName}.yaml`;
}
