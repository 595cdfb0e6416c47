// The embedded default's backup target for real (npm run test:backups): `storefleet serve` with no
// configuration starts SeaweedFS on 127.0.0.1 when weed is available — credentials generated into a
// 0600 file, platform.yaml seeded with the matching backup section, stores rendered with their
// backup CronJob, backups listed — and stops it by PID; without weed it runs without a target and
// says so once, with how to get one.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, serveEmbedded } from '../../api/test-support/harness.ts';
import { running } from '../../api/backups/embedded-target.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function serve(env: Record<string, string> = {}, dataDir = mkdtempSync(join(tmpdir(), 'sf-embedded-backups-'))) {
  dirs.push(dataDir);
  const s = await serveEmbedded(dataDir, { STOREFLEET_CLUSTER_ENV: 'off', ...env });
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  return { url: s.url, pid: s.pid, dataDir, token, out: () => s.out, stop: s.stop };
}

const targetPid = (out: string) => Number(/Backups: local target http:\/\/127\.0\.0\.1:\d+ \(SeaweedFS, PID (\d+);/.exec(out)?.[1]);

describe('embedded default backup target', () => {
  it('runs SeaweedFS on 127.0.0.1, seeds platform.yaml with it, lists backups, and stops it by PID', async () => {
    const s = await serve();
    let pid = 0;
    try {
      const m = /Backups: local target (http:\/\/127\.0\.0\.1:\d+) \(SeaweedFS, PID (\d+); credentials in (\S+)\)/.exec(s.out());
      expect(m, s.out()).not.toBeNull();
      pid = Number(m![2]);
      expect(running(pid)).toBe(true);
      const credentials = m![3];
      expect(credentials).toBe(join(s.dataDir, 'backup-target', 'credentials'));
      expect(statSync(credentials).mode & 0o777).toBe(0o600);
      const secrets = readFileSync(credentials, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => l.slice(l.indexOf('=') + 1));
      expect(secrets).toHaveLength(3);
      for (const v of secrets) expect(s.out()).not.toContain(v);

      const platform = await call(s.url, 'GET', '/api/platform', { token: s.token });
      expect((platform.body.platform as { backupTarget?: boolean }).backupTarget).toBe(true);
      const created = await call(s.url, 'POST', '/api/stores', { token: s.token, body: { name: 'kept-shop', engine: 'woocommerce' } });
      expect(created.status).toBe(201);
      const repo = join(s.dataDir, 'gitops.git');
      const { runGit } = await import('../../api/git/exec.ts');
      const files = (await runGit(repo, ['ls-tree', '-r', '--name-only', 'main'])).stdout;
      const manifests = files.split('\n').filter((f) => f.includes('/kept-shop/'));
      const rendered = (await Promise.all(manifests.map(async (f) => (await runGit(repo, ['show', `main:${f}`])).stdout))).join('\n');
      expect(rendered).toContain('kind: CronJob');
      expect(rendered).toContain(`value: s3:${m![1]}/storefleet-backups/stores/kept-shop`);
      for (const v of secrets) expect(rendered).not.toContain(v);

      const backups = await call(s.url, 'GET', '/api/stores/kept-shop/backups', { token: s.token });
      expect(backups.status).toBe(200);
      expect(backups.body).toEqual({ target: true, backups: [] });
    } finally {
      await s.stop();
    }
    expect(running(pid)).toBe(false);
  });

  it('a target left running by a killed API is stopped by its PID at the next start, which gets the same port', async () => {
    const first = await serve();
    const orphan = targetPid(first.out());
    const endpoint = /Backups: local target (\S+)/.exec(first.out())![1];
    process.kill(first.pid, 'SIGKILL'); // the API dies; its SeaweedFS (own process group) does not
    await new Promise((r) => setTimeout(r, 500));
    expect(running(orphan)).toBe(true);
    const second = await serve({}, first.dataDir);
    try {
      expect(running(orphan)).toBe(false);
      expect(second.out()).toContain(`Backups: local target ${endpoint} `);
      expect(running(targetPid(second.out()))).toBe(true);
    } finally {
      await second.stop();
    }
    expect(running(targetPid(second.out()))).toBe(false);
  });

  it('without weed: no target, said once at start with how to get one', async () => {
    const emptyCache = mkdtempSync(join(tmpdir(), 'sf-no-weed-'));
    dirs.push(emptyCache);
    mkdirSync(join(emptyCache, 'bin'));
    const s = await serve({ STOREFLEET_CACHE: emptyCache, PATH: '/usr/bin:/bin' });
    try {
      expect(s.out().match(/no backup target/g)).toHaveLength(1);
      expect(s.out()).toContain('npm run cluster:build -- seaweedfs');
      const platform = await call(s.url, 'GET', '/api/platform', { token: s.token });
      expect((platform.body.platform as { backupTarget?: boolean }).backupTarget).toBe(false);
      await call(s.url, 'POST', '/api/stores', { token: s.token, body: { name: 'plain-shop', engine: 'woocommerce' } });
      expect((await call(s.url, 'GET', '/api/stores/plain-shop/backups', { token: s.token })).body).toEqual({ target: false, backups: [] });
    } finally {
      await s.stop();
    }
  });
});
