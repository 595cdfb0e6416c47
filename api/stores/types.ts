// What a write request is and what it answers: the store service's vocabulary, shared by both Git
// transports and the HTTP routes.
import type { AdminLogin } from '../../generator/render.ts';
import type { StoreSpec } from '../../generator/spec.ts';
import type { CreateStoreRequest } from '../../contract/index.ts';
import type { StoreAction } from '../git/trailers.ts';

export type { StoreAction };
export type Role = 'admin' | 'member';

export interface Requester {
  /** Token subject: the owner of stores this user creates, and the Requested-by trailer. */
  id: string;
  role: Role;
  name: string;
  email: string;
}

export type CreateInput = CreateStoreRequest;

interface Common {
  requester: Requester;
  idempotencyKey?: string;
  /**
   * Digest of the request: action + store name (what method and path say) + body. The same key
   * with another digest is refused; recorded as the Request-Digest trailer.
   */
  digest: string;
  /** When the request arrived (a new store's createdAt: the same on every retry of a batch). */
  createdAt: string;
}

/** A roll-back: the snapshot, and the store's name typed again by the admin. */
export interface RollbackInput {
  snapshot: string;
  confirm: unknown;
}

/**
 * What a request asks, as the service receives it (the service adds digest and time).
 * `remove`: phase 2 of a two-phase delete, asked by the API itself once the final backup of the
 * mark `mark` (its requestedAt) completed. `force-delete`: an admin removes a marked store
 * without its final backup, confirming with the store's name that its data will be lost.
 */
export type RequestBody =
  | { action: 'create'; input: CreateInput }
  | { action: 'delete' | 'restore'; name: string }
  | { action: 'remove'; name: string; mark: string }
  | { action: 'force-delete'; name: string; confirm: string }
  | { action: 'backup'; name: string }
  | { action: 'rollback'; name: string; input: RollbackInput };

export type WriteRequest = Common & RequestBody;

export interface WriteResult {
  action: StoreAction;
  name: string;
  /** Commit on the branch (direct mode) or on the pull request's branch. */
  commit: string;
  pullRequest?: string;
  spec?: StoreSpec;
  /** A delete that marked the store (its final backup runs first): the folder is still there. */
  marked?: boolean;
  /** Said to the person who asked (e.g. why a delete took no final backup); not stored. */
  notice?: string;
  /** Only on the answer that created the secret; never stored, never logged. */
  adminLogin?: AdminLogin;
  replayed: boolean;
}
