// The store service: create, delete and restore as requests to a Git transport, with the rules
// applied once (rules.ts) and Idempotency-Keys bound to their request while in flight. No
// Express, no git, no Octokit: the transport behind the port does the writing.
import { createHash } from 'node:crypto';
import type { ResolvedPlatform } from '../../generator/platform.ts';
import { renderStore, type RenderResult } from '../../generator/render.ts';
import { specTimestamp, type StoreSpec } from '../../generator/spec.ts';
import { IdempotencyKeyReused } from './errors.ts';
import type { GitTransport } from './port.ts';
import { decide, type RuleDeps } from './rules.ts';
import type { CreateInput, RequestBody, Requester, RollbackInput, WriteRequest, WriteResult } from './types.ts';

export interface StoreServiceOptions {
  /** Rendering is injectable for benchmarks and tests of the Git layer alone. */
  render?: (input: { spec: StoreSpec; platform: ResolvedPlatform; existing?: ReadonlyMap<string, string> }) => RenderResult;
  /**
   * Deletes wait for a final backup when platform.yaml has a backup target (two-phase delete):
   * on when an Argo CD reports the backup Job to this API. Default off.
   */
  finalBackups?: boolean;
  /** The status reader's facts about a store (a failed final backup, a never-synced Application): rules.ts. */
  live?: RuleDeps['live'];
}

/** Who asks for phase 2 of a two-phase delete: the API itself (history names the person who asked for the delete). */
export const FINAL_BACKUP_REQUESTER: Requester = { id: 'storefleet', role: 'admin', name: 'Storefleet', email: 'storefleet@localhost' };

type Ask = { requester: Requester; idempotencyKey?: string };

/**
 * The digest a key is bound to. The action and store name say what the method and path say
 * (POST /api/stores, DELETE /api/stores/{name}, POST /api/stores/{name}/restore, POST
 * /api/stores/{name}/backups, POST /api/stores/{name}/backups/{snapshot}/restore); the body's
 * fields follow in a fixed order. The format is what Request-Digest trailers in history hold.
 */
export function requestDigest(req: RequestBody): string {
  const parts =
    req.action === 'create'
      ? ['create', req.input.name, req.input.engine, req.input.plan ?? null, req.input.displayName ?? null]
      : req.action === 'rollback'
        ? ['rollback', req.name, req.input.snapshot, req.input.confirm ?? null]
        : [req.action, req.name];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

export class StoreService {
  readonly transport: GitTransport;
  private readonly render: NonNullable<StoreServiceOptions['render']>;
  private readonly finalBackupsOn: boolean;
  private readonly live: RuleDeps['live'];
  /** Requests in flight by requester and key: a key answers one request at a time. */
  private readonly inflight = new Map<string, { digest: string; answer: Promise<WriteResult> }>();

  constructor(transport: GitTransport, opts: StoreServiceOptions = {}) {
    this.transport = transport;
    this.render = opts.render ?? renderStore;
    this.finalBackupsOn = opts.finalBackups ?? false;
    this.live = opts.live;
  }

  get mode(): GitTransport['mode'] {
    return this.transport.mode;
  }

  create(input: CreateInput, ask: Ask): Promise<WriteResult> {
    return this.write({ action: 'create', input, ...ask });
  }

  delete(name: string, ask: Ask): Promise<WriteResult> {
    return this.write({ action: 'delete', name, ...ask });
  }

  restore(name: string, ask: Ask): Promise<WriteResult> {
    return this.write({ action: 'restore', name, ...ask });
  }

  /** An admin removes a store whose final backup failed (or runs), confirming with its name that its data will be lost. */
  forceDelete(name: string, confirm: string, ask: Ask): Promise<WriteResult> {
    return this.write({ action: 'force-delete', name, confirm, ...ask });
  }

  /**
   * Phase 2 of a two-phase delete: removes the folder if the store still carries the mark
   * `mark` (re-checked on the transport's base; Git is the lock among replicas).
   */
  removeAfterFinalBackup(name: string, mark: string): Promise<WriteResult> {
    return this.write({ action: 'remove', name, mark, requester: FINAL_BACKUP_REQUESTER });
  }

  /** "Back up now": a manual backup of the store (owner or admin). */
  backup(name: string, ask: Ask): Promise<WriteResult> {
    return this.write({ action: 'backup', name, ...ask });
  }

  /** Roll the live store back to a snapshot (admins; `confirm` is the store's name typed again). */
  rollback(name: string, input: RollbackInput, ask: Ask): Promise<WriteResult> {
    return this.write({ action: 'rollback', name, input, ...ask });
  }

  write(ask: RequestBody & Ask): Promise<WriteResult> {
    const req = { ...ask, digest: requestDigest(ask), createdAt: specTimestamp() } as WriteRequest;
    if (!req.idempotencyKey) return this.execute(req);
    const k = `${req.requester.id}\0${req.idempotencyKey}`;
    const running = this.inflight.get(k);
    if (running) {
      if (running.digest !== req.digest) return Promise.reject(new IdempotencyKeyReused());
      // The same request again while the first runs (a client retrying a dropped connection): one execution, its answer.
      return running.answer.then((r) => ({ ...r, replayed: true }));
    }
    const answer = this.execute(req).finally(() => this.inflight.delete(k));
    this.inflight.set(k, { digest: req.digest, answer });
    return answer;
  }

  private execute(req: WriteRequest): Promise<WriteResult> {
    // One render per request: a retry after a rejected push reuses it (same secrets, same blobs).
    // A store's re-render (its existing files given) is redone on each base: the folder may have changed.
    let memo: { platform: ResolvedPlatform; result: RenderResult } | undefined;
    const render = (spec: StoreSpec, platform: ResolvedPlatform, existing?: ReadonlyMap<string, string>) => {
      if (existing) return this.render({ spec, platform, existing });
      if (memo?.platform !== platform) memo = { platform, result: this.render({ spec, platform }) };
      return memo.result;
    };
    return this.transport.apply(req, (view) => decide(req, view, { render, finalBackups: this.finalBackupsOn, ...(this.live ? { live: this.live } : {}) }));
  }
}
