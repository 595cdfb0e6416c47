// The process's local bare mirror of the GitOps branch. Commits are built here (fast-import) and
// pushed; remote operations (fetch, push, ls-remote) go through simple-git. No working tree.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { CatFile } from './cat-file.ts';
import { FastImporter } from './fast-import.ts';
import { MirrorMaintenance, type MaintenanceOptions } from './maintenance.ts';
import { runGit, withMallocTunables } from './exec.ts';

/** The remote could not be reached (network, daemon down, auth): callers answer 503. */
export class RemoteUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteUnavailableError';
  }
}

/** git's progress lines (fetch and push run with --progress): never the reason for an error. */
const PROGRESS_LINE = /^(remote: )?(Enumerating|Counting|Compressing|Receiving|Resolving|Unpacking|Writing|Checking connectivity|Total \d|Delta compression)/;

/** The last two lines of a failed git command's output that say why: no progress, no credentials. */
export function gitErrorSummary(message: string): string {
  const lines = redactUrl(message)
    .split(/[\r\n]+/)
    .filter((l) => l.trim() && !PROGRESS_LINE.test(l));
  return lines.slice(-2).join(' / ');
}

/** Hides credentials embedded in a remote URL (https://user:token@host/…). */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@\s]*@/g, '//***@');
}

export class Mirror {
  readonly dir: string;
  readonly url: string;
  readonly branch: string;
  readonly cat: CatFile;
  /** Writes commits into the mirror (one long-running fast-import). */
  readonly importer: FastImporter;
  readonly maintenance: MirrorMaintenance;
  private git!: SimpleGit;
  private readonly timeoutMs: number;
  /** The branch tip as last seen on the remote (after our own push or a fetch). */
  tip?: string;
  lastFetchError?: string;
  private fetching: Promise<unknown> = Promise.resolve();

  constructor(dir: string, url: string, branch: string, timeoutMs = 20_000, log?: MaintenanceOptions['log']) {
    this.dir = dir;
    this.url = url;
    this.branch = branch;
    this.cat = new CatFile(dir);
    this.importer = new FastImporter(dir);
    this.maintenance = new MirrorMaintenance(dir, this.importer, { log });
    this.timeoutMs = timeoutMs;
  }

  get trackingRef(): string {
    return `refs/remotes/origin/${this.branch}`;
  }

  async open(): Promise<void> {
    if (!existsSync(join(this.dir, 'HEAD'))) {
      mkdirSync(this.dir, { recursive: true });
      await runGit(this.dir, ['init', '--bare', '--quiet']);
    }
    // MirrorMaintenance packs and writes the commit-graph; git's own automatic gc (started by
    // fetch, detached) could delete packs the long-running fast-import still reads.
    await runGit(this.dir, ['config', 'gc.auto', '0']);
    await runGit(this.dir, ['config', 'maintenance.auto', 'false']);
    // Fast zlib: batches are compressed once here and again by the receiving side; CPU, not
    // bytes on the wire, is what limits a write batch.
    await runGit(this.dir, ['config', 'core.compression', '1']);
    // No delta search when packing a push: fast-import already stored each object as a delta
    // where it could, pack-objects reuses those, and a fresh search costs more CPU than it saves bytes.
    await runGit(this.dir, ['config', 'pack.window', '0']);
    // Keep every fast-import batch as a pack: below this limit (default 100 objects, i.e. most
    // batches of one to five stores) fast-import runs `unpack-objects` at each checkpoint, which
    // inflates every object and writes it again as a loose file (a one-store commit: 26 ms → 8 ms
    // without). MirrorMaintenance rolls the small packs up. Not fetch.unpackLimit: there 0 means
    // "always unpack" (a 10,000-store first fetch became 20,000 loose objects).
    await runGit(this.dir, ['config', 'fastimport.unpackLimit', '0']);
    // The same for fetches: below fetch.unpackLimit a fetch writes loose objects into objects/xx/,
    // and MirrorMaintenance's `repack -d` (prune-packed) removes emptied objects/xx/ folders under a
    // running fetch ("fatal: failed to write object / unpack-objects failed", seen under load). At 1,
    // every fetch that brings objects keeps its pack (index-pack holds a .keep while it works, and
    // repack leaves kept packs alone). Here 0 would mean "use transfer.unpackLimit", not "never".
    await runGit(this.dir, ['config', 'fetch.unpackLimit', '1']);
    // Created only once the directory exists, with an explicit baseDir (never `.cwd()`): every
    // remote operation must run in this mirror and nowhere else.
    this.git = simpleGit({
      baseDir: this.dir,
      timeout: { block: this.timeoutMs },
      // Any non-zero exit is an error. simple-git's default needs stderr output too, and a rejected
      // `push --porcelain` may report on stdout only: it would pass for a successful push.
      errors(error, result) {
        if (error) return error;
        if (result.exitCode === 0) return undefined;
        return Buffer.concat([...result.stdOut, ...result.stdErr, Buffer.from(`exit code ${result.exitCode}`)]);
      },
    });
    // simple-git runs remote operations in the ambient environment (credential helpers, ssh
    // settings; it refuses an explicit env that carries GIT_* variables), so the malloc tunables
    // for its push and fetch children go there. They change nothing for Node itself.
    process.env.GLIBC_TUNABLES = withMallocTunables(process.env).GLIBC_TUNABLES;
    const current = await runGit(this.dir, ['rev-parse', '--verify', '--quiet', this.trackingRef], { okCodes: [0, 1] });
    if (current.code === 0) this.tip = current.stdout.trim();
  }

