// A store's lifetimes in the history of the branch. A name can be used again after a deletion,
// by another owner: each use is a lifetime, told apart by its store.yaml's owner and createdAt
// (a restore puts back the same store.yaml, so create → delete → restore is one lifetime; a hand
// edit of the plan keeps both). History and restore are scoped to one lifetime and its owner.
import { storeDir } from '../../generator/layout.ts';
import { parseStoreSpec, type StoreSpec } from '../../generator/spec.ts';
import type { Deletion } from '../stores/port.ts';
import type { HistoryEntry } from '../../contract/index.ts';
import type { Mirror } from './mirror.ts';

/** How far back a lookup walks: the commits touching one store folder. */
const MAX_COMMITS = 500;
const SEP = '\x1f';
const REC = '\x1e';

interface RawChange {
  oldBlob: string;
  newBlob: string;
  status: string;
}

export class StoreLifetimes {
  private readonly mirror: Pick<Mirror, 'run' | 'cat'>;
  constructor(mirror: Pick<Mirror, 'run' | 'cat'>) {
    this.mirror = mirror;
  }

  /** The latest deletion of `name` before `tip` whose store belonged to `owner` (any owner: undefined). */
  async deletion(tip: string, name: string, owner?: string): Promise<Deletion | undefined> {
    const dir = storeDir(name);
    const log = await this.mirror.run(['log', `-n${MAX_COMMITS}`, '--diff-filter=D', '--raw', '--no-abbrev', `--format=${REC}%H${SEP}%s`, tip, '--', `${dir}/store.yaml`]);
    for (const rec of log.stdout.split(REC).slice(1)) {
      const [head, ...rest] = rec.split('\n');
      const [commit, subject] = head.split(SEP);
      const change = rawChange(rest);
      if (!change) continue;
      const spec = await this.specOf(change.oldBlob, name);
      if (owner !== undefined && spec?.owner !== owner) continue;
      // A two-phase delete: restore the lifetime as it ran before its mark, not the marked tree.
      const mark = spec?.deleting ? await this.markBefore(commit, dir, name) : undefined;
      const ref = mark ? `${mark}^` : `${commit}^`;
      const folder = await this.mirror.cat.read(`${ref}:${dir}`);
      if (!folder || folder.type !== 'tree') continue;
      return { commit, subject, folderTree: folder.sha, ref, spec: mark ? await this.specAt(`${ref}:${dir}/store.yaml`, name) : spec, ...(mark ? { mark } : {}) };
    }
    return undefined;
  }

  /** The commit before `removal` that marked the store `deleting` (its parent has no mark), if any. */
  private async markBefore(removal: string, dir: string, name: string): Promise<string | undefined> {
    const log = await this.mirror.run(['log', '-n20', '--format=%H', `${removal}^`, '--', `${dir}/store.yaml`]);
    for (const sha of log.stdout.split('\n').filter(Boolean)) {
      const before = await this.specAt(`${sha}^:${dir}/store.yaml`, name);
      if (!before) return undefined;
      if (!before.deleting) return sha;
    }
    return undefined;
  }

  /** The files of a store folder at `ref` (repo-relative path under storeDir(name) → text). */
  async contents(ref: string, dir: string, name: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const r = await this.mirror.run(['ls-tree', '-r', '--name-only', ref, '--', `${dir}/`], [0, 128]);
    for (const path of r.stdout.split('\n').filter(Boolean)) {
      const text = await this.mirror.cat.readText(`${ref}:${path}`);
      if (text !== undefined) out.set(`${storeDir(name)}${path.slice(dir.length)}`, text);
    }
    return out;
  }

