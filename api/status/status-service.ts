// The one object the API wires in: statuses for the list (from memory, no Argo CD call per store),
// the detail of one store (resource tree, events, history, timeline), dependency health for /readyz,
// the push hook (webhook notifications + `commit` events) and live `store-status` events.
import pino, { type Logger } from 'pino';
import { storeDir } from '../../generator/layout.ts';
import type { AppSummary } from './app-summary.ts';
import type { ArgoCdClient, DependencyHealth } from './argocd-client.ts';
import type { Application, ApplicationTree, EventList, KubeEvent } from './argocd-types.ts';
import type { EventsHub, HubEvent } from './events-hub.ts';
import { computeLifecycle, type ArgoState, type GitStoreFacts, type Lifecycle, type LifecycleStatus, type RevisionContains } from './lifecycle.ts';
import type { StatusMetrics } from './metrics.ts';
import type { ArgoWebhookNotifier, PushedCommit, PushNotice } from './webhook.ts';
import type { PushDetails as GitPushDetails } from '../git/types.ts';
import type { ResourceEntry, StoreStatusView } from '../../contract/index.ts';

/** One store's computed status, as `store-status` events and the snapshot carry it. */
export interface StoreStatusEntry extends StoreStatusView {
  name: string;
  /** Present when Argo CD has an Application for the store. */
  argocd?: { application: string; sync: string; revision?: string; health: string; operation?: string };
}

export type { ResourceEntry };

export interface StoreEventEntry {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  involvedObject?: { kind?: string; name?: string };
}

export interface StoreStatusDetail extends StoreStatusEntry {
  resources: ResourceEntry[];
  events: StoreEventEntry[];
  history: { revision?: string; deployedAt?: string; deployStartedAt?: string; automated?: boolean }[];
  operation?: { phase: string; message?: string; revision?: string; startedAt?: string; finishedAt?: string; retryCount?: number };
  timeline: { committedAt?: string; syncedAt?: string; readyAt?: string };
  links: { argocd?: string };
  /** Argo CD calls that failed while building the detail (the rest is still returned). */
  errors?: string[];
}

export type DependencyReport = DependencyHealth | { name: 'argocd'; status: 'disabled'; reason: string };

export interface StatusServiceOptions {
  /** Omit when no Argo CD is configured: stores then stay `committed` (embedded default). */
  argocd?: ArgoCdClient;
  /** `provisioningTimeoutMinutes` of platform.yaml (read at each computation: it can change with a commit). */
  provisioningTimeoutMinutes: () => number;
  /** Usually `StoreHistoryIndex.contains`. */
  revisionContains?: RevisionContains;
  /** Current Git facts of one store, to recompute it when its Application changes. */
  gitFacts?: (name: string) => GitStoreFacts | undefined;
  webhook?: ArgoWebhookNotifier;
  /** Usually an `EventsHub`; only `publish` is used. */
  hub?: Pick<EventsHub<unknown>, 'publish'>;
  metrics?: StatusMetrics;
  /** Told every computed status of a store marked `deleting` (the two-phase delete's phase 2 listens). */
  onFinalBackup?: (name: string, finalBackup: NonNullable<Lifecycle['finalBackup']>, git: GitStoreFacts) => void;
  /** Argo CD UI base URL for links (defaults to none). */
  argocdUiUrl?: string;
  /** How often known stores are re-evaluated without an Argo CD change (timeouts). Default 30 s. */
  sweepIntervalMs?: number;
  now?: () => Date;
  logger?: Logger;
}

/** What the push hook may pass beyond (head, stores): the previous tip, the commits and owners, when known. */
export type PushDetails = Partial<GitPushDetails>;

const NOT_READY_YET = new Set<LifecycleStatus>(['pending-review', 'committed', 'provisioning']);

export class StatusService {
  readonly #o: StatusServiceOptions;
  readonly #log: Logger;
  readonly #now: () => Date;
  /** Last computed status per store: drives change events, the gauge and the duration histogram. */
  readonly #last = new Map<string, { view: StoreStatusEntry; facts: GitStoreFacts; sha?: string; sawNotReady: boolean }>();
  #unsubscribe: (() => void)[] = [];
  #sweep?: ReturnType<typeof setInterval>;

