// The shape MariaDB and Postgres share: a one-replica StatefulSet with a headless Service, a data
// PVC mounted by subPath (a fresh volume's lost+found breaks initialisation), scratch emptyDirs
// for the paths the image writes, a startup/readiness exec probe and a TCP liveness probe (a slow
// query must not restart the database).
import type { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { ContainerResources, StoreProps } from './props.ts';
import { componentLabels, selectorLabels, storeNamespace, syncWave, WAVE } from './meta.ts';
import { execProbe, POD_DEFAULTS, podSecurityContext, port, resources, scratch, securityContext, tcpProbe } from './container.ts';
import { DataVolume } from './volumes.ts';

export interface DatabaseProps {
  /** Service, StatefulSet and container name, e.g. "mariadb". */
  name: string;
  /** Name of the data PVC. */
  dataClaim: string;
  image: string;
  port: { name: string; number: number };
  /** The image's own non-root user (999 for mariadb and postgres). */
  uid: number;
  env: k8s.EnvVar[];
  resources: ContainerResources;
  /** Command that succeeds once the database accepts connections. */
  readyCommand: string[];
  data: { mountPath: string; subPath: string };
  /** Directory for sockets and pid files (the root filesystem is read-only). */
  runDir: string;
}

/** Adds the database's PVC, headless Service and StatefulSet to `scope` (construct IDs pinned). */
export function addDatabase(scope: Construct, props: StoreProps, db: DatabaseProps): void {
  const namespace = storeNamespace(props.store.name);
  const labels = componentLabels(props, db.name, 'database');
  const annotations = syncWave(WAVE.database);
  const tmp = scratch('tmp', '/tmp');
  const run = scratch('run', db.runDir);

  new DataVolume(scope, 'Data', props, { name: db.dataClaim, component: db.name, size: props.plan.storage.database, wave: WAVE.database });

  new k8s.KubeService(scope, 'Service', {
    metadata: { name: db.name, namespace, labels, annotations },
    spec: {
      clusterIp: 'None',
      selector: selectorLabels(props, db.name),
      ports: [{ name: db.port.name, port: db.port.number, targetPort: port(db.port.number) }],
    },
  });

  new k8s.KubeStatefulSet(scope, 'StatefulSet', {
    metadata: { name: db.name, namespace, labels, annotations },
    spec: {
      serviceName: db.name,
      replicas: 1,
      selector: { matchLabels: selectorLabels(props, db.name) },
      template: {
        metadata: { labels },
        spec: {
          ...POD_DEFAULTS,
          securityContext: podSecurityContext({ fsGroup: db.uid }),
          containers: [
            {
              name: db.name,
              image: db.image,
              ports: [{ name: db.port.name, containerPort: db.port.number }],
              env: db.env,
              resources: resources(db.resources),
              securityContext: securityContext({ uid: db.uid, readOnlyRootFilesystem: true }),
              startupProbe: execProbe(db.readyCommand, { period: 5, failures: 60 }),
              readinessProbe: execProbe(db.readyCommand, { period: 10, failures: 3 }),
              livenessProbe: tcpProbe(db.port.number, { period: 20, failures: 6 }),
              volumeMounts: [{ name: 'data', mountPath: db.data.mountPath, subPath: db.data.subPath }, tmp.mount, run.mount],
            },
          ],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: db.dataClaim } }, tmp.volume, run.volume],
        },
      },
    },
  });
}