  /**
   * The commits up to `tip` (newest first, at most `max`) of the lifetime of `name` that holds its
   * folder at `ref` (the tip, or the parent of a deleting commit): only commits made while this
   * store.yaml's lifetime held the folder, not those of an earlier or later store of the same name.
   */
  async history(tip: string, ref: string, name: string, max = 50): Promise<HistoryEntry[]> {
    const dir = storeDir(name);
    const fields = ['%H', '%an', '%aI', '%s', '%(trailers:key=Requested-by,valueonly,separator=%x2C)'].join('%x1f');
    const log = await this.mirror.run(['log', `-n${MAX_COMMITS}`, '--raw', '--no-abbrev', `--format=${REC}${fields}`, tip, '--', dir]);
    const target = lifetimeOf(await this.specAt(`${ref}:${dir}/store.yaml`, name));
    const ids = new Map<string, Promise<string | undefined>>();
    const idOf = (blob: string) => {
      if (!ids.has(blob)) ids.set(blob, this.specOf(blob, name).then(lifetimeOf));
      return ids.get(blob)!;
    };
    const out: HistoryEntry[] = [];
    // Walking back in time: `current` is the lifetime holding the folder just after the commit at hand.
    let current = ref === tip ? target : lifetimeOf(await this.specAt(`${tip}:${dir}/store.yaml`, name));
    for (const rec of log.stdout.split(REC).slice(1)) {
      const [head, ...rest] = rec.split('\n');
      const [sha, author, date, message, by] = head.split(SEP);
      const change = rawChange(rest.filter((l) => l.endsWith(`\t${dir}/store.yaml`)));
      let of = current;
      if (change) {
        of = change.status === 'D' ? await idOf(change.oldBlob) : await idOf(change.newBlob);
        current = change.status === 'A' ? undefined : await idOf(change.oldBlob);
      }
      // An unreadable store.yaml at `ref` has no lifetime to tell apart: its whole folder history shows.
      if (target !== undefined && of !== target) continue;
      out.push({ sha, author, date, message, ...(by?.trim() ? { requestedBy: by.trim() } : {}) });
      if (out.length >= max) break;
    }
    return out;
  }

  /** One rendered manifest of a store on the branch (`folderTree`: the folder's tree when known), or undefined. */
  manifest(tip: string, name: string, file: string, folderTree?: string): Promise<string | undefined> {
    return this.mirror.cat.readText(folderTree ? `${folderTree}:manifests/${file}` : `${tip}:${storeDir(name)}/manifests/${file}`);
  }

  /** Repo-relative paths of the files of a store folder at `ref`. */
  async files(ref: string, name: string): Promise<string[]> {
    const r = await this.mirror.run(['ls-tree', '-r', '--name-only', ref, '--', `${storeDir(name)}/`], [0, 128]);
    return r.stdout.split('\n').filter(Boolean);
  }

  /** The store.yaml of `name` at `ref`, undefined when absent or unreadable. */
  spec(ref: string, name: string): Promise<StoreSpec | undefined> {
    return this.specAt(`${ref}:${storeDir(name)}/store.yaml`, name);
  }

  private async specAt(spec: string, name: string): Promise<StoreSpec | undefined> {
    const text = await this.mirror.cat.readText(spec);
    return text === undefined ? undefined : parseOrUndefined(text, name);
  }

  private specOf(blob: string, name: string): Promise<StoreSpec | undefined> {
    return this.specAt(blob, name);
  }
}

function lifetimeOf(spec: StoreSpec | undefined): string | undefined {
  return spec ? `${spec.owner}\0${spec.createdAt}` : undefined;
}

function parseOrUndefined(text: string, name: string): StoreSpec | undefined {
  try {
    return parseStoreSpec(text, `${storeDir(name)}/store.yaml`, undefined, name);
  } catch {
    return undefined; // hand-broken: no owner to scope by
  }
}

/** `:100644 000000 <old> <new> D\t<path>` → the blobs and the status letter. */
function rawChange(lines: string[]): RawChange | undefined {
  const line = lines.find((l) => l.startsWith(':'));
  if (!line) return undefined;
  const [meta] = line.split('\t');
  const [, , oldBlob, newBlob, status] = meta.split(' ');
  return { oldBlob, newBlob, status: status.charAt(0) };
}
