// What the API knows about the branch tip: the stores (spec from each store.yaml), the platform
// configuration, and the writes recorded in history. Cached per head SHA and updated
// incrementally, so a 10,000-store list costs nothing per request and little per push.
import { ValidationError } from '../../generator/errors.ts';
import { parsePlatform, type ResolvedPlatform } from '../../generator/platform.ts';
import { resolvePlatform } from '../../generator/repo.ts';
import { parseStoreSpec, type StoreSpec } from '../../generator/spec.ts';
import { foundStore, SHARD_PATTERN, STORES_DIR, storeDir, storeShard } from '../../generator/layout.ts';
import type { Mirror } from './mirror.ts';
import { LOG_FORMAT, parseLog, type LoggedWrite, type StoreAction } from './trailers.ts';

export interface StoreEntry {
  name: string;
  /** Tree object of the store's folder; '' when derived after our own push (use treeSpec()). */
  tree: string;
  /** Its folder: storeDir(name), unless a hand edit put it elsewhere under stores/. */
  dir: string;
  spec?: StoreSpec;
  /** Why store.yaml could not be read (a hand edit broke it). */
  invalid?: string;
}

export interface Snapshot {
  tip: string;
  stores: Map<string, StoreEntry>;
  /** Tree object of each shard folder read at `tip` (a shard we changed since is left out). */
  shards: Map<string, string>;
  ownerCounts(): Map<string, number>;
}

/** The entry of stores/ a store folder sits in (its shard, or the folder itself in the old flat layout). */
function topOf(e: StoreEntry): string {
  return e.dir.split('/')[1];
}

/** Something `git cat-file` resolves to the store's folder tree. */
export function treeSpec(snap: Snapshot, e: StoreEntry): string {
  return e.tree || `${snap.tip}:${e.dir}`;
}

function makeSnapshot(tip: string, stores: Map<string, StoreEntry>, shards: Map<string, string>): Snapshot {
  let counts: Map<string, number> | undefined;
  return {
    tip,
    stores,
    shards,
    ownerCounts() {
      if (!counts) {
        counts = new Map();
        for (const e of stores.values()) if (e.spec) counts.set(e.spec.owner, (counts.get(e.spec.owner) ?? 0) + 1);
      }
      return counts;
    },
  };
}

/**
 * The stores at `newTip`, a descendant of `snap.tip` by `changes` (spec = created or restored,
 * none = deleted), without reading the store trees again. New folders get
 * `tree: ''` (resolve with treeSpec()).
 */
export function deriveSnapshot(snap: Snapshot, newTip: string, changes: { name: string; spec?: StoreSpec }[]): Snapshot {
  const stores = new Map(snap.stores);
  const shards = new Map(snap.shards);
  for (const c of changes) {
    const shard = storeShard(c.name);
    shards.delete(shard); // read again next time
    if (c.spec) stores.set(c.name, { name: c.name, tree: '', dir: storeDir(c.name), spec: c.spec });
    else stores.delete(c.name);
  }
  return makeSnapshot(newTip, stores, shards);
}

export interface RecordedWrite {
  sha: string;
  action: StoreAction;
  store: string;
  requestedBy: string;
  digest?: string;
  time?: string;
}

export class RepoState {
  readonly mirror: Mirror;
  private snap?: Snapshot;
  private pending = new Map<string, Promise<Snapshot>>();
  private platformCache?: { tip: string; platformSha: string; certFile?: string; certSha?: string; value: ResolvedPlatform };
  private scannedTip?: string;
  private readonly keys = new Map<string, RecordedWrite>();
  /** Latest API write per store (create/delete/restore), for the deleted-stores list. */
  readonly lastWrite = new Map<string, RecordedWrite>();

  constructor(mirror: Mirror) {
    this.mirror = mirror;
  }

  /** The most recent snapshot (synchronous; undefined before the first read). */
  latest(): Snapshot | undefined {
    return this.snap;
  }

