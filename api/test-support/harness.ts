// Test harness: real bare repositories, a real `git daemon` on 127.0.0.1, API servers in-process
// or as child processes (`node bin/storefleet.js serve`). Everything started here is stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pino from 'pino';
import { hashToken, tokensYaml } from '../auth.ts';
import { loadConfig, type ServeConfig } from '../config.ts';
import { ensureEmbedded } from '../embedded.ts';
import { storeDir } from '../../generator/layout.ts';
import { runGit } from '../git/exec.ts';
import { startServer, type RunningServer, type ServerOptions } from '../server.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const TOKENS = {
  admin: 'sf_test-admin-token-000000000000000000000',
  alice: 'sf_test-alice-token-000000000000000000000',
  bob: 'sf_test-bob-token-00000000000000000000000',
} as const;

export function tmp(prefix = 'sf-api-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeTokens(dir: string): string {
  const file = join(dir, 'tokens.yaml');
  writeFileSync(
    file,
    tokensYaml({
      tokens: [
        { user: 'admin', role: 'admin', sha256: hashToken(TOKENS.admin) },
        { user: 'alice', role: 'member', name: 'Alice Example', email: 'alice@example.com', sha256: hashToken(TOKENS.alice) },
        { user: 'bob', role: 'member', sha256: hashToken(TOKENS.bob) },
      ],
    }),
  );
  return file;
}

export interface Remote {
  /** The bare repository on disk. */
  dir: string;
  fileUrl: string;
  /** Sealing private key (PEM) matching the seeded sealing/cert.pem. */
  privateKeyPem: string;
}

