import { createParser, type EventSourceMessage } from 'eventsource-parser';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventsHub, tokenFromRequest } from './events-hub.ts';
import { registerStatusMetrics } from './metrics.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const WAIT = { timeout: 10_000, interval: 10 };

interface User {
  id: string;
  admin: boolean;
}
const USERS: Record<string, User> = { 'tok-alice': { id: 'alice', admin: false }, 'tok-admin': { id: 'root', admin: true } };

async function serve(opts: { heartbeatMs?: number; maxBufferedBytes?: number } = {}) {
  const registry = new Registry();
  const metrics = registerStatusMetrics(registry);
  const hub = new EventsHub<User>({
    authenticate: (req) => USERS[tokenFromRequest(req) ?? ''],
    visible: (u, e) => u.admin || (e.data as { owner?: string }).owner === u.id,
    snapshot: (u) => [{ event: 'snapshot', data: { stores: u.admin ? ['a', 'b'] : ['a'] } }],
    heartbeatMs: opts.heartbeatMs ?? 60_000,
    maxBufferedBytes: opts.maxBufferedBytes,
    metrics,
  });
  const server = http.createServer((req, res) => void hub.handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)), () => server.closeAllConnections(), () => hub.close());
  const port = (server.address() as AddressInfo).port;
  return { hub, registry, port, url: `http://127.0.0.1:${port}/api/events` };
}

/** A real SSE consumer over fetch, like a browser EventSource. */
async function listen(url: string) {
  const ac = new AbortController();
  cleanups.push(() => ac.abort());
  const res = await fetch(url, { headers: { Accept: 'text/event-stream' }, signal: ac.signal });
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e), onComment: (c) => comments.push(c) });
  let closed = false;
  if (res.ok && res.body) {
    void (async () => {
      const d = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(d.decode(chunk, { stream: true }));
      } catch {
        // aborted
      }
      closed = true;
    })();
  }
  return { res, events, comments, isClosed: () => closed, abort: () => ac.abort() };
}

describe('EventsHub (GET /api/events)', () => {
  it('refuses requests without a valid token (401 problem)', async () => {
    const { url } = await serve();
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('problem+json');
    expect((await fetch(`${url}?token=nope`)).status).toBe(401);
  });

  it('streams a snapshot, then status and commit events, filtered per user, with heartbeats', async () => {
    const { hub, url } = await serve({ heartbeatMs: 50 });
    const alice = await listen(`${url}?token=tok-alice`);
    const admin = await listen(`${url}?token=tok-admin`);
    expect(alice.res.headers.get('content-type')).toContain('text/event-stream');
    await vi.waitFor(() => expect(hub.clientCount).toBe(2), WAIT);
    hub.publish({ event: 'store-status', key: 'store:a', data: { name: 'a', owner: 'alice', status: 'provisioning' } });
    hub.publish({ event: 'store-status', key: 'store:b', data: { name: 'b', owner: 'bob', status: 'ready' } });
    hub.publish({ event: 'commit', data: { sha: 'abc', stores: ['a'], owner: 'alice' } });
    await vi.waitFor(() => expect(admin.events).toHaveLength(4), WAIT);
    await vi.waitFor(() => expect(alice.events).toHaveLength(3), WAIT);
    expect(alice.events.map((e) => e.event)).toEqual(['snapshot', 'store-status', 'commit']);
    expect(JSON.parse(alice.events[0].data)).toEqual({ stores: ['a'] });
    expect(JSON.parse(alice.events[1].data)).toMatchObject({ name: 'a', status: 'provisioning' });
    const ids = admin.events.map((e) => Number(e.id));
    expect([...ids].sort((x, y) => x - y)).toEqual(ids); // increasing ids
    await vi.waitFor(() => expect(alice.comments.some((c) => c.includes('heartbeat'))).toBe(true), WAIT);
  });

  it('drops a client that stops reading once its buffer exceeds the bound; others keep receiving', async () => {
    const { hub, url, port, registry } = await serve({ maxBufferedBytes: 256 * 1024 });
    const fast = await listen(`${url}?token=tok-admin`);
    // A client that sends the request and then never reads: the kernel buffers fill, then ours.
    const slow = net.connect(port, '127.0.0.1');
    cleanups.push(() => slow.destroy());
    slow.write(`GET /api/events?token=tok-admin HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    slow.pause();
    await vi.waitFor(() => expect(hub.clientCount).toBe(2), WAIT);
    const filler = 'x'.repeat(4096);
    let published = 0;
    // Publish until the slow client is dropped (bounded: 64 MB would mean the bound does not work).
    while (hub.clientCount === 2 && published < 16_000) {
      hub.publish({ event: 'store-status', key: `store:s${published}`, data: { name: `s${published}`, filler } });
      published++;
      // Let the fast reader (same process) drain: it must never come near the bound.
      if (published % 8 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(hub.clientCount).toBe(1);
    const dropped = await registry.getSingleMetric('storefleet_event_stream_clients_dropped_total')!.get();
    expect(dropped.values[0].value).toBe(1);
    // The fast client received everything in order.
    await vi.waitFor(() => expect(fast.events.length).toBe(published + 1), WAIT);
    expect(JSON.parse(fast.events.at(-1)!.data).name).toBe(`s${published - 1}`);
  });

  it('forgets clients that disconnect', async () => {
    const { hub, url } = await serve();
    const c = await listen(`${url}?token=tok-alice`);
    await vi.waitFor(() => expect(hub.clientCount).toBe(1), WAIT);
    c.abort();
    await vi.waitFor(() => expect(hub.clientCount).toBe(0), WAIT);
  });
});
