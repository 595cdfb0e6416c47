// MariaDB for WooCommerce: one-replica StatefulSet, headless Service, data PVC mounted by subPath.
import { Construct } from 'constructs';
import type { WooCommerceProps as StoreProps } from './config.ts';
import { NAMES } from '../../meta.ts';
import { env, secretEnv } from '../../container.ts';
import { addDatabase } from '../../kit/database.ts';
import type { BackupSource } from '../../backup/backup.ts';

export const MARIADB_PORT = 3306;
export const WORDPRESS_DB = { name: 'wordpress', user: 'wordpress' } as const;
/** The official image's mysql user. */
const MARIADB_UID = 999;

/** Props: StoreProps (images.woocommerce.mariadb, plan.storage.database, plan.resources.woocommerce.mariadb). */
export class MariaDb extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    addDatabase(this, props, {
      name: NAMES.mariadb,
      size: props.plan.storage.database,
      dataClaim: NAMES.mariadbData,
      image: props.images.woocommerce.mariadb,
      port: { name: 'mysql', number: MARIADB_PORT },
      uid: MARIADB_UID,
      env: [
        env('MARIADB_DATABASE', WORDPRESS_DB.name),
        env('MARIADB_USER', WORDPRESS_DB.user),
        secretEnv('MARIADB_PASSWORD', 'mariadb-credentials'),
        secretEnv('MARIADB_ROOT_PASSWORD', 'mariadb-credentials'),
        env('MARIADB_AUTO_UPGRADE', '1'),
      ],
      resources: props.plan.resources.woocommerce.mariadb,
      readyCommand: ['healthcheck.sh', '--connect', '--innodb_initialized'],
      data: { mountPath: '/var/lib/mysql', subPath: 'mysql' },
      runDir: '/run/mysqld',
    });
  }
}

/** What the backup construct needs to dump this database and load it back (constructs/backup/). */
export function mariadbBackupSource(props: StoreProps): BackupSource {
  return {
    engine: 'mariadb',
    image: props.images.woocommerce.mariadb,
    uid: MARIADB_UID,
    service: NAMES.mariadb,
    port: MARIADB_PORT,
    database: WORDPRESS_DB.name,
    user: WORDPRESS_DB.user,
    password: { secret: 'mariadb-credentials', key: 'MARIADB_PASSWORD' },
  };
}
