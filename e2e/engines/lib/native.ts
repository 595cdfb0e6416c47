// Runs a store's parts natively on this machine: PostgreSQL and Redis from Debian on 127.0.0.1
// (own data dirs in a temp folder), and the project's Medusa images built from their sources the
// way their Dockerfiles do (npm ci from the lockfile, medusa build / vite build, production deps
// only for the backend), cached under .storefleet/engines/ so a second run rebuilds nothing.
import { createHash } from 'node:crypto';
import { chownSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, start, type Proc } from './procs.ts';
import { freePort } from '../../../ui/e2e/harness.ts';

export { freePort };

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const CACHE = join(REPO, '.storefleet', 'engines');
/** Node from the npm `node` package (the version the images' base pins), first on PATH. */
export const PATH = `${join(REPO, 'node_modules', '.bin')}:${process.env.PATH}`;


export function hashFiles(dir: string, names: string[]): string {
  const h = createHash('sha256');
  const walk = (rel: string) => {
    const abs = join(dir, rel);
    if (statSync(abs).isDirectory()) for (const e of readdirSync(abs).sort()) walk(join(rel, e));
    else h.update(rel).update('\0').update(readFileSync(abs)).update('\0');
  };
  for (const n of names) walk(n);
  return h.digest('hex');
}

async function must(what: string, cmd: string, args: string[], o: { cwd: string; env?: Record<string, string> }): Promise<void> {
  const r = await run('nice', ['-n', '5', cmd, ...args], { cwd: o.cwd, env: { ...process.env, PATH, ...o.env } as Record<string, string> });
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.output.slice(-4000)}`);
}

/** Re-runs `work` only when the hash of its inputs changed since it last succeeded. */
async function cached(stamp: string, hash: string, work: () => Promise<void>): Promise<boolean> {
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return false;
  rmSync(stamp, { force: true });
  await work();
  writeFileSync(stamp, hash);
  return true;
}

const BACKEND_SRC = join(REPO, 'images', 'medusa-backend');
const BACKEND_FILES = ['package.json', 'package-lock.json', 'medusa-config.ts', 'tsconfig.json', 'src'];

/** images/medusa-backend built as its Dockerfile does; returns the directory `medusa start` runs in. */
export async function buildBackend(log: (m: string) => void): Promise<string> {
  const dir = join(CACHE, 'medusa-backend');
  const prod = join(CACHE, 'medusa-backend-prod');
  const server = join(dir, '.medusa', 'server');
  mkdirSync(prod, { recursive: true });
  const lockHash = hashFiles(BACKEND_SRC, ['package.json', 'package-lock.json']);
  const env = { MEDUSA_DISABLE_TELEMETRY: 'true', NEXT_TELEMETRY_DISABLED: '1' };
  if (
    await cached(join(dir, '.deps-stamp'), lockHash, async () => {
      mkdirSync(dir, { recursive: true });
      for (const f of ['package.json', 'package-lock.json']) cpSync(join(BACKEND_SRC, f), join(dir, f));
      await must('backend npm ci', 'npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, env });
    })
  )
    log('backend: npm ci done');
  // The production dependencies live outside .medusa/server (medusa build deletes that folder)
  // and are moved in after each build.
  if (existsSync(join(server, 'node_modules'))) renameSync(join(server, 'node_modules'), join(prod, 'node_modules'));
  if (
    await cached(join(prod, '.deps-stamp'), lockHash, async () => {
      for (const f of ['package.json', 'package-lock.json']) cpSync(join(BACKEND_SRC, f), join(prod, f));
      await must('backend npm ci --omit=dev', 'npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: prod, env });
    })
  )
    log('backend: production npm ci done');
  const srcHash = hashFiles(BACKEND_SRC, BACKEND_FILES);
  if (
    await cached(join(dir, '.build-stamp'), `${lockHash}:${srcHash}`, async () => {
      rmSync(join(dir, 'src'), { recursive: true, force: true });
      for (const f of BACKEND_FILES) cpSync(join(BACKEND_SRC, f), join(dir, f), { recursive: true });
      await must('medusa build', join(dir, 'node_modules', '.bin', 'medusa'), ['build'], { cwd: dir, env: { ...env, MEDUSA_BUILD: '1' } });
    })
  )
    log('backend: medusa build done');
  renameSync(join(prod, 'node_modules'), join(server, 'node_modules'));
  return server;
}

const STOREFRONT_SRC = join(REPO, 'images', 'medusa-storefront');
const STOREFRONT_FILES = ['package.json', 'package-lock.json', 'index.html', 'vite.config.ts', 'server.mjs', 'src'];

/** images/medusa-storefront built as its Dockerfile does; returns the directory its server runs in. */
export async function buildStorefront(log: (m: string) => void): Promise<string> {
  const dir = join(CACHE, 'medusa-storefront');
  mkdirSync(dir, { recursive: true });
  const lockHash = hashFiles(STOREFRONT_SRC, ['package.json', 'package-lock.json']);
  if (
    await cached(join(dir, '.deps-stamp'), lockHash, async () => {
      for (const f of ['package.json', 'package-lock.json']) cpSync(join(STOREFRONT_SRC, f), join(dir, f));
      await must('storefront npm ci', 'npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir });
    })
  )
    log('storefront: npm ci done');
  const srcHash = hashFiles(STOREFRONT_SRC, STOREFRONT_FILES);
  if (
    await cached(join(dir, '.build-stamp'), `${lockHash}:${srcHash}`, async () => {
      rmSync(join(dir, 'src'), { recursive: true, force: true });
      for (const f of STOREFRONT_FILES) cpSync(join(STOREFRONT_SRC, f), join(dir, f), { recursive: true });
      await must('storefront vite build', join(dir, 'node_modules', '.bin', 'vite'), ['build'], { cwd: dir });
    })
  )
    log('storefront: vite build done');
  return dir;
}

function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  throw new Error(`PostgreSQL's ${name} not found under ${root}: run .ci/setup-engines.sh (apt-get install postgresql)`);
}

