// Keeps a mirror fast under steady writes. fast-import leaves one pack per batch, and every git
// process pays for each pack it must search (a push with 90 packs spent 50 ms just deciding what
// to send); without a commit-graph, the fast-forward check of every push walks the whole history
// (40 ms at 5,700 commits, growing with every store). So, every few pushes or fetches: a geometric
// repack (rolls small packs and loose objects into bigger ones; cost stays logarithmic) and an
// incremental commit-graph. Runs beside the writer: git's readers tolerate packs being replaced,
// only fast-import's own packs must not vanish under it, so it is restarted first.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from './exec.ts';
import type { FastImporter } from './fast-import.ts';

export interface MaintenanceOptions {
  /** Run after this many pushes or fetches… */
  every?: number;
  /** …or as soon as the mirror holds more packs than this. */
  maxPacks?: number;
  log?: { warn(obj: object, msg: string): void };
}

export class MirrorMaintenance {
  private readonly dir: string;
  private readonly importer: FastImporter;
  private readonly every: number;
  private readonly maxPacks: number;
  private readonly log?: MaintenanceOptions['log'];
  private since = Number.POSITIVE_INFINITY; // the first poke runs: a fresh clone has no commit-graph
  private running?: Promise<void>;
  private readonly stop = new AbortController();
  /** Completed runs (for tests and metrics). */
  runs = 0;

  constructor(dir: string, importer: FastImporter, opts: MaintenanceOptions = {}) {
    this.dir = dir;
    this.importer = importer;
    this.every = opts.every ?? 32;
    this.maxPacks = opts.maxPacks ?? 16;
    this.log = opts.log;
  }

  /** Called after each push or fetch; starts a run in the background when one is due. */
  poke(): void {
    if (this.running || this.stop.signal.aborted) return;
    this.since++;
    if (this.since < this.every && this.packCount() <= this.maxPacks) return;
    this.since = 0;
    this.running = this.run()
      .catch((err: unknown) => {
        if (!this.stop.signal.aborted) this.log?.warn({ err }, 'mirror maintenance failed (the next run tries again)');
      })
      .finally(() => (this.running = undefined));
  }

  /** Resolves when no run is in progress (tests, shutdown). */
  async idle(): Promise<void> {
    await this.running;
  }

  packCount(): number {
    try {
      return readdirSync(join(this.dir, 'objects', 'pack')).filter((f) => f.endsWith('.pack')).length;
    } catch {
      return 0;
    }
  }

  private async run(): Promise<void> {
    await this.importer.recycle();
    const opts = { signal: this.stop.signal };
    await runGit(this.dir, ['repack', '-d', '-q', '--geometric=2', '--no-write-bitmap-index'], opts);
    await runGit(this.dir, ['commit-graph', 'write', '--reachable', '--split', '--no-progress'], opts);
    this.runs++;
  }

  /** Stops a running step (the repository stays valid: git replaces packs atomically). */
  close(): void {
    this.stop.abort();
  }
}
