// Direct mode: one writer per repository per process. Requests queue up while a batch is being
// committed and pushed; the next batch takes all of them: one commit per store change, one push
// per batch. A rejected push (another replica won) means fetch → re-validate → re-render →
// re-commit → push, with bounded, jittered attempts. Never a rebase of generated files.
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { ValidationError } from '../../generator/errors.ts';
import type { ResolvedPlatform } from '../../generator/platform.ts';
import type { StoreSpec } from '../../generator/spec.ts';
import { storeDir } from '../../generator/layout.ts';
import { PlatformInvalid, WriteContention } from '../stores/errors.ts';
import type { Decide, GitTransport, StoreView } from '../stores/port.ts';
import type { WriteRequest, WriteResult } from '../stores/types.ts';
import { blobSha, type CommitPlan, type Person } from './fast-import.ts';
import { StoreLifetimes } from './lifetimes.ts';
import { RemoteUnavailableError, type Mirror } from './mirror.ts';
import { deriveSnapshot, treeSpec, type RepoState, type Snapshot } from './repo-state.ts';
import { trailerBlock, type WriteTrailers } from './trailers.ts';
import type { PushDetails, PushHook } from './types.ts';

export interface WriterMetrics {
  commit(action: string): void;
  pushRetry(): void;
  batch(size: number, seconds: number): void;
  /** Time spent in one phase of a batch attempt: where a slow write goes. */
  phase(name: 'read' | 'plan' | 'commit' | 'push', seconds: number): void;
}

export interface DirectWriterOptions {
  mirror: Mirror;
  state: RepoState;
  committer: Person;
  maxAttempts?: number;
  maxBatch?: number;
  metrics?: WriterMetrics;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

interface Item {
  req: WriteRequest;
  decide: Decide;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
  settled: boolean;
  /** A refusal decided on a base that is not pushed yet (see drain()). */
  held?: { err: unknown };
  /** After a rejected push: blob SHAs of the files of the change planned last (a retry refers to them). */
  blobs?: { files: ReadonlyMap<string, string>; shas: Map<string, string> };
  /** The files of the change planned last (see `blobs`). */
  files?: ReadonlyMap<string, string>;
}

interface Planned {
  item: Item;
  /** The folder goes (a delete, its phase 2 or a forced one) rather than being written. */
  removes: boolean;
  commit: CommitPlan;
  /** Paths for the push notification: added (create/restore) or removed (delete). */
  paths: string[];
  trailers: WriteTrailers;
  result: Omit<WriteResult, 'commit'>;
}

/** What a batch is planned on: a branch tip, the stores there, and platform.yaml there. */
interface Base {
  tip: string;
  snap: Snapshot;
  platform?: ResolvedPlatform;
  platformError?: unknown;
}

/** A batch planned and committed into the mirror, not pushed yet. */
interface Prepared {
  items: Item[];
  planned: Planned[];
  shas: string[];
  head: string;
  base: Base;
  /** The branch as it will be once `head` lands; undefined when it cannot be derived (then nothing is planned on it). */
  after?: Base;
  started: number;
}

function changesOf(planned: Planned[]): { name: string; spec?: StoreSpec }[] | undefined {
  // A restored folder with an unreadable store.yaml has no spec: only a fresh read of the tree knows it.
  if (!planned.every((p) => p.removes || p.result.spec)) return undefined;
  return planned.map((p) => ({ name: p.trailers.store, spec: p.removes ? undefined : p.result.spec }));
}

/** `b` was prepared on top of `a`: one push carries both. */
function joinPrepared(a: Prepared, b: Prepared): Prepared {
  return {
    items: [...a.items, ...b.items],
    planned: [...a.planned, ...b.planned],
    shas: [...a.shas, ...b.shas],
    head: b.head,
    base: a.base,
    after: b.after,
    started: a.started,
  };
}

type Pushed = { outcome: 'ok' | 'rejected' } | { err: unknown };

/** Working view of the tree while a batch is planned: snapshot plus the batch's own changes. */
interface Working {
  snap: Snapshot;
  added: Map<string, StoreSpec>;
  removed: Set<string>;
  counts: Map<string, number>;
}

/** Subject and body of phase 1 of a two-phase delete (both transports). */
export function markMessage(name: string): string {
  return `Delete store ${name}: final backup first\n\nMarks the store deleting: it renders only its database and the Job final-backup. Storefleet removes the folder once Argo CD reports the Job complete.`;
}

/** What the removal commit adds to its message: why the folder goes now. */
/** Why a store with a backup target goes without a final backup (commit, pull request and API answer). */
export const NEVER_RAN = 'No final backup: the store never synced successfully in Argo CD, so it never ran and no shopper used it.';

export function removalNote(why: 'delete' | 'remove' | 'force-delete' | 'never-ran'): string {
  if (why === 'remove') return '\n\nIts final backup completed (Job final-backup).';
  if (why === 'force-delete') return '\n\nForced by an admin without a final backup: the data since the last backup is lost.';
  if (why === 'never-ran') return `\n\n${NEVER_RAN}`;
  return '';
}

/** A restore reverts the removal and, for a two-phase delete, its mark too. */
export function restoreMessage(from: { subject: string; commit: string; mark?: string }): string {
  const mark = from.mark ? ` and the deletion mark of commit ${from.mark} (the store as it ran before "Delete")` : '';
  return `Revert "${from.subject}"\n\nThis reverts commit ${from.commit}${mark}.`;
}

export class DirectWriter implements GitTransport {
  readonly mode = 'direct' as const;
  private readonly o: Required<Omit<DirectWriterOptions, 'metrics' | 'log'>> & Pick<DirectWriterOptions, 'metrics' | 'log'>;
  private readonly lifetimes: StoreLifetimes;
  private queue: Item[] = [];
  private running = false;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly hooks: PushHook[] = [];
  private wake?: () => void;

