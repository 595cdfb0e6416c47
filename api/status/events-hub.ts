// Fan-out of status changes and new commits to browsers over SSE (`GET /api/events`).
//
// - Auth: the browser's EventSource cannot send an Authorization header, so the UI passes its API
//   token as `?token=` (cookies would work too: same-origin EventSource sends them). The hub does not
//   decide who is who: it calls the `authenticate` function the API gives it (the same check as for
//   bearer tokens). Keep `?token=` out of access logs (redact the query of /api/events).
// - On connect a client gets a `snapshot` event (current statuses), then `store-status` and `commit`
//   events, and a `:` comment heartbeat every `heartbeatMs` so proxies keep the connection open.
//   Event ids increase; a reconnecting browser sends Last-Event-ID, and gets a fresh snapshot instead
//   of a replay (the snapshot is the state, so nothing is lost).
// - Memory per client is bounded: while a client's socket is backed up, its pending events are
//   coalesced by key (one pending status per store), and a client whose buffered bytes exceed
//   `maxBufferedBytes` is disconnected (counted). Its EventSource reconnects and gets a snapshot.
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';
import type { StatusMetrics } from './metrics.ts';

export interface HubEvent {
  event: 'snapshot' | 'store-status' | 'commit' | (string & {});
  data: unknown;
  /** Events with the same key replace each other while a client is backed up (e.g. `store:acme`). */
  key?: string;
}

export interface EventsHubOptions<P> {
  /** Who is asking; `undefined` → 401. Called with the raw request (query, headers, cookies). */
  authenticate: (req: IncomingMessage) => P | undefined | Promise<P | undefined>;
  /** Whether this principal may see this event (e.g. members only see their own stores). Default: all. */
  visible?: (principal: P, event: HubEvent) => boolean;
  /** Rewrites an event for this principal (e.g. strips stores they may not see); `undefined` = do not send. */
  redact?: (principal: P, event: HubEvent) => HubEvent | undefined;
  /** Events sent first on every connection (current statuses). */
  snapshot?: (principal: P) => HubEvent[] | Promise<HubEvent[]>;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
  maxClients?: number;
  metrics?: StatusMetrics;
  logger?: Logger;
}

interface Client<P> {
  id: number;
  res: ServerResponse;
  principal: P;
  backedUp: boolean;
  pending: Map<string, string>;
  pendingBytes: number;
}

/** `?token=` from the query, else a Bearer header: what the UI's EventSource and API clients send. */
export function tokenFromRequest(req: IncomingMessage): string | undefined {
  const q = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  if (q) return q;
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

export class EventsHub<P = unknown> {
  readonly #o: EventsHubOptions<P>;
  readonly #log: Logger;
  readonly #clients = new Map<number, Client<P>>();
  #seq = 0;
  #nextClient = 0;
  #eventId = 0;
  #heartbeat?: ReturnType<typeof setInterval>;

  constructor(options: EventsHubOptions<P>) {
    this.#o = options;
    this.#log = options.logger ?? pino({ level: 'silent' });
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref?.();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Express/Node handler for `GET /api/events`. */
  readonly handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let principal: P | undefined;
    try {
      principal = await this.#o.authenticate(req);
    } catch {
      principal = undefined;
    }
    if (principal === undefined) {
      res.writeHead(401, { 'Content-Type': 'application/problem+json', 'WWW-Authenticate': 'Bearer' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Pass the API token as ?token= (EventSource cannot send headers) or a Bearer header.' }));
      return;
    }
    if (this.#clients.size >= (this.#o.maxClients ?? 1000)) {
      res.writeHead(503, { 'Content-Type': 'application/problem+json', 'Retry-After': '10' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Too many event-stream clients', status: 503 }));
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // nginx: do not buffer the stream
    });
    res.socket?.setNoDelay(true);
    const client: Client<P> = { id: ++this.#nextClient, res, principal, backedUp: false, pending: new Map(), pendingBytes: 0 };
    this.#clients.set(client.id, client);
    this.#o.metrics?.eventClients.set(this.#clients.size);
    const gone = () => this.#remove(client);
    res.on('close', gone);
    res.on('error', gone);
    this.#write(client, 'retry: 3000\n\n');
    try {
      for (const e of (await this.#o.snapshot?.(principal)) ?? []) {
        const out = this.#o.redact ? this.#o.redact(principal, e) : e;
        if (out) this.#send(client, out);
      }
    } catch (err) {
      this.#log.warn({ err }, 'event-stream snapshot failed');
    }
  };

  /** Sends an event to every client allowed to see it. Never blocks on a slow client. */
  publish(event: HubEvent): void {
    for (const c of this.#clients.values()) {
      if (this.#o.visible && !this.#o.visible(c.principal, event)) continue;
      const out = this.#o.redact ? this.#o.redact(c.principal, event) : event;
      if (out) this.#send(c, out);
    }
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const c of [...this.#clients.values()]) c.res.end();
    this.#clients.clear();
    this.#o.metrics?.eventClients.set(0);
  }

  #frame(event: HubEvent): string {
    return `id: ${++this.#eventId}\nevent: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
  }

  #send(c: Client<P>, event: HubEvent): void {
    const frame = this.#frame(event);
    if (!c.backedUp) return this.#write(c, frame);
    const key = event.key ?? `#${++this.#seq}`;
    const old = c.pending.get(key);
    if (old !== undefined) {
      c.pendingBytes -= old.length;
      c.pending.delete(key); // re-insert: keeps delivery order by latest change
    }
    c.pending.set(key, frame);
    c.pendingBytes += frame.length;
    this.#checkBound(c);
  }

  #write(c: Client<P>, text: string): void {
    if (c.res.destroyed) return;
    const ok = c.res.write(text);
    if (!ok && !c.backedUp) {
      c.backedUp = true;
      c.res.once('drain', () => this.#flush(c));
    }
    this.#checkBound(c);
  }

  #flush(c: Client<P>): void {
    c.backedUp = false;
    const frames = [...c.pending.values()];
    c.pending.clear();
    c.pendingBytes = 0;
    for (const f of frames) this.#write(c, f);
  }

  #checkBound(c: Client<P>): void {
    const max = this.#o.maxBufferedBytes ?? 256 * 1024;
    if (c.res.writableLength + c.pendingBytes <= max || c.res.destroyed) return;
    this.#o.metrics?.eventClientsDropped.inc();
    this.#log.info({ client: c.id, buffered: c.res.writableLength + c.pendingBytes, max }, 'event-stream client too slow; disconnected');
    c.res.destroy();
    this.#remove(c);
  }

  #beat(): void {
    for (const c of this.#clients.values()) if (!c.backedUp) this.#write(c, ': heartbeat\n\n');
  }

  #remove(c: Client<P>): void {
    if (!this.#clients.delete(c.id)) return;
    c.pending.clear();
    this.#o.metrics?.eventClients.set(this.#clients.size);
  }
}
