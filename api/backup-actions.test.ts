// "Back up now" and roll-back as commits (direct mode, a real Git remote): what lands in the
// store's folder — the request in store.yaml, the re-rendered manifests with the store's own
// sealed secrets, one manual-backup Job at a time — and the refusal without a backup target.
// Who may ask is the transport contract's (api/stores/transport-contract.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from './git/exec.ts';
import { storeDir } from '../generator/layout.ts';
import { withBackupTarget } from '../generator/test/helpers.ts';
import { call, TOKENS } from './test-support/harness.ts';
import { editPlatformYaml, startTransport, type TransportSetup } from './test-support/transports.ts';

const problem = (slug: string) => expect.objectContaining({ type: `https://storefleet.dev/problems/${slug}` });

/** The store's folder on the remote's main branch: path → content. */
async function folder(t: TransportSetup, name: string): Promise<Map<string, string>> {
  const dir = storeDir(name);
  const paths = (await runGit(t.remote.dir, ['ls-tree', '-r', '--name-only', 'main', '--', `${dir}/`])).stdout.split('\n').filter(Boolean);
  const out = new Map<string, string>();
  for (const p of paths) out.set(p.slice(dir.length + 1), (await runGit(t.remote.dir, ['show', `main:${p}`])).stdout);
  return out;
}

describe('backup requests in Git (direct mode)', () => {
  let t: TransportSetup;
  beforeAll(async () => {
    t = await startTransport('direct', async (direct, remote) => {
      await editPlatformYaml(remote, (text) => withBackupTarget(text));
      await direct.context.mirror.fetch();
      for (const [name, engine] of [['shop-a', 'medusa'], ['shop-b', 'woocommerce']]) {
        expect((await call(direct.url, 'POST', '/api/stores', { token: TOKENS.alice, body: { name, engine } })).status).toBe(201);
      }
    });
  }, 120_000);
  afterAll(() => t?.close());

  const as = (token: string, method: string, path: string, body?: unknown) => call(t.api.url, method, path, { token, body });
  const sealed = (files: Map<string, string>) => new Map([...files].filter(([f]) => f.startsWith('manifests/sealedsecret-')));
  const jobs = (files: Map<string, string>) => [...files.keys()].filter((f) => f.startsWith('manifests/job-manual-backup-'));

  it('"Back up now" commits the request and the manual-backup Job, keeping every sealed secret; the next request replaces the Job', async () => {
    const before = await folder(t, 'shop-a');
    expect(jobs(before)).toEqual([]);
    const first = await as(TOKENS.alice, 'POST', '/api/stores/shop-a/backups');
    expect(first.status).toBe(202);
    const once = await folder(t, 'shop-a');
    expect(once.get('store.yaml')).toContain('manualBackup:');
    expect(once.get('store.yaml')).toContain('by: "alice"');
    expect(jobs(once)).toHaveLength(1);
    expect(once.get(jobs(once)[0])).toContain('value: manual');
    expect(sealed(once)).toEqual(sealed(before));
    // Only the request changed the folder: store.yaml and the new Job.
    const changed = [...new Set([...before.keys(), ...once.keys()])].filter((f) => before.get(f) !== once.get(f)).sort();
    expect(changed).toEqual(['store.yaml', jobs(once)[0]].sort());
    const log = (await runGit(t.remote.dir, ['log', '-1', '--format=%s%n%b', 'main'])).stdout;
    expect(log).toContain('Back up store shop-a now');
    expect(log).toContain('Storefleet-Action: backup');

    await new Promise((r) => setTimeout(r, 1100)); // a request time of its own (second precision)
    expect((await as(TOKENS.alice, 'POST', '/api/stores/shop-a/backups')).status).toBe(202);
    const twice = await folder(t, 'shop-a');
    expect(jobs(twice)).toHaveLength(1);
    expect(jobs(twice)).not.toEqual(jobs(once));
  });

  it('a roll-back commits the request; the app pod gets its annotation and Recreate', async () => {
    const before = await folder(t, 'shop-b');
    const r = await as(TOKENS.admin, 'POST', '/api/stores/shop-b/backups/4f2a9c1e5d/restore', { confirm: 'shop-b' });
    expect(r.status).toBe(202);
    const after = await folder(t, 'shop-b');
    expect(after.get('store.yaml')).toMatch(/rollback:\n {2}snapshot: "4f2a9c1e5d"\n {2}requestedAt: "[^"]+"\n {2}by: "admin"/);
    expect(after.get('manifests/deployment-wordpress.yaml')).toMatch(/storefleet\.dev\/rollback: [0-9a-f]{16}/);
    expect(after.get('manifests/deployment-wordpress.yaml')).toContain('type: Recreate');
    expect(sealed(after)).toEqual(sealed(before));
    const log = (await runGit(t.remote.dir, ['log', '-1', '--format=%s%n%b', 'main'])).stdout;
    expect(log).toContain('Roll store shop-b back to snapshot 4f2a9c1e5d');
    expect(log).toContain('Requested-by: admin');
  });

  it('refuses a body that is not JSON (415) and changes nothing', async () => {
    const head = (await runGit(t.remote.dir, ['rev-parse', 'main'])).stdout;
    const r = await call(t.api.url, 'POST', '/api/stores/shop-b/backups/4f2a9c1e/restore', { token: TOKENS.admin, body: 'confirm=shop-b', headers: { 'content-type': 'text/plain' } });
    expect(r).toMatchObject({ status: 415, body: problem('unsupported-media-type') });
    expect((await runGit(t.remote.dir, ['rev-parse', 'main'])).stdout).toBe(head);
  });
});

