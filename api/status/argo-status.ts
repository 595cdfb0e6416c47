// Plugs the Argo CD status reader into the API's extension points (api/status-provider.ts
// StatusProvider, the writer's onPush hook, ApiContext.extend for GET /api/events).
//
// Wiring (api/server.ts, after the mirror, state and metrics exist):
//   const live = createArgoStatus({ config, mirror, state, registry: metrics.registry, log });
//   writer.onPush(live.onPush);
//   status: opts.statusProvider ?? live.provider ?? gitOnlyStatus,
//   extend: (app, deps) => { live.extend(app, deps); opts.extend?.(app, deps); },
//   close(): await live.stop();
import type { Express, Request, RequestHandler } from 'express';
import pino, { type Logger } from 'pino';
import type { Registry } from 'prom-client';
import { DEFAULT_STORE_LABEL } from './app-summary.ts';
import { ArgoCdClient } from './argocd-client.ts';
import { EventsHub, type HubEvent } from './events-hub.ts';
import { StoreHistoryIndex } from './git-history.ts';
import type { GitStoreFacts, LifecycleStatus } from './lifecycle.ts';
import { registerStatusMetrics } from './metrics.ts';
import { StatusService, type PushDetails, type StatusServiceOptions } from './status-service.ts';
import { ArgoWebhookNotifier, type WebhookTarget } from './webhook.ts';

/** Structural copies of the API's types, so this module does not depend on the app's internals. */
export interface StatusProviderLike {
  statusOf(name: string, git: GitStoreFacts): { status: LifecycleStatus; reason?: string };
  detail(name: string): Promise<Record<string, unknown> | undefined>;
  ready(): { ok: boolean; reason?: string };
  backupFailure?(name: string): { message?: string } | undefined;
  resources?(name: string): Promise<Array<{ kind: string; name: string; health?: string; message?: string; parent?: string }>>;
}
interface MirrorLike {
  dir: string;
  url: string;
  branch: string;
  tip?: string;
}
interface StateLike {
  snapshot(tip: string): Promise<{ tip: string; stores: Map<string, { spec?: { owner: string; deleting?: { requestedAt: string; by: string } } }> }>;
  platform(tip: string): Promise<{ config: { provisioningTimeoutMinutes: number } }>;
}
interface RequesterLike {
  id: string;
  role: string;
}

export interface ArgoStatusSettings {
  /** Argo CD API base URL; unset → no live status (Git-only provider stays in place). */
  url?: string;
  token?: string;
  project: string;
  labelKey: string;
  /** Argo CD UI base URL for links (default: `url`). */
  uiUrl?: string;
  /** Argo CD API server webhook, e.g. https://argocd.example.com/api/webhook (default: `${url}/api/webhook`). */
  webhookUrl?: string;
  /** ApplicationSet controller webhook, e.g. http://argocd-applicationset-controller.argocd:7000/api/webhook. */
  applicationSetWebhookUrl?: string;
  /** Argo CD's `webhook.github.secret`. */
  webhookSecret?: string;
  /** The repo URL exactly as the ApplicationSet/Applications spell it (default: the API's Git remote without credentials). */
  repoURL?: string;
}

/** The argocd.* options of the API config (api/config.ts, docs/configuration.md). */
export interface ArgoConfig {
  url?: string;
  token?: string;
  project?: string;
  storeLabel?: string;
  uiUrl?: string;
  webhookUrl?: string;
  appsetWebhookUrl?: string;
  webhookSecret?: string;
  repoUrl?: string;
}

export function argoStatusSettings(config: { argocd?: ArgoConfig }): ArgoStatusSettings {
  const a = config.argocd ?? {};
  return {
    url: a.url,
    token: a.token,
    project: a.project ?? 'stores',
    labelKey: a.storeLabel ?? DEFAULT_STORE_LABEL,
    uiUrl: a.uiUrl,
    webhookUrl: a.webhookUrl,
    applicationSetWebhookUrl: a.appsetWebhookUrl,
    webhookSecret: a.webhookSecret,
    repoURL: a.repoUrl,
  };
}

