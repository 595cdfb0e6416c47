// One engine's backup round trip on this machine, shared by the backup tier and the benchmark:
// the store's rendered backup CronJob and restore step, its database (from Debian) and the
// "cluster" around them (Service → 127.0.0.1, unsealed secrets, the restic binary of the image).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { binary } from '../cluster/lib/config.ts';
import type { StoreBackupProps } from '../../constructs/backup/backup.ts';
import { renderStoreObjects } from '../../constructs/index.ts';
import { backupProps, backupSource, backupTarget } from '../../constructs/backup/test-props.ts';
import { storeProps } from '../../constructs/test-props.ts';
import { startMariaDb, startPostgres, type RunningDatabase } from './databases.ts';
import { backupPod, manualBackupPod, restoreStep, runPod, type ContainerRun, type PodWorld } from './pod-runner.ts';
import type { S3Target } from './s3-target.ts';
import { seedOrders, seedWordPress } from './seed.ts';

/** Per engine: its database server, the application database, and the shop-shaped seed. */
export const ENGINE_DATABASES = {
  woocommerce: { start: startMariaDb, db: { database: 'wordpress', user: 'wordpress' }, seed: seedWordPress },
  medusa: { start: startPostgres, db: { database: 'medusa', user: 'medusa' }, seed: seedOrders },
} as const;

/** The engines whose databases the tier runs. */
export type BackupEngine = keyof typeof ENGINE_DATABASES;

export interface RoundTrip {
  engine: BackupEngine;
  db: RunningDatabase;
  store: string;
  /** The secret holding the database password, as the engine names it. */
  passwordSecret: string;
  /**
   * Runs the rendered backup CronJob's pod; `secrets` overrides unsealed values (failure tests),
   * `kind` the snapshot's kind (the CronJob's own is scheduled; manual and final Jobs run the same script).
   */
  backup(secrets?: Record<string, string>, kind?: 'scheduled' | 'manual' | 'final'): Promise<ContainerRun[]>;
  /** Runs the pod of the manual backup Job the store renders for a "Back up now" request at `requestedAt`. */
  manualBackup(requestedAt: string): Promise<ContainerRun[]>;
  /** Runs the rendered restore step (the first init containers of the app pod). */
  restore(o?: Partial<StoreBackupProps>): Promise<ContainerRun[]>;
  /** The store's snapshots, read with restic itself (not with the scripts under test). */
  snapshots(): Array<{ id: string; tags?: string[]; hostname: string; paths: string[] }>;
  /**
   * Test setup: stores a small snapshot tagged `kind` dated `time` with restic itself (`backup
   * --time`), as the store's pods would have stored it then (same host and file name).
   */
  addSnapshot(kind: 'scheduled' | 'manual' | 'final', time: Date): string;
  /** Test setup: removes these snapshots with restic itself. */
  forget(ids: string[]): void;
  /** Every secret value in play (for "never printed" checks). */
  secretValues(): string[];
  stop(): Promise<void>;
}

export async function startRoundTrip(engine: BackupEngine, dir: string, s3: S3Target, o: { resticPassword?: string } = {}): Promise<RoundTrip> {
  const spec = ENGINE_DATABASES[engine];
  const props = storeProps(engine, 'small', { name: `rt-${engine}` });
  const source = backupSource(props);
  const port = Number(new URL(s3.endpoint).port);
  const target = backupTarget({ endpoint: s3.endpoint, bucket: s3.bucket, region: s3.region, egress: { cidrs: ['127.0.0.1/32'], ports: [port] } });
  const backup = (o: Partial<StoreBackupProps> = {}) => backupProps({ target, ...o });
  // The whole store as the generator renders it with backups on: the backup CronJob, and the
  // restore step inside the app workload that first touches the database.
  const render = (o: Partial<StoreBackupProps> = {}) => renderStoreObjects({ ...props, backup: backup(o) }) as Array<Record<string, any>>;
  const objects = render();
  const scheduled = backupPod(objects);
  const resticPassword = o.resticPassword ?? randomBytes(24).toString('base64url');
  const db = await spec.start(spec.db);
  const passwordSecret = `${source.password.secret}/${source.password.key}`;

  const world = (overrides: Record<string, string> = {}): PodWorld => ({
    dir,
    objects,
    imageFiles: { '/usr/bin/restic': binary('restic') },
    services: { [source.service]: { port: source.port, host: db.host, hostPort: db.port } },
    secrets: {
      [passwordSecret]: db.password,
      'backup-target/AWS_ACCESS_KEY_ID': s3.accessKeyId,
      'backup-target/AWS_SECRET_ACCESS_KEY': s3.secretAccessKey,
      'backup-target/RESTIC_PASSWORD': resticPassword,
      ...overrides,
    },
  });
  const repository = (scheduled.containers[0].env as Array<{ name: string; value?: string }>).find((e) => e.name === 'RESTIC_REPOSITORY')!.value!;
  /** restic itself on the store's repository (not the scripts under test). */
  const restic = (args: string[], input?: string): string => {
    const r = spawnSync(binary('restic'), args, {
      encoding: 'utf8',
      input,
      env: {
        RESTIC_REPOSITORY: repository,
        RESTIC_PASSWORD: resticPassword,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_DEFAULT_REGION: s3.region,
      },
    });
    if (r.status !== 0) throw new Error(`restic ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  };

  return {
    engine,
    db,
    store: props.store.name,
    passwordSecret,
    backup: (secrets, kind) => runPod(scheduled, world(secrets), kind ? { BACKUP_KIND: kind } : {}),
    manualBackup: (requestedAt) => runPod(manualBackupPod(render({ manualBackup: { requestedAt } })), world()),
    restore: (o) => runPod(restoreStep(o ? render(o) : objects), world()),
    snapshots() {
      return JSON.parse(restic(['snapshots', '--json', '--no-cache']) || '[]');
    },
    addSnapshot(kind, time) {
      const stamp = time.toISOString().slice(0, 19).replace('T', ' ');
      // database.sh names the dump <database>.sql.
      const out = restic(['backup', '--json', '--no-cache', `--host=${props.store.name}`, `--tag=${kind}`, `--time=${stamp}`, '--stdin', `--stdin-filename=${spec.db.database}.sql`], `-- ${kind} dump of ${stamp}\n`);
      return JSON.parse(out.trim().split('\n').at(-1)!).snapshot_id;
    },
    forget(ids) {
      if (ids.length) restic(['forget', '--no-cache', '--', ...ids]);
    },
    secretValues: () => [db.password, resticPassword, s3.secretAccessKey],
    stop: () => db.stop(),
  };
}