  /** After our own push: `derived` (see deriveSnapshot) replaces the snapshot at `parentTip`. */
  applyPushed(parentTip: string, derived: Snapshot): void {
    if (this.snap?.tip !== parentTip) return; // an older view: the next snapshot() reads the tree
    this.snap = derived;
  }

  /** The stores at `tip`; re-reads only store folders whose tree changed since the last snapshot. */
  snapshot(tip: string): Promise<Snapshot> {
    if (this.snap?.tip === tip) return Promise.resolve(this.snap);
    let p = this.pending.get(tip);
    if (!p) {
      p = this.load(tip).finally(() => this.pending.delete(tip));
      this.pending.set(tip, p);
    }
    return p;
  }

  private async load(tip: string): Promise<Snapshot> {
    const prev = this.snap;
    const shardTrees = await this.storesTree(tip);
    const stores = new Map<string, StoreEntry>();
    const shards = new Map<string, string>();
    let prevByShard: Map<string, StoreEntry[]> | undefined;
    const reads: Promise<void>[] = [];
    const flat: StoreEntry[] = [];
    for (const [shard, s] of shardTrees) {
      if (s.type !== 'tree') continue; // stores/.gitkeep
      if (!SHARD_PATTERN.test(shard)) {
        // A store folder of the old flat layout (stores/<name>/): the ApplicationSet does not deploy
        // it; it is kept so its name stays taken and an admin can delete it.
        const found = foundStore(shard);
        flat.push({ name: found.name, tree: s.sha, dir: found.dir, invalid: found.problem });
        continue;
      }
      shards.set(shard, s.sha);
      if (prev && prev.shards.get(shard) === s.sha) {
        // Unchanged shard: its stores are as they were (most shards, after a push of a few stores).
        if (!prevByShard) {
          prevByShard = new Map();
          for (const e of prev.stores.values()) {
            const list = prevByShard.get(topOf(e));
            if (list) list.push(e);
            else prevByShard.set(topOf(e), [e]);
          }
        }
        for (const e of prevByShard.get(shard) ?? []) stores.set(e.name, e);
        continue;
      }
      reads.push(this.loadShard(tip, shard, s.sha, prev, stores));
    }
    await Promise.all(reads);
    for (const e of flat) if (!stores.has(e.name)) stores.set(e.name, e);
    const snap = makeSnapshot(tip, stores, shards);
    this.snap = snap;
    return snap;
  }

  private async loadShard(tip: string, shard: string, sha: string, prev: Snapshot | undefined, stores: Map<string, StoreEntry>): Promise<void> {
    const folders = await this.mirror.cat.readTree(sha);
    if (!folders) throw new Error(`${STORES_DIR}/${shard} at ${tip} cannot be read from the mirror`);
    const reads: Promise<void>[] = [];
    for (const [name, e] of folders) {
      if (e.type !== 'tree') continue;
      const old = prev?.stores.get(name);
      if (old && old.tree === e.sha && topOf(old) === shard) {
        stores.set(name, old);
        continue;
      }
      const found = foundStore(shard, name);
      if (found.problem) {
        // In the wrong shard (`storefleet check` fails on it too): kept so the name stays taken,
        // unless the store is also where it belongs.
        if (!stores.has(name)) stores.set(name, { name, tree: e.sha, dir: found.dir, invalid: found.problem });
        continue;
      }
      const entry: StoreEntry = { name, tree: e.sha, dir: found.dir };
      stores.set(name, entry);
      reads.push(
        this.mirror.cat.readText(`${e.sha}:store.yaml`).then((text) => {
          if (text === undefined) {
            entry.invalid = 'store.yaml is missing';
            return;
          }
          try {
            entry.spec = parseStoreSpec(text, `${storeDir(name)}/store.yaml`, undefined, name);
          } catch (err) {
            entry.invalid = err instanceof ValidationError ? err.message : 'store.yaml is unreadable';
          }
        }),
      );
    }
    await Promise.all(reads);
  }

