// A cache (Redis): sessions and cached data only, so no volume — losing it logs users out but
// loses no orders. A Deployment with Recreate (one pod at a time) and the kit's secure defaults;
// persistence is switched off and the image's /data is an emptyDir under a read-only root.
import { Construct } from 'constructs';
import type { ContainerResources, StoreProps } from '../props.ts';
import { WAVE } from '../meta.ts';
import { execProbe, scratch, tcpProbe } from '../container.ts';
import { StoreWorkload } from './store-workload.ts';

export const REDIS_PORT = 6379;
/** The official image's redis user (alpine and Debian variants). */
const REDIS_UID = 999;

export interface CacheProps {
  /** Service, Deployment and container name, e.g. "redis". */
  name: string;
  /** A pinned official redis image (platform.yaml). */
  image: string;
  /** The plan's container sizes. */
  resources: ContainerResources;
}

/** Props: StoreProps (store identity for namespace and labels only) and CacheProps. */
export class Cache extends Construct {
  constructor(scope: Construct, id: string, store: StoreProps, p: CacheProps) {
    super(scope, id);
    const data = scratch('data', '/data');
    new StoreWorkload(this, 'Workload', store, {
      name: p.name,
      role: 'cache',
      wave: WAVE.database,
      port: { name: 'redis', number: REDIS_PORT },
      uid: REDIS_UID,
      rollout: 'recreate',
      containers: [
        {
          name: p.name,
          image: p.image,
          // args, not command: the image's entrypoint still runs (it only sets a umask as non-root).
          args: ['redis-server', '--save', '', '--appendonly', 'no'],
          ports: [{ name: 'redis', containerPort: REDIS_PORT }],
          resources: p.resources,
          readinessProbe: execProbe(['redis-cli', 'ping'], { period: 10, failures: 3 }),
          livenessProbe: tcpProbe(REDIS_PORT, { period: 20, failures: 6 }),
          volumeMounts: [data.mount],
        },
      ],
      volumes: [data.volume],
    });
  }
}
