// Property-based fuzzing of bodies, names, headers and paths: every answer is a 4xx problem
// document (never a 5xx), and the branch never moves.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from './git/exec.ts';
import type { RunningServer } from './server.ts';
import { createStoreRequest } from '../contract/index.ts';
import { seededRemote, startApi, TOKENS, type Remote } from './test-support/harness.ts';
import { propertyParams } from './test-support/property.ts';

let remote: Remote;
let api: RunningServer;
let head: string;

beforeAll(async () => {
  remote = await seededRemote();
  api = await startApi(remote.fileUrl, { STOREFLEET_BODY_LIMIT_BYTES: '4096' });
  // One real store so delete/restore/manifest paths meet existing data too.
  const r = await fetch(`${api.url}/api/stores`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'existing', engine: 'medusa' }),
  });
  expect(r.status).toBe(201);
  head = (await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim();
});
afterAll(async () => {
  await api?.close();
});

async function expectProblem(res: Response): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBeGreaterThanOrEqual(400);
  expect(res.status, text).toBeLessThan(500);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = JSON.parse(text) as { type: string; title: string; status: number };
  expect(body.status).toBe(res.status);
  expect(typeof body.title).toBe('string');
}

// Names the schema rejects (valid names would legitimately create stores).
const badName = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('', 'A', '-a', 'a-', 'a--b', 'admin', 'kube-x', 'x-admin', 'a'.repeat(41), 'ünï', 'a b', 'a\nb', '../x', 'existing'),
).filter((n) => !/^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/.test(n) || ['admin', 'existing'].includes(n) || n.includes('--') || n.startsWith('kube-') || /-(admin|api)$/.test(n));

const jsonValue = fc.jsonValue({ maxDepth: 3 });

// Display names are trimmed before the 80-character check: too long means too long after trimming.
const tooLongDisplayName = fc.string({ minLength: 81, maxLength: 120 }).filter((s) => s.trim().length > 80);

describe('fuzzing', () => {
  it('bad create bodies → 4xx problem, no commit', async () => {
    const body = fc.oneof(
      fc.record({ name: badName, engine: fc.oneof(fc.constantFrom('woocommerce', 'medusa'), fc.string()) }, { requiredKeys: [] }),
      fc.record({ name: fc.constant('okname'), engine: fc.string().filter((e) => e !== 'woocommerce' && e !== 'medusa') }),
      fc.record({ name: fc.constant('okname'), engine: fc.constant('medusa'), plan: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }).filter((b) => b.plan !== 'small' && b.plan !== 'medium' && b.plan !== 'large'),
      fc.record({ name: fc.constant('okname'), engine: fc.constant('medusa'), displayName: fc.oneof(fc.constant(''), tooLongDisplayName, fc.constant('a\u0000b'), fc.constant('x\ny'), fc.integer()) }),
      fc.record({ name: fc.constant('okname'), engine: fc.constant('medusa'), owner: fc.string() }),
      jsonValue.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
    )
      // Safety net: a body the request schema accepts is a legitimate create, not a fuzz case.
      .filter((b) => !createStoreRequest.safeParse(b).success);
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await fetch(`${api.url}/api/stores`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKENS.admin}`, 'content-type': 'application/json' },
          body: JSON.stringify(b),
        });
        await expectProblem(res);
      }),
      propertyParams(150),
    );
  });

  it('raw bytes, content types and headers → 4xx problem', async () => {
    const header = fc.record(
      {
        'content-type': fc.oneof(fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', 'multipart/form-data', ''), fc.string({ maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''))),
        authorization: fc.oneof(fc.constant(`Bearer ${TOKENS.admin}`), fc.constant(`Bearer ${TOKENS.alice}`), fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')), fc.constant('Basic YWRtaW46YWRtaW4=')),
        'idempotency-key': fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
      },
      { requiredKeys: ['authorization'] },
    );
    const raw = fc.oneof(fc.string({ maxLength: 300 }), fc.constant('{"name":"zz","engine":"medusa"'), fc.constant('[]'), fc.constant('null'), fc.constant('x'.repeat(5000)));
    await fc.assert(
      fc.asyncProperty(header, raw, async (h, b) => {
        const headers = Object.fromEntries(Object.entries(h).filter(([, v]) => v !== ''));
        const res = await fetch(`${api.url}/api/stores`, { method: 'POST', headers, body: b });
        await expectProblem(res);
      }),
      propertyParams(150),
    );
  });

  it('paths and methods → 4xx problem', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 20 }).map(encodeURIComponent),
      fc.constantFrom('%', '%zz', '%00', '..', '.', '%2e%2e', '%2F', 'existing', 'stores', '~', '%ff%fe'),
    );
    const path = fc.oneof(
      fc.tuple(segment).map(([a]) => `/api/stores/${a}`),
      fc.tuple(segment, segment).map(([a, b]) => `/api/stores/${a}/manifests/${b}`),
      fc.tuple(segment).map(([a]) => `/api/stores/existing/manifests/${a}`),
      fc.tuple(segment).map(([a]) => `/api/${a}`),
      fc.tuple(segment, segment).map(([a, b]) => `/api/stores/${a}/${b}`),
      fc.tuple(segment).map(([a]) => `/api/stores/${a}/restore`),
    );
    const method = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH');
    const who = fc.constantFrom(TOKENS.alice, TOKENS.bob, undefined);
    await fc.assert(
      fc.asyncProperty(path, method, who, async (p, m, t) => {
        // Valid restore/delete of real names by their owner would be legitimate writes: members own nothing here.
        const headers: Record<string, string> = t ? { authorization: `Bearer ${t}` } : {};
        const res = await fetch(`${api.url}${p}`, { method: m, headers });
        // The only successes a fuzzed path may hit are the read-only collection routes.
        const readOnly = ['/api/stores', '/api/stores/', '/api/platform', '/api/openapi.json'];
        // (fetch normalizes dot segments: /api/stores/. is /api/stores/.)
        if (res.status < 400 && m === 'GET' && t && readOnly.includes(new URL(api.url + p).pathname)) return;
        await expectProblem(res);
      }),
      propertyParams(200),
    );
  });

  it('the branch never moved', async () => {
    expect((await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim()).toBe(head);
  });
});
