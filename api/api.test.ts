// The API over real HTTP against a real bare file:// remote: create, list, detail, manifests,
// delete and restore (checked against real `git revert`), auth, limits, idempotency, secrets.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { storeDir, storeShard } from '../generator/layout.ts';
import { unseal } from '../generator/sealing.ts';
import { storeSpecYaml } from '../generator/spec.ts';
import { writeCommits } from './git/fast-import.ts';
import { runGit } from './git/exec.ts';
import type { RunningServer } from './server.ts';
import { call, isAncestor, remoteStores, seededRemote, startApi, TOKENS, type Remote } from './test-support/harness.ts';

let remote: Remote;
let api: RunningServer;
let base: string;
const admin = TOKENS.admin;
const passwords: string[] = [];

beforeAll(async () => {
  remote = await seededRemote();
  api = await startApi(remote.fileUrl, { STOREFLEET_RATE_LIMIT_USER_WRITES_PER_MINUTE: '40', STOREFLEET_BODY_LIMIT_BYTES: '2048' });
  base = api.url;
});
afterAll(async () => {
  await api?.close();
});

describe('create', () => {
  it('commits the rendered folder, answers the commit and the admin login once', async () => {
    const r = await call(base, 'POST', '/api/stores', { token: admin, body: { name: 'alpha', engine: 'woocommerce', displayName: 'Alpha Shop' } });
    expect(r.status).toBe(201);
    const commit = r.body.commit as string;
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await isAncestor(remote.dir, commit)).toBe(true);
    const login = r.body.adminLogin as { user: string; password: string };
    expect(login.password.length).toBeGreaterThanOrEqual(16);
    passwords.push(login.password);
    expect(r.headers.get('location')).toBe('/api/stores/alpha');
    expect((r.body.store as { status: string }).status).toBe('committed');

    // One commit, only the store's folder, author = requester, trailers present.
    const files = await runGit(remote.dir, ['diff-tree', '--no-commit-id', '--name-only', '-r', commit]);
    expect(files.stdout.split('\n').filter(Boolean).every((f) => f.startsWith(`${storeDir('alpha')}/`))).toBe(true);
    expect(files.stdout).toContain(`${storeDir('alpha')}/store.yaml`);
    const msg = await runGit(remote.dir, ['log', '-1', '--format=%an%n%B', commit]);
    expect(msg.stdout).toContain('Requested-by: admin');
    expect(msg.stdout).toContain('Storefleet-Action: create');

    // Never returned again: the detail has no password.
    const d = await call(base, 'GET', '/api/stores/alpha', { token: admin });
    expect(d.status).toBe(200);
    expect(JSON.stringify(d.body)).not.toContain(login.password);
    expect((d.body.history as unknown[]).length).toBe(1);
    expect((d.body.history as { requestedBy: string }[])[0].requestedBy).toBe('admin');
    expect(d.body.files as string[]).toContain(`${storeDir('alpha')}/store.yaml`);
  });

  it('answers 409 for a taken name and 400 with field errors for a bad body', async () => {
    const dup = await call(base, 'POST', '/api/stores', { token: admin, body: { name: 'alpha', engine: 'medusa' } });
    expect(dup.status).toBe(409);
    expect(dup.contentType).toContain('application/problem+json');
    const bad = await call(base, 'POST', '/api/stores', { token: admin, body: { name: 'Bad_Name', engine: 'joomla', extra: 1 } });
    expect(bad.status).toBe(400);
    const fields = (bad.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['engine', 'extra', 'name']);
    const plan = await call(base, 'POST', '/api/stores', { token: admin, body: { name: 'planless', engine: 'medusa', plan: 'huge' } });
    expect(plan.status).toBe(400);
    expect(JSON.stringify(plan.body.errors)).toContain('unknown plan');
  });

  it('serves a rendered manifest and 404s unknown files', async () => {
    const d = await call(base, 'GET', '/api/stores/alpha', { token: admin });
    const file = (d.body.files as string[]).find((f) => f.includes('/manifests/'))!;
    const res = await fetch(`${base}/api/stores/alpha/manifests/${file.split('/').pop()}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('kind:');
    expect((await call(base, 'GET', '/api/stores/alpha/manifests/..%2Fstore.yaml', { token: admin })).status).toBe(404);
  });
});

describe('access', () => {
  it('requires a token for the API, not for probes and the OpenAPI document', async () => {
    expect((await call(base, 'GET', '/api/stores')).status).toBe(401);
    expect((await call(base, 'POST', '/api/stores', { body: { name: 'x', engine: 'medusa' } })).status).toBe(401);
    expect((await call(base, 'GET', '/api/stores', { token: 'sf_not-a-real-token-000000' })).status).toBe(401);
    expect((await call(base, 'GET', '/healthz')).status).toBe(200);
    expect((await call(base, 'GET', '/readyz')).status).toBe(200);
    const doc = await call(base, 'GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    const schema = (doc.body as { components: { schemas: { CreateStoreRequest: { properties: Record<string, unknown>; required: string[] } } } }).components.schemas.CreateStoreRequest;
    expect(Object.keys(schema.properties).sort()).toEqual(['displayName', 'engine', 'name', 'plan']);
    expect(schema.required.sort()).toEqual(['engine', 'name']);
  });

  it('members see and manage only their own stores, up to the per-owner limit', async () => {
    const a = await call(base, 'POST', '/api/stores', { token: TOKENS.alice, body: { name: 'alice-one', engine: 'medusa' } });
    expect(a.status).toBe(201);
    passwords.push((a.body.adminLogin as { password: string }).password);
    const author = await runGit(remote.dir, ['log', '-1', '--format=%an <%ae>', a.body.commit as string]);
    expect(author.stdout.trim()).toBe('Alice Example <alice@example.com>');
    const bobList = await call(base, 'GET', '/api/stores', { token: TOKENS.bob });
    expect((bobList.body.stores as { name: string }[]).map((s) => s.name)).toEqual([]);
    const aliceList = await call(base, 'GET', '/api/stores', { token: TOKENS.alice });
    expect((aliceList.body.stores as { name: string }[]).map((s) => s.name)).toEqual(['alice-one']);
    expect((await call(base, 'GET', '/api/stores/alice-one', { token: TOKENS.bob })).status).toBe(404);
    expect((await call(base, 'DELETE', '/api/stores/alice-one', { token: TOKENS.bob })).status).toBe(404);
    expect((await call(base, 'DELETE', '/api/stores/alpha', { token: TOKENS.alice })).status).toBe(404);
    // The template's platform.yaml allows 5 stores per owner.
    for (let i = 2; i <= 5; i++) {
      const r = await call(base, 'POST', '/api/stores', { token: TOKENS.alice, body: { name: `alice-${i}`, engine: 'woocommerce' } });
      expect(r.status).toBe(201);
      passwords.push((r.body.adminLogin as { password: string }).password);
    }
    const over = await call(base, 'POST', '/api/stores', { token: TOKENS.alice, body: { name: 'alice-6', engine: 'woocommerce' } });
    expect(over.status).toBe(403);
    expect(over.body.detail).toContain('storesPerOwner');
  });

  it('limits body size (413), media type (415) and malformed JSON (400)', async () => {
    const big = await call(base, 'POST', '/api/stores', { token: admin, body: { name: 'big', engine: 'medusa', displayName: 'x'.repeat(4000) } });
    expect(big.status).toBe(413);
    const form = await call(base, 'POST', '/api/stores', { token: admin, body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    const broken = await call(base, 'POST', '/api/stores', { token: admin, body: '{"name":' });
    expect(broken.status).toBe(400);
    for (const r of [big, form, broken]) expect(r.contentType).toContain('application/problem+json');
  });

  it('sends security headers and no CORS headers by default', async () => {
    const res = await fetch(`${base}/healthz`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('idempotency', () => {
  it('replays the same key and body, refuses the same key with another body', async () => {
    const headers = { 'idempotency-key': 'req-42' };
    const first = await call(base, 'POST', '/api/stores', { token: admin, headers, body: { name: 'beta', engine: 'medusa' } });
    expect(first.status).toBe(201);
    passwords.push((first.body.adminLogin as { password: string }).password);
    const again = await call(base, 'POST', '/api/stores', { token: admin, headers, body: { name: 'beta', engine: 'medusa' } });
    expect(again.status).toBe(201);
    expect(again.body.commit).toBe(first.body.commit);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.adminLogin).toBeUndefined();
    const other = await call(base, 'POST', '/api/stores', { token: admin, headers, body: { name: 'gamma', engine: 'medusa' } });
    expect(other.status).toBe(422);
    const trailer = await runGit(remote.dir, ['log', '-1', '--format=%(trailers:key=Idempotency-Key,valueonly)', first.body.commit as string]);
    expect(trailer.stdout.trim()).toBe('req-42');
  });

  it('finds a key in history after a restart (new process state, same remote)', async () => {
    const { startApi: start } = await import('./test-support/harness.ts');
    const fresh = await start(remote.fileUrl);
    try {
      const r = await call(fresh.url, 'POST', '/api/stores', { token: admin, headers: { 'idempotency-key': 'req-42' }, body: { name: 'beta', engine: 'medusa' } });
      expect(r.status).toBe(201);
      expect(r.headers.get('idempotent-replayed')).toBe('true');
    } finally {
      await fresh.close();
    }
  });
});

describe('delete and restore', () => {
  it('a store folder in the wrong shard or in the old flat layout keeps its name taken; deleting it removes that folder', async () => {
    expect(storeShard('misfit')).not.toBe('00');
    const tip = (await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim();
    const spec = storeSpecYaml({ name: 'misfit', engine: 'medusa', plan: 'small', displayName: 'Misfit', owner: 'admin', createdAt: '2026-11-23T16:00:00Z' });
    const person = { name: 'A Person', email: 'person@example.com' };
    const changes = [
      { op: 'write' as const, path: 'stores/00/misfit/store.yaml', content: spec },
      { op: 'write' as const, path: 'stores/oldstyle/store.yaml', content: spec.replaceAll('misfit', 'oldstyle') },
      { op: 'write' as const, path: 'stores/oldstyle/manifests/namespace-store-oldstyle.yaml', content: 'kind: Namespace\n' },
    ];
    const [hand] = await writeCommits(remote.dir, tip, [{ author: person, committer: person, time: 1700000000, message: 'Add two stores by hand\n', changes }]);
    await runGit(remote.dir, ['update-ref', 'refs/heads/main', hand, tip]);

    for (const name of ['misfit', 'oldstyle']) {
      const dup = await call(base, 'POST', '/api/stores', { token: admin, body: { name, engine: 'woocommerce' } });
      expect(dup.status).toBe(409);
    }
    // Neither is listed as a store of its own ("manifests" is not a store either).
    const names = ((await call(base, 'GET', '/api/stores', { token: admin })).body.stores as { name: string }[]).map((x) => x.name);
    expect(names).not.toContain('misfit');
    expect(names).not.toContain('oldstyle');
    expect(names).not.toContain('manifests');
    expect(await remoteStores(remote.dir).catch((e: Error) => e.message)).toBe('stores/00/misfit is not in its shard folder');
    const del = await call(base, 'DELETE', '/api/stores/misfit', { token: admin });
    expect(del.status).toBe(200);
    expect((await runGit(remote.dir, ['ls-tree', '-r', '--name-only', 'main', '--', 'stores/00'])).stdout).toBe('');
    expect((await call(base, 'DELETE', '/api/stores/oldstyle', { token: admin })).status).toBe(200);
    expect((await runGit(remote.dir, ['ls-tree', '-r', '--name-only', 'main', '--', 'stores/oldstyle'])).stdout).toBe('');
    expect((await runGit(remote.dir, ['rev-list', '--count', `${hand}..main`])).stdout.trim()).toBe('2');
  });

  it('delete is the real revert of the addition; restore reverts the delete', async () => {
    const before = (await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim();
    const add = (await runGit(remote.dir, ['log', '-1', '--diff-filter=A', '--format=%H', 'main', '--', `${storeDir('alpha')}/store.yaml`])).stdout.trim();
    // What `git revert` does on its own, in a scratch clone.
    const scratch = mkdtempSync(join(tmpdir(), 'sf-revert-'));
    await runGit(scratch, ['clone', '--quiet', remote.dir, 'w']);
    const w = join(scratch, 'w');
    await runGit(w, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'revert', '--no-edit', add]);
    const expectedTree = (await runGit(w, ['rev-parse', 'HEAD^{tree}'])).stdout.trim();

    const del = await call(base, 'DELETE', '/api/stores/alpha', { token: admin });
    expect(del.status).toBe(200);
    const delSha = del.body.commit as string;
    expect((await runGit(remote.dir, ['rev-parse', `${delSha}^`])).stdout.trim()).toBe(before);
    expect((await runGit(remote.dir, ['rev-parse', `${delSha}^{tree}`])).stdout.trim()).toBe(expectedTree);
    const msg = (await runGit(remote.dir, ['log', '-1', '--format=%B', delSha])).stdout;
    expect(msg).toContain(`Revert "Create store alpha"`);
    expect(msg).toContain(`This reverts commit ${add}.`);
    expect(await remoteStores(remote.dir)).not.toContain('alpha');

    const list = await call(base, 'GET', '/api/stores?include=deleted', { token: admin });
    const gone = (list.body.stores as { name: string; status: string; deletedAt?: string; deletedBy?: string }[]).find((s) => s.name === 'alpha');
    expect(gone?.status).toBe('deleted');
    // When and by whom, from the delete commit itself.
    const committed = (await runGit(remote.dir, ['log', '-1', '--format=%cI', delSha])).stdout.trim();
    expect(gone && Date.parse(gone.deletedAt!)).toBe(Date.parse(committed));
    expect(gone?.deletedBy).toBe('admin');

    const restore = await call(base, 'POST', '/api/stores/alpha/restore', { token: admin });
    expect(restore.status).toBe(201);
    const resSha = restore.body.commit as string;
    // Restore = revert of the delete: the tree is the one before the delete.
    expect((await runGit(remote.dir, ['rev-parse', `${resSha}^{tree}`])).stdout.trim()).toBe((await runGit(remote.dir, ['rev-parse', `${before}^{tree}`])).stdout.trim());
    expect((await runGit(remote.dir, ['log', '-1', '--format=%B', resSha])).stdout).toContain(`This reverts commit ${delSha}.`);
    expect((await call(base, 'POST', '/api/stores/alpha/restore', { token: admin })).status).toBe(409);
    expect((await call(base, 'DELETE', '/api/stores/nosuch', { token: admin })).status).toBe(404);
  });
});

describe('secrets', () => {
  it('no plaintext secret value appears in any blob of the history, and sealed values unseal to them', async () => {
    expect(passwords.length).toBeGreaterThanOrEqual(5);
    // Unseal every sealed value with the dev private key: these are the secrets to look for.
    const secrets = new Set<string>(passwords);
    const files = (await runGit(remote.dir, ['ls-tree', '-r', '--name-only', 'main', 'stores'])).stdout.split('\n').filter((f) => f.includes('sealedsecret-'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const doc = parse((await runGit(remote.dir, ['show', `main:${f}`])).stdout) as { metadata: { name: string; namespace: string }; spec: { encryptedData: Record<string, string> } };
      for (const v of Object.values(doc.spec.encryptedData)) secrets.add(unseal(remote.privateKeyPem, doc.metadata.namespace, doc.metadata.name, v));
    }
    for (const p of passwords) expect(secrets.has(p)).toBe(true); // the returned passwords are the sealed ones
    const objects = (await runGit(remote.dir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)'])).stdout
      .split('\n')
      .filter((l) => l.endsWith(' blob') || l.endsWith(' commit'))
      .map((l) => l.split(' ')[0]);
    const all = (await runGit(remote.dir, ['cat-file', '--batch'], { input: objects.join('\n') + '\n' })).stdout;
    const long = [...secrets].filter((s) => s.length >= 12);
    expect(long.length).toBeGreaterThan(5);
    for (const s of long) expect(all.includes(s), 'a secret value was committed in plaintext').toBe(false);
  });
});

describe('operations', () => {
  it('exposes Prometheus metrics and the platform summary', async () => {
    const m = await fetch(`${base}/metrics`);
    const text = await m.text();
    expect(text).toMatch(/storefleet_commits_total\{action="create"\} \d+/);
    expect(text).toContain('storefleet_write_seconds_bucket');
    expect(text).toContain('storefleet_push_retries_total');
    const p = await call(base, 'GET', '/api/platform', { token: TOKENS.alice });
    expect(p.body.mode).toBe('direct');
    expect(p.body.user).toEqual({ id: 'alice', role: 'member' });
    expect(p.body.branch).toBe('main');
    expect(p.body.head).toBe((await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim());
    expect((p.body.platform as { plans: string[] }).plans).toContain('small');
    expect(p.body.argocd).toMatchObject({ configured: false, connected: false, reason: expect.stringContaining('no Argo CD configured') });
  });

  it('rate limits writes per user with 429 and Retry-After', async () => {
    let limited;
    for (let i = 0; i < 45 && !limited; i++) {
      const r = await call(base, 'DELETE', `/api/stores/nosuch-${i}`, { token: admin });
      if (r.status === 429) limited = r;
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited?.contentType).toContain('application/problem+json');
  });
});

void readFileSync;

describe('backups', () => {
  it('GET /api/stores/{name}/backups: owner and admins, live and deleted stores; without a target it says so', async () => {
    const c = await call(base, 'POST', '/api/stores', { token: TOKENS.bob, body: { name: 'bob-backups', engine: 'medusa' } });
    expect(c.status).toBe(201);
    passwords.push((c.body.adminLogin as { password: string }).password);
    for (const token of [TOKENS.bob, admin]) {
      const r = await call(base, 'GET', '/api/stores/bob-backups/backups', { token });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ target: false, backups: [] });
    }
    expect((await call(base, 'GET', '/api/stores/bob-backups/backups', { token: TOKENS.alice })).status).toBe(404);
    expect((await call(base, 'GET', '/api/stores/no-such-store/backups', { token: admin })).status).toBe(404);
    expect((await call(base, 'DELETE', '/api/stores/bob-backups', { token: TOKENS.bob })).status).toBe(200);
    const gone = await call(base, 'GET', '/api/stores/bob-backups/backups', { token: TOKENS.bob });
    expect(gone.status).toBe(200);
    expect(gone.body).toEqual({ target: false, backups: [] });
    expect((await call(base, 'GET', '/api/stores/bob-backups/backups', { token: TOKENS.alice })).status).toBe(404);
  });
});
