// The direct Git writer with hand-made file maps (no cdk8s): grouping, one commit per store,
// rejected pushes after another writer won, an unreachable remote, and the fast-import stream.
import { storeDir } from '../../generator/layout.ts';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RenderInput, RenderResult } from '../../generator/render.ts';
import { storeSpecYaml } from '../../generator/spec.ts';
import { problemOf } from '../http/problems.ts';
import { StoreService } from '../stores/service.ts';
import type { Requester } from '../stores/types.ts';
import { remoteStores, seededRemote, tmp } from '../test-support/harness.ts';
import { DirectWriter, type WriterMetrics } from './direct-writer.ts';
import { runGit } from './exec.ts';
import { blobSha, commitStream, FastImporter, writeCommits, type CommitPlan } from './fast-import.ts';
import { Mirror } from './mirror.ts';
import { RepoState } from './repo-state.ts';
import type { PushDetails } from './types.ts';

const admin: Requester = { id: 'admin', role: 'admin', name: 'Admin', email: 'admin@example.com' };

// Like the real renderer, a new store carries freshly generated (sealed) secrets. Without them two
// writers creating the same name in the same second would build byte-identical commits (same
// tree, parent, author and timestamp, hence the same SHA), and the second push would be a
// fast-forward onto the first writer's identical commit rather than a rejected race.
function handRender(input: RenderInput): RenderResult {
  const dir = storeDir(input.spec.name);
  const existingSecret = input.existing?.get(`${dir}/manifests/sealedsecret-store-admin.yaml`);
  return {
    files: new Map([
      [`${dir}/store.yaml`, storeSpecYaml(input.spec)],
      [`${dir}/manifests/namespace-store-${input.spec.name}.yaml`, `kind: Namespace\nmetadata:\n  name: store-${input.spec.name}\n`],
      [`${dir}/manifests/sealedsecret-store-admin.yaml`, existingSecret ?? `kind: SealedSecret\nnonce: ${randomUUID()}\n`],
    ]),
    generatedSecrets: [],
  };
}

function counting(): WriterMetrics & { batches: number[]; retries: number } {
  const m = {
    batches: [] as number[],
    retries: 0,
    commit() {},
    pushRetry() {
      m.retries++;
    },
    batch(size: number) {
      m.batches.push(size);
    },
    phase() {},
  };
  return m;
}

/** A real mirror whose pushes can be held at the door (to see what happens while one is in flight). */
class GatedMirror extends Mirror {
  hold = false;
  readonly waiting: (() => void)[] = [];
  override async push(sha: string): Promise<'ok' | 'rejected'> {
    if (this.hold) await new Promise<void>((r) => this.waiting.push(r));
    return super.push(sha);
  }
  release(): void {
    this.hold = false;
    for (const go of this.waiting.splice(0)) go();
  }
}

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function writer(url: string, metrics = counting(), MirrorClass: typeof Mirror = Mirror, maxBatch?: number) {
  const mirror = new MirrorClass(join(tmp('sf-mirror-'), 'm.git'), url, 'main', 5000);
  await mirror.open();
  await mirror.fetch();
  const state = new RepoState(mirror);
  const transport = new DirectWriter({ mirror, state, committer: { name: 'Storefleet', email: 'sf@localhost' }, metrics, ...(maxBatch ? { maxBatch } : {}) });
  // The store service over it: the rules decide, the writer batches, commits and pushes.
  const w = new StoreService(transport, { render: handRender });
  return { w, transport, mirror, metrics };
}

type Ask = Parameters<StoreService['write']>[0];
const create = (name: string): Ask => ({ action: 'create', input: { name, engine: 'medusa' }, requester: admin });
/** The HTTP status an error answers (api/http/problems.ts). */
const statusOf = (err: unknown) => problemOf(err, 7)?.status;