describe('backup requests as pull requests', () => {
  let t: TransportSetup;
  let oldJob: string;
  beforeAll(async () => {
    t = await startTransport('pull-request', async (direct, remote) => {
      await editPlatformYaml(remote, (text) => withBackupTarget(text));
      await direct.context.mirror.fetch();
      expect((await call(direct.url, 'POST', '/api/stores', { token: TOKENS.alice, body: { name: 'shop-c', engine: 'medusa' } })).status).toBe(201);
      expect((await call(direct.url, 'POST', '/api/stores/shop-c/backups', { token: TOKENS.alice })).status).toBe(202);
      const paths = (await runGit(remote.dir, ['ls-tree', '-r', '--name-only', 'main', '--', `${storeDir('shop-c')}/`])).stdout.split('\n');
      oldJob = paths.find((p) => p.includes('/job-manual-backup-'))!;
    });
  }, 120_000);
  afterAll(() => t?.close());

  it('the pull request writes the re-rendered folder and removes the older manual-backup Job', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // a request time of its own (second precision)
    const r = await call(t.api.url, 'POST', '/api/stores/shop-c/backups', { token: TOKENS.alice });
    expect(r.status).toBe(202);
    expect(r.body.pullRequest).toMatch(/\/pull\/\d+$/);
    const tree = t.gh!.requests.find((q) => q.method === 'POST' && q.template.endsWith('/git/trees'))!.requestBody as { tree: { path: string; sha?: string | null; content?: string }[] };
    expect(tree.tree.filter((e) => e.sha === null).map((e) => e.path)).toEqual([oldJob]);
    const jobs = tree.tree.filter((e) => e.path.includes('/job-manual-backup-'));
    const written = jobs.filter((e) => e.sha !== null);
    expect(written.map((e) => e.path)).toEqual([expect.stringMatching(/\/job-manual-backup-[0-9a-f]{10}\.yaml$/)]);
    expect(written[0].path).not.toBe(oldJob);
    expect(written[0].content).toContain('value: manual');
    const pr = t.gh!.requests.find((q) => q.method === 'POST' && q.template.endsWith('/pulls'))!.requestBody as { title: string; body: string };
    expect(pr.title).toBe('Back up store shop-c now');
    expect(pr.body).toContain('manualBackup:');
  });
});

describe('backup requests without a backup target', () => {
  let t: TransportSetup;
  beforeAll(async () => {
    t = await startTransport('direct', async (direct) => {
      expect((await call(direct.url, 'POST', '/api/stores', { token: TOKENS.alice, body: { name: 'plain', engine: 'medusa' } })).status).toBe(201);
    });
  }, 120_000);
  afterAll(() => t?.close());

  it('answers 409 no-backup-target, for "Back up now" and a roll-back, and commits nothing', async () => {
    const head = (await runGit(t.remote.dir, ['rev-parse', 'main'])).stdout;
    const backup = await call(t.api.url, 'POST', '/api/stores/plain/backups', { token: TOKENS.alice });
    expect(backup).toMatchObject({ status: 409, body: problem('no-backup-target') });
    expect(backup.body.detail).toContain('platform.yaml configures no backup target');
    const rollback = await call(t.api.url, 'POST', '/api/stores/plain/backups/4f2a9c1e/restore', { token: TOKENS.admin, body: { confirm: 'plain' } });
    expect(rollback).toMatchObject({ status: 409, body: problem('no-backup-target') });
    expect((await runGit(t.remote.dir, ['rev-parse', 'main'])).stdout).toBe(head);
  });
});
