// MariaDB for WooCommerce: one-replica StatefulSet, headless Service, data PVC mounted by subPath.
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { StoreProps } from './props.ts';
import { componentLabels, NAMES, selectorLabels, storeNamespace, syncWave, WAVE } from './meta.ts';
import { env, execProbe, POD_DEFAULTS, podSecurityContext, port, resources, scratch, secretEnv, securityContext, tcpProbe } from './container.ts';
import { DataVolume } from './volumes.ts';

export const MARIADB_PORT = 3306;
export const WORDPRESS_DB = { name: 'wordpress', user: 'wordpress' } as const;
/** The official image's mysql user. */
const MARIADB_UID = 999;

/** Props: StoreProps (images.woocommerce.mariadb, plan.storage.database, plan.resources.woocommerce.mariadb). */
export class MariaDb extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    const namespace = storeNamespace(props.store.name);
    const component = NAMES.mariadb;
    const labels = componentLabels(props, component, 'database');
    const annotations = syncWave(WAVE.database);
    const tmp = scratch('tmp', '/tmp');
    const run = scratch('run', '/run/mysqld');

    new DataVolume(this, 'Data', props, { name: NAMES.mariadbData, component, size: props.plan.storage.database, wave: WAVE.database });

    new k8s.KubeService(this, 'Service', {
      metadata: { name: NAMES.mariadb, namespace, labels, annotations },
      spec: {
        clusterIp: 'None',
        selector: selectorLabels(props, component),
        ports: [{ name: 'mysql', port: MARIADB_PORT, targetPort: port(MARIADB_PORT) }],
      },
    });

    new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: NAMES.mariadb, namespace, labels, annotations },
      spec: {
        serviceName: NAMES.mariadb,
        replicas: 1,
        selector: { matchLabels: selectorLabels(props, component) },
        template: {
          metadata: { labels },
          spec: {
            ...POD_DEFAULTS,
            securityContext: podSecurityContext({ fsGroup: MARIADB_UID }),
            containers: [
              {
                name: 'mariadb',
                image: props.images.woocommerce.mariadb,
                ports: [{ name: 'mysql', containerPort: MARIADB_PORT }],
                env: [
                  env('MARIADB_DATABASE', WORDPRESS_DB.name),
                  env('MARIADB_USER', WORDPRESS_DB.user),
                  secretEnv('MARIADB_PASSWORD', 'mariadb-credentials'),
                  secretEnv('MARIADB_ROOT_PASSWORD', 'mariadb-credentials'),
                  env('MARIADB_AUTO_UPGRADE', '1'),
                ],
                resources: resources(props.plan.resources.woocommerce.mariadb),
                securityContext: securityContext({ uid: MARIADB_UID, readOnlyRootFilesystem: true }),
                startupProbe: execProbe(['healthcheck.sh', '--connect', '--innodb_initialized'], { period: 5, failures: 60 }),
                readinessProbe: execProbe(['healthcheck.sh', '--connect', '--innodb_initialized'], { period: 10, failures: 3 }),
                livenessProbe: tcpProbe(MARIADB_PORT, { period: 20, failures: 6 }),
                volumeMounts: [{ name: 'data', mountPath: '/var/lib/mysql', subPath: 'mysql' }, tmp.mount, run.mount],
              },
            ],
            volumes: [{ name: 'data', persistentVolumeClaim: { claimName: NAMES.mariadbData } }, tmp.volume, run.volume],
          },
        },
      },
    });
  }
}
