// Pull-request mode against a GitHub stand-in: the exact sequence of REST calls per action, and
// every request and response checked against GitHub's published OpenAPI description.
import { storeDir } from '../generator/layout.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from './git/exec.ts';
import type { RunningServer } from './server.ts';
import { contract, opsSince, PULL_REQUEST_WRITE_OPS, startGitHubMock, type GitHubMock } from './test-support/github-mock.ts';
import { call, seededRemote, startApi, TOKENS, type Remote } from './test-support/harness.ts';

let remote: Remote;
let gh: GitHubMock;
let api: RunningServer;

beforeAll(async () => {
  remote = await seededRemote();
  // A store already on main (made in direct mode) to delete and restore through pull requests.
  const direct = await startApi(remote.fileUrl);
  const r = await call(direct.url, 'POST', '/api/stores', { token: TOKENS.admin, body: { name: 'old-shop', engine: 'woocommerce' } });
  expect(r.status).toBe(201);
  // And one deleted store to restore.
  expect((await call(direct.url, 'POST', '/api/stores', { token: TOKENS.admin, body: { name: 'gone-shop', engine: 'medusa' } })).status).toBe(201);
  expect((await call(direct.url, 'DELETE', '/api/stores/gone-shop', { token: TOKENS.admin })).status).toBe(200);
  await direct.close();
  const main = (await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim();
  gh = await startGitHubMock('acme', 'gitops', 'main', main);
  api = await startApi(remote.fileUrl, {
    STOREFLEET_GITHUB_OWNER: 'acme',
    STOREFLEET_GITHUB_REPO: 'gitops',
    STOREFLEET_GITHUB_TOKEN: 'ghp_testtoken',
    STOREFLEET_GITHUB_API_URL: gh.url,
  });
}, 120_000);
afterAll(async () => {
  await api?.close();
  await gh?.close();
});

const ops = (from: number) => opsSince(gh.requests, from);

describe('pull-request mode', () => {
  it('create: ref → tree → commit → branch → pull request, store pending-review', async () => {
    const n = gh.requests.length;
    const r = await call(api.url, 'POST', '/api/stores', { token: TOKENS.alice, body: { name: 'pr-shop', engine: 'medusa', displayName: 'PR Shop' } });
    expect(r.status).toBe(201);
    expect(ops(n)).toEqual(PULL_REQUEST_WRITE_OPS);
    const [, , tree, commit, ref, pr] = gh.requests.slice(n);
    const entries = (tree.requestBody as { tree: { path: string; content: string }[] }).tree;
    expect(entries.every((e) => e.path.startsWith(`${storeDir('pr-shop')}/`))).toBe(true);
    expect(entries.map((e) => e.path)).toContain(`${storeDir('pr-shop')}/store.yaml`);
    const c = commit.requestBody as { message: string; author: { name: string; email: string }; parents: string[] };
    expect(c.message).toContain('Requested-by: alice');
    expect(c.author).toMatchObject({ name: 'Alice Example', email: 'alice@example.com' });
    expect(c.parents).toEqual([gh.refs.get('refs/heads/main')]);
    expect((ref.requestBody as { ref: string }).ref).toBe('refs/heads/storefleet/create-pr-shop');
    expect(pr.requestBody).toMatchObject({ head: 'storefleet/create-pr-shop', base: 'main', title: 'Create store pr-shop' });
    expect((pr.requestBody as { body: string }).body).toContain('Alice Example');
    expect(r.body.pullRequest).toBe('https://github.com/acme/gitops/pull/1');
    expect((r.body.store as { status: string }).status).toBe('pending-review');
    expect((r.body.adminLogin as { password: string }).password.length).toBeGreaterThan(10);
    // No secret in what GitHub receives outside sealed files.
    expect(JSON.stringify(gh.requests)).not.toContain((r.body.adminLogin as { password: string }).password);

    const list = await call(api.url, 'GET', '/api/stores', { token: TOKENS.alice });
    const mine = (list.body.stores as { name: string; status: string; pullRequest?: string }[]).find((s) => s.name === 'pr-shop');
    expect(mine).toMatchObject({ status: 'pending-review', pullRequest: 'https://github.com/acme/gitops/pull/1' });
    expect(gh.requests.at(-1)?.operationId).toBe('pulls/list');
  });

  it('a second create of the same name while its pull request is open → 409, nothing written', async () => {
    const n = gh.requests.length;
    const r = await call(api.url, 'POST', '/api/stores', { token: TOKENS.alice, body: { name: 'pr-shop', engine: 'medusa' } });
    expect(r.status).toBe(409);
    expect(r.body.detail).toContain('https://github.com/acme/gitops/pull/1');
    expect(ops(n)).toEqual(['GET /repos/{owner}/{repo}/git/ref/{ref} 200', 'GET /repos/{owner}/{repo}/pulls 200']);
    expect(r.contentType).toContain('application/problem+json');
  });

  it('a branch left behind by a closed pull request → 409 naming the branch to delete', async () => {
    gh.refs.set('refs/heads/storefleet/create-stale-shop', gh.refs.get('refs/heads/main')!);
    const r = await call(api.url, 'POST', '/api/stores', { token: TOKENS.alice, body: { name: 'stale-shop', engine: 'medusa' } });
    expect(r).toMatchObject({ status: 409, body: { type: expect.stringContaining('store-busy') } });
    expect(r.body.detail).toContain('storefleet/create-stale-shop exists without an open pull request');
    gh.refs.delete('refs/heads/storefleet/create-stale-shop');
  });

  it('delete: one commit removing every file of the folder, branch storefleet/delete-<name>', async () => {
    const n = gh.requests.length;
    const r = await call(api.url, 'DELETE', '/api/stores/old-shop', { token: TOKENS.admin });
    expect(r.status).toBe(200);
    expect(ops(n)).toEqual(PULL_REQUEST_WRITE_OPS);
    const tree = (gh.requests[n + 2].requestBody as { tree: { path: string; sha: null }[] }).tree;
    const files = (await runGit(remote.dir, ['ls-tree', '-r', '--name-only', 'main', storeDir('old-shop')])).stdout.split('\n').filter(Boolean);
    expect(tree.map((e) => e.path).sort()).toEqual(files.sort());
    expect(tree.every((e) => e.sha === null)).toBe(true);
    expect((gh.requests[n + 4].requestBody as { ref: string }).ref).toBe('refs/heads/storefleet/delete-old-shop');
  });

  it('restore: the folder tree from before the delete, on branch storefleet/restore-<name>', async () => {
    const n = gh.requests.length;
    const r = await call(api.url, 'POST', '/api/stores/gone-shop/restore', { token: TOKENS.admin });
    expect(r.status).toBe(201);
    expect(ops(n)).toEqual(PULL_REQUEST_WRITE_OPS);
    const del = (await runGit(remote.dir, ['log', '-1', '--diff-filter=D', '--format=%H', 'main', '--', `${storeDir('gone-shop')}/store.yaml`])).stdout.trim();
    const folder = (await runGit(remote.dir, ['rev-parse', `${del}^:${storeDir('gone-shop')}`])).stdout.trim();
    expect((gh.requests[n + 2].requestBody as { tree: unknown[] }).tree).toEqual([{ path: storeDir('gone-shop'), mode: '040000', type: 'tree', sha: folder }]);
    expect((gh.requests[n + 4].requestBody as { ref: string }).ref).toBe('refs/heads/storefleet/restore-gone-shop');
    expect(r.body.pullRequest).toMatch(/\/pull\/\d+$/);
  });

  it('every request and response matches GitHub’s OpenAPI description', () => {
    const c = contract();
    expect(gh.requests.length).toBeGreaterThanOrEqual(12);
    for (const r of gh.requests) {
      expect(r.template, r.path).not.toBe('?');
      const req = c.request(r.template, r.method);
      if (req) expect(req(r.requestBody), `${r.operationId} request: ${JSON.stringify(req.errors)}`).toBe(true);
      else expect(r.requestBody).toBeUndefined();
      const res = c.response(r.template, r.method, r.status);
      expect(res, `${r.operationId} ${r.status} is a documented response`).toBeDefined();
      expect(res!(r.responseBody), `${r.operationId} response: ${JSON.stringify(res!.errors?.slice(0, 3))}`).toBe(true);
    }
  });

  it('the contract check rejects a malformed request (the validator can fail)', () => {
    const c = contract();
    const v = c.request('/repos/{owner}/{repo}/git/trees', 'POST')!;
    expect(v({ tree: [{ path: 'x', mode: '100755x', type: 'blob' }] })).toBe(false);
    expect(v({ base_tree: 'abc' })).toBe(false);
  });
});
