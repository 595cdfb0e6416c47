// Postgres for Medusa: one-replica StatefulSet, headless Service, PGDATA in a subfolder of a
// subPath mount (postgres 18 moved its data path; a fresh volume's lost+found breaks initdb).
import { Construct } from 'constructs';
import type { MedusaProps as StoreProps } from './config.ts';
import { NAMES } from '../../meta.ts';
import { env, secretEnv } from '../../container.ts';
import { addDatabase } from '../../kit/database.ts';
import type { BackupSource } from '../../backup/backup.ts';

export const POSTGRES_PORT = 5432;
export const MEDUSA_DB = { name: 'medusa', user: 'medusa' } as const;
/** The official (Debian) image's postgres user. */
const POSTGRES_UID = 999;

/** Props: StoreProps (images.medusa.postgres, plan.storage.database, plan.resources.medusa.postgres). */
export class Postgres extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    addDatabase(this, props, {
      name: NAMES.postgres,
      size: props.plan.storage.database,
      dataClaim: NAMES.postgresData,
      image: props.images.medusa.postgres,
      port: { name: 'postgres', number: POSTGRES_PORT },
      uid: POSTGRES_UID,
      env: [
        env('POSTGRES_DB', MEDUSA_DB.name),
        env('POSTGRES_USER', MEDUSA_DB.user),
        secretEnv('POSTGRES_PASSWORD', 'postgres-credentials'),
        env('PGDATA', '/var/lib/postgresql/data/pgdata'),
      ],
      resources: props.plan.resources.medusa.postgres,
      readyCommand: ['pg_isready', '-h', '127.0.0.1', '-U', MEDUSA_DB.user, '-d', MEDUSA_DB.name],
      data: { mountPath: '/var/lib/postgresql/data', subPath: 'postgres' },
      runDir: '/var/run/postgresql',
    });
  }
}

/** What the backup construct needs to dump this database and load it back (constructs/backup/). */
export function postgresBackupSource(props: StoreProps): BackupSource {
  return {
    engine: 'postgres',
    image: props.images.medusa.postgres,
    uid: POSTGRES_UID,
    service: NAMES.postgres,
    port: POSTGRES_PORT,
    database: MEDUSA_DB.name,
    user: MEDUSA_DB.user,
    password: { secret: 'postgres-credentials', key: 'POSTGRES_PASSWORD' },
  };
}
