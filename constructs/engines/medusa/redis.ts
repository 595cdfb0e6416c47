// Redis for Medusa (sessions, cache): a cache only, so no volume; Deployment with Recreate.
import { Construct } from 'constructs';
import type { MedusaProps as StoreProps } from './config.ts';
import { NAMES, WAVE } from '../../meta.ts';
import { execProbe, scratch, tcpProbe } from '../../container.ts';
import { StoreWorkload } from '../../kit/store-workload.ts';

export const REDIS_PORT = 6379;
/** The official image's redis user (alpine and Debian variants). */
const REDIS_UID = 999;

/** Props: StoreProps (images.medusa.redis, plan.resources.medusa.redis). */
export class Redis extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    const data = scratch('data', '/data');
    new StoreWorkload(this, 'Workload', props, {
      name: NAMES.redis,
      role: 'cache',
      wave: WAVE.database,
      port: { name: 'redis', number: REDIS_PORT },
      uid: REDIS_UID,
      rollout: 'recreate',
      containers: [
        {
          name: 'redis',
          image: props.images.medusa.redis,
          // args, not command: the image's entrypoint still runs (it only sets a umask as non-root).
          args: ['redis-server', '--save', '', '--appendonly', 'no'],
          ports: [{ name: 'redis', containerPort: REDIS_PORT }],
          resources: props.plan.resources.medusa.redis,
          readinessProbe: execProbe(['redis-cli', 'ping'], { period: 10, failures: 3 }),
          livenessProbe: tcpProbe(REDIS_PORT, { period: 20, failures: 6 }),
          volumeMounts: [data.mount],
        },
      ],
      volumes: [data.volume],
    });
  }
}
