// Phase 2 of the two-phase delete (docs/design.md "Data protection"): the status reader tells
// this driver every status it computes for a store marked `deleting`; when removalDue() says the
// final backup of that mark completed, the store service commits the folder's removal through
// the Git transport. Every replica runs one: Git is the lock, the rule re-checks the mark on a
// fresh base, and a replica that lost the race gets "not deleting"/"not found" and stops trying.
import type { Logger } from 'pino';
import { StoreBusy, StoreNotDeleting, StoreNotFound } from './errors.ts';
import { removalDue, type FinalBackupStatus } from './rules.ts';
import type { StoreService } from './service.ts';

export class FinalDeleteDriver {
  readonly #stores: Pick<StoreService, 'removeAfterFinalBackup'>;
  readonly #log?: Pick<Logger, 'info' | 'warn'>;
  /** Removals in flight, and marks already removed (or found gone), by `name\0mark`. */
  readonly #running = new Map<string, Promise<void>>();
  readonly #done = new Set<string>();
  /** The last final-backup status seen per store: a Delete retries a failed one (rules.ts). */
  readonly #last = new Map<string, FinalBackupStatus>();

  /** Marks whose removal waits for review (pull-request mode): when to look again (ms epoch). */
  readonly #review = new Map<string, number>();
  readonly #now: () => number;
  readonly #recheckMs: number;

  constructor(stores: Pick<StoreService, 'removeAfterFinalBackup'>, log?: Pick<Logger, 'info' | 'warn'>, opts: { now?: () => number; recheckMs?: number } = {}) {
    this.#stores = stores;
    this.#log = log;
    this.#now = opts.now ?? Date.now;
    this.#recheckMs = opts.recheckMs ?? 60_000;
  }

  /** For the status service's `onFinalBackup`: never throws, never waits. */
  readonly observe = (name: string, status: FinalBackupStatus, git: { deleting?: { requestedAt: string } }): void => {
    this.#last.set(name, status);
    if (!removalDue(git, status)) return;
    const key = `${name}\0${status.mark}`;
    if (this.#done.has(key) || this.#running.has(key)) return;
    if ((this.#review.get(key) ?? 0) > this.#now()) return;
    const run = this.#stores
      .removeAfterFinalBackup(name, status.mark)
      .then((r) => {
        this.#done.add(key);
        // The store is gone: its last status and review timer say nothing any more.
        this.#last.delete(name);
        this.#review.delete(key);
        this.#log?.info({ store: name, commit: r.commit, ...(r.pullRequest ? { pullRequest: r.pullRequest } : {}) }, 'final backup complete: store folder removed');
      })
      .catch((err: unknown) => {
        // Removed or re-marked by another replica: nothing left to do for this mark.
        if (err instanceof StoreNotDeleting || err instanceof StoreNotFound) this.#done.add(key);
        // A pull request for it is open (pull-request mode): it waits for review. Looked at again
        // later: a pull request closed without merging is then opened anew (the store stays marked).
        // Busy otherwise (e.g. the closed one's branch left behind): said once per look, not per status.
        else if (err instanceof StoreBusy) {
          this.#review.set(key, this.#now() + this.#recheckMs);
          if (!err.pendingUrl) this.#log?.warn({ err: { message: err.message }, store: name }, 'removing a store after its final backup is blocked; looked at again in a minute');
        }
        else this.#log?.warn({ err: { message: (err as Error).message }, store: name }, 'removing a store after its final backup failed; retried on its next status');
      })
      .finally(() => this.#running.delete(key));
    this.#running.set(key, run);
  };

  /** The store's final backup as last reported (its mark says which deletion it belongs to). */
  lastStatus(name: string): FinalBackupStatus | undefined {
    return this.#last.get(name);
  }

  /** Waits for the removals in flight (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.#running.values());
  }
}
