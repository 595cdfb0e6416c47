// The rules of create, delete, restore, "Back up now" and roll-back, written once: idempotency
// against history, existence, ownership, the per-owner limit (counting stores waiting for review),
// which lifetime of a store a restore brings back, the two-phase delete (mark → final backup →
// removal, or an admin's forced delete) and who may roll a live store back.
// Pure over a StoreView: no Express, no git, no Octokit.
import { ValidationError, issuesFromZod } from '../../generator/errors.ts';
import type { ResolvedPlatform } from '../../generator/platform.ts';
import type { RenderResult } from '../../generator/render.ts';
import { newStoreSpec, snapshotId, type StoreSpec } from '../../generator/spec.ts';
import { storeBackupProps } from '../../generator/backup-config.ts';
import type { WriteTrailers } from '../git/trailers.ts';
import { ForceDeleteForbidden, IdempotencyKeyReused, InvalidStoreRequest, NoBackupTarget, NotAllowed, StoreBusy, StoreExists, StoreLimitReached, StoreNotDeleting, StoreNotFound } from './errors.ts';
import type { Decision, StoreView } from './port.ts';
import type { Requester, WriteRequest } from './types.ts';

export interface RuleDeps {
  /** Renders a store's folder (a new store's is memoized per request by the service: retries reuse it). */
  render(spec: StoreSpec, platform: ResolvedPlatform, existing?: ReadonlyMap<string, string>): RenderResult;
  /**
   * Whether a delete waits for a final backup when platform.yaml has a backup target: only when
   * an Argo CD reports the Job's completion to this API (else nothing would ever remove the folder).
   */
  finalBackups: boolean;
  /** What the status reader knows about the store right now (undefined: nothing, e.g. no Argo CD). */
  live?(name: string): LiveStoreFacts | undefined;
}

/** Status facts a delete decides on (api/status/: the lifecycle and the Application view). */
export interface LiveStoreFacts {
  /** The final backup of the store's current or an earlier deletion mark. */
  finalBackup?: FinalBackupStatus;
  /**
   * Argo CD has the store's Application and it never synced successfully (`status.history` is
   * empty: Argo CD records only successful syncs). Such a store never passed its PostSync smoke
   * test, so it was never `ready` and no shopper used it: its delete takes no final backup.
   */
  neverSynced?: boolean;
}

export function nameOf(req: WriteRequest): string {
  return req.action === 'create' ? req.input.name : req.name;
}

/** The commit trailer's action: every way a store goes away is a `delete` in history. */
export function trailerAction(action: WriteRequest['action']): WriteTrailers['action'] {
  return action === 'remove' || action === 'force-delete' ? 'delete' : action;
}

/** What the status reader says about a marked store's final backup (api/status/lifecycle.ts). */
export interface FinalBackupStatus {
  /** The mark (store.yaml `deleting.requestedAt`) the status was computed for. */
  mark: string;
  state: 'pending' | 'complete' | 'failed';
}

/**
 * Phase 2 is due: the store is still marked with the mark the status saw, and Argo CD reported
 * the final-backup Job complete for a sync that contains the mark. A failed or pending backup,
 * an unmarked or re-marked store: nothing is removed.
 */
export function removalDue(spec: { deleting?: { requestedAt: string } } | undefined, status: FinalBackupStatus | undefined): boolean {
  return !!spec?.deleting && status?.state === 'complete' && status.mark === spec.deleting.requestedAt;
}

/** The final backup of this very mark failed (a status of an earlier mark says nothing about it). */
function finalBackupFailed(mark: { requestedAt: string }, live: LiveStoreFacts | undefined): boolean {
  return live?.finalBackup?.state === 'failed' && live.finalBackup.mark === mark.requestedAt;
}

