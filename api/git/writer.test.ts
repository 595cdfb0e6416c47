// The direct Git writer with hand-made file maps (no cdk8s): grouping, one commit per store,
// rejected pushes after another writer won, an unreachable remote, and the fast-import stream.
import { randomUUID } from 'node:crypto';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RenderInput, RenderResult } from '../../generator/render.ts';
import { storeSpecYaml } from '../../generator/spec.ts';
import { ApiProblem } from '../problem.ts';
import { seededRemote, tmp } from '../test-support/harness.ts';
import { DirectWriter, type WriterMetrics } from './direct-writer.ts';
import { runGit } from './exec.ts';
import { blobSha, fastImportStream } from './fast-import.ts';
import { Mirror } from './mirror.ts';
import { RepoState } from './repo-state.ts';
import type { PushDetails, Requester, WriteRequest } from './types.ts';

const admin: Requester = { id: 'admin', role: 'admin', name: 'Admin', email: 'admin@example.com' };

// Like the real renderer, a new store carries freshly generated (sealed) secrets. Without them two
// writers creating the same name in the same second would build byte-identical commits (same
// tree, parent, author and timestamp, hence the same SHA), and the second push would be a
// fast-forward onto the first writer's identical commit rather than a rejected race.
function handRender(input: RenderInput): RenderResult {
  const dir = `stores/${input.spec.name}`;
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
  };
  return m;
}

async function writer(url: string, metrics = counting()) {
  const mirror = new Mirror(join(tmp('sf-mirror-'), 'm.git'), url, 'main', 5000);
  await mirror.open();
  await mirror.fetch();
  const state = new RepoState(mirror);
  const w = new DirectWriter({ mirror, state, committer: { name: 'Storefleet', email: 'sf@localhost' }, metrics, render: handRender, retryAfterSeconds: 7 });
  return { w, mirror, metrics };
}

const create = (name: string): WriteRequest => ({ action: 'create', input: { name, engine: 'medusa' }, requester: admin, digest: name });

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
      expect(files).toEqual([`stores/${r.name}/manifests/namespace-store-${r.name}.yaml`, `stores/${r.name}/manifests/sealedsecret-store-admin.yaml`, `stores/${r.name}/store.yaml`]);
    }
    mirror.close();
  });

  it('tells push hooks the new head, the stores and GitHub-style commit file lists', async () => {
    const remote = await seededRemote();
    const { w, mirror } = await writer(remote.fileUrl);
    const seen: { head: string; stores: string[]; details: PushDetails }[] = [];
    w.onPush((head, stores, details) => {
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
    expect(seen[0].details.commits[0].added).toContain('stores/hook-a/store.yaml');
    const del = await w.write({ action: 'delete', name: 'hook-a', requester: admin, digest: 'd' });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen[1].head).toBe(del.commit);
    expect(seen[1].details.commits[0].removed.sort()).toEqual(['stores/hook-a/manifests/namespace-store-hook-a.yaml', 'stores/hook-a/manifests/sealedsecret-store-admin.yaml', 'stores/hook-a/store.yaml']);
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
    expect(((dup as PromiseRejectedResult).reason as ApiProblem).status).toBe(409);
    expect(other.status).toBe('fulfilled');
    expect(b.metrics.retries).toBe(1);
    const stores = (await runGit(remote.dir, ['ls-tree', '--name-only', 'main:stores'])).stdout.split('\n').filter((n) => n && n !== '.gitkeep');
    expect(stores.sort()).toEqual(['free', 'taken']);
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
    expect(err).toBeInstanceOf(ApiProblem);
    expect((err as ApiProblem).status).toBe(503);
    expect((err as ApiProblem).headers['Retry-After']).toBe('7');
    renameSync(hidden, remote.dir);
    expect((await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim()).toBe(head);
    const ok = await w.write(create('offline'));
    expect((await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim()).toBe(ok.commit);
    mirror.close();
  });
});

describe('fastImportStream', () => {
  it('chains commits with marks and writes byte lengths, not character counts', () => {
    const s = fastImportStream(
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
    expect(s).toContain('M 100644 inline stores/a/store.yaml\ndata 2\nü\n');
    expect(s).toContain('D stores/a\n');
    expect(s).toContain(`M 040000 ${'b'.repeat(40)} stores/b\n`);
    expect(s.endsWith('done\n')).toBe(true);
    const retry = fastImportStream('a'.repeat(40), [{ author: { name: 'Z', email: 'z@x' }, committer: { name: 'C', email: 'c@x' }, time: 5, message: 'm\n', changes: [{ op: 'write', path: 'stores/a/x.yaml', content: 'ü', blob: 'c'.repeat(40) }] }], 'refs/x');
    expect(retry).toContain(`M 100644 ${'c'.repeat(40)} stores/a/x.yaml\n`);
    expect(retry).not.toContain('inline');
  });

  it('blobSha is the id git gives the content', async () => {
    const dir = tmp('sf-hash-');
    for (const text of ['', 'ü\n', 'kind: Namespace\n'.repeat(100)]) {
      const git = (await runGit(dir, ['hash-object', '--stdin'], { input: text })).stdout.trim();
      expect(blobSha(text)).toBe(git);
    }
  });
});