  private wrap(err: unknown): RemoteUnavailableError {
    return new RemoteUnavailableError(gitErrorSummary(err instanceof Error ? err.message : String(err)));
  }

  /**
   * Fetches the branch; returns the remote tip. Throws RemoteUnavailableError when unreachable.
   * Fetches run one after the other (two `git fetch` into one repository race for the tracking
   * ref's lock), and each starts after the call, so its answer is never older than the call.
   */
  fetch(): Promise<string> {
    const run = this.fetching.then(() => this.fetchNow());
    this.fetching = run.catch(() => {});
    return run;
  }

  private async fetchNow(): Promise<string> {
    try {
      // --progress, not --quiet: the timeout counts silence (simple-git's block timeout), and a
      // quiet first fetch of a big repository is silent from start to end (10,000 stores, 3 s
      // timeout, two busy cores: killed at 3 s; with progress it completes in 5.3 s).
      await this.git.raw(['fetch', '--progress', '--no-tags', this.url, `+refs/heads/${this.branch}:${this.trackingRef}`]);
    } catch (err) {
      const e = this.wrap(err);
      this.lastFetchError = e.message;
      throw e;
    }
    this.lastFetchError = undefined;
    const tip = (await runGit(this.dir, ['rev-parse', '--verify', this.trackingRef])).stdout.trim();
    this.tip = tip;
    this.maintenance.poke();
    return tip;
  }

  /**
   * Pushes `sha` to the branch. 'rejected' when the remote moved on (another replica won) and the
   * remote is reachable; RemoteUnavailableError when it is not.
   */
  async push(sha: string): Promise<'ok' | 'rejected'> {
    try {
      await this.git.raw(['push', '--progress', '--porcelain', this.url, `${sha}:refs/heads/${this.branch}`]); // --progress: as for fetch
    } catch (err) {
      // Tell a lost race from a dead remote by asking the remote for its tip.
      await this.fetch();
      if (this.tip === sha) return 'ok'; // the push landed and only its report was lost
      void err;
      return 'rejected';
    }
    // The tracking ref is not updated here (one process less per batch): fast-import's ref keeps
    // the objects reachable, and every start fetches before trusting it.
    this.tip = sha;
    this.lastFetchError = undefined; // the remote answered
    this.maintenance.poke();
    return 'ok';
  }

  async lsRemote(): Promise<string | undefined> {
    try {
      const out = await this.git.raw(['ls-remote', this.url, `refs/heads/${this.branch}`]);
      return out.split('\t')[0] || undefined;
    } catch (err) {
      throw this.wrap(err);
    }
  }

  /** Runs a one-shot git command in the mirror. */
  run(args: string[], okCodes?: number[]) {
    return runGit(this.dir, args, { okCodes });
  }

  close(): void {
    this.cat.close();
    this.importer.close();
    this.maintenance.close();
  }
}