async function idOf(user: string): Promise<{ uid: number; gid: number } | undefined> {
  const u = await run('id', ['-u', user], { env: process.env as Record<string, string> });
  const g = await run('id', ['-g', user], { env: process.env as Record<string, string> });
  return u.code === 0 && g.code === 0 ? { uid: Number(u.output), gid: Number(g.output) } : undefined;
}

export interface Postgres {
  proc: Proc;
  port: number;
}

/** A fresh PostgreSQL cluster on 127.0.0.1 with one database and password-authenticated user. */
export async function startPostgres(tmp: string, db: { name: string; user: string; password: string }): Promise<Postgres> {
  const dir = join(tmp, 'postgres');
  mkdirSync(join(dir, 'run'), { recursive: true });
  // PostgreSQL refuses to run as root: use Debian's postgres user then.
  const owner = process.getuid?.() === 0 ? await idOf('postgres') : undefined;
  if (process.getuid?.() === 0 && !owner) throw new Error('running as root and there is no postgres user to run PostgreSQL as');
  writeFileSync(join(dir, 'pwfile'), db.password, { mode: 0o600 });
  if (owner) for (const p of [tmp, dir, join(dir, 'run'), join(dir, 'pwfile')]) chownSync(p, owner.uid, owner.gid);
  const env = { PATH, LANG: 'C.UTF-8' };
  const init = await run(pgBin('initdb'), ['-D', join(dir, 'data'), '-U', db.user, `--pwfile=${join(dir, 'pwfile')}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync'], {
    env,
    ...owner,
  });
  if (init.code !== 0) throw new Error(`initdb failed:\n${init.output}`);
  rmSync(join(dir, 'pwfile'));
  const port = await freePort();
  const proc = start('postgres', pgBin('postgres'), ['-D', join(dir, 'data'), '-p', String(port), '-k', join(dir, 'run'), '-c', 'listen_addresses=127.0.0.1'], {
    env,
    log: join(tmp, 'postgres.log'),
    ...owner,
  });
  const pgEnv = { ...env, PGPASSWORD: db.password };
  for (let i = 0; ; i++) {
    const r = await run(pgBin('pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], { env: pgEnv });
    if (r.code === 0) break;
    if (i > 100) throw new Error(`PostgreSQL did not start; see ${join(tmp, 'postgres.log')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const created = await run(pgBin('createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', db.user, db.name], { env: pgEnv });
  if (created.code !== 0) throw new Error(`createdb failed:\n${created.output}`);
  return { proc, port };
}

export async function startRedis(tmp: string): Promise<{ proc: Proc; port: number }> {
  const port = await freePort();
  const dir = join(tmp, 'redis');
  mkdirSync(dir, { recursive: true });
  const proc = start('redis', 'redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no'], {
    env: { PATH },
    log: join(tmp, 'redis.log'),
  });
  return { proc, port };
}
