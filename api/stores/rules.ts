// The rules of create, delete and restore, written once: idempotency against history, existence,
// ownership, the per-owner limit (counting stores waiting for review) and which lifetime of a
// store a restore brings back. Pure over a StoreView: no Express, no git, no Octokit.
import { ValidationError, issuesFromZod } from '../../generator/errors.ts';
import type { ResolvedPlatform } from '../../generator/platform.ts';
import type { RenderResult } from '../../generator/render.ts';
import { newStoreSpec, type StoreSpec } from '../../generator/spec.ts';
import type { WriteTrailers } from '../git/trailers.ts';
import { IdempotencyKeyReused, InvalidStoreRequest, StoreBusy, StoreExists, StoreLimitReached, StoreNotFound } from './errors.ts';
import type { Decision, StoreView } from './port.ts';
import type { Requester, WriteRequest } from './types.ts';

export interface RuleDeps {
  /** Renders a new store's folder (memoized per request by the service: retries reuse it). */
  render(spec: StoreSpec, platform: ResolvedPlatform): RenderResult;
}

export function nameOf(req: WriteRequest): string {
  return req.action === 'create' ? req.input.name : req.name;
}

export async function decide(req: WriteRequest, view: StoreView, deps: RuleDeps): Promise<Decision> {
  const who = req.requester;
  const name = nameOf(req);

  if (req.idempotencyKey) {
    const prior = view.findKey(who.id, req.idempotencyKey);
    if (prior) {
      if (prior.digest !== req.digest || prior.action !== req.action) throw new IdempotencyKeyReused();
      const spec = view.store(prior.store)?.spec ?? view.pending(prior.store)?.spec;
      return { replay: { action: prior.action, name: prior.store, commit: prior.sha, spec, replayed: true, ...(prior.pullRequest ? { pullRequest: prior.pullRequest } : {}) } };
    }
  }
  const platform = view.platform();
  const trailers: WriteTrailers = { action: req.action, store: name, requestedBy: who.id, idempotencyKey: req.idempotencyKey, digest: req.digest };
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
    let rendered: RenderResult;
    try {
      rendered = deps.render(spec, platform);
    } catch (err) {
      if (err instanceof ValidationError) throw new InvalidStoreRequest(err.issues);
      throw err;
    }
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
    return { change: { ...common, action: 'delete', spec: entry.spec } };
  }

  // restore: the requester's latest deleted lifetime of this name (admins: the latest of any owner).
  if (view.store(name)) throw new StoreExists(name);
  if (pending) throw new StoreBusy(name, pending.url);
  const from = await view.deletion(name, who.role === 'admin' ? undefined : who.id);
  if (!from || !canSee(who, from.spec)) throw new StoreNotFound(name, 'deleted-store');
  if (from.spec) checkLimit(view, who, from.spec.owner, platform);
  return { change: { ...common, action: 'restore', spec: from.spec, from } };
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
