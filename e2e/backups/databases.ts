// PostgreSQL and MariaDB from Debian (apt-get install -y postgresql mariadb-server), each started
// on 127.0.0.1 with its data in a temp dir of its own (removed on stop), run as the package's own
// system user, stopped by PID.
// Credentials are generated per run and passed to clients through the environment only.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../ui/e2e/harness.ts';
import { start, stop as stopProc, type Proc } from '../engines/lib/procs.ts';
import { startPostgres as startPostgresServer } from '../engines/lib/native.ts';

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

async function until(what: string, proc: Proc, log: string, probe: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (proc.child.exitCode !== null) throw new Error(`${what} exited (${proc.child.exitCode}) while starting; see ${log}`);
    if (Date.now() > deadline) throw new Error(`${what} did not accept connections within ${timeoutMs / 1000}s; see ${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}


/** A temp dir of the server's own (the server runs as its system user, which cannot enter root's temp dirs). */
function ownDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `sf-${name}-`));
}

/** stop(): the server by its PID (procs.ts), then its temp dir. Idempotent. */
function stopper(proc: Proc, dir: string): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () =>
    (stopped ??= (async () => {
      await stopProc(proc);
      rmSync(dir, { recursive: true, force: true });
    })());
}


/**
 * A PostgreSQL server whose superuser is `user` (as the official image's POSTGRES_USER is),
 * started by the engine tier's helper (e2e/engines/lib/native.ts).
 */
export async function startPostgres(o: { database: string; user: string }): Promise<RunningDatabase> {
  const dir = ownDir('postgres');
  const password = randomBytes(18).toString('base64url');
  const { proc, port } = await startPostgresServer(dir, { name: o.database, user: o.user, password });
  const env = { PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: o.user, PGPASSWORD: password };
  const sql = (statement: string, db = o.database) => run('psql', ['--no-psqlrc', '--tuples-only', '--no-align', '--set=ON_ERROR_STOP=1', `--dbname=${db}`], { env, input: statement });
  return { engine: 'postgres', host: '127.0.0.1', port, database: o.database, user: o.user, password, pid: proc.pid, sql, stop: stopper(proc, dir) };
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
  const proc = start(
    'mariadbd',
    'mariadbd',
    ['--no-defaults', `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1', `--pid-file=${join(dir, 'mariadb.pid')}`, '--innodb-flush-log-at-trx-commit=0', '--skip-log-bin'],
    { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, log, ...(userInfo().uid === 0 ? ids : {}) },
  );
  // The administrator is the server's system user over the socket (unix_socket authentication).
  const sql = (statement: string, db = o.database) => run('mariadb', ['--no-defaults', `--socket=${socket}`, '--batch', '--skip-column-names', ...(db ? [`--database=${db}`] : [])], { ids, input: statement });
  await until('mariadbd', proc, log, () => spawnSync('mariadb-admin', ['--no-defaults', `--socket=${socket}`, 'ping'], ids).status === 0);
  sql(`CREATE DATABASE ${o.database}; CREATE USER '${o.user}'@'%' IDENTIFIED BY '${password}'; GRANT ALL ON ${o.database}.* TO '${o.user}'@'%';`, '');
  return { engine: 'mariadb', host: '127.0.0.1', port, database: o.database, user: o.user, password, pid: proc.pid, sql, stop: stopper(proc, dir) };
}
