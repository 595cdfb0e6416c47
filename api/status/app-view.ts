// The one in-memory view of all store Applications (store name → summary). Fed by list snapshots
// and by stream events, which can race (a reconnect lists while the stream replays): resource
// versions and short-lived tombstones decide, so a stale copy never overwrites a newer one and a
// deleted Application never comes back from an older list.
import { compareResourceVersions, type AppSummary } from './app-summary.ts';

export type ViewChange =
  | { type: 'upsert'; storeName: string; summary: AppSummary; previous?: AppSummary }
  | { type: 'delete'; storeName: string; previous: AppSummary };

const TOMBSTONE_TTL_MS = 10 * 60_000;

/** The parts that matter for status; resourceVersion and reconciledAt change on every reconcile. */
function fingerprint(s: AppSummary): string {
  const { resourceVersion: _rv, reconciledAt: _at, ...rest } = s;
  return JSON.stringify(rest);
}

export class AppView {
  #apps = new Map<string, { summary: AppSummary; print: string }>();
  #tombstones = new Map<string, { rv?: string; at: number }>();
  #listeners = new Set<(change: ViewChange) => void>();
  #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  get size(): number {
    return this.#apps.size;
  }

  get(storeName: string): AppSummary | undefined {
    return this.#apps.get(storeName)?.summary;
  }

  all(): AppSummary[] {
    return [...this.#apps.values()].map((e) => e.summary);
  }

  onChange(listener: (change: ViewChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** ADDED/MODIFIED event or list item. Returns whether the view changed in a way that matters. */
  upsert(summary: AppSummary): boolean {
    const key = summary.storeName;
    const tomb = this.#tombstones.get(key);
    if (tomb && compareResourceVersions(summary.resourceVersion, tomb.rv) <= 0 && summary.resourceVersion !== undefined && tomb.rv !== undefined) {
      return false; // an older copy of an Application we already saw deleted
    }
    const current = this.#apps.get(key);
    if (current && compareResourceVersions(summary.resourceVersion, current.summary.resourceVersion) < 0) return false;
    this.#tombstones.delete(key);
    const print = fingerprint(summary);
    this.#apps.set(key, { summary, print });
    if (current?.print === print) return false;
    this.#emit({ type: 'upsert', storeName: key, summary, previous: current?.summary });
    return true;
  }

  /** DELETED event. */
  remove(storeName: string, resourceVersion?: string): boolean {
    const current = this.#apps.get(storeName);
    if (current && compareResourceVersions(resourceVersion, current.summary.resourceVersion) < 0) return false;
    this.#tombstones.set(storeName, { rv: resourceVersion ?? current?.summary.resourceVersion, at: this.#now() });
    if (!current) return false;
    this.#apps.delete(storeName);
    this.#emit({ type: 'delete', storeName, previous: current.summary });
    return true;
  }

  /**
   * Applies a full list snapshot: upserts every item and removes what the list no longer has —
   * unless the view's copy is newer than the snapshot (it arrived on the stream after the list was taken).
   */
  reconcile(items: AppSummary[], listResourceVersion?: string): { changed: number; removed: number } {
    let changed = 0;
    let removed = 0;
    const seen = new Set<string>();
    for (const s of items) {
      seen.add(s.storeName);
      if (this.upsert(s)) changed++;
    }
    for (const [key, entry] of [...this.#apps]) {
      if (seen.has(key)) continue;
      const newer = listResourceVersion !== undefined && entry.summary.resourceVersion !== undefined && compareResourceVersions(entry.summary.resourceVersion, listResourceVersion) > 0;
      if (newer) continue;
      this.#apps.delete(key);
      this.#tombstones.set(key, { rv: entry.summary.resourceVersion, at: this.#now() });
      this.#emit({ type: 'delete', storeName: key, previous: entry.summary });
      removed++;
    }
    const cutoff = this.#now() - TOMBSTONE_TTL_MS;
    for (const [key, t] of this.#tombstones) if (t.at < cutoff) this.#tombstones.delete(key);
    return { changed, removed };
  }

  #emit(change: ViewChange): void {
    for (const l of this.#listeners) {
      try {
        l(change);
      } catch {
        // a listener's bug must not break the view
      }
    }
  }
}
