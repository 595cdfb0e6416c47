// Writes under load and faults, against a real `git daemon` remote on 127.0.0.1 and real API
// processes (`node bin/storefleet.js serve`): two replicas racing, the remote dying mid-burst,
// and an API SIGKILLed during a push.
import { storeDir } from '../generator/layout.ts';
import { writeFileSync, chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runGit } from './git/exec.ts';
import { call, gitDaemon, isAncestor, remoteStores, seededRemote, startApiProcess, TOKENS, type ApiProcess, type Daemon } from './test-support/harness.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
});

async function daemonFor() {
  const remote = await seededRemote();
  const daemon = await gitDaemon(remote);
  cleanup.push(() => daemon.stop());
  return { remote, daemon };
}

async function api(url: string, dataDir?: string): Promise<ApiProcess> {
  const p = await startApiProcess(url, dataDir);
  cleanup.push(() => p.kill());
  return p;
}

const create = (base: string, name: string, key?: string) =>
  call(base, 'POST', '/api/stores', { token: TOKENS.admin, body: { name, engine: 'medusa' }, headers: key ? { 'idempotency-key': key } : {} });

describe('two replicas on one git daemon remote', () => {
  it('60 concurrent creates each, 20 names shared: exactly 100 folders, duplicates 409, every SHA reachable', async () => {
    const { remote, daemon } = await daemonFor();
    const [a, b] = await Promise.all([api(daemon.url), api(daemon.url)]);
    const shared = Array.from({ length: 20 }, (_, i) => `shared-${i}`);
    const onlyA = Array.from({ length: 40 }, (_, i) => `a-${i}`);
    const onlyB = Array.from({ length: 40 }, (_, i) => `b-${i}`);
    const answers = await Promise.all([
      ...[...onlyA, ...shared].map((n) => create(a.url, n).then((r) => ({ n, r }))),
      ...[...onlyB, ...shared].map((n) => create(b.url, n).then((r) => ({ n, r }))),
    ]);
    const statuses = answers.map((x) => x.r.status);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const ok = answers.filter((x) => x.r.status === 201);
    expect(ok.length).toBe(100);
    for (const n of shared) expect(answers.filter((x) => x.n === n).map((x) => x.r.status).sort()).toEqual([201, 409]);
    expect(answers.filter((x) => x.r.status === 409).every((x) => x.n.startsWith('shared-'))).toBe(true);

    const folders = await remoteStores(remote.dir);
    expect(folders.sort()).toEqual([...onlyA, ...onlyB, ...shared].sort());
    // No lost or duplicated commit: one create commit per store, each answered SHA on the branch.
    const creates = (await runGit(remote.dir, ['log', '--format=%(trailers:key=Store,valueonly)', '--grep=Storefleet-Action: create', 'main'])).stdout
      .split('\n')
      .filter(Boolean);
    expect(creates.length).toBe(100);
    expect(new Set(creates).size).toBe(100);
    for (const x of ok) expect(await isAncestor(remote.dir, x.r.body.commit as string)).toBe(true);
    // Every answered SHA adds exactly its store.
    const sample = ok.slice(0, 10);
    for (const x of sample) {
      const files = (await runGit(remote.dir, ['diff-tree', '--no-commit-id', '--name-only', '-r', x.r.body.commit as string])).stdout.split('\n').filter(Boolean);
      expect(files.every((f) => f.startsWith(`${storeDir(x.n)}/`))).toBe(true);
    }
  });
});

describe('faults', () => {
  it('remote stopped mid-burst: 503 with Retry-After, no partial commit, recovery without restart', async () => {
    const { remote, daemon } = await daemonFor();
    const a = await api(daemon.url);
    expect((await create(a.url, 'warmup')).status).toBe(201);
    const names = Array.from({ length: 30 }, (_, i) => `burst-${i}`);
    const pending = names.map((n) => create(a.url, n).then((r) => ({ n, r })));
    // Stop the remote while the burst is being written.
    await new Promise((r) => setTimeout(r, 150));
    await daemon.stop();
    const answers = await Promise.all(pending);
    const failed = answers.filter((x) => x.r.status === 503);
    expect(answers.every((x) => x.r.status === 201 || x.r.status === 503)).toBe(true);
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) {
      expect(Number(f.r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(f.r.contentType).toContain('application/problem+json');
    }
    // Exactly the 201s are on the remote: nothing half-written.
    const folders = await remoteStores(remote.dir);
    expect(folders.sort()).toEqual(['warmup', ...answers.filter((x) => x.r.status === 201).map((x) => x.n)].sort());
    expect((await call(a.url, 'GET', '/readyz')).status).toBe(503);

    await daemon.start();
    const again = await create(a.url, failed[0].n);
    expect(again.status).toBe(201);
    expect(await isAncestor(remote.dir, again.body.commit as string)).toBe(true);
    expect((await call(a.url, 'GET', '/readyz')).status).toBe(200);
  });

  it('SIGKILL during a push, restart, retry with the same Idempotency-Key: exactly one store', async () => {
    const remote = await seededRemote();
    // A slow receiving side keeps the push in flight while the API is killed.
    const hook = join(remote.dir, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\ncat >/dev/null\nsleep 2\n');
    chmodSync(hook, 0o755);
    const dataDir = (await import('./test-support/harness.ts')).tmp('sf-data-');
    const first = await startApiProcess(remote.fileUrl, dataDir);
    cleanup.push(() => first.kill());
    const inflight = create(first.url, 'killed', 'kill-key-1').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1000));
    await first.kill('SIGKILL');
    await inflight;
    rmSync(hook);
    // Let an orphaned push (if any) finish before judging the remote.
    await new Promise((r) => setTimeout(r, 2000));

    const second = await api(remote.fileUrl, dataDir);
    const r = await create(second.url, 'killed', 'kill-key-1');
    expect(r.status).toBe(201);
    const again = await create(second.url, 'killed', 'kill-key-1');
    expect(again.status).toBe(201);
    expect(again.body.commit).toBe(r.body.commit);
    expect((await remoteStores(remote.dir)).filter((n) => n === 'killed')).toEqual(['killed']);
    const creates = (await runGit(remote.dir, ['log', '--format=%H', '--grep=Store: killed', 'main'])).stdout.split('\n').filter(Boolean);
    expect(creates.length).toBe(1);
    expect(await isAncestor(remote.dir, r.body.commit as string)).toBe(true);
    // fsck: the repository is consistent.
    await runGit(remote.dir, ['fsck', '--no-progress']);
  });
});

void ({} as Daemon);