export async function decide(req: WriteRequest, view: StoreView, deps: RuleDeps): Promise<Decision> {
  const who = req.requester;
  const name = nameOf(req);

  if (req.idempotencyKey) {
    const prior = view.findKey(who.id, req.idempotencyKey);
    if (prior) {
      if (prior.digest !== req.digest || prior.action !== trailerAction(req.action)) throw new IdempotencyKeyReused();
      const spec = view.store(prior.store)?.spec ?? view.pending(prior.store)?.spec;
      return { replay: { action: prior.action, name: prior.store, commit: prior.sha, spec, replayed: true, ...(prior.pullRequest ? { pullRequest: prior.pullRequest } : {}) } };
    }
  }
  const platform = view.platform();
  const trailers: WriteTrailers = { action: trailerAction(req.action), store: name, requestedBy: who.id, idempotencyKey: req.idempotencyKey, digest: req.digest };
  const common = { name, trailers, requester: { name: who.name, email: who.email } };
  const pending = view.pending(name);

  if (req.action === 'create') {
    if (view.store(name)) throw new StoreExists(name);
    if (pending && pending.action !== 'delete') throw new StoreExists(name, pending.url);
    if (pending) throw new StoreBusy(name, pending.url);
    const parsed = newStoreSpec({ ...req.input, name }, { owner: who.id, defaultPlan: platform.config.defaultPlan, createdAt: req.createdAt });
    if (!parsed.success) throw new InvalidStoreRequest(issuesFromZod('request', parsed.error));
    const spec = parsed.data;
    checkLimit(view, who, spec.owner, platform);
    const rendered = render(() => deps.render(spec, platform));
    return { change: { ...common, action: 'create', spec, files: rendered.files, adminLogin: rendered.adminLogin } };
  }

  if (req.action === 'delete') {
    const entry = view.store(name);
    if (!entry) {
      // Waiting for review is not on the branch yet: only its owner learns that it is busy.
      if (pending?.spec && canSee(who, pending.spec)) throw new StoreBusy(name, pending.url);
      throw new StoreNotFound(name);
    }
    if (!canSee(who, entry.spec)) throw new StoreNotFound(name);
    if (pending) throw new StoreBusy(name, pending.url);
    const spec = entry.spec;
    // Never synced (never `ready`, no shopper used it): one commit, as without a target. A mark would
    // not help: Argo CD does not apply it while the failed sync stands, so its backup could never run.
    if (deps.live?.(name)?.neverSynced) return { change: { ...common, action: 'delete', spec, why: 'never-ran' } };
    // Delete again after the final backup of the current mark failed: a new mark, so a new Job
    // (final-backup-<hash of the mark>) runs; while it runs (or its outcome is unknown) it is busy.
    if (spec?.deleting && !finalBackupFailed(spec.deleting, deps.live?.(name))) {
      throw new StoreBusy(name, undefined, `"${name}" is already being deleted (since ${spec.deleting.requestedAt}): its final backup runs first; if it fails, delete it again to retry, or an admin can force the delete.`);
    }
    // Marks have second resolution: a retry within the mark's own second would name the same Job.
    if (spec?.deleting?.requestedAt === req.createdAt) throw new StoreBusy(name, undefined, `"${name}" was marked for deletion this very second; try again in a moment.`);
    // With a backup target the store is marked first; its folder goes once the final backup completed.
    // A hand-broken store.yaml cannot be re-rendered: it goes in one commit, as without a target.
    if (spec && platform.config.backup && deps.finalBackups) {
      const marked: StoreSpec = { ...spec, deleting: { requestedAt: req.createdAt, by: who.id } };
      const existing = await view.storeFiles(name);
      // Rendered over the store's own files: its sealed secrets are kept, never regenerated.
      const rendered = render(() => deps.render(marked, platform, existing));
      return { change: { ...common, action: 'mark', spec: marked, files: rendered.files } };
    }
    return { change: { ...common, action: 'delete', spec, why: 'delete' } };
  }

  if (req.action === 'remove' || req.action === 'force-delete') {
    if (req.action === 'force-delete' && who.role !== 'admin') throw new ForceDeleteForbidden();
    const entry = view.store(name);
    if (!entry || !canSee(who, entry.spec)) throw new StoreNotFound(name);
    if (req.action === 'force-delete' && req.confirm !== name) {
      throw new InvalidStoreRequest([{ file: 'request', field: 'confirm', reason: `type the store's name ("${name}") to confirm that its data will be lost` }]);
    }
    const mark = entry.spec?.deleting;
    if (!mark) throw new StoreNotDeleting(name);
    // Another replica removed it, or it was restored and deleted again meanwhile: not this mark's removal.
    if (req.action === 'remove' && mark.requestedAt !== req.mark) throw new StoreNotDeleting(name, `"${name}" carries another deletion mark (${mark.requestedAt}) than the one whose final backup completed (${req.mark}).`);
    if (pending) throw new StoreBusy(name, pending.url);
    // History names the person who asked for the delete (the Deleted list's "deleted by").
    const by = req.action === 'remove' ? mark.by : who.id;
    return { change: { ...common, trailers: { ...trailers, requestedBy: by }, action: 'delete', spec: entry.spec, why: req.action } };
  }

  if (req.action === 'backup' || req.action === 'rollback') return requestBackupAction(req, view, deps, common);

  // restore: the requester's latest deleted lifetime of this name (admins: the latest of any owner).
  if (view.store(name)) throw new StoreExists(name);
  if (pending) throw new StoreBusy(name, pending.url);
  const from = await view.deletion(name, who.role === 'admin' ? undefined : who.id);
  if (!from || !canSee(who, from.spec)) throw new StoreNotFound(name, 'deleted-store');
  if (from.spec) checkLimit(view, who, from.spec.owner, platform);
  return { change: { ...common, action: 'restore', spec: from.spec, from } };
}