  /**
   * The stores/ tree (its shard folders) at `tip`. "No such path" must never be mistaken for "no
   * stores" (that would let a taken name be created again): a miss is confirmed with a fresh
   * cat-file process and against the root tree; an unreadable commit is an error.
   */
  private async storesTree(tip: string): Promise<Map<string, { mode: string; type: string; sha: string }>> {
    const cat = this.mirror.cat;
    const found = await cat.readTree(`${tip}:stores`);
    if (found) return found;
    cat.close(); // the next read starts a fresh process that sees every object written since
    const root = await cat.readTree(`${tip}^{tree}`);
    if (!root) throw new Error(`commit ${tip} cannot be read from the mirror`);
    if (!root.has('stores')) return new Map();
    const again = await cat.readTree(`${tip}:stores`);
    if (!again) throw new Error(`stores/ at ${tip} cannot be read from the mirror`);
    return again;
  }

  /** platform.yaml (with its sealing certificate) at `tip`; parsed again only when a blob changes. */
  async platform(tip: string): Promise<ResolvedPlatform> {
    if (this.platformCache?.tip === tip) return this.platformCache.value;
    const blob = await this.mirror.cat.read(`${tip}:platform.yaml`);
    if (!blob || blob.type !== 'blob') throw new ValidationError([{ file: 'platform.yaml', field: '', reason: 'not found on the branch' }]);
    const cached = this.platformCache;
    if (cached && cached.platformSha === blob.sha && cached.certFile) {
      const certBlob = await this.mirror.cat.read(`${tip}:${cached.certFile}`);
      if (certBlob?.sha === cached.certSha) {
        this.platformCache = { ...cached, tip };
        return cached.value;
      }
    }
    const text = blob.content.toString('utf8');
    const config = parsePlatform(text);
    const certFile = config.sealing.certificateFile;
    const certBlob = certFile ? await this.mirror.cat.read(`${tip}:${certFile}`) : undefined;
    const cert = certBlob?.type === 'blob' ? certBlob.content.toString('utf8') : undefined;
    const value = resolvePlatform(text, (rel) => (rel === certFile ? cert : undefined));
    this.platformCache = { tip, platformSha: blob.sha, certFile, certSha: certBlob?.sha, value };
    return value;
  }

  /** Reads the writes recorded in history up to `tip` (incrementally). */
  async catchUp(tip: string): Promise<void> {
    if (this.scannedTip === tip) return;
    let range = tip;
    if (this.scannedTip) {
      const anc = await this.mirror.run(['merge-base', '--is-ancestor', this.scannedTip, tip], [0, 1]);
      if (anc.code === 0) range = `${this.scannedTip}..${tip}`;
      else {
        this.keys.clear();
        this.lastWrite.clear();
      }
    }
    const out = await this.mirror.run(['log', '--reverse', `--format=${LOG_FORMAT}`, range]);
    for (const w of parseLog(out.stdout)) this.record(w);
    this.scannedTip = tip;
  }

  record(w: LoggedWrite): void {
    if (!w.action || !w.store || !w.requestedBy) return;
    const rec: RecordedWrite = { sha: w.sha, action: w.action, store: w.store, requestedBy: w.requestedBy, digest: w.digest, time: w.time };
    if (w.idempotencyKey) this.keys.set(keyOf(w.requestedBy, w.idempotencyKey), rec);
    this.lastWrite.set(w.store, rec);
  }

  /** Marks writes we pushed ourselves as scanned (no log call needed). */
  recordPushed(parentTip: string, newTip: string, writes: LoggedWrite[]): void {
    if (this.scannedTip !== parentTip) return; // a later catchUp() reads them from history
    for (const w of writes) this.record(w);
    this.scannedTip = newTip;
  }

  findKey(requestedBy: string, key: string): RecordedWrite | undefined {
    return this.keys.get(keyOf(requestedBy, key));
  }
}

function keyOf(user: string, key: string): string {
  return `${user}\0${key}`;
}
