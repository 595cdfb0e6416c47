// Redis for Medusa (sessions, cache): a cache only, so no volume; Deployment with Recreate.
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { MedusaProps as StoreProps } from './config.ts';
import { componentLabels, NAMES, selectorLabels, storeNamespace, syncWave, WAVE } from '../../meta.ts';
import { execProbe, POD_DEFAULTS, podSecurityContext, port, resources, scratch, securityContext, tcpProbe } from '../../container.ts';

export const REDIS_PORT = 6379;
/** The official image's redis user (alpine and Debian variants). */
const REDIS_UID = 999;

/** Props: StoreProps (images.medusa.redis, plan.resources.medusa.redis). */
export class Redis extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    const namespace = storeNamespace(props.store.name);
    const component = NAMES.redis;
    const labels = componentLabels(props, component, 'cache');
    const annotations = syncWave(WAVE.database);
    const data = scratch('data', '/data');

    new k8s.KubeService(this, 'Service', {
      metadata: { name: NAMES.redis, namespace, labels, annotations },
      spec: {
        selector: selectorLabels(props, component),
        ports: [{ name: 'redis', port: REDIS_PORT, targetPort: port(REDIS_PORT) }],
      },
    });

    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: NAMES.redis, namespace, labels, annotations },
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selectorLabels(props, component) },
        template: {
          metadata: { labels },
          spec: {
            ...POD_DEFAULTS,
            securityContext: podSecurityContext({ fsGroup: REDIS_UID }),
            containers: [
              {
                name: 'redis',
                image: props.images.medusa.redis,
                // args, not command: the image's entrypoint still runs (it only sets a umask as non-root).
                args: ['redis-server', '--save', '', '--appendonly', 'no'],
                ports: [{ name: 'redis', containerPort: REDIS_PORT }],
                resources: resources(props.plan.resources.medusa.redis),
                securityContext: securityContext({ uid: REDIS_UID, readOnlyRootFilesystem: true }),
                readinessProbe: execProbe(['redis-cli', 'ping'], { period: 10, failures: 3 }),
                livenessProbe: tcpProbe(REDIS_PORT, { period: 20, failures: 6 }),
                volumeMounts: [data.mount],
              },
            ],
            volumes: [data.volume],
          },
        },
      },
    });
  }
}