/** A seeded bare GitOps repo (the embedded default's seed, 2048-bit dev key for speed). */
export async function seededRemote(base = tmp('sf-remote-')): Promise<Remote> {
  const { paths } = await ensureEmbedded(base, { branch: 'main', keyBits: 2048 });
  return { dir: paths.repo, fileUrl: pathToFileURL(paths.repo).href, privateKeyPem: readFileSync(paths.sealingKey, 'utf8') };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Daemon {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** `git daemon` serving `remote.dir` read-write on 127.0.0.1. stop()/start() keep the port. */
export async function gitDaemon(remote: Remote, port?: number): Promise<Daemon> {
  const p = port ?? (await freePort());
  const base = join(remote.dir, '..');
  const name = remote.dir.slice(base.length + 1);
  let child: ChildProcess | undefined;
  const d: Daemon = {
    url: `git://127.0.0.1:${p}/${name}`,
    port: p,
    pid: 0,
    async start() {
      child = spawn('git', ['daemon', '--reuseaddr', `--base-path=${base}`, '--export-all', '--enable=receive-pack', '--listen=127.0.0.1', `--port=${p}`, base], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      d.pid = child.pid!;
      child.stderr?.resume();
      // Ready when ls-remote answers.
      for (let i = 0; i < 100; i++) {
        const r = await runGit(base, ['ls-remote', d.url], { okCodes: [0, 128] });
        if (r.code === 0) return;
        await new Promise((r2) => setTimeout(r2, 100));
      }
      throw new Error('git daemon did not start');
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      process.kill(c.pid!, 'SIGTERM');
      await exited;
    },
  };
  await d.start();
  return d;
}

export function testConfig(dataDir: string, remote: string | undefined, extra: Record<string, string> = {}): ServeConfig {
  return loadConfig([], {
    STOREFLEET_DATA_DIR: dataDir,
    STOREFLEET_PORT: '0',
    STOREFLEET_UI: 'false',
    STOREFLEET_LOG_LEVEL: 'silent',
    STOREFLEET_GIT_FETCH_INTERVAL_SECONDS: '0',
    STOREFLEET_TOKENS_FILE: writeTokens(dataDir),
    STOREFLEET_RATE_LIMIT_USER_WRITES_PER_MINUTE: '100000',
    STOREFLEET_RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '100000',
    STOREFLEET_GIT_TIMEOUT_SECONDS: '10',
    // The embedded default's local backup target (a SeaweedFS process) is for the backup tier.
    STOREFLEET_BACKUP_LOCAL_TARGET: 'false',
    ...(remote ? { STOREFLEET_GIT_REMOTE: remote } : {}),
    ...extra,
  });
}

export async function startApi(remote: string | undefined, extra: Record<string, string> = {}, opts: ServerOptions = {}): Promise<RunningServer> {
  const dataDir = tmp('sf-data-');
  return startServer(testConfig(dataDir, remote, extra), { logger: pino({ level: 'silent' }), ...opts });
}

/**
 * `storefleet serve` with no Git remote (the embedded default) on a free port, as a child process;
 * resolves once it printed where everything is. `out` is everything it printed so far.
 */
export function serveEmbedded(dataDir: string, env: Record<string, string> = {}): Promise<{ url: string; pid: number; readonly out: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/storefleet.js'), 'serve', '--data-dir', dataDir, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, STOREFLEET_UI: 'false', STOREFLEET_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(out)), 90_000);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    child.stdout!.on('data', () => {
      const m = /running: (http:\/\/\S+)/.exec(out);
      if (m && out.includes('Dev sealing key')) {
        clearTimeout(t);
        child.removeAllListeners('exit');
        resolve({
          url: m[1],
          pid: child.pid!,
          get out() {
            return out;
          },
          stop: async () => {
            const exited = new Promise((r) => child.once('exit', r));
            process.kill(child.pid!, 'SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}

export interface ApiProcess {
  url: string;
  pid: number;
  dataDir: string;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The real CLI in a child process (for replicas and SIGKILL tests). */
export async function startApiProcess(remote: string, dataDir = tmp('sf-data-'), extra: Record<string, string> = {}): Promise<ApiProcess> {
  mkdirSync(dataDir, { recursive: true });
  const env = {
    ...process.env,
    STOREFLEET_DATA_DIR: dataDir,
    STOREFLEET_PORT: '0',
    STOREFLEET_UI: 'false',
    STOREFLEET_LOG_LEVEL: 'warn',
    STOREFLEET_GIT_FETCH_INTERVAL_SECONDS: '0',
    STOREFLEET_TOKENS_FILE: writeTokens(dataDir),
    STOREFLEET_RATE_LIMIT_USER_WRITES_PER_MINUTE: '100000',
    STOREFLEET_RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '100000',
    STOREFLEET_GIT_REMOTE: remote,
    ...extra,
  };
  const child = spawn(process.execPath, [join(ROOT, 'bin/storefleet.js'), 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`API did not start:\n${out}`)), 60_000);
    const check = () => {
      const m = /running: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`API exited (${code}):\n${out}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    pid: child.pid!,
    dataDir,
    output: () => out,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid!, signal);
      await exited;
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  contentType: string;
}

export async function call(base: string, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.status, headers: res.headers, body, contentType: res.headers.get('content-type') ?? '' };
}

/** Names of the store folders (stores/<shard>/<name>) on the remote branch, each checked to be in its shard. */
export async function remoteStores(remoteDir: string, branch = 'main'): Promise<string[]> {
  const r = await runGit(remoteDir, ['ls-tree', '-r', '-d', '--name-only', branch, '--', 'stores/']);
  const folders = r.stdout.split('\n').filter((p) => p.split('/').length === 3);
  for (const f of folders) if (f !== storeDir(f.split('/')[2])) throw new Error(`${f} is not in its shard folder`);
  return folders.map((f) => f.split('/')[2]);
}

export async function isAncestor(remoteDir: string, sha: string, branch = 'main'): Promise<boolean> {
  const r = await runGit(remoteDir, ['merge-base', '--is-ancestor', sha, branch], { okCodes: [0, 1, 128] });
  return r.code === 0;
}
