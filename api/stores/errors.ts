// The store rules' refusals, as types. No HTTP here: api/http/problems.ts maps each to its
// application/problem+json answer, in one place.
import type { Issue } from '../../generator/errors.ts';

export abstract class StoreError extends Error {
  abstract readonly kind: string;
}

/** No such store for this requester (members never learn about others' stores). */
export class StoreNotFound extends StoreError {
  readonly kind = 'store-not-found';
  readonly store: string;
  readonly what: 'store' | 'deleted-store';
  constructor(store: string, what: 'store' | 'deleted-store' = 'store') {
    super(what === 'store' ? `There is no store named "${store}".` : `No deleted store named "${store}" of yours in history.`);
    this.store = store;
    this.what = what;
  }
}

/** A conflict over one store, maybe with the pull request that holds it. */
abstract class StoreConflict extends StoreError {
  readonly store: string;
  readonly pendingUrl?: string;
  constructor(message: string, store: string, pendingUrl?: string) {
    super(message);
    this.store = store;
    this.pendingUrl = pendingUrl;
  }
}

/** The name is taken: a store on the branch, or one a pull request waiting for review adds. */
export class StoreExists extends StoreConflict {
  readonly kind = 'store-exists';
  constructor(store: string, pendingUrl?: string) {
    super(pendingUrl ? `A pull request adding "${store}" is open: ${pendingUrl}.` : `A store named "${store}" already exists.`, store, pendingUrl);
  }
}

/** Another change to this store is in progress (created earlier in this batch, or a pull request is open). */
export class StoreBusy extends StoreConflict {
  readonly kind = 'store-busy';
  /** `detail`: what holds the store when it is neither a pull request nor this batch. */
  constructor(store: string, pendingUrl?: string, detail?: string) {
    super(detail ?? (pendingUrl ? `A pull request changing "${store}" is open: ${pendingUrl}. Merge or close it first.` : `"${store}" is being changed; retry.`), store, pendingUrl);
  }
}

export class StoreLimitReached extends StoreError {
  readonly kind = 'store-limit';
  readonly limit: number;
  constructor(limit: number) {
    super(`You own ${limit} stores (counting those waiting for review), the limit set in platform.yaml (limits.storesPerOwner).`);
    this.limit = limit;
  }
}

export class IdempotencyKeyReused extends StoreError {
  readonly kind = 'idempotency-key-reused';
  constructor() {
    super('This Idempotency-Key was used for a different request (another method, store or body).');
  }
}

export class PlatformInvalid extends StoreError {
  readonly kind = 'platform-invalid';
}

export class InvalidStoreRequest extends StoreError {
  readonly kind = 'validation';
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super('The request is invalid.');
    this.issues = issues;
  }
}

/** The requester may see the store but not do this to it (a roll-back is for admins). */
export class NotAllowed extends StoreError {
  readonly kind = 'forbidden';
}

/** platform.yaml has no backup target: there is nothing to back up to or roll back from. */
export class NoBackupTarget extends StoreError {
  readonly kind = 'no-backup-target';
  readonly store: string;
  constructor(store: string) {
    super(`"${store}" has no backups: platform.yaml configures no backup target (docs/platform-yaml.md, \`backup\`).`);
    this.store = store;
  }
}

/** The Git remote or GitHub did not take the change; retrying later can work. */
export class TransportUnavailable extends StoreError {
  readonly kind = 'transport-unavailable';
}

/** Other writers kept moving the branch; every attempt was rejected. */
export class WriteContention extends StoreError {
  readonly kind = 'write-contention';
  constructor() {
    super('Other writers kept moving the branch; retry shortly.');
  }
}

/** A removal or forced delete of a store that is not marked `deleting` (or no longer with that mark). */
export class StoreNotDeleting extends StoreError {
  readonly kind = 'store-not-deleting';
  readonly store: string;
  constructor(store: string, message?: string) {
    super(message ?? `"${store}" is not being deleted: DELETE it first (its final backup runs before it is removed).`);
    this.store = store;
  }
}

/** Only admins may force a delete that loses a store's data. */
export class ForceDeleteForbidden extends StoreError {
  readonly kind = 'force-delete-forbidden';
  constructor() {
    super('Only an admin can force a delete: the store and its data stay until its final backup succeeds or an admin forces the delete.');
  }
}
