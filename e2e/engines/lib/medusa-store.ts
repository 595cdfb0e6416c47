// One Medusa store, rendered by the generator and run natively (see ../medusa.test.ts): the
// rendered containers' commands, env and mounted scripts, made local. Shared by the engine tier
// and `npm run bench -- engines`.
// The only changes to the rendered env: HOST=127.0.0.1 and PORT=<free port> for the two servers
// (nothing leaves loopback), Service addresses mapped to loopback ports, and PATH pointing at the
// build's node_modules/.bin (what the images' PATH does).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { renderStore } from '../../../generator/render.ts';
import { spec, testPlatform } from '../../../generator/test/helpers.ts';
import { mapServices, RenderedStore, type Container } from './rendered.ts';
import { buildBackend, buildStorefront, freePort, PATH, startPostgres, startRedis } from './native.ts';
import { run, start, stop, type Proc } from './procs.ts';

type TestPlatform = Awaited<ReturnType<typeof testPlatform>>;

export class MedusaStore {
  readonly tmp = mkdtempSync(join(tmpdir(), 'storefleet-engines-'));
  readonly procs: Proc[] = [];
  store!: RenderedStore;
  ports = new Map<string, number>();
  serverDir = '';
  storefrontDir = '';
  backend?: Proc;
  storefront?: Proc;

  get backendUrl(): string {
    return `http://${this.local('medusa-backend')}`;
  }

  get storefrontUrl(): string {
    return `http://${this.local('medusa-storefront')}`;
  }

  /**
   * Renders the store and builds the images' sources (cached). `configure` may change the test
   * platform first (e.g. configure a backup target).
   */
  async prepare(displayName: string, log: (m: string) => void, configure: (p: TestPlatform) => TestPlatform = (p) => p): Promise<void> {
    const platform = configure(await testPlatform());
    const rendered = renderStore({ spec: spec({ engine: 'medusa', name: 'engine-shop', displayName }), platform });
    this.store = new RenderedStore(rendered.files, platform.privateKeyPem);
    for (const s of this.store.services()) this.ports.set(`${s.name}:${s.port}`, await freePort());
    this.serverDir = await buildBackend(log);
    this.storefrontDir = await buildStorefront(log);
  }

  /** PostgreSQL with the rendered StatefulSet's database, user and password; Redis. */
  async startDatabases(): Promise<void> {
    const pg = this.store.env(this.store.container('StatefulSet', 'postgres', 'postgres'));
    const postgres = await startPostgres(this.tmp, { name: pg.POSTGRES_DB, user: pg.POSTGRES_USER, password: pg.POSTGRES_PASSWORD });
    this.procs.push(postgres.proc);
    this.ports.set(this.address('postgres'), postgres.port);
    const redis = await startRedis(this.tmp);
    this.procs.push(redis.proc);
    this.ports.set(this.address('redis'), redis.port);
  }

  /** "<service>:<port>" of a rendered Service with one port. */
  address(name: string): string {
    const [s, ...more] = this.store.services().filter((x) => x.name === name);
    if (!s || more.length > 0) throw new Error(`expected one port on Service ${name}`);
    return `${s.name}:${s.port}`;
  }

  /** 127.0.0.1:<port> standing in for a Service. */
  local(name: string): string {
    return `127.0.0.1:${this.ports.get(this.address(name))}`;
  }

  /** The rendered container's command, env and working directory, made local. */
  container(kind: string, owner: string, name: string, dir: string, overrides: Record<string, string> = {}) {
    const c: Container = this.store.container(kind, owner, name);
    const scripts = join(this.tmp, 'scripts', owner);
    mkdirSync(scripts, { recursive: true });
    const files = this.store.mountedFiles(kind, owner, c.name);
    for (const [path, text] of files) writeFileSync(join(scripts, basename(path)), text);
    const argv = [...(c.command ?? []), ...(c.args ?? [])].map((a) => (files.has(a) ? join(scripts, basename(a)) : a));
    if (argv.length === 0) throw new Error(`${kind} ${owner}/${c.name} renders no command`);
    const env: Record<string, string> = {
      ...mapServices(this.store.env(c), this.ports),
      PATH: `${join(dir, 'node_modules', '.bin')}:${PATH}`,
      HOME: this.tmp,
      LANG: 'C.UTF-8',
      ...overrides,
    };
    return { cmd: argv[0], args: argv.slice(1), env, cwd: dir };
  }

