// Rate limits that cannot be turned against others: requests without a valid token have their own
// per-client-address budget, authenticated writes are limited per user, and behind a trusted
// reverse proxy (a real http-proxy-3 hop on loopback that appends X-Forwarded-For) the client
// address is the real one, so one anonymous client cannot block everybody behind the Ingress.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxyServer } from 'http-proxy-3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import type { RunningServer } from './server.ts';
import { call, seededRemote, startApi, TOKENS, type Remote } from './test-support/harness.ts';

const ANONYMOUS_BUDGET = 20;
let remote: Remote;

beforeAll(async () => {
  remote = await seededRemote();
});

/** One HTTP request from a chosen loopback source address (127.0.0.x all reach lo on Linux). */
function from(localAddress: string, base: string, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> }>((resolve, reject) => {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = request(
      `${base}${path}`,
      {
        method,
        localAddress,
        agent: false,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            parsed = { text };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const limits = (extra: Record<string, string> = {}) => ({
  STOREFLEET_RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: String(ANONYMOUS_BUDGET),
  ...extra,
});

describe('directly on the API', () => {
  let api: RunningServer;
  beforeAll(async () => {
    api = await startApi(remote.fileUrl, limits({ STOREFLEET_RATE_LIMIT_USER_WRITES_PER_MINUTE: '3' }));
  });
  afterAll(async () => {
    await api?.close();
  });

  it('anonymous POSTs use up their own budget, never the admin\'s first create', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < ANONYMOUS_BUDGET + 5; i++) statuses.push((await call(api.url, 'POST', '/api/stores', { body: { name: `anon${i}`, engine: 'medusa' } })).status);
    expect(statuses.slice(0, ANONYMOUS_BUDGET).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(ANONYMOUS_BUDGET).every((s) => s === 429)).toBe(true);
    const limited = await call(api.url, 'GET', '/api/stores');
    expect(limited.status).toBe(429);
    expect(limited.body.detail).toMatch(/without a valid token/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const create = await call(api.url, 'POST', '/api/stores', { token: TOKENS.admin, body: { name: 'first', engine: 'medusa' } });
    expect(create.status, JSON.stringify(create.body)).toBe(201);
  });

  it('authenticated writes are limited per user: one user\'s burst leaves others their budget', async () => {
    const alice: number[] = [];
    for (let i = 0; i < 5; i++) alice.push((await call(api.url, 'DELETE', '/api/stores/nosuch', { token: TOKENS.alice })).status);
    expect(alice.slice(0, 3)).toEqual([404, 404, 404]);
    expect(alice.slice(3)).toEqual([429, 429]);
    // Reads are not writes.
    expect((await call(api.url, 'GET', '/api/stores', { token: TOKENS.alice })).status).toBe(200);
    expect((await call(api.url, 'DELETE', '/api/stores/nosuch', { token: TOKENS.bob })).status).toBe(404);
  });
});

describe('behind a trusted reverse proxy on loopback', () => {
  let api: RunningServer;
  let proxy: ReturnType<typeof createProxyServer>;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    // The proxy reaches the API from 127.0.0.1; clients reach the proxy from 127.0.0.2 and 127.0.0.3.
    api = await startApi(remote.fileUrl, limits({ STOREFLEET_TRUSTED_PROXIES: '127.0.0.1' }));
    proxy = createProxyServer({ target: api.url, xfwd: true });
    server = createServer((req, res) => proxy.web(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    proxy?.close();
    await api?.close();
  });

  it('limits the anonymous client by its real address, even when it forges X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < ANONYMOUS_BUDGET + 3; i++) {
      // A fresh forged address every time: the proxy appends the real one, which is what counts.
      statuses.push((await from('127.0.0.2', base, 'POST', '/api/stores', { body: { name: 'x', engine: 'medusa' }, headers: { 'x-forwarded-for': `10.9.8.${i}` } })).status);
    }
    expect(statuses.filter((s) => s === 429).length).toBe(3);
    // Another anonymous client behind the same proxy still gets its own answer (401, not 429).
    expect((await from('127.0.0.3', base, 'GET', '/api/stores')).status).toBe(401);
    // The admin, even from the attacker's address, writes.
    const create = await from('127.0.0.2', base, 'POST', '/api/stores', { token: TOKENS.admin, body: { name: 'proxied', engine: 'medusa' } });
    expect(create.status, JSON.stringify(create.body)).toBe(201);
  });
});

describe('trusted proxies setting', () => {
  it('accepts IPs, CIDRs and named ranges; refuses anything else with the option named', () => {
    const c = loadConfig([], { STOREFLEET_TRUSTED_PROXIES: '10.0.0.0/8, ::1, uniquelocal' });
    expect(c.trustedProxies).toEqual(['10.0.0.0/8', '::1', 'uniquelocal']);
    expect(loadConfig([], {}).trustedProxies).toEqual([]);
    for (const bad of ['ingress', '10.0.0.0/33', '10.0.0/8', '*']) {
      expect(() => loadConfig([], { STOREFLEET_TRUSTED_PROXIES: bad })).toThrow(/trustedProxies.*STOREFLEET_TRUSTED_PROXIES/s);
    }
  });
});
