// Postgres for Medusa: one-replica StatefulSet, headless Service, PGDATA in a subfolder of a
// subPath mount (postgres 18 moved its data path; a fresh volume's lost+found breaks initdb).
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { StoreProps } from './props.ts';
import { componentLabels, NAMES, selectorLabels, storeNamespace, syncWave, WAVE } from './meta.ts';
import { env, execProbe, POD_DEFAULTS, podSecurityContext, port, resources, scratch, secretEnv, securityContext, tcpProbe } from './container.ts';
import { DataVolume } from './volumes.ts';

export const POSTGRES_PORT = 5432;
export const MEDUSA_DB = { name: 'medusa', user: 'medusa' } as const;
/** The official (Debian) image's postgres user. */
const POSTGRES_UID = 999;

/** Props: StoreProps (images.medusa.postgres, plan.storage.database, plan.resources.medusa.postgres). */
export class Postgres extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    const namespace = storeNamespace(props.store.name);
    const component = NAMES.postgres;
    const labels = componentLabels(props, component, 'database');
    const annotations = syncWave(WAVE.database);
    const tmp = scratch('tmp', '/tmp');
    const run = scratch('run', '/var/run/postgresql');
    const ready = ['pg_isready', '-h', '127.0.0.1', '-U', MEDUSA_DB.user, '-d', MEDUSA_DB.name];

    new DataVolume(this, 'Data', props, { name: NAMES.postgresData, component, size: props.plan.storage.database, wave: WAVE.database });

    new k8s.KubeService(this, 'Service', {
      metadata: { name: NAMES.postgres, namespace, labels, annotations },
      spec: {
        clusterIp: 'None',
        selector: selectorLabels(props, component),
        ports: [{ name: 'postgres', port: POSTGRES_PORT, targetPort: port(POSTGRES_PORT) }],
      },
    });

    new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: NAMES.postgres, namespace, labels, annotations },
      spec: {
        serviceName: NAMES.postgres,
        replicas: 1,
        selector: { matchLabels: selectorLabels(props, component) },
        template: {
          metadata: { labels },
          spec: {
            ...POD_DEFAULTS,
            securityContext: podSecurityContext({ fsGroup: POSTGRES_UID }),
            containers: [
              {
                name: 'postgres',
                image: props.images.medusa.postgres,
                ports: [{ name: 'postgres', containerPort: POSTGRES_PORT }],
                env: [
                  env('POSTGRES_DB', MEDUSA_DB.name),
                  env('POSTGRES_USER', MEDUSA_DB.user),
                  secretEnv('POSTGRES_PASSWORD', 'postgres-credentials'),
                  env('PGDATA', '/var/lib/postgresql/data/pgdata'),
                ],
                resources: resources(props.plan.resources.medusa.postgres),
                securityContext: securityContext({ uid: POSTGRES_UID, readOnlyRootFilesystem: true }),
                startupProbe: execProbe(ready, { period: 5, failures: 60 }),
                readinessProbe: execProbe(ready, { period: 10, failures: 3 }),
                livenessProbe: tcpProbe(POSTGRES_PORT, { period: 20, failures: 6 }),
                volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data', subPath: 'postgres' }, tmp.mount, run.mount],
              },
            ],
            volumes: [{ name: 'data', persistentVolumeClaim: { claimName: NAMES.postgresData } }, tmp.volume, run.volume],
          },
        },
      },
    });
  }
}
