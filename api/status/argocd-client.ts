// Argo CD REST client and application-stream follower (read-only project-role token).
//
// One in-memory view of every store Application: listed once, then kept current from
// `GET /api/v1/stream/applications` (SSE). Facts from Argo CD v3.2 sources:
// - the stream is SSE only when the request says exactly `Accept: text/event-stream`
//   (argoproj/pkg grpc/http NewStreamForwarder); frames are `data: {"result": ApplicationWatchEvent} \n\n`,
//   a comment line `:` every 15 s keeps the connection alive; an in-stream failure is `data: {"error": …}`;
// - without `resourceVersion` the stream starts by replaying every matching Application as ADDED;
// - the HTTP headers only arrive with the first frame, so an empty selection answers after ~15 s.
// Gaps are closed by re-listing after every (re)connect and every `resyncIntervalMs`.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import pino, { type Logger } from 'pino';
import { DEFAULT_STORE_LABEL, summarizeApplication, type AppSummary } from './app-summary.ts';
import { AppView } from './app-view.ts';
import type { Application, ApplicationList, ApplicationTree, ApplicationWatchEvent, EventList } from './argocd-types.ts';
import type { ArgoState } from './lifecycle.ts';
import type { StatusMetrics } from './metrics.ts';

export interface ArgoCdClientOptions {
  /** Base URL of the Argo CD API server, e.g. https://argocd.example.com (no trailing /api). */
  url: string;
  /** Read-only project-role token (`applications, get, stores/*`). Never logged. */
  token: string;
  project?: string;
  /** Label the ApplicationSet puts on each store Application (its value is the store name). */
  labelKey?: string;
  requestTimeoutMs?: number;
  /** No byte (frame or keepalive) for this long → the stream is considered stalled and reopened. */
  idleTimeoutMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Periodic full re-list, a safety net for anything the stream missed. */
  resyncIntervalMs?: number;
  fetch?: typeof fetch;
  logger?: Logger;
  metrics?: StatusMetrics;
  random?: () => number;
}

export class ArgoCdError extends Error {
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'ArgoCdError';
    this.status = status;
  }
}

export interface DependencyHealth {
  name: 'argocd';
  status: 'ok' | 'degraded';
  reason?: string;
  /** When the current status began (ISO). */
  since: string;
  streamConnected: boolean;
  lastListAt?: string;
  applications: number;
}

const delay = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

function describeError(e: unknown): string {
  if (e instanceof ArgoCdError) return e.message;
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
    const causeMsg = cause instanceof Error ? cause.message : undefined;
    return causeMsg ? `${e.message}: ${causeMsg}` : code ? `${e.message} (${code})` : e.message;
  }
  return String(e);
}

export class ArgoCdClient {
  readonly view: AppView;
  readonly #o: Required<Omit<ArgoCdClientOptions, 'metrics' | 'logger' | 'fetch' | 'random'>>;
  readonly #fetch: typeof fetch;
  readonly #log: Logger;
  readonly #metrics?: StatusMetrics;
  readonly #random: () => number;
  #stop = new AbortController();
  #running?: Promise<void>;
  #resyncTimer?: ReturnType<typeof setInterval>;
  #relistTimer?: ReturnType<typeof setTimeout>;
  #state: ArgoState = { kind: 'starting' };
  #stateSince = new Date();
  #streamConnected = false;
  #lastListAt?: Date;
  #listeners = new Set<(state: ArgoState) => void>();