export interface ArgoStatus {
  /** Only when Argo CD is configured; otherwise keep the API's Git-only provider. */
  provider?: StatusProviderLike;
  /** For `writer.onPush` (PushHook). */
  onPush: (headSha: string, changedStores: string[], details?: PushDetails) => void;
  /** For `ApiContext.extend`: mounts GET /api/events (behind the API's authentication). */
  extend: (app: Express, deps: { authenticate: RequestHandler }) => void;
  service: StatusService;
  /** The store's Application is there and never synced successfully (empty `status.history`). */
  neverSynced?: (name: string) => boolean;
  hub: EventsHub<RequesterLike>;
  stop(): Promise<void>;
}

export function createArgoStatus(deps: {
  config: { argocd?: ArgoConfig };
  mirror: MirrorLike;
  state: StateLike;
  registry: Registry;
  log?: Logger;
  /** Phase 2 of a two-phase delete listens to the final backups' statuses (api/stores/final-delete.ts). */
  onFinalBackup?: StatusServiceOptions['onFinalBackup'];
}): ArgoStatus {
  const log = deps.log ?? pino({ level: 'silent' });
  const settings = argoStatusSettings(deps.config);
  const metrics = registerStatusMetrics(deps.registry);
  const history = new StoreHistoryIndex(deps.mirror.dir);
  let timeoutMinutes = 20;
  let owners = new Map<string, string>();
  let present = new Set<string>();
  /** Deletion marks (store.yaml `deleting`) on the tip. */
  let marks = new Map<string, { requestedAt: string; by: string }>();

  // Git-derived caches follow the mirror's tip lazily: refreshed on push and whenever a reader notices a new tip.
  let syncedTip: string | undefined;
  let refreshing: Promise<void> | undefined;
  const refreshGit = () => {
    const tip = deps.mirror.tip;
    if (!tip || tip === syncedTip || refreshing) return;
    refreshing = (async () => {
      try {
        if (client) await history.update(tip); // only the lifecycle needs history
        const [snap, platform] = await Promise.all([deps.state.snapshot(tip), deps.state.platform(tip).catch(() => undefined)]);
        const next = new Map<string, string>();
        const nextMarks = new Map<string, { requestedAt: string; by: string }>();
        for (const [name, e] of snap.stores) {
          if (e.spec?.owner) next.set(name, e.spec.owner);
          if (e.spec?.deleting) nextMarks.set(name, e.spec.deleting);
        }
        owners = next;
        marks = nextMarks;
        present = new Set(snap.stores.keys());
        if (platform) timeoutMinutes = platform.config.provisioningTimeoutMinutes;
        syncedTip = tip;
      } catch (err) {
        log.warn({ err: { message: (err as Error).message } }, 'status: reading Git history failed');
      } finally {
        refreshing = undefined;
      }
    })();
  };

  const client =
    settings.url && settings.token
      ? new ArgoCdClient({ url: settings.url, token: settings.token, project: settings.project, labelKey: settings.labelKey, metrics, logger: log.child({ component: 'argocd' }) })
      : undefined;
  if (settings.url && !settings.token) log.warn('argocd.url is set but argocd.token is not: live status disabled');

  const targets: WebhookTarget[] = [];
  const apiHook = settings.webhookUrl ?? (settings.url ? `${settings.url.replace(/\/+$/, '')}/api/webhook` : undefined);
  if (apiHook) targets.push({ name: 'argocd', url: apiHook });
  if (settings.applicationSetWebhookUrl) targets.push({ name: 'applicationset', url: settings.applicationSetWebhookUrl });
  const webhook = targets.length
    ? new ArgoWebhookNotifier({
        repoURL: settings.repoURL ?? deps.mirror.url.replace(/\/\/[^/@\s]*@/, '//'),
        defaultBranch: deps.mirror.branch,
        targets,
        secret: settings.webhookSecret,
        metrics,
        logger: log.child({ component: 'argocd-webhook' }),
      })
    : undefined;

  // Members only learn about their own stores; others' changes reach them as a content-free nudge.
  const canSee = (u: RequesterLike, name: string) => u.role === 'admin' || owners.get(name) === u.id;
  const hub = new EventsHub<RequesterLike>({
    authenticate: (req) => (req as Request).res?.locals.user as RequesterLike | undefined,
    redact: (u, e) => redactFor(u, e, canSee),
    snapshot: () => service.snapshotEvents(),
    metrics,
    logger: log.child({ component: 'events' }),
  });

  const withIndex = (git: GitStoreFacts): GitStoreFacts => {
    refreshGit();
    const latest = history.latestCommit(git.name);
    // The first-parent scan also sees re-renders and hand edits, which the API's write log does not.
    const better = latest && (!git.latestCommit || history.contains(latest.sha, git.latestCommit.sha) !== false);
    // A mark the caller did not pass (a recomputation on an Argo CD change) comes from the tip.
    const mark = git.presentOnMain ? ('deleting' in git ? git.deleting : marks.get(git.name)) : undefined;
    const { deleting: _gone, ...rest } = git;
    return { ...rest, ...(better ? { latestCommit: latest } : {}), ...(owners.get(git.name) ? { owner: owners.get(git.name) } : {}), ...(mark ? { deleting: mark } : {}) };
  };

  const service = new StatusService({
    argocd: client,
    provisioningTimeoutMinutes: () => timeoutMinutes,
    revisionContains: history.contains,
    webhook,
    hub,
    metrics,
    argocdUiUrl: settings.uiUrl ?? settings.url,
    logger: log.child({ component: 'status' }),
    onFinalBackup: deps.onFinalBackup,
    // Recomputations on an Argo CD change see the tip's marks (a store marked since it was last listed).
    gitFacts: (name) => {
      const last = service.lastFacts(name);
      return last && withIndex(last);
    },
  });
  service.start();
  refreshGit();

  // The Application exists and Argo CD recorded no successful sync of it (status.history holds
  // only those: controller/sync.go appends after a successful, non-selective, non-dry-run sync).
  const neverSynced = (name: string): boolean => {
    const app = client?.view.get(name);
    return app !== undefined && app.history.length === 0;
  };
  const provider: StatusProviderLike | undefined = client
    ? {
        statusOf: (_name, git) => {
          const v = service.statusOf(withIndex(git));
          return v.reason ? { status: v.status, reason: v.reason } : { status: v.status };
        },
        async detail(name) {
          const git = service.lastFacts(name) ?? withIndex({ name, presentOnMain: present.has(name) });
          const d = await service.detail(git);
          // Only the live extras: status/reason/history of the answer stay the API's (Git) ones.
          return {
            resources: d.resources,
            events: d.events,
            timeline: d.timeline,
            links: d.links,
            argocd: { ...(d.argocd ?? {}), deployments: d.history, ...(d.operation ? { lastOperation: d.operation } : {}), ...(d.errors ? { errors: d.errors } : {}), ...(neverSynced(name) ? { neverSynced: true } : {}) },
          };
        },
        resources: (name) => service.resources(name),
        // The backup CronJob's last run failed (Argo CD's CronJob health): a backup warning (api/backups/).
        backupFailure: (name) => client.view.get(name)?.backupFailed,
        ready: () => {
          const h = service.dependencyHealth();
          return h.status === 'degraded' ? { ok: false, reason: h.reason } : { ok: true, ...(h.status === 'disabled' ? { reason: h.reason } : {}) };
        },
      }
    : undefined;

  return {
    provider,
    neverSynced,
    onPush: (headSha, changedStores, details) => {
      // The pushing process knows whose stores these are before any re-read of Git: the owner's
      // own browser hears about its new store at once.
      if (details?.owners) {
        owners = new Map(owners);
        for (const [name, owner] of Object.entries(details.owners)) owners.set(name, owner);
      }
      service.onPush(headSha, changedStores, details);
      refreshGit();
    },
    extend: (app) => {
      app.get('/api/events', (req, res) => void hub.handler(req, res));
    },
    service,
    hub,
    async stop() {
      hub.close();
      await service.stop();
      await refreshing;
    },
  };
}

function redactFor(u: RequesterLike, e: HubEvent, canSee: (u: RequesterLike, name: string) => boolean): HubEvent | undefined {
  if (u.role === 'admin') return e;
  const data = e.data as { name?: string; stores?: unknown } | undefined;
  if (e.event === 'store-status') return data?.name && canSee(u, data.name) ? e : { event: 'store-status', key: 'store:?', data: {} };
  if (e.event === 'commit') {
    const stores = Array.isArray(data?.stores) ? (data.stores as string[]).filter((s) => canSee(u, s)) : [];
    return { event: 'commit', data: { ...(data as object), stores } };
  }
  if (e.event === 'snapshot') {
    const d = e.data as { argocd?: unknown; stores?: { name: string }[] };
    return { event: 'snapshot', data: { argocd: d.argocd, stores: (d.stores ?? []).filter((s) => canSee(u, s.name)) } };
  }
  return e;
}
