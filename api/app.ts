// The Express app: routes, auth, limits, problem documents. Everything stateful (mirror, store
// service, tokens, status) comes in through ApiContext, built by server.ts. Routes decide nothing
// about stores themselves: writes go to the store service (api/stores/), history reads to
// api/git/lifetimes.ts, and errors become problem documents in api/http/problems.ts.
import { randomUUID } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { issuesFromZod } from '../generator/errors.ts';
import { offeredEngines, planSizes, type ResolvedPlatform } from '../generator/platform.ts';
import { engineOf } from '../constructs/engines/index.ts';
import type { StoreSpec } from '../generator/spec.ts';
import { storeName } from '../generator/spec.ts';
import { createStoreRequest, forceDeleteRequest, idempotencyKey, manifestFile, rollbackStoreRequest, type PlatformInfo, type StoreDetail, type StoreSummary, type StoreUrls, type WriteAnswer } from '../contract/index.ts';
import { authenticate, identify, requester, requireUser, type TokenStore } from './auth.ts';
import { CachedJson, sendCachedJson } from './cached-json.ts';
import type { ServeConfig } from './config.ts';
import type { BackupService, StoreBackupFacts } from './backups/service.ts';
import { BackupTargetError } from './backups/port.ts';
import type { StoreLifetimes } from './git/lifetimes.ts';
import { redactUrl, type Mirror } from './git/mirror.ts';
import type { RepoState, Snapshot } from './git/repo-state.ts';
import { problemOf } from './http/problems.ts';
import type { ApiMetrics } from './metrics.ts';
import { EventStreams } from './event-streams.ts';
import { openApiDocument } from './openapi.ts';
import { rateLimits } from './rate-limits.ts';
import { ApiProblem, unavailableProblem, validationProblem } from './problem.ts';
import type { PendingChange } from './stores/port.ts';
import { canSee } from './stores/rules.ts';
import type { StoreService } from './stores/service.ts';
import type { Requester, WriteResult } from './stores/types.ts';
import type { GitStoreFacts, StatusProvider } from './status-provider.ts';
import { trustProxySetting } from './trusted-proxies.ts';

export interface ApiContext {
  config: ServeConfig;
  mirror: Mirror;
  state: RepoState;
  /** The rules of create, delete and restore over the configured Git transport. */
  stores: StoreService;
  /** A store's lifetimes in history (its commits; deleted lifetimes). */
  lifetimes: StoreLifetimes;
  tokens: TokenStore;
  metrics: ApiMetrics;
  status: StatusProvider;
  /** Store backups (api/backups/): list, warnings, "restorable until". Absent: no backup answers. */
  backups?: BackupService;
  log: Logger;
  version: string;
  /** Mount more routes (e.g. the status helper's /api/events) behind authentication. */
  extend?: (app: Express, deps: { authenticate: express.RequestHandler }) => void;
  uiDir?: string;
  mountUi?: (app: Express, dir: string) => void;
}

type Row = StoreSpec & { urls?: StoreUrls; commit?: string };

/** The store's URLs as platform.yaml's site says; none when platform.yaml cannot be read (logged by platformAt). */
function urlsOf(spec: StoreSpec, platform?: ResolvedPlatform): { urls?: StoreUrls } {
  return platform ? { urls: engineOf(spec.engine).urls(spec.name, platform.config.site) } : {};
}

