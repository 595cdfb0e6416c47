// Answers of the authenticated API carry per-user data and, for a create, the store's one-time
// admin password: none may be kept by a browser or proxy cache (Cache-Control: no-store).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from './server.ts';
import { call, seededRemote, startApi, TOKENS } from './test-support/harness.ts';

let api: RunningServer;

beforeAll(async () => {
  api = await startApi((await seededRemote()).fileUrl);
});
afterAll(async () => {
  await api?.close();
});

describe('Cache-Control: no-store', () => {
  it('on the create answer that carries the one-time admin password', async () => {
    const r = await call(api.url, 'POST', '/api/stores', { token: TOKENS.admin, body: { name: 'cached', engine: 'woocommerce' } });
    expect(r.status).toBe(201);
    expect((r.body.adminLogin as { password: string }).password).toBeTruthy();
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('on every other API answer, reads and refusals included', async () => {
    for (const [method, path, token] of [
      ['GET', '/api/stores', TOKENS.admin],
      ['GET', '/api/stores/cached', TOKENS.admin],
      ['GET', '/api/platform', TOKENS.alice],
      ['DELETE', '/api/stores/cached', TOKENS.alice],
      ['GET', '/api/stores', undefined],
    ] as const) {
      const r = await call(api.url, method, path, { token });
      expect(r.headers.get('cache-control'), `${method} ${path} → ${r.status}`).toBe('no-store');
    }
  });
});