  /** Runs a rendered container to completion; its output with the store's secrets masked. */
  async runToCompletion(kind: string, owner: string, name: string, dir: string): Promise<string> {
    const l = this.container(kind, owner, name, dir);
    const r = await run(l.cmd, l.args, l);
    const secrets = ['ADMIN_PASSWORD', 'JWT_SECRET', 'COOKIE_SECRET', 'POSTGRES_PASSWORD'].map((k) => l.env[k]).filter(Boolean);
    const output = secrets.reduce((o, s) => o.split(s).join('***'), r.output);
    if (r.code !== 0) throw new Error(`${kind} ${owner}/${name} exited ${r.code}:\n${output.slice(-6000)}`);
    return output;
  }

  migrate(): Promise<string> {
    return this.runToCompletion('Deployment', 'medusa-backend', 'migrate', this.serverDir);
  }

  bootstrap(): Promise<string> {
    return this.runToCompletion('Job', 'medusa-bootstrap', 'bootstrap', this.serverDir);
  }

  smokeTest(): Promise<string> {
    return this.runToCompletion('Job', 'smoke-test', 'smoke-test', this.tmp);
  }

  private async serve(owner: string, container: string, dir: string, health: string, timeoutMs: number): Promise<Proc> {
    const port = String(this.ports.get(this.address(owner)));
    const l = this.container('Deployment', owner, container, dir, { HOST: '127.0.0.1', PORT: port });
    const p = start(owner, l.cmd, l.args, { ...l, log: join(this.tmp, `${owner}.log`) });
    this.procs.push(p);
    await waitHttp(`http://127.0.0.1:${port}${health}`, timeoutMs, p);
    return p;
  }

  async startBackend(): Promise<Proc> {
    this.backend = await this.serve('medusa-backend', 'backend', this.serverDir, '/health', 180_000);
    return this.backend;
  }

  async startStorefront(): Promise<Proc> {
    this.storefront = await this.serve('medusa-storefront', 'storefront', this.storefrontDir, '/healthz', 30_000);
    return this.storefront;
  }

  /** Drops the store's database and creates it empty, owned by the same user (a lost volume). */
  async recreateDatabase(): Promise<void> {
    const pg = this.store.env(this.store.container('StatefulSet', 'postgres', 'postgres'));
    const port = String(this.ports.get(this.address('postgres')));
    // Names and password reach the clients as data: env and arguments after `--`.
    const env = { PATH, PGHOST: '127.0.0.1', PGPORT: port, PGUSER: pg.POSTGRES_USER, PGPASSWORD: pg.POSTGRES_PASSWORD, PGDATABASE: 'postgres' };
    for (const [cmd, args] of [
      ['dropdb', ['--force', '--', pg.POSTGRES_DB]],
      ['createdb', ['--owner', pg.POSTGRES_USER, '--', pg.POSTGRES_DB]],
    ] as const) {
      const r = await run(cmd, [...args], { env });
      if (r.code !== 0) throw new Error(`${cmd} failed: ${r.output.split(pg.POSTGRES_PASSWORD).join('***')}`);
    }
  }

  /** A digest of every row of every table (migration and workflow bookkeeping excluded). */
  async snapshot(): Promise<string> {
    const url = mapServices(this.store.env(this.store.container('Job', 'medusa-bootstrap', 'bootstrap')), this.ports).DATABASE_URL;
    const sql = `SELECT string_agg(format('%s=%s', table_name, (xpath('/row/c/text()', query_to_xml(format('SELECT md5(coalesce(string_agg(t::text, ''|'' ORDER BY t::text), '''')) AS c FROM %I t', table_name), false, true, '')))[1]::text), E'\\n' ORDER BY table_name)
      FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
        AND table_name NOT IN ('workflow_execution', 'mikro_orm_migrations', 'link_module_migrations', 'script_migrations')`;
    const r = await run('psql', [url, '-qtAX', '-c', sql], { env: { PATH } });
    if (r.code !== 0) throw new Error(`snapshot failed: ${r.output}`);
    return r.output;
  }

  /** Stops everything this store started, by PID, newest first. */
  async stopAll(keepLogs: boolean): Promise<void> {
    for (const p of [...this.procs].reverse()) await stop(p);
    if (!keepLogs) rmSync(this.tmp, { recursive: true, force: true });
  }
}

export async function waitHttp(url: string, timeoutMs: number, proc?: Proc): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc && proc.child.exitCode !== null) throw new Error(`${proc.name} exited ${proc.child.exitCode}; log: ${proc.log}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} not healthy after ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