export function createApp(ctx: ApiContext): Express {
  const { config, mirror, state, stores, lifetimes, metrics, log } = ctx;
  const pendingChanges = stores.transport.pendingChanges;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(config.trustedProxies));
  app.set('etag', false);

  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Only method, path and status: no headers (tokens), no query strings (?token= on /api/events), no bodies.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    }),
  );
  app.use((req, res, next) => {
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? (res.statusCode === 404 ? 'unmatched' : 'other');
      metrics.requests.inc({ method: req.method, route: typeof route === 'string' ? route : 'other', status: String(res.statusCode) });
    });
    next();
  });
  app.use(
    helmet({
      // No upgrade-insecure-requests: the embedded default serves plain http on a LAN address,
      // where upgrading the dashboard's asset requests to https would break it.
      contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'connect-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': null } },
    }),
  );
  if (config.corsOrigins.length > 0) {
    const allowed = new Set(config.corsOrigins);
    app.use((req, res, next) => {
      const origin = req.headers.origin;
      if (origin && allowed.has(origin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Idempotency-Key');
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE');
        res.setHeader('Access-Control-Expose-Headers', 'Retry-After, X-Request-Id, Location');
        if (req.method === 'OPTIONS') {
          res.status(204).end();
          return;
        }
      }
      next();
    });
  }

  // ---- probes, metrics, OpenAPI (no token) ----
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const git = mirror.tip && !mirror.lastFetchError ? { ok: true } : { ok: false, reason: mirror.lastFetchError ?? 'not fetched yet' };
    // A rejected tokens file is reported but keeps the replica in service: the last good tokens work.
    const checks = { git, status: ctx.status.ready(), tokens: ctx.tokens.health() };
    if (!git.ok) {
      const p = unavailableProblem(`Git remote: ${git.reason}`, config.retryAfterSeconds);
      res.status(503).set(p.headers).type('application/problem+json').json({ ...p.body('/readyz'), checks });
      return;
    }
    res.json({ status: 'ready', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  const openapi = openApiDocument(ctx.version);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  // ---- everything else under /api needs a token; see api/rate-limits.ts for the limits ----
  const limits = rateLimits(config, sendProblem);
  const auth = authenticate(ctx.tokens);
  // Per-user data, and the one-time store admin password of a create: never kept by any cache.
  const noStore: express.RequestHandler = (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
  app.use('/api', noStore, identify(ctx.tokens), limits.unauthenticated, requireUser, limits.userWrites);
  const streams = new EventStreams({ tokens: ctx.tokens, maxPerUser: config.events.maxStreamsPerUser });
  app.get('/api/events', streams.admit);
  ctx.extend?.(app, { authenticate: auth });

  const tipOrUnavailable = (): string => {
    if (!mirror.tip) throw unavailableProblem(`The Git remote has not been reached yet${mirror.lastFetchError ? `: ${mirror.lastFetchError}` : ''}.`, config.retryAfterSeconds);
    return mirror.tip;
  };
  // An unreadable platform.yaml leaves answers without store URLs and platform facts: said once per tip.
  let warnedPlatformAt: string | undefined;
  const platformAt = async (tip: string): Promise<ResolvedPlatform | undefined> => {
    try {
      return await state.platform(tip);
    } catch (err) {
      if (warnedPlatformAt !== tip) log.warn({ err: { message: (err as Error).message }, tip }, 'platform.yaml cannot be read: answers leave out store URLs and the platform summary');
      warnedPlatformAt = tip;
      return undefined;
    }
  };
  // Open pull requests are part of an answer (pending-review stores): when GitHub cannot list them, say so.
  const pendingOrEmpty = async (): Promise<Map<string, PendingChange> | undefined> => {
    if (!pendingChanges) return undefined;
    try {
      return await pendingChanges();
    } catch (err) {
      log.warn({ err: { message: (err as Error).message } }, 'listing open pull requests failed: answers leave out stores waiting for review');
      return new Map();
    }
  };
  const nameParam = (req: Request): string => {
    const r = storeName.safeParse(req.params.name);
    if (!r.success) throw new ApiProblem(404, 'store-not-found', 'Store not found', 'No store has that name.');
    return r.data;
  };
  // The start of a store's read routes: who asks, which store, the branch as this replica knows it.
  const readStore = async (req: Request, res: Response) => {
    const user = requester(res);
    const name = nameParam(req);
    const tip = tipOrUnavailable();
    const snap = await state.snapshot(tip);
    await state.catchUp(tip);
    return { user, name, tip, entry: snap.stores.get(name) };
  };

  // Per head SHA: the summaries without status (status is live and added per request).
  let listCache: { tip: string; platform?: ResolvedPlatform; rows: Row[] } | undefined;
  const summaries = async (snap: Snapshot) => {
    if (listCache?.tip === snap.tip) return listCache;
    const platform = await platformAt(snap.tip);
    const rows: Row[] = [];
    for (const e of snap.stores.values()) {
      if (!e.spec) continue;
      const last = state.lastWrite.get(e.name);
      rows.push({ ...e.spec, ...urlsOf(e.spec, platform), ...(last ? { commit: last.sha } : {}) });
    }
    rows.sort((a, b) => (a.name < b.name ? -1 : 1));
    listCache = { tip: snap.tip, platform, rows };
    return listCache;
  };
  const factsOf = (name: string, present: boolean, pr?: PendingChange, spec?: StoreSpec): GitStoreFacts => {
    const last = state.lastWrite.get(name);
    return {
      name,
      presentOnMain: present,
      // Known store.yaml: its mark (or none) is authoritative over the status reader's copy of the tip.
      ...(spec ? { deleting: present ? spec.deleting : undefined } : {}),
      ...(last?.time ? { latestCommit: { sha: last.sha, committedAt: last.time } } : {}),
      ...(pr?.url ? { pullRequest: { number: pr.number, url: pr.url, openedAt: pr.openedAt } } : {}),
    };
  };

  // Serialized list answers per (head, user, deleted?, status version); only when the status
  // provider says when its answers change, and not in PR mode (open pull requests change apart from Git).
  const listJson = new Map<string, CachedJson>();
  app.get('/api/stores', async (req, res) => {
    const user = requester(res);
    const tip = tipOrUnavailable();
    const version = pendingChanges ? undefined : ctx.status.version?.();
    const cacheKey = version === undefined ? undefined : `${tip}|${user.role === 'admin' ? '*' : user.id}|${req.query.include === 'deleted'}|${version}|${ctx.backups?.version() ?? 0}`;
    const hit = cacheKey ? listJson.get(cacheKey) : undefined;
    if (hit) {
      await sendCachedJson(req, res, hit);
      return;
    }
    const snap = await state.snapshot(tip);
    await state.catchUp(tip);
    const { rows, platform } = await summaries(snap);
    const prs = await pendingOrEmpty();
    const out: StoreSummary[] = [];
    for (const r of rows) {
      if (!canSee(user, r)) continue;
      const pr = prs?.get(r.name);
      const st = ctx.status.statusOf(r.name, factsOf(r.name, true, pr?.action === 'delete' ? pr : undefined, r));
      const backups = ctx.backups?.summaryOf(r.name);
      out.push(pr?.url ? { ...r, ...st, ...backups, pullRequest: pr.url } : { ...r, ...st, ...backups });
    }
    // Stores a pending pull request would add (PR mode) and, on request, deleted ones.
    if (prs) {
      for (const [name, pr] of prs) {
        if (pr.action === 'delete' || snap.stores.has(name)) continue;
        const spec = pr.spec;
        if (!spec || !canSee(user, spec)) continue;
        out.push({ ...spec, ...urlsOf(spec, platform), pullRequest: pr.url, ...ctx.status.statusOf(name, factsOf(name, false, pr)) });
      }
    }
    if (req.query.include === 'deleted') {
      for (const [name, w] of state.lastWrite) {
        if (w.action !== 'delete' || snap.stores.has(name)) continue;
        const spec = await lifetimes.spec(`${w.sha}^`, name);
        if (!spec || !canSee(user, spec)) continue;
        // Deleted when and by whom: the delete commit's time and its Requested-by trailer.
        out.push({ ...spec, ...urlsOf(spec, platform), commit: w.sha, ...(w.time ? { deletedAt: w.time } : {}), deletedBy: w.requestedBy, ...ctx.status.statusOf(name, factsOf(name, false)), ...ctx.backups?.summaryOf(name) });
      }
    }
    const answer = new CachedJson(JSON.stringify({ stores: out, head: tip }));
    if (cacheKey) {
      if (listJson.size >= 16) listJson.delete(listJson.keys().next().value!);
      listJson.set(cacheKey, answer);
    }
    await sendCachedJson(req, res, answer);
  });

  app.get('/api/stores/:name', async (req, res) => {
    const { user, name, tip, entry } = await readStore(req, res);
    let spec = entry?.spec;
    const present = Boolean(entry);
    // The folder as this lifetime left it: at the tip, or (deleted) just before the requester's latest deletion.
    let ref = tip;
    if (!entry) {
      const gone = await lifetimes.deletion(tip, name, user.role === 'admin' ? undefined : user.id);
      if (gone) {
        spec = gone.spec;
        ref = gone.ref;
      }
    }
    const pr = (await pendingOrEmpty())?.get(name);
    if (!spec && pr?.spec) spec = pr.spec;
    if (!spec || !canSee(user, spec)) throw new ApiProblem(404, 'store-not-found', 'Store not found', `There is no store named "${name}".`);
    const platform = await platformAt(tip);
    const [history, files, live] = await Promise.all([
      lifetimes.history(tip, ref, name),
      lifetimes.files(ref, name),
      ctx.status.detail(name, factsOf(name, present, pr, spec)).catch((err: unknown) => {
        log.warn({ err: { message: (err as Error).message }, store: name }, 'live status detail failed: the answer has no resources, events or timeline');
        return undefined;
      }),
    ]);
    const answer: StoreDetail = {
      ...spec,
      ...urlsOf(spec, platform),
      ...(history[0] ? { commit: history[0].sha } : {}),
      ...(pr?.url ? { pullRequest: pr.url } : {}),
      ...ctx.status.statusOf(name, factsOf(name, present, pr, spec)),
      spec,
      history,
      files,
      ...(live ?? {}),
    };
    res.json(answer);
  });

  // A store's backups (owner or admin; live and deleted stores): api/backups/service.ts.
  app.get('/api/stores/:name/backups', async (req, res) => {
    const { user, name, tip, entry } = await readStore(req, res);
    const spec = entry?.spec ?? (await lifetimes.deletion(tip, name, user.role === 'admin' ? undefined : user.id))?.spec;
    if (!spec || !canSee(user, spec)) throw new ApiProblem(404, 'store-not-found', 'Store not found', `There is no store named "${name}".`);
    if (!ctx.backups) {
      res.json({ target: false, backups: [] });
      return;
    }
    const last = state.lastWrite.get(name);
    const facts: StoreBackupFacts = {
      name,
      plan: spec.plan,
      deleted: !entry,
      ...(entry && last?.action !== 'delete' && last?.time ? { lifetimeStart: last.time } : {}),
      ...(!entry && last?.action === 'delete' && last.time ? { deletedAt: last.time } : {}),
    };
    // A failed backup Job shows in the live resource tree (Argo CD connected).
    const resources = entry ? await ctx.status.resources?.(name).catch(() => undefined) : undefined;
    try {
      res.json(await ctx.backups.storeBackups(facts, resources));
    } catch (err) {
      if (err instanceof BackupTargetError) throw new ApiProblem(503, 'backup-target-unavailable', 'Backup target unavailable', err.message);
      throw err;
    }
  });

  app.get('/api/stores/:name/manifests/:file', async (req, res) => {
    const user = requester(res);
    const name = nameParam(req);
    const file = manifestFile.safeParse(req.params.file);
    const tip = tipOrUnavailable();
    const snap = await state.snapshot(tip);
    const entry = snap.stores.get(name);
    if (!entry || !canSee(user, entry.spec) || !file.success) throw new ApiProblem(404, 'not-found', 'Not found', 'No such store or manifest.');
    const text = await lifetimes.manifest(snap.tip, name, file.data, entry.tree || undefined);
    if (text === undefined) throw new ApiProblem(404, 'not-found', 'Not found', 'No such manifest.');
    res.type('application/yaml; charset=utf-8').send(text);
  });

  // What the platform page shows about Argo CD: configured or not, connected or why not.
  const argocdState = () => {
    if (!config.argocd?.url) return { configured: false, connected: false, reason: 'no Argo CD configured: stores show "committed" (see docs/configuration.md)' };
    const dep = ctx.status.ready();
    return { configured: true, url: redactUrl(config.argocd.url), connected: dep.ok, ...(dep.reason ? { reason: dep.reason } : {}) };
  };

  app.get('/api/platform', async (_req, res) => {
    const user = requester(res);
    const tip = mirror.tip;
    const platform = tip ? await platformAt(tip) : undefined;
    const cfg = platform?.config;
    // Where the repository lives is an operator's fact: members do not see it.
    const answer: PlatformInfo = {
      mode: stores.mode,
      // Who is asking: the dashboard hints at a member's store limit before a create is refused.
      user: { id: user.id, role: user.role },
      ...(user.role === 'admin' ? { remote: config.github ? `https://github.com/${config.github.owner}/${config.github.repo}` : redactUrl(mirror.url) } : {}),
      branch: mirror.branch,
      head: tip ?? null,
      reachable: Boolean(tip) && !mirror.lastFetchError,
      argocd: argocdState(),
      platform: cfg
        ? {
            domain: cfg.site.domain,
            scheme: cfg.site.scheme,
            tls: cfg.site.tls.mode,
            engines: offeredEngines(cfg).map((e) => ({ id: e.id, label: e.label, description: e.description, urls: e.urls('{name}', cfg.site) })),
            plans: Object.keys(cfg.plans),
            planSizes: planSizes(cfg),
            defaultPlan: cfg.defaultPlan,
            limits: cfg.limits,
            provisioningTimeoutMinutes: cfg.provisioningTimeoutMinutes,
            backupTarget: Boolean(cfg.backup),
            ...(cfg.backup ? { finalBackupRetentionDays: cfg.backup.finalBackupRetentionDays } : {}),
          }
        : null,
    };
    res.json(answer);
  });

  // ---- writes ----
  const idemHeader = (req: Request): string | undefined => {
    const raw = req.headers['idempotency-key'];
    if (raw === undefined) return undefined;
    const r = idempotencyKey.safeParse(raw);
    if (!r.success) throw new ApiProblem(400, 'validation', 'Invalid request', 'Idempotency-Key is 1–128 visible ASCII characters.', { errors: [{ field: 'Idempotency-Key', reason: 'invalid' }] });
    return r.data;
  };
  const run = async (res: Response, action: WriteResult['action'], write: () => Promise<WriteResult>, okStatus: number) => {
    const started = performance.now();
    let result: WriteResult;
    try {
      result = await write();
    } catch (err) {
      const problem = problemOf(err, config.retryAfterSeconds);
      metrics.writeSeconds.observe({ action, outcome: problem ? String(problem.status) : 'error' }, (performance.now() - started) / 1000);
      throw err;
    }
    metrics.writeSeconds.observe({ action, outcome: 'ok' }, (performance.now() - started) / 1000);
    const tip = mirror.tip;
    const platform = tip ? await platformAt(tip) : undefined;
    const pending: PendingChange | undefined = result.pullRequest ? { url: result.pullRequest, action } : undefined;
    // A delete that marked the store leaves its folder in place (its final backup runs first).
    const present = (action !== 'delete' || result.marked === true) && !result.pullRequest;
    const status = result.spec ? ctx.status.statusOf(result.name, factsOf(result.name, present, pending, result.spec)) : undefined;
    const urls = result.spec ? urlsOf(result.spec, platform) : {};
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    if (action !== 'delete') res.setHeader('Location', `/api/stores/${result.name}`);
    const answer: WriteAnswer = {
      store: result.spec && status ? { ...result.spec, ...urls, commit: result.commit, ...(result.pullRequest ? { pullRequest: result.pullRequest } : {}), ...status } : { name: result.name },
      commit: result.commit,
      ...(result.pullRequest ? { pullRequest: result.pullRequest } : {}),
      ...(result.adminLogin ? { adminLogin: { ...result.adminLogin, url: urls.urls?.admin } } : {}),
      ...(result.notice ? { notice: result.notice } : {}),
      ...(result.replayed ? { replayed: true as const } : {}),
    };
    res.status(okStatus).json(answer);
  };
  const jsonBody = express.json({ limit: config.bodyLimitBytes, strict: true, type: () => true });
  const requireJson: express.RequestHandler = (req, _res, next) => {
    if (!req.is('application/json')) return next(new ApiProblem(415, 'unsupported-media-type', 'Unsupported media type', 'Send the body as application/json.'));
    next();
  };

  app.post('/api/stores', requireJson, jsonBody, async (req, res) => {
    const who = requester(res);
    const key = idemHeader(req);
    const parsed = createStoreRequest.safeParse(req.body);
    if (!parsed.success) throw validationProblem(issuesFromZod('request', parsed.error));
    await run(res, 'create', () => stores.create(parsed.data, { requester: who, idempotencyKey: key }), 201);
  });
  app.delete('/api/stores/:name', async (req, res) => {
    const who = requester(res);
    const name = nameParam(req);
    const key = idemHeader(req);
    await run(res, 'delete', () => stores.delete(name, { requester: who, idempotencyKey: key }), 200);
  });
  // An admin removes a store whose final backup failed: typed confirmation, its data is lost.
  app.post('/api/stores/:name/force-delete', (req, _res, next) => {
    if (!req.is('application/json')) return next(new ApiProblem(415, 'unsupported-media-type', 'Unsupported media type', 'Send the body as application/json: {"confirm": "<store name>"}.'));
    next();
  }, jsonBody, async (req, res) => {
    const who = requester(res);
    const name = nameParam(req);
    const key = idemHeader(req);
    const parsed = forceDeleteRequest.safeParse(req.body);
    if (!parsed.success) throw validationProblem(issuesFromZod('request', parsed.error));
    await run(res, 'delete', () => stores.forceDelete(name, parsed.data.confirm, { requester: who, idempotencyKey: key }), 200);
  });
  app.post('/api/stores/:name/restore', async (req, res) => {
    const who = requester(res);
    const name = nameParam(req);
    const key = idemHeader(req);
    await run(res, 'restore', () => stores.restore(name, { requester: who, idempotencyKey: key }), 201);
  });

  // "Back up now" (owner or admin) and a roll-back of the live store (admins): requests committed
  // into store.yaml; 202: the backup or the roll-back runs once Argo CD has synced the commit.
  app.post('/api/stores/:name/backups', async (req, res) => {
    const who = requester(res);
    const name = nameParam(req);
    const key = idemHeader(req);
    await run(res, 'backup', () => stores.backup(name, { requester: who, idempotencyKey: key }), 202);
  });
  app.post('/api/stores/:name/backups/:snapshot/restore', requireJson, jsonBody, async (req, res) => {
    const who = requester(res);
    const name = nameParam(req);
    const key = idemHeader(req);
    const parsed = rollbackStoreRequest.safeParse(req.body);
    if (!parsed.success) throw validationProblem(issuesFromZod('request', parsed.error));
    const input = { snapshot: String(req.params.snapshot), confirm: parsed.data.confirm };
    await run(res, 'rollback', () => stores.rollback(name, input, { requester: who, idempotencyKey: key }), 202);
  });

  app.use('/api', (req, _res, next) => next(new ApiProblem(404, 'not-found', 'Not found', `No route for ${req.method} ${req.path.length > 100 ? '…' : req.path}.`)));
  if (ctx.uiDir && ctx.mountUi) ctx.mountUi(app, ctx.uiDir);
  app.use((req, _res, next) => next(new ApiProblem(404, 'not-found', 'Not found', 'No such page.')));

  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let problem = problemOf(err, config.retryAfterSeconds);
    if (!problem) {
      const e = err as { status?: number; statusCode?: number; type?: string; expose?: boolean };
      const status = e.status ?? e.statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        const slug = e.type === 'entity.too.large' ? 'body-too-large' : e.type === 'entity.parse.failed' ? 'malformed-json' : 'bad-request';
        const title = status === 413 ? 'Request body too large' : status === 415 ? 'Unsupported media type' : 'Bad request';
        const detail = status === 413 ? `Bodies are limited to ${config.bodyLimitBytes} bytes.` : e.type === 'entity.parse.failed' ? 'The body is not valid JSON.' : undefined;
        problem = new ApiProblem(status, slug, title, detail);
      } else {
        (req as Request & { log?: Logger }).log?.error({ err }, 'unhandled error');
        problem = new ApiProblem(500, 'internal', 'Internal error', 'Something went wrong; the request id identifies it in the logs.');
      }
    }
    sendProblem(req, res, problem);
  });
  return app;
}

function sendProblem(req: Request, res: Response, p: ApiProblem): void {
  if (res.headersSent) return;
  res.status(p.status).set(p.headers).type('application/problem+json').send(JSON.stringify(p.body(req.originalUrl.split('?')[0].slice(0, 200))));
}
