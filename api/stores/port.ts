// The port both Git transports implement (direct push: api/git/direct-writer.ts; pull requests:
// api/github/pr-writer.ts). The service decides; a transport reads its base, asks the decision on
// it, applies the change set and answers a commit SHA (and a pull-request URL). A transport calls
// `decide` again on a fresh base when its push is rejected: it never rebases a decision.
import type { ResolvedPlatform } from '../../generator/platform.ts';
import type { AdminLogin } from '../../generator/render.ts';
import type { StoreSpec } from '../../generator/spec.ts';
import type { PushHook } from '../git/types.ts';
import type { WriteTrailers } from '../git/trailers.ts';
import type { StoreAction, WriteRequest, WriteResult } from './types.ts';

/** A change waiting for review (pull-request mode): an open pull request, by store name. */
export interface PendingChange {
  number?: number;
  /** The pull request (pull-request mode; a direct batch's own pending changes have none). */
  url?: string;
  openedAt?: string;
  action: StoreAction;
  /** The store.yaml the pull request adds (create/restore). */
  spec?: StoreSpec;
  /** Who asked for it and under which key (from the pull request's description). */
  requestedBy?: string;
  idempotencyKey?: string;
  digest?: string;
  /** Head commit of the pull request's branch. */
  commit?: string;
}

/** A write recorded in history under an Idempotency-Key. */
export interface KeyedWrite {
  sha: string;
  action: StoreAction;
  store: string;
  digest?: string;
  /** The pull request, when the write is one still waiting for review. */
  pullRequest?: string;
}

/** A lifetime of a store that ended with a deletion: what a restore puts back. */
export interface Deletion {
  /** The deleting commit and its subject. */
  commit: string;
  subject: string;
  /**
   * The store folder's tree to put back: just before the deletion, or, for a two-phase delete,
   * just before its mark (the lifetime as it ran, not the marked tree).
   */
  folderTree: string;
  /** The commit whose tree holds `folderTree` (the parent of the deletion, or of its mark). */
  ref: string;
  /** The commit that marked the store `deleting` (two-phase deletes). */
  mark?: string;
  /** Its store.yaml (undefined when hand-broken: only admins may restore it). */
  spec?: StoreSpec;
}

/** What a decision reads: a transport's base, including changes planned before this one. */
export interface StoreView {
  readonly tip: string;
  /** platform.yaml at the base; throws PlatformInvalid when it cannot be read. */
  platform(): ResolvedPlatform;
  /** The store on the base (undefined: no folder). `spec` is undefined for a hand-broken store.yaml. */
  store(name: string): { spec?: StoreSpec } | undefined;
  /** The files of the store's folder on the base (repo-relative path → text; empty when absent). */
  storeFiles(name: string): Promise<ReadonlyMap<string, string>>;
  /** A change to this store not on the base yet: planned earlier in this batch, or an open pull request. */
  pending(name: string): PendingChange | undefined;
  /** Stores this owner has on the base plus those pending creation or restoration. */
  ownerCount(owner: string): number;
  /** The write this requester made under this key, on the base or waiting for review. */
  findKey(requestedBy: string, key: string): KeyedWrite | undefined;
  /** The latest lifetime of `name` that ended with a deletion, of `owner`'s stores (any owner: undefined). */
  deletion(name: string, owner?: string): Promise<Deletion | undefined>;
  /** The files of the store's folder on the base (repo-relative path → text; empty when absent). */
  storeFiles(name: string): Promise<ReadonlyMap<string, string>>;
}

interface ChangeCommon {
  name: string;
  trailers: WriteTrailers;
  requester: { name: string; email: string };
}

/** What to write, decided once by the rules: the transport turns it into a commit. */
export type ChangeSet =
  | (ChangeCommon & { action: 'create'; spec: StoreSpec; files: ReadonlyMap<string, string>; adminLogin?: AdminLogin })
  /** Two-phase delete, phase 1: the folder re-rendered with store.yaml `deleting` (files replace the folder). */
  | (ChangeCommon & { action: 'mark'; spec: StoreSpec; files: ReadonlyMap<string, string> })
  /** The folder's removal: a one-commit delete, phase 2 (`remove`) or a forced delete. */
  /** `never-ran`: a store whose Application never synced successfully, removed without a final backup. */
  | (ChangeCommon & { action: 'delete'; spec?: StoreSpec; why: 'delete' | 'remove' | 'force-delete' | 'never-ran' })
  | (ChangeCommon & { action: 'restore'; spec?: StoreSpec; from: Deletion })
  | StoreRequestChange<'backup'>
  | StoreRequestChange<'rollback'>;

/** The store's folder re-rendered from a store.yaml with a new request: exactly `files` (others in the folder go). */
export type StoreRequestChange<A extends 'backup' | 'rollback'> = ChangeCommon & { action: A; spec: StoreSpec; files: ReadonlyMap<string, string>; title: string };

export type Decision = { change: ChangeSet } | { replay: WriteResult };
export type Decide = (view: StoreView) => Promise<Decision>;

export interface GitTransport {
  readonly mode: 'direct' | 'pull-request';
  /** Reads a base, calls `decide` on it (again on a fresh base after a rejected push), applies the change. */
  apply(req: WriteRequest, decide: Decide): Promise<WriteResult>;
  /** Fetches the remote (serialized with writes where the transport needs it); the new tip. */
  refresh(): Promise<string>;
  /** Called after every push to the watched branch by this process. */
  onPush(hook: PushHook): void;
  /** Changes waiting for review, by store name (pull-request mode); undefined: the mode has none. */
  readonly pendingChanges?: () => Promise<Map<string, PendingChange>>;
}
