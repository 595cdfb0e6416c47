// PostgreSQL and MariaDB from Debian (apt-get install -y postgresql mariadb-server), each started
// on 127.0.0.1 with its data in a temp dir of its own (removed on stop), run as the package's own
// system user, stopped by PID.
// Credentials are generated per run and passed to clients through the environment only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, stopper } from './process.ts';

export interface RunningDatabase {
  engine: 'mariadb' | 'postgres';
  host: '127.0.0.1';
  port: number;
  database: string;
  user: string;
  password: string;
  pid: number;
  /** Runs SQL as the administrator against `database` (or `db`); returns stdout. Throws with stderr on failure. */
  sql(statement: string, db?: string): string;
  stop(): Promise<void>;
}

function account(name: string): { uid: number; gid: number } {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) throw new Error(`system user ${name} is missing: apt-get install -y postgresql mariadb-server`);
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function chownTree(dir: string, ids: { uid: number; gid: number }): void {
  chownSync(dir, ids.uid, ids.gid);
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) chownSync(join(dir, f), ids.uid, ids.gid);
}

/** Runs a setup command as `ids` (root only changes user); throws with its output on failure. */
function run(cmd: string, args: string[], o: { ids?: { uid: number; gid: number }; env?: NodeJS.ProcessEnv; input?: string } = {}): string {
  const asOther = o.ids && userInfo().uid === 0;
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    input: o.input,
    env: { PATH: process.env.PATH, ...o.env },
    ...(asOther ? { uid: o.ids!.uid, gid: o.ids!.gid } : {}),
  });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args[0] ?? ''} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout;
}

async function until(what: string, child: ChildProcess, log: string, probe: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}) while starting; see ${log}`);
    if (Date.now() > deadline) throw new Error(`${what} did not accept connections within ${timeoutMs / 1000}s; see ${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function serve(cmd: string, args: string[], ids: { uid: number; gid: number }, log: string): ChildProcess {
  const out = openSync(log, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', out, out], env: { PATH: process.env.PATH }, ...(userInfo().uid === 0 ? ids : {}) });
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  return child;
}

/** A temp dir of the server's own (the server runs as its system user, which cannot enter root's temp dirs). */
function ownDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `sf-${name}-`));
}

function removeAfter(stop: () => Promise<void>, dir: string): () => Promise<void> {
  return async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

function postgresBin(tool: string): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(base, v, 'bin', tool))) return join(base, v, 'bin', tool);
  throw new Error(`PostgreSQL's ${tool} not found: apt-get install -y postgresql`);
}

/** A PostgreSQL server whose superuser is `user` (as the official image's POSTGRES_USER is). */
export async function startPostgres(o: { database: string; user: string }): Promise<RunningDatabase> {
  const ids = account('postgres');
  const dir = ownDir('postgres');
  const password = randomBytes(18).toString('base64url');
  const data = join(dir, 'data');
  const sockets = join(dir, 'run');
  mkdirSync(sockets, { recursive: true });
  writeFileSync(join(dir, 'pwfile'), password + '\n', { mode: 0o600 });
  chownTree(dir, ids);
  run(postgresBin('initdb'), ['--pgdata', data, '--username', o.user, '--pwfile', join(dir, 'pwfile'), '--auth', 'scram-sha-256', '--encoding', 'UTF8', '--no-sync'], { ids });
  const port = await freePort();
  const log = join(dir, 'postgres.log');
  const child = serve(postgresBin('postgres'), ['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', sockets, '-c', 'fsync=off', '-c', 'full_page_writes=off'], ids, log);
  const env = { PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: o.user, PGPASSWORD: password };
  const sql = (statement: string, db = o.database) => run('psql', ['--no-psqlrc', '--tuples-only', '--no-align', '--set=ON_ERROR_STOP=1', `--dbname=${db}`], { env, input: statement });
  await until('postgres', child, log, () => spawnSync(postgresBin('pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]).status === 0);
  sql(`CREATE DATABASE ${o.database}`, 'postgres');
  return { engine: 'postgres', host: '127.0.0.1', port, database: o.database, user: o.user, password, pid: child.pid!, sql, stop: removeAfter(stopper(child), dir) };
}

/** A MariaDB server with `database` and an application user that has all privileges on it (as the official image creates). */
export async function startMariaDb(o: { database: string; user: string }): Promise<RunningDatabase> {
  const ids = account('mysql');
  const dir = ownDir('mariadb');
  const password = randomBytes(18).toString('base64url');
  const data = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  mkdirSync(data, { recursive: true });
  chownTree(dir, ids);
  run('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=socket', '--auth-root-socket-user=mysql', '--skip-test-db'], { ids });
  const port = await freePort();
  const log = join(dir, 'mariadb.log');
  const child = serve(
    'mariadbd',
    ['--no-defaults', `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1', `--pid-file=${join(dir, 'mariadb.pid')}`, '--innodb-flush-log-at-trx-commit=0', '--skip-log-bin'],
    ids,
    log,
  );
  // The administrator is the server's system user over the socket (unix_socket authentication).
  const sql = (statement: string, db = o.database) => run('mariadb', ['--no-defaults', `--socket=${socket}`, '--batch', '--skip-column-names', ...(db ? [`--database=${db}`] : [])], { ids, input: statement });
  await until('mariadbd', child, log, () => spawnSync('mariadb-admin', ['--no-defaults', `--socket=${socket}`, 'ping'], ids).status === 0);
  sql(`CREATE DATABASE ${o.database}; CREATE USER '${o.user}'@'%' IDENTIFIED BY '${password}'; GRANT ALL ON ${o.database}.* TO '${o.user}'@'%';`, '');
  return { engine: 'mariadb', host: '127.0.0.1', port, database: o.database, user: o.user, password, pid: child.pid!, sql, stop: removeAfter(stopper(child), dir) };
}
