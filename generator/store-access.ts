// Where a deployed store lives (namespace, addresses) and where its admin login is kept, in the words the CLI and the
// dashboard both print. No imports: the dashboard bundles this file as it is.

/** The Kubernetes namespace of a store. */
export function storeNamespace(name: string): string {
  return `store-${name}`;
}

/** Where stores are served: platform.yaml's `site`. */
export interface Site {
  scheme: string;
  domain: string;
}

/** The Secret (in the store's namespace) that holds the store admin's login. */
export const ADMIN_SECRET = 'store-admin';

/** A shell command that prints the store admin's password from a cluster the store is synced to. */
export function adminPasswordCommand(name: string): string {
  return `kubectl -n ${storeNamespace(name)} get secret ${ADMIN_SECRET} -o jsonpath='{.data.ADMIN_PASSWORD}' | base64 -d`;
}

/** One line: where the admin login is and how to read it. */
export function adminLoginWhere(name: string): string {
  return `admin login sealed in secret ${ADMIN_SECRET} (namespace ${storeNamespace(name)}); once synced: ${adminPasswordCommand(name)}`;
}