function render(fn: () => RenderResult): RenderResult {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ValidationError) throw new InvalidStoreRequest(err.issues);
    throw err;
  }
}

/**
 * "Back up now" (owner or admin) and a roll-back of the live store (admins, with the store's name
 * typed again): a new request in store.yaml, the folder re-rendered with it (the renderer turns
 * it into the manual-backup Job, or the restore step's replace; docs/design.md "Data protection").
 */
async function requestBackupAction(
  req: Extract<WriteRequest, { action: 'backup' | 'rollback' }>,
  view: StoreView,
  deps: RuleDeps,
  common: { name: string; trailers: WriteTrailers; requester: { name: string; email: string } },
): Promise<Decision> {
  const who = req.requester;
  const name = req.name;
  const entry = view.store(name);
  const pending = view.pending(name);
  if (!entry) {
    if (pending?.spec && canSee(who, pending.spec)) throw new StoreBusy(name, pending.url);
    throw new StoreNotFound(name);
  }
  if (!canSee(who, entry.spec)) throw new StoreNotFound(name);
  if (req.action === 'rollback') {
    if (who.role !== 'admin') throw new NotAllowed('Only an admin can roll a store back to a backup: it overwrites the data the store holds now.');
    const issues = [];
    const snapshot = snapshotId.safeParse(req.input.snapshot);
    if (!snapshot.success) issues.push({ file: 'request', field: 'snapshot', reason: snapshot.error.issues[0].message });
    if (req.input.confirm !== name) {
      issues.push({ file: 'request', field: 'confirm', reason: `type the store's name "${name}" to confirm: its current data will be overwritten with the backup` });
    }
    if (issues.length > 0) throw new InvalidStoreRequest(issues);
  }
  if (pending) throw new StoreBusy(name, pending.url);
  const current = entry.spec;
  if (!current) throw new StoreBusy(name, undefined, `"${name}"'s store.yaml cannot be read; an admin repairs it (storefleet check) before anything else is done to the store.`);
  if (current.deleting) throw new StoreBusy(name, undefined, `"${name}" is being deleted (since ${current.deleting.requestedAt}): only its final backup runs now.`);
  const platform = view.platform();
  if (!storeBackupProps(platform.config, current.plan)) throw new NoBackupTarget(name);

  const request = { requestedAt: req.createdAt, by: who.id };
  const spec: StoreSpec =
    req.action === 'backup' ? { ...current, manualBackup: request } : { ...current, rollback: { snapshot: req.input.snapshot, ...request } };
  const rendered = rerender(deps, spec, platform, await view.storeFiles(name));
  const title = req.action === 'backup' ? `Back up store ${name} now` : `Roll store ${name} back to snapshot ${req.input.snapshot}`;
  return { change: { ...common, action: req.action, spec, files: rendered.files, title } };
}

/** An existing store rendered again: its sealed secrets must all be there (a new one would not match its data). */
function rerender(deps: RuleDeps, spec: StoreSpec, platform: ResolvedPlatform, existing: ReadonlyMap<string, string>): RenderResult {
  const rendered = render(() => deps.render(spec, platform, existing));
  if (rendered.generatedSecrets.length > 0) {
    throw new StoreBusy(spec.name, undefined, `"${spec.name}" lacks the sealed secrets ${rendered.generatedSecrets.join(', ')} in Git; an admin restores them from history before anything else is done to the store.`);
  }
  return rendered;
}

/** Members see their own stores; admins all (also those whose store.yaml is unreadable). */
export function canSee(who: Pick<Requester, 'id' | 'role'>, spec: StoreSpec | undefined): boolean {
  return who.role === 'admin' || spec?.owner === who.id;
}

function checkLimit(view: StoreView, who: Requester, owner: string, platform: ResolvedPlatform): void {
  if (who.role === 'admin') return;
  const limit = platform.config.limits.storesPerOwner;
  if (view.ownerCount(owner) >= limit) throw new StoreLimitReached(limit);
}
