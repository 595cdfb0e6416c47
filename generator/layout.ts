// Where things live in a GitOps repo and in the cluster, derived from a store name.
import { createHash } from 'node:crypto';

export const PLATFORM_FILE = 'platform.yaml';
export const STORES_DIR = 'stores';

/**
 * Stores live in 256 shard folders, `stores/<shard>/<name>/`, the shard being the first two hex
 * digits of the SHA-256 of the name (like Git's own `objects/ab/…`). Every commit rewrites each
 * tree on the path to the files it changes: with one flat `stores/` tree, a commit at 10,000
 * stores wrote and pushed a ~450 kB tree and fast-import spent 50–80 ms on it; with shards it
 * writes two trees of a few kB each at any size.
 */
export function storeShard(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 2);
}

export const SHARD_PATTERN = /^[0-9a-f]{2}$/;

export function storeDir(name: string): string {
  return `${STORES_DIR}/${storeShard(name)}/${name}`;
}

/** A store folder as found under stores/, and why it is not where it belongs (if it is not). */
export interface FoundStore {
  name: string;
  /** Repo-relative folder. */
  dir: string;
  problem?: string;
}

/**
 * The store folder `stores/<top>/<name>` inside a shard folder, or, when `top` is not a shard
 * (`name` omitted), `stores/<top>` itself: a store of the old flat layout. The one place that
 * decides what is misplaced, for `storefleet check` (files) and the API (Git trees) alike.
 */
export function foundStore(top: string, name?: string): FoundStore {
  if (name === undefined) {
    const dir = `${STORES_DIR}/${top}`;
    return { name: top, dir, problem: `${dir}: not a shard folder (two hex digits); move it to ${storeDir(top)}/ ("storefleet new" creates stores there)` };
  }
  const dir = `${STORES_DIR}/${top}/${name}`;
  return storeShard(name) === top ? { name, dir } : { name, dir, problem: `${dir}: store in the wrong shard folder; move it to ${storeDir(name)}/` };
}

export function storeSpecPath(name: string): string {
  return `${storeDir(name)}/store.yaml`;
}

export function manifestsDir(name: string): string {
  return `${storeDir(name)}/manifests`;
}

export { storeNamespace } from './store-access.ts';

/** The Argo CD Application the ApplicationSet creates for a store. */
export function storeApplicationName(name: string): string {
  return `store-${name}`;
}

export function sealedSecretPath(storeName: string, secretName: string): string {
  return `${manifestsDir(storeName)}/sealedsecret-${secretName}.yaml`;
}

/** The store a repo-relative path belongs to (`stores/<shard>/<name>/…` → name), if any. */
export function storeOfPath(path: string): string | undefined {
  const [top, shard, name, ...rest] = path.split('/');
  return top === STORES_DIR && SHARD_PATTERN.test(shard ?? '') && name && rest.length > 0 ? name : undefined;
}
