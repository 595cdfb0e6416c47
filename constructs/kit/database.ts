// The shape MariaDB and Postgres share: a one-replica StatefulSet with a headless Service, a data
// PVC mounted by subPath (a fresh volume's lost+found breaks initialisation), scratch emptyDirs
// for the paths the image writes, a startup/readiness exec probe and a TCP liveness probe (a slow
// query must not restart the database).
import type { Construct } from 'constructs';
import type { k8s } from 'cdk8s-plus-28';
import type { ContainerResources, StoreProps } from '../props.ts';
import { WAVE } from '../meta.ts';
import { execProbe, scratch, tcpProbe } from '../container.ts';
import { DataVolume } from '../volumes.ts';
import { StoreWorkload } from './store-workload.ts';

export interface DatabaseProps {
  /** Service, StatefulSet and container name, e.g. "mariadb". */
  name: string;
  /** Name and size of the data PVC (platform.yaml plans.<plan>.storage.database). */
  dataClaim: string;
  size: string;
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

/**
 * Adds the database's PVC, headless Service and StatefulSet to `scope` (construct IDs pinned).
 * `store` gives the namespace and labels only; everything else is in DatabaseProps.
 */
export function addDatabase(scope: Construct, store: StoreProps, db: DatabaseProps): void {
  const tmp = scratch('tmp', '/tmp');
  const run = scratch('run', db.runDir);

  new DataVolume(scope, 'Data', store, { name: db.dataClaim, component: db.name, size: db.size, wave: WAVE.database });

  new StoreWorkload(scope, 'Workload', store, {
    name: db.name,
    role: 'database',
    wave: WAVE.database,
    port: db.port,
    uid: db.uid,
    rollout: 'stateful',
    containers: [
      {
        name: db.name,
        image: db.image,
        ports: [{ name: db.port.name, containerPort: db.port.number }],
        env: db.env,
        resources: db.resources,
        startupProbe: execProbe(db.readyCommand, { period: 5, failures: 60 }),
        readinessProbe: execProbe(db.readyCommand, { period: 10, failures: 3 }),
        livenessProbe: tcpProbe(db.port.number, { period: 20, failures: 6 }),
        volumeMounts: [{ name: 'data', mountPath: db.data.mountPath, subPath: db.data.subPath }, tmp.mount, run.mount],
      },
    ],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: db.dataClaim } }, tmp.volume, run.volume],
  });
}