describe('DirectWriter', () => {
  it('groups concurrent writes under one push, one commit per store, chained in order', async () => {
    const remote = await seededRemote();
    const { w, mirror, metrics } = await writer(remote.fileUrl);
    const names = Array.from({ length: 20 }, (_, i) => `shop-${i}`);
    const results = await Promise.all(names.map((n) => w.write(create(n))));
    expect(metrics.batches).toEqual([20]);
    const log = (await runGit(remote.dir, ['log', '--format=%H %P', 'main'])).stdout.trim().split('\n');
    expect(log.length).toBe(21); // seed + 20
    // Commit i's parent is commit i-1: a straight chain, one per store.
    results.forEach((r, i) => {
      const line = log.find((l) => l.startsWith(r.commit))!;
      if (i > 0) expect(line.split(' ')[1]).toBe(results[i - 1].commit);
    });
    for (const r of results) {
      const files = (await runGit(remote.dir, ['diff-tree', '--no-commit-id', '--name-only', '-r', r.commit])).stdout.split('\n').filter(Boolean);
      expect(files).toEqual([`${storeDir(r.name)}/manifests/namespace-store-${r.name}.yaml`, `${storeDir(r.name)}/manifests/sealedsecret-store-admin.yaml`, `${storeDir(r.name)}/store.yaml`]);
    }
    mirror.close();
  });

  it('keeps the first fetch of a repository with many stores as a pack', async () => {
    const remote = await seededRemote();
    const parent = (await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim();
    const who = { name: 'seed', email: 'seed@localhost' };
    const changes = Array.from({ length: 150 }, (_, i) => ({ op: 'write' as const, path: `${storeDir(`many-${i}`)}/store.yaml`, content: `name: many-${i}\n` }));
    const [tip] = await writeCommits(remote.dir, parent, [{ author: who, committer: who, time: 1700000000, message: 'Many\n', changes }]);
    await runGit(remote.dir, ['update-ref', 'refs/heads/main', tip, parent]);
    const mirror = new Mirror(join(tmp('sf-mirror-'), 'm.git'), remote.fileUrl, 'main', 5000);
    await mirror.open();
    await mirror.fetch();
    expect(mirror.tip).toBe(tip);
    expect((await runGit(mirror.dir, ['count-objects', '-v'])).stdout).toMatch(/^count: 0$/m);
    mirror.close();
  });

  it('keeps one-store batches as packs in the mirror, never as loose objects', async () => {
    const remote = await seededRemote();
    const { w, mirror } = await writer(remote.fileUrl);
    for (const name of ['single', 'another']) {
      const { commit } = await w.write(create(name));
      const tree = (await runGit(mirror.dir, ['rev-parse', `${commit}:${storeDir(name)}`])).stdout.trim();
      for (const sha of [commit, tree]) {
        expect(existsSync(join(mirror.dir, 'objects', sha.slice(0, 2), sha.slice(2))), `${sha} is a loose object`).toBe(false);
        expect((await runGit(mirror.dir, ['cat-file', '-t', sha])).stdout.trim()).toMatch(/^(commit|tree)$/);
      }
    }
    mirror.close();
  });

  it('never puts more than maxBatch changes in one push, also while pipelining', async () => {
    const remote = await seededRemote();
    const { w, transport, mirror, metrics } = await writer(remote.fileUrl, counting(), Mirror, 2);
    const pushes: string[] = [];
    transport.onPush((head) => {
      pushes.push(head);
    });
    await Promise.all(Array.from({ length: 7 }, (_, i) => w.write(create(`cap-${i}`))));
    expect(metrics.batches.every((n) => n <= 2)).toBe(true);
    expect(metrics.batches.reduce((a, b) => a + b, 0)).toBe(7);
    expect(pushes.length).toBe(metrics.batches.length);
    expect((await runGit(remote.dir, ['rev-list', '--count', 'main'])).stdout.trim()).toBe('8');
    mirror.close();
  });

  it('tells push hooks the new head, the stores and GitHub-style commit file lists', async () => {
    const remote = await seededRemote();
    const { w, transport, mirror } = await writer(remote.fileUrl);
    const seen: { head: string; stores: string[]; details: PushDetails }[] = [];
    transport.onPush((head, stores, details) => {
      seen.push({ head, stores, details });
    });
    const before = mirror.tip;
    const [a, b] = await Promise.all([w.write(create('hook-a')), w.write(create('hook-b'))]);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toHaveLength(1);
    expect(seen[0].head).toBe(b.commit);
    expect(seen[0].stores).toEqual(['hook-a', 'hook-b']);
    expect(seen[0].details.before).toBe(before);
    expect(seen[0].details.commits.map((c) => c.sha)).toEqual([a.commit, b.commit]);
    expect(seen[0].details.commits[0].added).toContain(`${storeDir('hook-a')}/store.yaml`);
    const del = await w.write({ action: 'delete', name: 'hook-a', requester: admin });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen[1].head).toBe(del.commit);
    expect(seen[1].details.commits[0].removed.sort()).toEqual([`${storeDir('hook-a')}/manifests/namespace-store-hook-a.yaml`, `${storeDir('hook-a')}/manifests/sealedsecret-store-admin.yaml`, `${storeDir('hook-a')}/store.yaml`]);
    mirror.close();
  });

  it('a rejected push re-validates on the new tip: the duplicate becomes 409, the rest land', async () => {
    const remote = await seededRemote();
    const a = await writer(remote.fileUrl);
    const b = await writer(remote.fileUrl);
    const first = await a.w.write(create('taken'));
    expect((await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim()).toBe(first.commit);
    // b still believes the seed is the tip.
    const [dup, other] = await Promise.allSettled([b.w.write(create('taken')), b.w.write(create('free'))]);
    expect(dup.status, JSON.stringify({ dup, other, retries: b.metrics.retries, batches: b.metrics.batches, log: (await runGit(remote.dir, ['log', '--format=%h %p %s', 'main'])).stdout })).toBe('rejected');
    expect(statusOf((dup as PromiseRejectedResult).reason)).toBe(409);
    expect(other.status).toBe('fulfilled');
    expect(b.metrics.retries).toBe(1);
    const stores = await remoteStores(remote.dir);
    expect(stores.sort()).toEqual(['free', 'taken']);
    a.mirror.close();
    b.mirror.close();
  });

  it('commits the next batch while a push is in flight; its refusals wait for that push', async () => {
    const remote = await seededRemote();
    const { w, mirror, metrics } = await writer(remote.fileUrl, counting(), GatedMirror);
    const gated = mirror as GatedMirror;
    const seed = (await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim();
    gated.hold = true;
    const first = w.write(create('pipe-a'));
    await until(() => gated.waiting.length === 1, 'the first push');
    let dupSettled = false;
    const dup = w.write(create('pipe-a')).then(
      () => undefined,
      (e: unknown) => e,
    );
    void dup.finally(() => (dupSettled = true));
    const next = [w.write(create('pipe-b')), w.write(create('pipe-c'))];
    // The second batch is committed on top of the first while the first push is still held.
    await until(async () => (await mirror.run(['log', '-1', '--format=%s', 'refs/storefleet/batch'])).stdout.startsWith('Create store pipe-c'), 'the second batch');
    expect((await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim()).toBe(seed);
    await new Promise((r) => setTimeout(r, 50));
    expect(dupSettled).toBe(false); // "pipe-a exists" is only true once the first push lands
    gated.release();
    const a = await first;
    const [b, c] = await Promise.all(next);
    expect(statusOf(await dup)).toBe(409);
    expect((await runGit(remote.dir, ['rev-parse', `${b.commit}^`])).stdout.trim()).toBe(a.commit);
    expect((await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim()).toBe(c.commit);
    expect(metrics.batches).toEqual([1, 3]);
    mirror.close();
  });

  it('a rejected push sends the batch planned on top of it back through validation: a held refusal can turn into success', async () => {
    const remote = await seededRemote();
    const a = await writer(remote.fileUrl, counting(), GatedMirror);
    const b = await writer(remote.fileUrl);
    const gated = a.mirror as GatedMirror;
    const alice: Requester = { id: 'alice', role: 'member', name: 'Alice', email: 'alice@example.com' };
    const asAlice = (name: string): Ask => ({ action: 'create', input: { name, engine: 'woocommerce' }, requester: alice });
    // platform.yaml allows 5 stores per owner: alice has 3, her 4th is pushing, her 5th is planned on top of it.
    for (const n of ['al-1', 'al-2', 'al-3']) await a.w.write(asAlice(n));
    gated.hold = true;
    const fourth = a.w.write(asAlice('al-4'));
    await until(() => gated.waiting.length === 1, 'the push of al-4');
    const fifth = a.w.write(asAlice('al-5'));
    const sixth = a.w.write(asAlice('al-6')); // over the limit only if al-4 and al-5 both land
    await until(async () => (await a.mirror.run(['log', '-1', '--format=%s', 'refs/storefleet/batch'])).stdout.startsWith('Create store al-5'), 'the batch of al-5');
    // Another replica takes the name al-4 meanwhile: a's push is rejected, al-4 becomes 409, and
    // al-6 (held as 403 while al-4 seemed to land) now fits under the limit.
    await b.w.write(create('al-4'));
    gated.release();
    expect(statusOf(await fourth.catch((e: unknown) => e))).toBe(409);
    const [r5, r6] = await Promise.all([fifth, sixth]);
    expect(a.metrics.retries).toBeGreaterThanOrEqual(1);
    const main = (await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim();
    for (const r of [r5, r6]) expect((await runGit(remote.dir, ['merge-base', '--is-ancestor', r.commit, main], { okCodes: [0, 1] })).code).toBe(0);
    const creates = (await runGit(remote.dir, ['log', '--format=%(trailers:key=Store,valueonly)', '--grep=Storefleet-Action: create', 'main'])).stdout.split('\n').filter(Boolean);
    expect(creates.sort()).toEqual(['al-1', 'al-2', 'al-3', 'al-4', 'al-5', 'al-6']);
    const owner = (await runGit(remote.dir, ['show', `main:${storeDir('al-4')}/store.yaml`])).stdout;
    expect(owner).toContain('owner: "admin"');
    a.mirror.close();
    b.mirror.close();
  });

  it('an unreachable remote answers 503 with Retry-After, writes nothing, and recovers', async () => {
    const remote = await seededRemote();
    const { w, mirror } = await writer(remote.fileUrl);
    const head = (await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim();
    const hidden = `${remote.dir}.away`;
    renameSync(remote.dir, hidden);
    const err = await w.write(create('offline')).catch((e: unknown) => e);
    expect(statusOf(err)).toBe(503);
    expect(problemOf(err, 7)?.headers['Retry-After']).toBe('7');
    renameSync(hidden, remote.dir);
    expect((await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim()).toBe(head);
    const ok = await w.write(create('offline'));
    expect((await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim()).toBe(ok.commit);
    mirror.close();
  });
});

describe('FastImporter', () => {
  const commitOf = (path: string, content: string): CommitPlan => ({
    author: { name: 'A', email: 'a@x' },
    committer: { name: 'C', email: 'c@x' },
    time: 1_800_000_000,
    message: `Write ${path}\n`,
    changes: [{ op: 'write', path, content }],
  });

  /** A bare repository with one root commit. */
  async function repoWithRoot(): Promise<{ dir: string; root: string }> {
    const dir = tmp('sf-fi-');
    await runGit(dir, ['init', '--bare', '--quiet']);
    const [root] = await writeCommits(dir, '', [commitOf('a.txt', 'a\n')]);
    return { dir, root };
  }

  it('writes batch after batch in one process; each is readable by other git processes at once', async () => {
    const { dir, root } = await repoWithRoot();
    const fi = new FastImporter(dir, 'refs/storefleet/batch', 2);
    let parent = root;
    for (let batch = 0; batch < 5; batch++) {
      const shas = await fi.write(parent, [commitOf(`b${batch}.txt`, `${batch}\n`), commitOf(`c${batch}.txt`, 'c\n')]);
      expect(shas).toHaveLength(2);
      expect((await runGit(dir, ['rev-parse', `${shas[1]}^`])).stdout.trim()).toBe(shas[0]);
      expect((await runGit(dir, ['rev-parse', `${shas[0]}^`])).stdout.trim()).toBe(parent);
      expect((await runGit(dir, ['show', `${shas[1]}:b${batch}.txt`])).stdout).toBe(`${batch}\n`);
      parent = shas[1];
    }
    expect((await runGit(dir, ['rev-list', '--count', parent])).stdout.trim()).toBe('11');
    fi.close();
  });

  it('stores the same manifest of the stores of a batch as deltas of one another', async () => {
    const { dir, root } = await repoWithRoot();
    await runGit(dir, ['config', 'fastimport.unpackLimit', '0']); // as the mirror: keep the pack (default: loose below 100 objects)
    // Two manifests per store, ~3 kB each, that differ between stores only in the name.
    const manifest = (kind: string, n: string) => Array.from({ length: 60 }, (_, i) => `  ${kind}-${i}: value for ${n}\n`).join('');
    const stores = Array.from({ length: 12 }, (_, k) => `shop${k}`).map((n): CommitPlan => ({
      ...commitOf('', ''),
      changes: ['deployment', 'service'].map((kind) => ({ op: 'write' as const, path: `stores/${n}/manifests/${kind}.yaml`, content: manifest(kind, n) })),
    }));
    const shas = await writeCommits(dir, root, stores);
    // verify-pack -v prints "<sha> blob <size> <size-in-pack> <offset> <depth> <base>" for a delta.
    const packDir = join(dir, 'objects', 'pack');
    const indexes = readdirSync(packDir).filter((f) => f.endsWith('.idx')).map((f) => join(packDir, f));
    const listing = (await runGit(dir, ['verify-pack', '-v', ...indexes])).stdout;
    const deltaBlobs = listing.split('\n').filter((l) => / blob +\d+ \d+ \d+ \d+ [0-9a-f]{40}$/.test(l));
    expect(deltaBlobs.length).toBeGreaterThanOrEqual(20); // of 24: at most the first of each name is whole
    expect((await runGit(dir, ['show', `${shas[11]}:stores/shop11/manifests/service.yaml`])).stdout).toBe(manifest('service', 'shop11'));
  });

  it('recycle() ends the process between batches; the next batch runs in a new one', async () => {
    const { dir, root } = await repoWithRoot();
    const fi = new FastImporter(dir);
    const [one] = await fi.write(root, [commitOf('one.txt', '1\n')]);
    // The old process reports its exit while the new one works: that must not fail the new batch.
    const recycled = fi.recycle();
    const [two] = await fi.write(one, [commitOf('two.txt', '2\n')]);
    await recycled;
    const [three] = await fi.write(two, [commitOf('three.txt', '3\n')]);
    expect((await runGit(dir, ['rev-list', '--count', three])).stdout.trim()).toBe('4');
    fi.close();
  });

  it('a bad batch fails alone; the next one starts a fresh process', async () => {
    const { dir, root } = await repoWithRoot();
    const fi = new FastImporter(dir);
    await expect(fi.write('dead'.repeat(10), [commitOf('x.txt', 'x\n')])).rejects.toThrow(/fast-import/);
    const [ok] = await fi.write(root, [commitOf('y.txt', 'y\n')]);
    expect((await runGit(dir, ['show', `${ok}:y.txt`])).stdout).toBe('y\n');
    fi.close();
  });
});

describe('commitStream', () => {
  it('chains commits with marks and writes byte lengths, not character counts', () => {
    const s = commitStream(
      'a'.repeat(40),
      [
        { author: { name: 'Zoë', email: 'z@x' }, committer: { name: 'C', email: 'c@x' }, time: 5, message: 'first ✓\n', changes: [{ op: 'write', path: 'stores/a/store.yaml', content: 'ü' }] },
        { author: { name: 'Z', email: 'z@x' }, committer: { name: 'C', email: 'c@x' }, time: 6, message: 'second\n', changes: [{ op: 'delete', path: 'stores/a' }, { op: 'tree', path: 'stores/b', sha: 'b'.repeat(40) }] },
      ],
      'refs/x',
    );
    expect(s).toContain(`from ${'a'.repeat(40)}\n`);
    expect(s).toContain('from :1\n');
    expect(s).toContain('data 10\nfirst ✓\n'); // "first ✓\n" is 10 bytes
    expect(s).toContain('blob\nmark :3\ndata 2\nü\n'); // marks :1 and :2 are the commits
    expect(s).toContain('M 100644 :3 stores/a/store.yaml\n');
    expect(s).toContain('D stores/a\n');
    expect(s).toContain(`M 040000 ${'b'.repeat(40)} stores/b\n`);
    const retry = commitStream('a'.repeat(40), [{ author: { name: 'Z', email: 'z@x' }, committer: { name: 'C', email: 'c@x' }, time: 5, message: 'm\n', changes: [{ op: 'write', path: 'stores/a/x.yaml', content: 'ü', blob: 'c'.repeat(40) }] }], 'refs/x');
    expect(retry).toContain(`M 100644 ${'c'.repeat(40)} stores/a/x.yaml\n`);
    expect(retry).not.toContain('blob\n');
  });

  it('writes new blobs first, grouped by file name across commits, so each can be a delta of its neighbour', () => {
    const who = { name: 'Z', email: 'z@x' };
    const store = (n: string) => ({
      author: who,
      committer: who,
      time: 1,
      message: `Create ${n}\n`,
      changes: ['store.yaml', 'manifests/deployment.yaml', `manifests/namespace-store-${n}.yaml`].map((f) => ({ op: 'write' as const, path: `stores/${n}/${f}`, content: `${n} ${f}\n` })),
    });
    const s = commitStream('a'.repeat(40), [store('one'), store('two')], 'refs/x');
    const order = [...s.matchAll(/^blob\nmark :(\d+)\ndata \d+\n(.*)$/gm)].map((m) => m[2]);
    expect(order).toEqual(['one manifests/deployment.yaml', 'two manifests/deployment.yaml', 'one manifests/namespace-store-one.yaml', 'two manifests/namespace-store-two.yaml', 'one store.yaml', 'two store.yaml']);
    expect(s.indexOf('commit refs/x')).toBeGreaterThan(s.lastIndexOf('blob\n'));
    expect(s).toContain('M 100644 :3 stores/one/manifests/deployment.yaml\n');
    expect(s).toContain('M 100644 :4 stores/two/manifests/deployment.yaml\n');
  });

  it('blobSha is the id git gives the content', async () => {
    const dir = tmp('sf-hash-');
    for (const text of ['', 'ü\n', 'kind: Namespace\n'.repeat(100)]) {
      const git = (await runGit(dir, ['hash-object', '--stdin'], { input: text })).stdout.trim();
      expect(blobSha(text)).toBe(git);
    }
  });
});