  constructor(options: StatusServiceOptions) {
    this.#o = options;
    this.#log = options.logger ?? pino({ level: 'silent' });
    this.#now = options.now ?? (() => new Date());
    options.metrics?.setStatusCounts(() => {
      const counts = new Map<LifecycleStatus, number>();
      for (const { view } of this.#last.values()) counts.set(view.status, (counts.get(view.status) ?? 0) + 1);
      return counts;
    });
  }

  start(): void {
    const argo = this.#o.argocd;
    if (!argo) return;
    this.#unsubscribe.push(
      argo.view.onChange((c) => this.#recompute(c.storeName)),
      argo.onStateChange(() => this.#recomputeAll()),
    );
    argo.start();
    // Time alone turns `provisioning` into `failed` (timeout): re-evaluate known stores periodically.
    this.#sweep = setInterval(() => this.#recomputeAll(), this.#o.sweepIntervalMs ?? 30_000);
    this.#sweep.unref?.();
  }

  async stop(): Promise<void> {
    clearInterval(this.#sweep);
    for (const u of this.#unsubscribe.splice(0)) u();
    await this.#o.argocd?.stop();
  }

  argoState(): ArgoState {
    return this.#o.argocd ? this.#o.argocd.state() : { kind: 'disabled' };
  }

  dependencyHealth(): DependencyReport {
    if (!this.#o.argocd) return { name: 'argocd', status: 'disabled', reason: 'no Argo CD configured: stores show committed' };
    return this.#o.argocd.dependencyHealth();
  }

  /** The Git facts last used for this store (by a list, a detail or a live recomputation). */
  lastFacts(name: string): GitStoreFacts | undefined {
    return this.#last.get(name)?.facts;
  }

  /** Status of one store from Git facts and the in-memory view. No network call. */
  statusOf(git: GitStoreFacts): StoreStatusEntry {
    const app = this.#o.argocd?.view.get(git.name);
    const lc = computeLifecycle({
      git,
      app,
      argo: this.argoState(),
      now: this.#now(),
      provisioningTimeoutMinutes: this.#o.provisioningTimeoutMinutes(),
      revisionContains: this.#o.revisionContains,
    });
    const view: StoreStatusEntry = { name: git.name, status: lc.status, ...(lc.reason ? { reason: lc.reason } : {}) };
    if (app) view.argocd = argoBrief(app);
    this.#record(git, view);
    if (lc.finalBackup) this.#o.onFinalBackup?.(git.name, lc.finalBackup, git);
    return view;
  }

  statusesOf(facts: Iterable<GitStoreFacts>): StoreStatusEntry[] {
    const out: StoreStatusEntry[] = [];
    for (const f of facts) out.push(this.statusOf(f));
    return out;
  }

  /** The store's resource tree alone (no sync states, events or history): what the backups answer reads. */
  async resources(name: string): Promise<ResourceEntry[]> {
    const argo = this.#o.argocd;
    const summary = argo?.view.get(name);
    if (!argo || !summary) return [];
    return resourcesOf(await argo.resourceTree(summary.appName), undefined);
  }

  /** Everything about one store; Argo CD calls run in parallel and a failing one only adds to `errors`. */
  async detail(git: GitStoreFacts): Promise<StoreStatusDetail> {
    const view = this.statusOf(git);
    const argo = this.#o.argocd;
    const summary = argo?.view.get(git.name);
    const appName = summary?.appName ?? `store-${git.name}`;
    const detail: StoreStatusDetail = {
      ...view,
      resources: [],
      events: [],
      history: [],
      timeline: { committedAt: git.latestCommit?.committedAt },
      links: this.#o.argocdUiUrl ? { argocd: `${this.#o.argocdUiUrl.replace(/\/+$/, '')}/applications/argocd/${appName}` } : {},
    };
    if (!argo || !summary) return detail;
    const [app, tree, events] = await Promise.allSettled([argo.getApplication(appName), argo.resourceTree(appName), argo.events(appName)]);
    const errors: string[] = [];
    const full = app.status === 'fulfilled' ? app.value : undefined;
    if (app.status === 'rejected') errors.push(String((app.reason as Error).message ?? app.reason));
    if (tree.status === 'fulfilled') detail.resources = resourcesOf(tree.value, full);
    else errors.push(String((tree.reason as Error).message ?? tree.reason));
    if (events.status === 'fulfilled') detail.events = eventsOf(events.value);
    else errors.push(String((events.reason as Error).message ?? events.reason));
    const history = full?.status?.history ?? [];
    detail.history = history.map((h) => ({ revision: h.revision, deployedAt: h.deployedAt, deployStartedAt: h.deployStartedAt, automated: h.initiatedBy?.automated }));
    if (summary.operation) {
      const { failedResources: _f, ...op } = summary.operation;
      detail.operation = op;
    }
    detail.timeline = this.#timeline(git, summary, view.status);
    if (errors.length) detail.errors = errors;
    return detail;
  }

  /**
   * For the Git writer's `onPush` (PushHook: `(headSha, changedStores) => void`): notifies Argo CD and the
   * ApplicationSet controller, and tells browsers about the commit. Never throws, never waits.
   */
  readonly onPush = (headSha: string, changedStores: string[], details: PushDetails = {}): void => {
    const commits: PushedCommit[] = details.commits ?? [
      {
        sha: headSha,
        message: `Storefleet: ${changedStores.join(', ')}`,
        timestamp: this.#now().toISOString(),
        author: { name: 'Storefleet', email: 'storefleet@localhost' },
        added: [],
        // Paths Argo CD compares with `manifest-generate-paths` (a folder counts for everything under it).
        modified: changedStores.map(storeDir).flatMap((dir) => [`${dir}/store.yaml`, `${dir}/manifests/`]),
        removed: [],
      },
    ];
    // An unknown `before` is sent empty: Argo CD then skips its manifest-cache shortcut, which
    // would be wrong if another replica pushed in between.
    const notice: PushNotice = { branch: details.branch ?? 'main', before: details.before ?? '', after: headSha, commits };
    this.#o.webhook?.notifyPush(notice).catch((err: unknown) => this.#log.warn({ err }, 'webhook notification failed'));
    this.#o.hub?.publish({ event: 'commit', data: { sha: headSha, stores: changedStores } });
  };

  /** For `EventsHub` `snapshot`: the statuses computed so far and Argo CD's state. */
  snapshotEvents(): HubEvent[] {
    const stores = [...this.#last.values()].map((e) => e.view);
    return [{ event: 'snapshot', data: { argocd: this.dependencyHealth(), stores } }];
  }

  #timeline(git: GitStoreFacts, s: AppSummary, status: LifecycleStatus): StoreStatusDetail['timeline'] {
    const latest = git.latestCommit?.sha;
    const contains = (rev?: string) => !latest || (!!rev && (rev === latest || this.#o.revisionContains?.(rev, latest) === true));
    const synced = s.history.find((h) => contains(h.revision));
    const syncedAt = synced?.deployedAt;
    let readyAt: string | undefined;
    if (status === 'ready') {
      const times = [syncedAt, s.health.since, s.operation?.finishedAt].filter((t): t is string => !!t);
      readyAt = times.sort().at(-1);
    }
    return { committedAt: git.latestCommit?.committedAt, ...(syncedAt ? { syncedAt } : {}), ...(readyAt ? { readyAt } : {}) };
  }

  #record(facts: GitStoreFacts, view: StoreStatusEntry): void {
    const prev = this.#last.get(facts.name);
    const sha = facts.latestCommit?.sha;
    const sameCommit = prev?.sha === sha;
    let sawNotReady = (sameCommit && prev?.sawNotReady) || NOT_READY_YET.has(view.status);
    if (view.status === 'ready' && sawNotReady && facts.latestCommit) {
      // Observed once per commit, and only when this process saw the store before it was ready.
      const seconds = (this.#now().getTime() - Date.parse(facts.latestCommit.committedAt)) / 1000;
      if (Number.isFinite(seconds) && seconds >= 0) this.#o.metrics?.provisioningSeconds.observe(seconds);
      sawNotReady = false;
    }
    this.#last.set(facts.name, { view, facts, sha, sawNotReady });
    if (prev && (prev.view.status !== view.status || prev.view.reason !== view.reason)) {
      this.#o.hub?.publish({ event: 'store-status', key: `store:${facts.name}`, data: { ...view, ...(facts.owner ? { owner: facts.owner } : {}) } });
    }
  }

  #recompute(name: string): void {
    const facts = this.#o.gitFacts?.(name) ?? this.#last.get(name)?.facts;
    if (facts) this.statusOf(facts);
    // A store this process has no Git facts for yet: nudge browsers to re-read the list.
    else this.#o.hub?.publish({ event: 'store-status', key: `store:${name}`, data: { name } });
  }

  #recomputeAll(): void {
    for (const name of [...this.#last.keys()]) this.#recompute(name);
  }
}

function argoBrief(s: AppSummary): NonNullable<StoreStatusEntry['argocd']> {
  return {
    application: s.appName,
    sync: s.sync.status,
    ...(s.sync.revision ? { revision: s.sync.revision } : {}),
    health: s.health.status,
    ...(s.operation ? { operation: s.operation.phase } : {}),
  };
}

function resourcesOf(tree: ApplicationTree, app: Application | undefined): ResourceEntry[] {
  const syncByKey = new Map<string, string>();
  for (const r of app?.status?.resources ?? []) if (r.status) syncByKey.set(`${r.kind}/${r.namespace ?? ''}/${r.name}`, r.status);
  return (tree.nodes ?? []).map((n) => {
    const parent = n.parentRefs?.[0];
    const sync = syncByKey.get(`${n.kind}/${n.namespace ?? ''}/${n.name}`);
    return {
      kind: n.kind ?? '?',
      name: n.name ?? '?',
      ...(n.namespace ? { namespace: n.namespace } : {}),
      ...(n.health?.status ? { health: n.health.status } : {}),
      ...(sync ? { status: sync } : {}),
      ...(n.health?.message ? { message: n.health.message } : {}),
      ...(parent ? { parent: `${parent.kind}/${parent.name}` } : {}),
    };
  });
}

function eventsOf(list: EventList): StoreEventEntry[] {
  const when = (e: KubeEvent) => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '';
  return [...(list.items ?? [])]
    .sort((a, b) => when(b).localeCompare(when(a)))
    .slice(0, 50)
    .map((e) => ({
      type: e.type,
      reason: e.reason,
      message: e.message,
      count: e.count,
      firstTimestamp: e.firstTimestamp,
      lastTimestamp: e.lastTimestamp ?? e.eventTime,
      involvedObject: { kind: e.involvedObject?.kind, name: e.involvedObject?.name },
    }));
}
