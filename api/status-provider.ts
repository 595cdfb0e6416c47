// Extension point for live store status. The list and detail handlers ask a StatusProvider; the
// default answers from Git alone (`committed`, `pending-review`, `deleted`). The Argo CD status
// reader (api/status/) provides the real one and is plugged in through ServerOptions.statusProvider.
import type { GitStoreFacts, LifecycleStatus } from './status/lifecycle.ts';

export type { GitStoreFacts, LifecycleStatus };
import type { StoreStatusView } from '../contract/index.ts';

export type { StoreStatusView } from '../contract/index.ts';

export interface StatusProvider {
  /** Synchronous and cheap: called for every store of a list. */
  statusOf(name: string, git: GitStoreFacts): StoreStatusView;
  /** Live extras for the store page (resources, events, timeline, links); merged into the detail answer. */
  detail(name: string, git: GitStoreFacts): Promise<Record<string, unknown> | undefined>;
  /** Optional: the store's live resource tree alone (kind, name, health and its message, parent): one Argo CD call. */
  resources?(name: string): Promise<Array<{ kind: string; name: string; health?: string; message?: string; parent?: string }>>;
  /** Optional: the store's backup CronJob failed its last run (Argo CD's CronJob health), with its message. */
  backupFailure?(name: string): { message?: string } | undefined;
  /** Readiness of the provider's dependency (e.g. Argo CD); reported by /readyz, never fails it alone. */
  ready(): { ok: boolean; reason?: string };
  /**
   * Optional: changes whenever any statusOf() answer may have changed. When present, list answers
   * are cached per (head SHA, user, version) — a 10,000-store list is then served from memory.
   */
  version?(): string | number;
}

export const gitOnlyStatus: StatusProvider = {
  statusOf(_name, git) {
    if (!git.presentOnMain) {
      if (git.pullRequest) return { status: 'pending-review', reason: 'the pull request adding this store is not merged yet' };
      return { status: 'deleted', reason: 'the store folder is gone from the branch; restorable from history' };
    }
    return { status: 'committed', reason: 'committed to Git; no Argo CD connected to report its rollout' };
  },
  async detail() {
    return undefined;
  },
  ready() {
    return { ok: true };
  },
  version() {
    return 0; // answers depend on Git facts only, which the head SHA already keys
  },
};
