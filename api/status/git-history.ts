// The Git facts the lifecycle needs that a tree snapshot does not have: the latest commit touching
// each store and the first-parent order of the branch (to tell whether the commit Argo CD synced
// contains a store's latest commit). Built with two `git` calls over the history once, then
// incrementally per new tip. Works on any repository directory, bare or not (the API's mirror).
import { execFile } from 'node:child_process';
import { STORES_DIR, storeOfPath } from '../../generator/layout.ts';
import type { RevisionContains } from './lifecycle.ts';

function git(dir: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: dir, maxBuffer: 512 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args[0]} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

export interface StoreCommit {
  sha: string;
  committedAt: string;
}

export class StoreHistoryIndex {
  readonly #dir: string;
  #tip?: string;
  /** First-parent depth: the root is 0, every later commit of the branch is higher. */
  #depth = new Map<string, number>();
  #latest = new Map<string, StoreCommit>();
  #updating?: Promise<void>;

  constructor(gitDir: string) {
    this.#dir = gitDir;
  }

  get tip(): string | undefined {
    return this.#tip;
  }

  /** Indexes history up to `tip` (a SHA or ref). Safe to call concurrently and repeatedly. */
  async update(tip: string): Promise<void> {
    while (this.#updating) await this.#updating;
    this.#updating = this.#update(tip).finally(() => (this.#updating = undefined));
    return this.#updating;
  }

  async #update(tipRef: string): Promise<void> {
    const tip = (await git(this.#dir, ['rev-parse', '--verify', `${tipRef}^{commit}`])).trim();
    if (tip === this.#tip) return;
    let range = tip;
    if (this.#tip) {
      const ancestor = await git(this.#dir, ['merge-base', '--is-ancestor', this.#tip, tip]).then(
        () => true,
        () => false,
      );
      if (ancestor) range = `${this.#tip}..${tip}`;
    }
    if (range === tip) {
      // First run, or history was rewritten: start over.
      this.#depth = new Map();
      this.#latest = new Map();
    }
    const order = (await git(this.#dir, ['rev-list', '--first-parent', '--reverse', range])).split('\n').filter(Boolean);
    let next = this.#depth.size;
    for (const sha of order) this.#depth.set(sha, next++);

    const log = await git(this.#dir, ['log', '--first-parent', '--diff-merges=first-parent', '--reverse', '--no-renames', '--format=%x1e%H %cI', '--name-only', range, '--', `${STORES_DIR}/`]);
    for (const record of log.split('\x1e')) {
      const lines = record.split('\n').filter(Boolean);
      if (lines.length === 0) continue;
      const [sha, committedAt] = lines[0].split(' ');
      for (const path of lines.slice(1)) {
        const name = storeOfPath(path);
        if (name) this.#latest.set(name, { sha, committedAt });
      }
    }
    this.#tip = tip;
  }

  /** Latest first-parent commit touching the store's folder (for a deleted store: the deletion). */
  latestCommit(store: string): StoreCommit | undefined {
    return this.#latest.get(store);
  }

  /** Every store that ever had a folder on the branch. */
  knownStores(): string[] {
    return [...this.#latest.keys()];
  }

  /** Whether `revision` (on the branch) contains `commit` (on the branch); undefined if either is unknown. */
  readonly contains: RevisionContains = (revision, commit) => {
    const r = this.#depth.get(revision);
    const c = this.#depth.get(commit);
    return r === undefined || c === undefined ? undefined : r >= c;
  };
}
