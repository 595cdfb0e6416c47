// A small stand-in for the Argo CD API server on 127.0.0.1, speaking the wire format of Argo CD v3.2
// for the endpoints the status reader uses (see argocd-client.ts for the sources):
// - GET /api/v1/applications?selector=…&projects=… → ApplicationList {metadata.resourceVersion, items}
// - GET /api/v1/stream/applications → SSE only for `Accept: text/event-stream`; replays ADDED for every
//   Application, then `data: {"result":{"type":…,"application":…}} \n\n` per change (note Argo's
//   space before the newline); `:` keepalive comments on demand.
// Tests drive it to drop connections, send malformed frames and stall.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Application } from '../argocd-types.ts';

export interface FakeArgo {
  url: string;
  port: number;
  apps: Map<string, Application>;
  /** Open stream connections so far. */
  connections: number;
  listCalls: number;
  /** Push events received on POST /api/webhook (raw body kept for signature checks). */
  webhooks: { headers: http.IncomingHttpHeaders; raw: string }[];
  /** Apply a change to the "cluster" and broadcast it to open streams. */
  put(app: Application): Application;
  del(name: string): void;
  /** Write raw bytes to every open stream (malformed frames, keepalives). */
  raw(text: string): void;
  /** Destroy every open stream connection. */
  dropStreams(): void;
  /** While set, new and open streams get no bytes at all (a stall). */
  stall: boolean;
  /** While set, list and stream answer with this HTTP status. */
  failWith?: number;
  close(): Promise<void>;
}

const TOKEN = 'test-token-not-a-secret';
export const FAKE_ARGO_TOKEN = TOKEN;

export async function startFakeArgo(port = 0): Promise<FakeArgo> {
  let rv = 100;
  const streams = new Set<http.ServerResponse>();
  const sockets = new Set<import('node:net').Socket>();
  const state: FakeArgo = {
    url: '',
    port: 0,
    apps: new Map(),
    connections: 0,
    listCalls: 0,
    webhooks: [],
    stall: false,
    failWith: undefined,
    put(app) {
      const copy = structuredClone(app);
      const type = state.apps.has(copy.metadata.name) ? 'MODIFIED' : 'ADDED';
      copy.metadata.resourceVersion = String(++rv);
      state.apps.set(copy.metadata.name, copy);
      broadcast(type, copy);
      return copy;
    },
    del(name) {
      const app = state.apps.get(name);
      if (!app) return;
      state.apps.delete(name);
      const gone = structuredClone(app);
      gone.metadata.resourceVersion = String(++rv);
      broadcast('DELETED', gone);
    },
    raw(text) {
      for (const res of streams) res.write(text);
    },
    dropStreams() {
      for (const res of streams) res.socket?.destroy();
      streams.clear();
    },
    async close() {
      state.dropStreams();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  function frame(type: string, app: Application): string {
    return `data: ${JSON.stringify({ result: { type, application: app } })} \n\n`;
  }
  function broadcast(type: string, app: Application) {
    if (state.stall) return;
    for (const res of streams) res.write(frame(type, app));
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/webhook' && req.method === 'POST') {
      // Unauthenticated in Argo CD too (the HMAC signature is the protection).
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        state.webhooks.push({ headers: req.headers, raw });
        res.writeHead(200).end();
      });
      return;
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid session', code: 16, message: 'invalid session: token is invalid' }));
      return;
    }
    if (state.failWith) {
      res.writeHead(state.failWith, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 14, message: 'injected failure' }));
      return;
    }
    const selectorOk = url.searchParams.get('selector') === 'storefleet.dev/store' && url.searchParams.getAll('projects').includes('stores');
    if (url.pathname === '/api/v1/applications') {
      state.listCalls++;
      const items = selectorOk ? [...state.apps.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)) : [];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ metadata: { resourceVersion: String(rv) }, items }));
      return;
    }
    if (url.pathname === '/api/v1/stream/applications') {
      if (req.headers.accept !== 'text/event-stream' || !selectorOk) {
        res.writeHead(400).end();
        return;
      }
      state.connections++;
      if (state.stall) {
        // Accept the TCP connection and say nothing, like a hung proxy.
        streams.add(res);
        res.on('close', () => streams.delete(res));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' });
      for (const app of [...state.apps.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) res.write(frame('ADDED', app));
      res.write(':\n');
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    const one = /^\/api\/v1\/applications\/([^/]+)(\/resource-tree|\/events)?$/.exec(url.pathname);
    const app = one ? state.apps.get(decodeURIComponent(one[1])) : undefined;
    if (one && !app) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 5, message: `applications.argoproj.io "${one[1]}" not found` }));
      return;
    }
    if (one && app) {
      let body: unknown = app;
      // ApplicationTree: one node per managed resource, plus a ReplicaSet/Pod child under each Deployment.
      if (one[2] === '/resource-tree') {
        const nodes: unknown[] = [];
        for (const r of app.status?.resources ?? []) {
          nodes.push({ group: r.group, version: r.version, kind: r.kind, namespace: r.namespace, name: r.name, uid: `uid-${r.name}`, resourceVersion: '1', health: r.health });
          if (r.kind === 'Deployment') nodes.push({ group: 'apps', version: 'v1', kind: 'ReplicaSet', namespace: r.namespace, name: `${r.name}-5d8f`, uid: `uid-${r.name}-rs`, parentRefs: [{ group: 'apps', kind: 'Deployment', namespace: r.namespace, name: r.name, uid: `uid-${r.name}` }], health: r.health });
        }
        body = { nodes };
      }
      // core/v1 EventList for the Application object itself.
      if (one[2] === '/events') {
        body = {
          metadata: {},
          items: [
            { metadata: { name: `${app.metadata.name}.1`, namespace: 'argocd' }, involvedObject: { kind: 'Application', name: app.metadata.name, namespace: 'argocd' }, reason: 'OperationStarted', message: 'Initiated automated sync to \'2222222\'', type: 'Normal', count: 1, firstTimestamp: '2026-11-23T10:01:30Z', lastTimestamp: '2026-11-23T10:01:30Z' },
            { metadata: { name: `${app.metadata.name}.2`, namespace: 'argocd' }, involvedObject: { kind: 'Application', name: app.metadata.name, namespace: 'argocd' }, reason: 'OperationCompleted', message: 'Sync operation to 2222222 succeeded', type: 'Normal', count: 1, firstTimestamp: '2026-11-23T10:02:00Z', lastTimestamp: '2026-11-23T10:02:00Z' },
          ],
        };
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    res.writeHead(404).end();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  return state;
}
