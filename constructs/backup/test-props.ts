// Test helpers: backup props with opaque placeholder ciphertext (the constructs never look inside).
import type { StoreProps } from '../props.ts';
import { App, Chart } from 'cdk8s';
import { mariadbBackupSource } from '../engines/woocommerce/mariadb.ts';
import { postgresBackupSource } from '../engines/medusa/postgres.ts';
import type { WooCommerceProps } from '../engines/woocommerce/config.ts';
import type { MedusaProps } from '../engines/medusa/config.ts';
import { BACKUP_CREDENTIAL_KEYS, StoreBackup, type BackupSource, type BackupTargetProps, type StoreBackupProps } from './backup.ts';

export function backupTarget(o: Partial<BackupTargetProps> = {}): BackupTargetProps {
  return {
    endpoint: 'https://s3.eu-central-1.example.com',
    bucket: 'storefleet-backups',
    region: 'eu-central-1',
    prefix: 'stores',
    egress: { cidrs: ['203.0.113.0/24'], ports: [443] },
    credentials: Object.fromEntries(BACKUP_CREDENTIAL_KEYS.map((k) => [k, Buffer.from(`sealed:backup-target/${k}`).toString('base64')])) as BackupTargetProps['credentials'],
    image: 'docker.io/restic/restic:0.18.1',
    ...o,
  };
}

export function backupProps(o: Partial<StoreBackupProps> = {}): StoreBackupProps {
  return {
    target: backupTarget(),
    policy: {
      schedule: '17 3 * * *',
      keep: { daily: 7, weekly: 4, monthly: 3 },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    },
    manualRetentionDays: 30,
    ...o,
  };
}

export function backupSource(props: StoreProps): BackupSource {
  return props.store.engine === 'woocommerce' ? mariadbBackupSource(props as WooCommerceProps) : postgresBackupSource(props as MedusaProps);
}

/** The backup objects of one store, rendered alone. */
export function renderBackupObjects(props: StoreProps, b: StoreBackupProps = backupProps()): Array<Record<string, any>> {
  const app = new App();
  const chart = new Chart(app, 'backup', { disableResourceNameHashes: true });
  new StoreBackup(chart, 'backup', props, b, backupSource(props));
  return chart.toJson() as Array<Record<string, any>>;
}
