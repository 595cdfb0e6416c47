// `storefleet serve` with no remote: the embedded default is created once and reused; options
// come from defaults, a config file, STOREFLEET_* and flags in that order; docs list them all.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, OPTIONS } from './config.ts';
import { runGit } from './git/exec.ts';
import { ROOT, serveEmbedded, tmp } from './test-support/harness.ts';

describe('configuration', () => {
  it('flags beat environment beat config file beat defaults', () => {
    const dir = tmp();
    const file = join(dir, 'storefleet.yaml');
    writeFileSync(file, 'port: 4000\nhost: 0.0.0.0\ngit:\n  branch: prod\n  maxBatch: 10\n');
    const c = loadConfig(['--config', file, '--port', '5000'], { STOREFLEET_HOST: '127.0.0.2', STOREFLEET_CORS_ORIGINS: 'https://a.example, https://b.example' }, dir);
    expect(c.port).toBe(5000);
    expect(c.host).toBe('127.0.0.2');
    expect(c.git.branch).toBe('prod');
    expect(c.git.maxBatch).toBe(10);
    expect(c.git.pushAttempts).toBe(20);
    expect(c.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.dataDir).toBe(join(dir, '.storefleet-data'));
  });

  it('rejects unknown options and bad values with the option named', () => {
    expect(() => loadConfig(['--prot', '1'], {})).toThrow(ConfigError);
    expect(() => loadConfig(['--port', 'eighty'], {})).toThrow(/port \(--port\)/);
    const dir = tmp();
    writeFileSync(join(dir, 'c.yaml'), 'gti:\n  remote: x\n');
    expect(() => loadConfig(['--config', join(dir, 'c.yaml')], {}, dir)).toThrow(/unknown option "gti.remote"/);
  });

  it('names what replaced a retired option, in a file or the environment', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'c.yaml'), 'rateLimit:\n  ipWritesPerMinute: 300\n');
    expect(() => loadConfig(['--config', join(dir, 'c.yaml')], {}, dir)).toThrow(/"rateLimit.ipWritesPerMinute" was removed.*rateLimit.userWritesPerMinute.*rateLimit.unauthenticatedPerMinute/);
    expect(() => loadConfig([], { STOREFLEET_RATE_LIMIT_IP_WRITES_PER_MINUTE: '300' })).toThrow(/STOREFLEET_RATE_LIMIT_IP_WRITES_PER_MINUTE \(rateLimit.ipWritesPerMinute\) was removed/);
  });

  it('docs/configuration.md documents every option, flag and variable', () => {
    const doc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
    for (const o of OPTIONS) {
      expect(doc, o.key).toContain(`\`${o.env}\``);
      expect(doc, o.key).toContain(`\`${o.key}\``);
      if (o.flag) expect(doc, o.key).toContain(`\`${o.flag}\``);
    }
  });
});

const serve = (dataDir: string) => serveEmbedded(dataDir, { STOREFLEET_BACKUP_LOCAL_TARGET: 'false' });

describe('embedded default', () => {
  it('creates repo, dev key pair and admin token once (0600), prints where they are, reuses them', async () => {
    const dataDir = tmp();
    const first = await serve(dataDir);
    try {
      const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
      expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dataDir, 'sealing/tls.key')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dataDir, 'sealing/tls.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');
      expect(first.out).toContain(join(dataDir, 'admin-token'));
      expect(first.out).not.toContain(token);
      // The seed commit carries the template and the dev certificate at sealing/cert.pem.
      const repo = join(dataDir, 'gitops.git');
      const cert = (await runGit(repo, ['show', 'main:sealing/cert.pem'])).stdout;
      expect(cert).toBe(readFileSync(join(dataDir, 'sealing/tls.crt'), 'utf8'));
      expect((await runGit(repo, ['rev-list', '--count', 'main'])).stdout.trim()).toBe('1');
      const res = await fetch(`${first.url}/api/stores`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'embedded-shop', engine: 'woocommerce' }),
      });
      expect(res.status).toBe(201);
      await first.stop();

      const second = await serve(dataDir);
      try {
        expect(readFileSync(join(dataDir, 'admin-token'), 'utf8').trim()).toBe(token);
        const list = (await (await fetch(`${second.url}/api/stores`, { headers: { authorization: `Bearer ${token}` } })).json()) as { stores: { name: string }[] };
        expect(list.stores.map((s) => s.name)).toEqual(['embedded-shop']);
        expect((await runGit(repo, ['rev-list', '--count', 'main'])).stdout.trim()).toBe('2');
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop().catch(() => {});
    }
  });
});

describe('dev cluster settings and an own remote', () => {
  it('picks up the env file cluster:up writes, under the real environment', async () => {
    const { withClusterEnv } = await import('./serve.ts');
    const dir = tmp();
    writeFileSync(join(dir, 'storefleet.env'), 'KUBECONFIG=/x/kubeconfig\nSTOREFLEET_ARGOCD_URL=http://127.0.0.1:16080\nSTOREFLEET_GIT_REMOTE=http://127.0.0.1:16418/gitops.git\n');
    const { env, file } = withClusterEnv({ STOREFLEET_CLUSTER_DIR: dir, STOREFLEET_GIT_REMOTE: 'file:///mine.git' });
    expect(file).toBe(join(dir, 'storefleet.env'));
    expect(env.STOREFLEET_ARGOCD_URL).toBe('http://127.0.0.1:16080');
    expect(env.STOREFLEET_GIT_REMOTE).toBe('file:///mine.git'); // the real environment wins
    expect(env.KUBECONFIG).toBeUndefined(); // only Storefleet options are taken
    expect(withClusterEnv({ STOREFLEET_CLUSTER_DIR: dir, STOREFLEET_CLUSTER_ENV: 'off' }).file).toBeUndefined();
    expect(withClusterEnv({ STOREFLEET_CLUSTER_DIR: join(dir, 'none') }).file).toBeUndefined();
  });

  it('creates an admin token in a fresh data dir when a remote is configured', async () => {
    const { startApi, seededRemote } = await import('./test-support/harness.ts');
    const remote = await seededRemote();
    const dataDir = tmp('sf-own-remote-');
    const { startServer } = await import('./server.ts');
    const base = loadConfig([], { STOREFLEET_DATA_DIR: dataDir, STOREFLEET_GIT_REMOTE: remote.fileUrl, STOREFLEET_PORT: '0', STOREFLEET_UI: 'false', STOREFLEET_LOG_LEVEL: 'silent' });
    const server = await startServer(base);
    try {
      expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
      const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
      const res = await fetch(`${server.url}/api/stores`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