  constructor(options: ArgoCdClientOptions) {
    this.#o = {
      url: options.url.replace(/\/+$/, ''),
      token: options.token,
      project: options.project ?? 'stores',
      labelKey: options.labelKey ?? DEFAULT_STORE_LABEL,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 45_000,
      backoffInitialMs: options.backoffInitialMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 30_000,
      resyncIntervalMs: options.resyncIntervalMs ?? 5 * 60_000,
    };
    this.#fetch = options.fetch ?? fetch;
    this.#log = options.logger ?? pino({ level: 'silent' });
    this.#metrics = options.metrics;
    this.#random = options.random ?? Math.random;
    this.view = new AppView();
  }

  // ---- REST -------------------------------------------------------------------------------

  #selectorQuery(): string {
    const q = new URLSearchParams({ selector: this.#o.labelKey, projects: this.#o.project });
    return q.toString();
  }

  async #get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(this.#o.requestTimeoutMs);
    let res: Response;
    try {
      res = await this.#fetch(`${this.#o.url}${path}`, {
        headers: { Authorization: `Bearer ${this.#o.token}`, Accept: 'application/json' },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (e) {
      throw new ArgoCdError(`GET ${path.split('?')[0]} failed: ${describeError(e)}`);
    }
    if (!res.ok) {
      const body = (await res.text().catch(() => '')).slice(0, 300);
      let detail = body;
      try {
        detail = (JSON.parse(body) as { message?: string }).message ?? body;
      } catch {
        // not JSON: keep the text
      }
      const hint =
        res.status === 401 || res.status === 403
          ? ' (Argo CD rejected the token: check the stores project role and its token)'
          : res.status === 404 && path.startsWith('/api/v1/applications?')
            ? ' (is the URL an Argo CD API server?)'
            : '';
      throw new ArgoCdError(`GET ${path.split('?')[0]} → HTTP ${res.status}${hint}${detail ? `: ${detail}` : ''}`, res.status);
    }
    try {
      return (await res.json()) as T;
    } catch (e) {
      throw new ArgoCdError(`GET ${path.split('?')[0]}: invalid JSON (${describeError(e)})`, res.status);
    }
  }

  /** `GET /api/v1/applications?selector=<label>&projects=<project>`: every store Application. */
  listApplications(signal?: AbortSignal): Promise<ApplicationList> {
    return this.#get<ApplicationList>(`/api/v1/applications?${this.#selectorQuery()}`, signal);
  }

  getApplication(appName: string, options: { refresh?: 'normal' | 'hard' } = {}): Promise<Application> {
    const q = new URLSearchParams({ project: this.#o.project });
    if (options.refresh) q.set('refresh', options.refresh);
    return this.#get<Application>(`/api/v1/applications/${encodeURIComponent(appName)}?${q}`);
  }

  resourceTree(appName: string): Promise<ApplicationTree> {
    return this.#get<ApplicationTree>(`/api/v1/applications/${encodeURIComponent(appName)}/resource-tree?project=${encodeURIComponent(this.#o.project)}`);
  }

  events(appName: string): Promise<EventList> {
    return this.#get<EventList>(`/api/v1/applications/${encodeURIComponent(appName)}/events?project=${encodeURIComponent(this.#o.project)}`);
  }

  // ---- state ------------------------------------------------------------------------------

  state(): ArgoState {
    return this.#state;
  }

  onStateChange(listener: (state: ArgoState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  dependencyHealth(): DependencyHealth {
    const s = this.#state;
    return {
      name: 'argocd',
      status: s.kind === 'connected' ? 'ok' : 'degraded',
      reason: s.kind === 'unreachable' ? `Argo CD unreachable: ${s.reason}` : s.kind === 'starting' ? 'connecting to Argo CD' : undefined,
      since: this.#stateSince.toISOString(),
      streamConnected: this.#streamConnected,
      lastListAt: this.#lastListAt?.toISOString(),
      applications: this.view.size,
    };
  }

  #setState(next: ArgoState): void {
    const prev = this.#state;
    const same = prev.kind === next.kind && (prev.kind !== 'unreachable' || (next.kind === 'unreachable' && prev.reason === next.reason));
    if (same) return;
    if (prev.kind !== next.kind) this.#stateSince = new Date();
    this.#state = next;
    if (next.kind === 'unreachable') this.#log.warn({ reason: next.reason }, 'Argo CD unreachable; store statuses are unknown until it is back');
    else if (next.kind === 'connected' && prev.kind === 'unreachable') this.#log.info('Argo CD reachable again');
    for (const l of this.#listeners) {
      try {
        l(next);
      } catch {
        // listeners must not break the client
      }
    }
  }

  // ---- watching ---------------------------------------------------------------------------

  /** Lists and follows the stream in the background until stop(). Never throws. */
  start(): void {
    if (this.#running) return;
    this.#stop = new AbortController();
    this.#running = this.#loop(this.#stop.signal);
    this.#resyncTimer = setInterval(() => void this.resync(), this.#o.resyncIntervalMs);
    this.#resyncTimer.unref?.();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    clearInterval(this.#resyncTimer);
    clearTimeout(this.#relistTimer);
    this.#relistTimer = undefined;
    await this.#running;
    this.#running = undefined;
    this.#streamConnected = false;
  }

  /** Re-lists and reconciles the view. Errors mark Argo CD unreachable; returns whether it worked. */
  async resync(signal?: AbortSignal): Promise<boolean> {
    try {
      const list = await this.listApplications(signal);
      const items: AppSummary[] = [];
      for (const app of list.items ?? []) {
        const s = summarizeApplication(app, this.#o.labelKey);
        if (s) items.push(s);
      }
      const { changed, removed } = this.view.reconcile(items, list.metadata?.resourceVersion);
      this.#lastListAt = new Date();
      this.#log.debug({ applications: items.length, changed, removed }, 'Argo CD applications listed');
      this.#setState({ kind: 'connected' });
      return true;
    } catch (e) {
      if (signal?.aborted || this.#stop.signal.aborted) return false;
      this.#setState({ kind: 'unreachable', reason: describeError(e) });
      // The stream may still be fine: retry the list soon rather than at the next resync interval.
      if (this.#streamConnected && !this.#relistTimer) {
        this.#relistTimer = setTimeout(() => {
          this.#relistTimer = undefined;
          void this.resync(this.#stop.signal);
        }, this.#backoff(3));
        this.#relistTimer.unref?.();
      }
      return false;
    }
  }

  #backoff(attempt: number): number {
    const ceiling = Math.min(this.#o.backoffMaxMs, this.#o.backoffInitialMs * 2 ** Math.min(attempt, 20));
    // "Equal jitter": at least half the ceiling, so a fleet of replicas spreads out without hammering.
    return ceiling / 2 + this.#random() * (ceiling / 2);
  }

  async #loop(stopSignal: AbortSignal): Promise<void> {
    let attempt = 0;
    for (let round = 0; !stopSignal.aborted; round++) {
      if (round > 0) this.#metrics?.streamReconnects.inc();
      // List now (not after the stream's headers, which may take 15 s), and again once the stream
      // is open: together with the stream's ADDED replay this closes the gap of the reconnect.
      const listed = this.resync(stopSignal);
      const openedAt = Date.now();
      const { delivered, error } = await this.#follow(stopSignal, () => void this.resync(stopSignal));
      this.#streamConnected = false;
      if (stopSignal.aborted) break;
      await listed;
      const reason = describeError(error ?? new Error('stream ended by the server'));
      // A stream that delivered data proves Argo CD is there; one that never did is an outage.
      if (!delivered) this.#setState({ kind: 'unreachable', reason });
      this.#log.info({ reason, attempt }, 'Argo CD stream closed; reconnecting');
      // Back off again from the start only after a connection that lasted; a flapping one keeps growing.
      attempt = delivered && Date.now() - openedAt >= this.#o.backoffMaxMs ? 0 : attempt + 1;
      await delay(this.#backoff(attempt), stopSignal);
    }
  }

  /** Opens the stream and applies events until it ends, fails or stalls. Never throws. */
  async #follow(stopSignal: AbortSignal, onOpen: () => void): Promise<{ delivered: boolean; error?: Error }> {
    const abort = new AbortController();
    const signal = AbortSignal.any([stopSignal, abort.signal]);
    let idle: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(new ArgoCdError(`stream stalled: no data for ${this.#o.idleTimeoutMs} ms`)), this.#o.idleTimeoutMs);
    };
    let delivered = false;
    const parser = createParser({
      onEvent: (msg) => {
        const err = this.#apply(msg);
        if (err) abort.abort(err);
      },
      onError: (e) => this.#malformed(`unparseable SSE frame: ${e.message}`),
      // Bounded: a server that never ends a line cannot grow our memory without limit.
      maxBufferSize: 16 * 1024 * 1024,
    });
    const failure = (what: string, e: unknown): ArgoCdError =>
      abort.signal.reason instanceof ArgoCdError ? abort.signal.reason : new ArgoCdError(`${what}: ${describeError(e)}`);
    arm();
    try {
      const url = `${this.#o.url}/api/v1/stream/applications?${this.#selectorQuery()}`;
      let res: Response;
      try {
        res = await this.#fetch(url, { headers: { Authorization: `Bearer ${this.#o.token}`, Accept: 'text/event-stream' }, signal });
      } catch (e) {
        return { delivered, error: failure('stream request failed', e) };
      }
      if (!res.ok || !res.body) {
        const text = (await res.text().catch(() => '')).slice(0, 200);
        const hint = res.status === 401 || res.status === 403 ? ' (Argo CD rejected the token)' : '';
        return { delivered, error: new ArgoCdError(`stream → HTTP ${res.status}${hint}${text ? `: ${text}` : ''}`, res.status) };
      }
      const type = res.headers.get('content-type') ?? '';
      if (!type.includes('text/event-stream')) {
        await res.body.cancel().catch(() => undefined);
        return { delivered, error: new ArgoCdError(`stream answered ${type || 'without a content type'}, not text/event-stream (does a proxy rewrite the Accept header?)`) };
      }
      this.#streamConnected = true;
      onOpen();
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          arm();
          delivered = true;
          parser.feed(decoder.decode(chunk, { stream: true }));
          if (abort.signal.aborted) break;
        }
      } catch (e) {
        return { delivered, error: failure('stream broke', e) };
      }
      return { delivered, error: abort.signal.aborted ? failure('stream closed', abort.signal.reason) : undefined };
    } finally {
      clearTimeout(idle);
      abort.abort();
    }
  }

  #malformed(what: string): void {
    this.#metrics?.streamMalformedEvents.inc();
    this.#log.warn({ what }, 'ignored a malformed Argo CD stream event');
  }

  /** Applies one SSE message. Returns an error only for an in-stream failure from Argo CD. */
  #apply(msg: EventSourceMessage): Error | undefined {
    let body: { result?: ApplicationWatchEvent; error?: { message?: string; http_code?: number } };
    try {
      body = JSON.parse(msg.data);
    } catch {
      this.#malformed(`not JSON (${msg.data.length} bytes)`);
      return undefined;
    }
    if (body && typeof body === 'object' && body.error && !body.result) {
      return new ArgoCdError(`stream error from Argo CD: ${body.error.message ?? JSON.stringify(body.error).slice(0, 200)}`, body.error.http_code);
    }
    const ev = body?.result;
    if (!ev || typeof ev !== 'object' || !ev.application || typeof ev.application !== 'object') {
      this.#malformed('no result.application');
      return undefined;
    }
    const summary = summarizeApplication(ev.application, this.#o.labelKey);
    if (!summary) {
      this.#malformed('application without metadata.name');
      return undefined;
    }
    switch (ev.type) {
      case 'ADDED':
      case 'MODIFIED':
        this.view.upsert(summary);
        break;
      case 'DELETED':
        this.view.remove(summary.storeName, summary.resourceVersion);
        break;
      default:
        this.#malformed(`unknown event type ${String(ev.type).slice(0, 20)}`);
    }
    return undefined;
  }
}