  constructor(opts: DirectWriterOptions) {
    // `?? default` rather than a spread: an option passed as undefined must not erase its default.
    this.o = {
      ...opts,
      maxAttempts: opts.maxAttempts ?? 20,
      maxBatch: Math.max(1, opts.maxBatch ?? 250),
    };
    this.lifetimes = new StoreLifetimes(opts.mirror);
  }

  onPush(hook: PushHook): void {
    this.hooks.push(hook);
  }

  /** Serializes `fn` with batches (fetches must not interleave with a batch's push). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => {});
    return p;
  }

  /** Queues the request: the next batch decides it on its base, commits it and pushes. */
  apply(req: WriteRequest, decide: Decide): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ req, decide, resolve, reject, settled: false });
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
      if (!this.running) {
        this.running = true;
        void this.exclusive(() => this.drain());
      }
    });
  }

  /**
   * Two stages overlap: while batch N is being pushed, batch N+1 is planned and committed on top
   * of N's (not yet confirmed) head — fast-import and the push each keep one core busy. N+1's
   * refusals (409, 403 …) wait for N's push: they may depend on what N wrote. N rejected → both
   * batches go back through the fetch → re-validate → re-render loop together.
   */
  private async drain(): Promise<void> {
    try {
      let current: Prepared | undefined;
      let pushing: Promise<Pushed> | undefined;
      for (;;) {
        if (!current || !pushing) {
          if (this.queue.length === 0) return;
          current = await this.guard(this.take(), (items) => this.prepareOnTip(items));
          if (!current) continue;
          if (current.planned.length === 0) {
            this.finish(current);
            current = undefined;
            continue;
          }
          pushing = this.startPush(current);
        }
        // While the push is out, everything that arrives is committed on top of it, in increments
        // that all go out with the next push.
        let pushDone = false;
        void pushing.then(() => (pushDone = true));
        let next: Prepared | undefined;
        for (;;) {
          const base = next ? next.after : current.after;
          const room = this.o.maxBatch - (next?.items.length ?? 0); // one push carries at most maxBatch changes
          if (!base || pushDone || room <= 0) break;
          if (this.queue.length === 0 && !(await Promise.race([pushing.then(() => false), this.arrival()]))) break;
          await setImmediate(); // requests arriving together go into one increment
          const more = await this.guard(this.take(room), (items) => this.prepare(items, base, true));
          if (!more) break;
          next = next ? joinPrepared(next, more) : more;
        }
        const pushed = await pushing;
        if ('outcome' in pushed && pushed.outcome === 'ok') {
          // Get the next push going before answering this batch's requests.
          const nextPushing = next && next.planned.length > 0 ? this.startPush(next) : undefined;
          this.confirm(current);
          this.finish(current);
          if (next) this.releaseHeld(next);
          if (next && !nextPushing) this.finish(next);
          current = nextPushing ? next : undefined;
          pushing = nextPushing;
          continue;
        }
        const items = [...current.items, ...(next?.items ?? [])];
        if (next) {
          this.noteBlobs(next);
          this.unhold(next);
        }
        this.noteBlobs(current);
        const started = current.started;
        current = undefined;
        pushing = undefined;
        if ('err' in pushed) {
          this.failAll(items, pushed.err);
        } else {
          // Another writer moved the branch first: the normal retry loop, from a fresh look.
          await this.guard(items, async () => {
            this.o.metrics?.pushRetry();
            await this.backoff(1);
            await this.runBatch(items, await this.o.mirror.fetch(), 2);
            return undefined;
          });
        }
        this.o.metrics?.batch(items.length, (performance.now() - started) / 1000);
      }
    } finally {
      this.running = false;
    }
  }

  private startPush(p: Prepared): Promise<Pushed> {
    const started = performance.now();
    const pushing = this.o.mirror.push(p.head).then(
      (outcome): Pushed => ({ outcome }),
      (err: unknown): Pushed => ({ err }),
    );
    void pushing.then(() => this.o.metrics?.phase('push', (performance.now() - started) / 1000));
    return pushing;
  }

  /** Resolves (true) when the next request is queued. */
  private arrival(): Promise<boolean> {
    return new Promise((resolve) => {
      this.wake = () => resolve(true);
    });
  }

  private take(max = this.o.maxBatch): Item[] {
    return this.queue.splice(0, max);
  }

  /** Runs `fn`; on an error answers every unsettled item of `items` (503 when the remote is down). */
  private async guard<T>(items: Item[], fn: (items: Item[]) => Promise<T | undefined>): Promise<T | undefined> {
    try {
      return await fn(items);
    } catch (err) {
      this.failAll(items, err);
      return undefined;
    }
  }

  private failAll(items: Item[], err: unknown): void {
    if (!(err instanceof RemoteUnavailableError)) this.o.log?.error({ err }, 'write batch failed');
    for (const it of items) {
      it.held = undefined;
      if (!it.settled) this.settle(it, err);
    }
  }

  private settle(it: Item, outcome: unknown, ok = false): void {
    if (it.settled) return;
    it.settled = true;
    if (ok) it.resolve(outcome as WriteResult);
    else it.reject(outcome);
  }

  /** The state of the branch at `tip` as read from the mirror. */
  private async baseAt(tip: string): Promise<Base> {
    const { state } = this.o;
    const snap = await state.snapshot(tip);
    await state.catchUp(tip);
    try {
      return { tip, snap, platform: await state.platform(tip) };
    } catch (err) {
      return { tip, snap, platformError: err };
    }
  }

  /** A fresh look at the branch at `tip` (the mirror's last known tip by default), then prepare(). */
  private async prepareOnTip(items: Item[], tip?: string): Promise<Prepared> {
    const lap = this.stopwatch();
    const base = await this.baseAt(tip ?? this.o.mirror.tip ?? (await this.o.mirror.fetch()));
    lap('read');
    return this.prepare(items, base, false);
  }

  /**
   * Plans and commits `items` on `base`. `speculative`: the base is a head not pushed yet, so a
   * refusal is held (not answered) until that push lands.
   */
  private async prepare(items: Item[], base: Base, speculative: boolean): Promise<Prepared> {
    const lap = this.stopwatch();
    const started = performance.now();
    const working: Working = { snap: base.snap, added: new Map(), removed: new Set(), counts: new Map(base.snap.ownerCounts()) };
    const planned: Planned[] = [];
    for (const it of items) {
      if (it.settled) continue;
      try {
        const p = await this.plan(it, working, base);
        if ('replayed' in p) this.settle(it, p, true); // from pushed history: true whatever happens to the base
        else planned.push(p);
      } catch (err) {
        if (speculative) it.held = { err };
        else this.settle(it, err);
      }
    }
    lap('plan');
    if (planned.length === 0) return { items, planned, shas: [], head: base.tip, base, after: base, started };
    const shas = await this.o.mirror.importer.write(base.tip, planned.map((p) => p.commit));
    lap('commit');
    const head = shas[shas.length - 1];
    const changes = changesOf(planned);
    const after: Base | undefined = changes && { ...base, tip: head, snap: deriveSnapshot(base.snap, head, changes) };
    return { items, planned, shas, head, base, after, started };
  }

  /** The base of a speculative batch landed: its held refusals are final now. */
  private releaseHeld(p: Prepared): void {
    for (const it of p.items) {
      if (it.held && !it.settled) this.settle(it, it.held.err);
      it.held = undefined;
    }
  }

  private unhold(p: Prepared): void {
    for (const it of p.items) it.held = undefined;
  }

  /** After a rejected push the batch's blobs are in the mirror: a retry refers to them by SHA. */
  private noteBlobs(p: Prepared): void {
    for (const x of p.planned) {
      const it = x.item;
      if (it.files && it.blobs?.files !== it.files) it.blobs = { files: it.files, shas: new Map([...it.files].map(([path, content]) => [path, blobSha(content)])) };
    }
  }

  private stopwatch(): (name: 'read' | 'plan' | 'commit' | 'push') => void {
    let t = performance.now();
    return (name) => {
      const now = performance.now();
      this.o.metrics?.phase(name, (now - t) / 1000);
      t = now;
    };
  }

  private backoff(attempt: number): Promise<void> {
    // Exponential backoff with full jitter: the other writer's push lands meanwhile, and ours (cheap
    // now: blobs exist) usually goes out before its next batch.
    return sleep(Math.random() * Math.min(1000, 25 * 2 ** attempt));
  }

  private finish(p: Prepared): void {
    this.o.metrics?.batch(p.items.length, (performance.now() - p.started) / 1000);
  }

  /** The batch's push landed: update the cached state, answer every request, tell the hooks. */
  private confirm(p: Prepared): void {
    const { state, mirror } = this.o;
    const { planned, shas, head } = p;
    const tip = p.base.tip;
    if (p.after) state.applyPushed(tip, p.after.snap); // else the next snapshot() reads the tree
    state.recordPushed(
      tip,
      head,
      planned.map((x, i) => ({ sha: shas[i], time: new Date(x.commit.time * 1000).toISOString(), ...x.trailers })),
    );
    planned.forEach((x, i) => {
      this.o.metrics?.commit(x.trailers.action);
      this.settle(x.item, { ...x.result, commit: shas[i] }, true);
    });
    const changed = [...new Set(planned.map((x) => x.trailers.store))];
    const details: PushDetails = {
      branch: mirror.branch,
      before: tip,
      after: head,
      commits: planned.map((x, i) => ({
        sha: shas[i],
        message: x.commit.message,
        timestamp: new Date(x.commit.time * 1000).toISOString(),
        author: x.commit.author,
        added: x.removes ? [] : x.paths,
        modified: [],
        removed: x.removes ? x.paths : [],
      })),
      owners: Object.fromEntries(planned.flatMap((x) => (x.result.spec ? [[x.trailers.store, x.result.spec.owner]] : []))),
    };
    for (const h of this.hooks) {
      Promise.resolve()
        .then(() => h(head, changed, details))
        .catch((err: unknown) => this.o.log?.warn({ err }, 'push hook failed'));
    }
  }

  /** Fresh look → plan → commit → push, until the push lands or the attempts run out. */
  private async runBatch(items: Item[], startTip: string, firstAttempt = 1): Promise<void> {
    let tip = startTip;
    for (let attempt = firstAttempt; ; attempt++) {
      const p = await this.prepareOnTip(items, tip);
      if (p.planned.length === 0) return;
      const pushed = await this.startPush(p);
      if ('err' in pushed) throw pushed.err;
      if (pushed.outcome === 'ok') {
        this.confirm(p);
        return;
      }
      this.o.metrics?.pushRetry();
      this.noteBlobs(p);
      if (attempt >= this.o.maxAttempts) {
        throw new WriteContention();
      }
      await this.backoff(attempt);
      tip = await this.o.mirror.fetch();
    }
  }

  /** The base as the rules see it: the snapshot plus the changes planned before in this batch. */
  private viewOf(w: Working, base: Base): StoreView {
    return {
      tip: base.tip,
      platform: () => {
        if (base.platform) return base.platform;
        throw new PlatformInvalid(base.platformError instanceof ValidationError ? base.platformError.message : 'platform.yaml cannot be read');
      },
      store: (name) => {
        if (w.removed.has(name)) return undefined;
        const added = w.added.get(name);
        if (added) return { spec: added };
        const e = w.snap.stores.get(name);
        return e && { spec: e.spec };
      },
      // Created or restored earlier in this batch: not pushed yet.
      pending: (name) => (w.added.has(name) ? { action: 'create', spec: w.added.get(name) } : undefined),
      ownerCount: (owner) => w.counts.get(owner) ?? 0,
      findKey: (by, key) => this.o.state.findKey(by, key),
      deletion: (name, owner) => this.lifetimes.deletion(base.tip, name, owner),
      storeFiles: async (name) => {
        const e = w.snap.stores.get(name);
        return e ? this.lifetimes.contents(base.tip, e.dir, name) : new Map();
      },
    };
  }

  private async plan(it: Item, w: Working, base: Base): Promise<Planned | WriteResult> {
    const decision = await it.decide(this.viewOf(w, base));
    if ('replay' in decision) return decision.replay;
    const change = decision.change;
    const { name, trailers } = change;
    const commit = (message: string, changes: CommitPlan['changes']): CommitPlan => ({
      author: change.requester,
      committer: this.o.committer,
      time: Math.floor(Date.now() / 1000),
      message: `${message}\n\n${trailerBlock(trailers)}`,
      changes,
    });
    const count = (owner: string | undefined, by: number) => {
      if (owner) w.counts.set(owner, (w.counts.get(owner) ?? 0) + by);
    };

    if (change.action === 'create') {
      const { spec, files } = change;
      w.added.set(name, spec);
      count(spec.owner, 1);
      const changes = this.folderWrite(it, storeDir(name), files);
      return {
        item: it,
        removes: false,
        trailers,
        paths: [...files.keys()],
        commit: commit(`Create store ${name}\n\nEngine ${spec.engine}, plan ${spec.plan}, owner ${spec.owner}.`, changes),
        result: { action: 'create', name, spec, adminLogin: change.adminLogin, replayed: false },
      };
    }

    if (change.action === 'mark' || change.action === 'backup' || change.action === 'rollback') {
      // The folder re-rendered where the store is: a delete's mark (phase 1 of a two-phase delete)
      // or a backup request. It becomes exactly `files`, so what it no longer renders goes (the
      // apps of a marked store, an older manual-backup Job).
      const { spec, files } = change;
      const entry = w.snap.stores.get(name)!; // the rules found it on this base
      w.added.set(name, spec); // later requests for this store in the batch wait for this one
      const changes = this.folderWrite(it, entry.dir, files);
      const requested = () => `Requested by ${spec.owner === trailers.requestedBy ? 'the owner' : trailers.requestedBy} at ${change.action === 'backup' ? spec.manualBackup?.requestedAt : spec.rollback?.requestedAt}.`;
      return {
        item: it,
        removes: false,
        trailers,
        paths: [...files.keys()],
        commit: commit(change.action === 'mark' ? markMessage(name) : `${change.title}\n\n${requested()}`, changes),
        result: change.action === 'mark' ? { action: 'delete', name, spec, marked: true, replayed: false } : { action: change.action, name, spec, replayed: false },
      };
    }

    if (change.action === 'delete') {
      const entry = w.snap.stores.get(name)!; // the rules found it on this base
      const folderTree = entry.tree || (await this.o.mirror.cat.read(treeSpec(w.snap, entry)))?.sha || '';
      const dir = entry.dir; // where it is, also when a hand edit put it in the wrong shard
      const message = (await this.deleteMessage(base.tip, name, dir, folderTree)) + removalNote(change.why);
      w.removed.add(name);
      count(entry.spec?.owner, -1);
      return {
        item: it,
        removes: true,
        trailers,
        paths: await this.folderFiles(folderTree, dir),
        commit: commit(message, [{ op: 'delete', path: dir }]),
        result: { action: 'delete', name, spec: entry.spec, ...(change.why === 'never-ran' ? { notice: NEVER_RAN } : {}), replayed: false },
      };
    }

    // restore: revert the commit that ended the lifetime the rules chose.
    const { from, spec } = change;
    if (spec) {
      w.added.set(name, spec);
      count(spec.owner, 1);
    }
    return {
      item: it,
      removes: false,
      trailers,
      paths: await this.folderFiles(from.folderTree, storeDir(name)),
      commit: commit(restoreMessage(from), [{ op: 'tree', path: storeDir(name), sha: from.folderTree }]),
      result: { action: 'restore', name, spec, replayed: false },
    };
  }

  /** Replaces the folder `dir` with `files`; after a rejected push the retry refers to the blobs already written. */
  private folderWrite(it: Item, dir: string, files: ReadonlyMap<string, string>): CommitPlan['changes'] {
    it.files = files;
    const blobs = it.blobs?.files === files ? it.blobs.shas : undefined;
    const changes: CommitPlan['changes'] = [{ op: 'delete', path: dir }];
    for (const [path, content] of files) changes.push({ op: 'write', path, content, blob: blobs?.get(path) });
    return changes;
  }

  /**
   * A real revert of the store's addition when the folder is unchanged since and that commit
   * touched nothing else; otherwise a removal of the folder, with the same subject form.
   */
  private async deleteMessage(tip: string, name: string, dir: string, currentTree: string): Promise<string> {
    const { mirror } = this.o;
    const log = await mirror.run(['log', '-1', '--diff-filter=A', '--format=%H%x1f%s', tip, '--', `${dir}/store.yaml`]);
    const [addSha, addSubject] = log.stdout.trim().split('\x1f');
    if (!addSha) return `Revert "Create store ${name}"\n\nThis removes ${dir}/ (its addition is not in this branch's history).`;
    const [then, touched] = await Promise.all([
      mirror.cat.read(`${addSha}:${dir}`),
      mirror.run(['diff-tree', '--no-commit-id', '--name-only', '-r', '--root', addSha]),
    ]);
    const onlyStore = touched.stdout
      .split('\n')
      .filter(Boolean)
      .every((p) => p.startsWith(`${dir}/`));
    if (then?.sha === currentTree && onlyStore) return `Revert "${addSubject}"\n\nThis reverts commit ${addSha}.`;
    return `Revert "${addSubject}"\n\nThis removes ${dir}/, which changed since commit ${addSha} added it.`;
  }

  /** Files of a store folder tree (store.yaml and manifests/*), repo-relative. */
  private async folderFiles(tree: string, dir: string): Promise<string[]> {
    const out: string[] = [];
    const top = (await this.o.mirror.cat.readTree(tree)) ?? new Map();
    for (const [n, e] of top) {
      if (e.type === 'tree') {
        const sub = (await this.o.mirror.cat.readTree(e.sha)) ?? new Map();
        for (const k of sub.keys()) out.push(`${dir}/${n}/${k}`);
      } else out.push(`${dir}/${n}`);
    }
    return out;
  }

  /** Fetches the remote between batches (picks up other replicas' and people's commits). */
  refresh(): Promise<string> {
    return this.exclusive(() => this.o.mirror.fetch());
  }
}
