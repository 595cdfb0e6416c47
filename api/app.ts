// The Express app: routes, auth, limits, problem documents. Everything stateful (mirror, writer,
// tokens, status) comes in through ApiContext, built by server.ts.
import { createHash, randomUUID } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { ValidationError, issuesFromZod } from '../generator/errors.ts';
import { manifestsDir, storeDir } from '../generator/layout.ts';
import { offeredEngines, planSizes, type ResolvedPlatform } from '../generator/platform.ts';
import { engineOf } from '../constructs/engines/index.ts';
import type { StoreSpec } from '../generator/spec.ts';
import { authenticate, requester, type TokenStore } from './auth.ts';
import { CachedJson, sendCachedJson } from './cached-json.ts';
import type { ServeConfig } from './config.ts';
import { RemoteUnavailableError, redactUrl, type Mirror } from './git/mirror.ts';
import type { RepoState, Snapshot } from './git/repo-state.ts';
import type { Requester, StoreWriter, WriteRequest, WriteResult } from './git/types.ts';
import type { ApiMetrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { ApiProblem, unavailableProblem, validationProblem } from './problem.ts';
import { createStoreRequest, idempotencyKey, manifestFile } from './schemas.ts';
import { parseStoreSpec, storeName } from '../generator/spec.ts';
import type { GitStoreFacts, StatusProvider } from './status-provider.ts';

export interface PendingPullRequest {
  number?: number;
  url: string;
  openedAt?: string;
  action: 'create' | 'delete' | 'restore';
  /** The store.yaml the pull request adds (create/restore). */
  spec?: StoreSpec;
}

export interface ApiContext {
  config: ServeConfig;
  mirror: Mirror;
  state: RepoState;
  writer: StoreWriter;
  tokens: TokenStore;
  metrics: ApiMetrics;
  status: StatusProvider;
  log: Logger;
  version: string;
  /** PR mode: open Storefleet pull requests by store name. */
  pendingPullRequests?: () => Promise<Map<string, PendingPullRequest>>;
  /** Mount more routes (e.g. the status helper's /api/events) behind authentication. */
  extend?: (app: Express, deps: { authenticate: express.RequestHandler }) => void;
  uiDir?: string;
  mountUi?: (app: Express, dir: string) => void;
}

type Summary = Omit<StoreSpec, never> & { urls: { storefront: string; admin: string }; commit?: string };

function urlsOf(spec: StoreSpec, platform?: ResolvedPlatform): { storefront: string; admin: string } {
  const site = platform?.config.site ?? { scheme: 'http' as const, domain: 'localtest.me' };
  return engineOf(spec.engine).urls(spec.name, site);
}

function digestOf(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

export function createApp(ctx: ApiContext): Express {
  const { config, mirror, state, writer, metrics, log } = ctx;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
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
    const statusDep = ctx.status.ready();
    if (!git.ok) {
      const p = unavailableProblem(`Git remote: ${git.reason}`, config.retryAfterSeconds);
      res.status(503).set(p.headers).type('application/problem+json').json({ ...p.body('/readyz'), checks: { git, status: statusDep } });
      return;
    }
    res.json({ status: 'ready', checks: { git, status: statusDep } });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  const openapi = openApiDocument(ctx.version);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  // ---- everything else under /api needs a token; writes are rate limited per IP and per user ----
  const limitHandler = (req: Request, res: Response) => {
    const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
    const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
    sendProblem(req, res, new ApiProblem(429, 'rate-limited', 'Too many requests', `Too many writes; retry in ${seconds} s.`, { headers: { 'Retry-After': String(seconds) } }));
  };
  const isWrite = (req: Request) => req.method !== 'POST' && req.method !== 'DELETE';
  const ipLimiter = rateLimit({
    windowMs: 60_000,
    limit: config.rateLimit.ipWritesPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skip: isWrite,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    handler: limitHandler,
  });
  const userLimiter = rateLimit({
    windowMs: 60_000,
    limit: config.rateLimit.userWritesPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skip: isWrite,
    keyGenerator: (_req, res) => `user:${(res.locals.user as Requester).id}`,
    handler: limitHandler,
  });
  const auth = authenticate(ctx.tokens);
  app.use('/api', ipLimiter, auth, userLimiter);
  ctx.extend?.(app, { authenticate: auth });

  const tipOrUnavailable = (): string => {
    if (!mirror.tip) throw unavailableProblem(`The Git remote has not been reached yet${mirror.lastFetchError ? `: ${mirror.lastFetchError}` : ''}.`, config.retryAfterSeconds);
    return mirror.tip;
  };
  const platformAt = async (tip: string): Promise<ResolvedPlatform | undefined> => {
    try {
      return await state.platform(tip);
    } catch {
      return undefined;
    }
  };
  const canSee = (user: Requester, spec?: StoreSpec) => user.role === 'admin' || spec?.owner === user.id;
  const nameParam = (req: Request): string => {
    const r = storeName.safeParse(req.params.name);
    if (!r.success) throw new ApiProblem(404, 'store-not-found', 'Store not found', 'No store has that name.');
    return r.data;
  };

  // Per head SHA: the summaries without status (status is live and added per request).
  let listCache: { tip: string; platform?: ResolvedPlatform; rows: (Summary & { name: string })[] } | undefined;
  const summaries = async (snap: Snapshot) => {
    if (listCache?.tip === snap.tip) return listCache;
    const platform = await platformAt(snap.tip);
    const rows: (Summary & { name: string })[] = [];
    for (const e of snap.stores.values()) {
      if (!e.spec) continue;
      const last = state.lastWrite.get(e.name);
      rows.push({ ...e.spec, urls: urlsOf(e.spec, platform), ...(last ? { commit: last.sha } : {}) });
    }
    rows.sort((a, b) => (a.name < b.name ? -1 : 1));
    listCache = { tip: snap.tip, platform, rows };
    return listCache;
  };
  const factsOf = (name: string, present: boolean, pr?: PendingPullRequest): GitStoreFacts => {
    const last = state.lastWrite.get(name);
    return {
      name,
      presentOnMain: present,
      ...(last?.time ? { latestCommit: { sha: last.sha, committedAt: last.time } } : {}),
      ...(pr ? { pullRequest: { number: pr.number, url: pr.url, openedAt: pr.openedAt } } : {}),
    };
  };

  // Serialized list answers per (head, user, deleted?, status version); only when the status
  // provider says when its answers change, and not in PR mode (open pull requests change apart from Git).
  const listJson = new Map<string, CachedJson>();
  app.get('/api/stores', async (req, res) => {
    const user = requester(res);
    const tip = tipOrUnavailable();
    const version = ctx.pendingPullRequests ? undefined : ctx.status.version?.();
    const cacheKey = version === undefined ? undefined : `${tip}|${user.role === 'admin' ? '*' : user.id}|${req.query.include === 'deleted'}|${version}`;
    const hit = cacheKey ? listJson.get(cacheKey) : undefined;
    if (hit) {
      await sendCachedJson(req, res, hit);
      return;
    }
    const snap = await state.snapshot(tip);
    await state.catchUp(tip);
    const { rows, platform } = await summaries(snap);
    const prs = ctx.pendingPullRequests ? await ctx.pendingPullRequests().catch(() => new Map<string, PendingPullRequest>()) : undefined;
    const out: Record<string, unknown>[] = [];
    for (const r of rows) {
      if (!canSee(user, r)) continue;
      const pr = prs?.get(r.name);
      const st = ctx.status.statusOf(r.name, factsOf(r.name, true, pr?.action === 'delete' ? pr : undefined));
      out.push(pr ? { ...r, ...st, pullRequest: pr.url } : { ...r, ...st });
    }
    // Stores a pending pull request would add (PR mode) and, on request, deleted ones.
    if (prs) {
      for (const [name, pr] of prs) {
        if (pr.action === 'delete' || snap.stores.has(name)) continue;
        const spec = pr.spec;
        if (!spec || !canSee(user, spec)) continue;
        out.push({ ...spec, urls: urlsOf(spec, platform), pullRequest: pr.url, ...ctx.status.statusOf(name, factsOf(name, false, pr)) });
      }
    }
    if (req.query.include === 'deleted') {
      for (const [name, w] of state.lastWrite) {
        if (w.action !== 'delete' || snap.stores.has(name)) continue;
        const text = await mirror.cat.readText(`${w.sha}^:${storeDir(name)}/store.yaml`);
        const spec = text ? specOrUndefined(text, name) : undefined;
        if (!spec || !canSee(user, spec)) continue;
        // Deleted when and by whom: the delete commit's time and its Requested-by trailer.
        out.push({ ...spec, urls: urlsOf(spec, platform), commit: w.sha, ...(w.time ? { deletedAt: w.time } : {}), deletedBy: w.requestedBy, ...ctx.status.statusOf(name, factsOf(name, false)) });
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
    const user = requester(res);
    const name = nameParam(req);
    const tip = tipOrUnavailable();
    const snap = await state.snapshot(tip);
    await state.catchUp(tip);
    const entry = snap.stores.get(name);
    let spec = entry?.spec;
    let present = Boolean(entry);
    let ref = tip;
    if (!entry) {
      const w = state.lastWrite.get(name);
      if (w?.action === 'delete') {
        const text = await mirror.cat.readText(`${w.sha}^:${storeDir(name)}/store.yaml`);
        spec = text ? specOrUndefined(text, name) : undefined;
        ref = `${w.sha}^`;
      }
      present = false;
    }
    const prs = ctx.pendingPullRequests ? await ctx.pendingPullRequests().catch(() => undefined) : undefined;
    const pr = prs?.get(name);
    if (!spec && pr?.spec) spec = pr.spec;
    if (!spec || !canSee(user, spec)) throw new ApiProblem(404, 'store-not-found', 'Store not found', `There is no store named "${name}".`);
    const platform = await platformAt(tip);
    const [history, files] = await Promise.all([
      mirror.run(['log', '-n', '50', '--format=%H%x1f%an%x1f%aI%x1f%s%x1f%(trailers:key=Requested-by,valueonly,separator=%x2C)%x1e', tip, '--', storeDir(name)]),
      mirror.run(['ls-tree', '-r', '--name-only', ref, '--', `${storeDir(name)}/`], [0, 128]),
    ]);
    const entries = history.stdout
      .split('\x1e')
      .map((r) => r.replace(/^\n/, '').split('\x1f'))
      .filter((f) => f.length >= 5 && f[0])
      .map(([sha, author, date, message, by]) => ({ sha, author, date, message, ...(by.trim() ? { requestedBy: by.trim() } : {}) }));
    const live = await ctx.status.detail(name, factsOf(name, present, pr)).catch(() => undefined);
    res.json({
      ...spec,
      urls: urlsOf(spec, platform),
      ...(entries[0] ? { commit: entries[0].sha } : {}),
      ...(pr ? { pullRequest: pr.url } : {}),
      ...ctx.status.statusOf(name, factsOf(name, present, pr)),
      spec,
      history: entries,
      files: files.stdout.split('\n').filter(Boolean),
      ...(live ?? {}),
    });
  });

  app.get('/api/stores/:name/manifests/:file', async (req, res) => {
    const user = requester(res);
    const name = nameParam(req);
    const file = manifestFile.safeParse(req.params.file);
    const tip = tipOrUnavailable();
    const snap = await state.snapshot(tip);
    const entry = snap.stores.get(name);
    if (!entry || !canSee(user, entry.spec) || !file.success) throw new ApiProblem(404, 'not-found', 'Not found', 'No such store or manifest.');
    const text = await mirror.cat.readText(entry.tree ? `${entry.tree}:manifests/${file.data}` : `${snap.tip}:${manifestsDir(name)}/${file.data}`);
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
    res.json({
      mode: writer.mode,
      // Who is asking: the dashboard hints at a member's store limit before a create is refused.
      user: { id: user.id, role: user.role },
      remote: config.github ? `https://github.com/${config.github.owner}/${config.github.repo}` : redactUrl(mirror.url),
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
          }
        : null,
    });
  });

  // ---- writes ----
  const idemHeader = (req: Request): string | undefined => {
    const raw = req.headers['idempotency-key'];
    if (raw === undefined) return undefined;
    const r = idempotencyKey.safeParse(raw);
    if (!r.success) throw new ApiProblem(400, 'validation', 'Invalid request', 'Idempotency-Key is 1–128 visible ASCII characters.', { errors: [{ field: 'Idempotency-Key', reason: 'invalid' }] });
    return r.data;
  };
  const run = async (req: Request, res: Response, wr: WriteRequest, okStatus: number) => {
    const started = performance.now();
    let result: WriteResult;
    try {
      result = await writer.write(wr);
    } catch (err) {
      metrics.writeSeconds.observe({ action: wr.action, outcome: err instanceof ApiProblem ? String(err.status) : 'error' }, (performance.now() - started) / 1000);
      throw err;
    }
    metrics.writeSeconds.observe({ action: wr.action, outcome: 'ok' }, (performance.now() - started) / 1000);
    const tip = mirror.tip;
    const platform = tip ? await platformAt(tip) : undefined;
    const status = result.spec
      ? ctx.status.statusOf(result.name, factsOf(result.name, wr.action !== 'delete' && !result.pullRequest, result.pullRequest ? { url: result.pullRequest, action: wr.action } : undefined))
      : undefined;
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    if (wr.action !== 'delete') res.setHeader('Location', `/api/stores/${result.name}`);
    res.status(okStatus).json({
      store: result.spec ? { ...result.spec, urls: urlsOf(result.spec, platform), commit: result.commit, ...(result.pullRequest ? { pullRequest: result.pullRequest } : {}), ...status } : { name: result.name },
      commit: result.commit,
      ...(result.pullRequest ? { pullRequest: result.pullRequest } : {}),
      ...(result.adminLogin ? { adminLogin: { ...result.adminLogin, url: result.spec ? urlsOf(result.spec, platform).admin : undefined } } : {}),
      ...(result.replayed ? { replayed: true } : {}),
    });
  };
  const jsonBody = express.json({ limit: config.bodyLimitBytes, strict: true, type: () => true });

  app.post('/api/stores', (req, _res, next) => {
    if (!req.is('application/json')) return next(new ApiProblem(415, 'unsupported-media-type', 'Unsupported media type', 'Send the body as application/json.'));
    next();
  }, jsonBody, async (req, res) => {
    const who = requester(res);
    const key = idemHeader(req);
    const parsed = createStoreRequest.safeParse(req.body);
    if (!parsed.success) throw validationProblem(issuesFromZod('request', parsed.error));
    const b = parsed.data;
    await run(req, res, { action: 'create', input: b, requester: who, idempotencyKey: key, digest: digestOf(['create', b.name, b.engine, b.plan ?? null, b.displayName ?? null]) }, 201);
  });
  app.delete('/api/stores/:name', async (req, res) => {
    const who = requester(res);
    const name = nameParam(req);
    const key = idemHeader(req);
    await run(req, res, { action: 'delete', name, requester: who, idempotencyKey: key, digest: digestOf(['delete', name]) }, 200);
  });
  app.post('/api/stores/:name/restore', async (req, res) => {
    const who = requester(res);
    const name = nameParam(req);
    const key = idemHeader(req);
    await run(req, res, { action: 'restore', name, requester: who, idempotencyKey: key, digest: digestOf(['restore', name]) }, 201);
  });

  app.use('/api', (req, _res, next) => next(new ApiProblem(404, 'not-found', 'Not found', `No route for ${req.method} ${req.path.length > 100 ? '…' : req.path}.`)));
  if (ctx.uiDir && ctx.mountUi) ctx.mountUi(app, ctx.uiDir);
  app.use((req, _res, next) => next(new ApiProblem(404, 'not-found', 'Not found', 'No such page.')));

  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let problem: ApiProblem;
    if (err instanceof ApiProblem) problem = err;
    else if (err instanceof ValidationError) problem = validationProblem(err.issues);
    else if (err instanceof RemoteUnavailableError) problem = unavailableProblem(`The Git remote cannot be reached: ${err.message}`, config.retryAfterSeconds);
    else {
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

function specOrUndefined(text: string, name: string): StoreSpec | undefined {
  try {
    return parseStoreSpecLoose(text, name);
  } catch {
    return undefined;
  }
}

function parseStoreSpecLoose(text: string, name: string): StoreSpec {
  return parseStoreSpec(text, `${storeDir(name)}/store.yaml`, undefined, name);
}
