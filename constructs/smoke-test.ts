// The PostSync smoke test: a Job that places a real order through the engine's public Store API
// (in-cluster Service, public Host header) and finds it through the admin API. A store is only
// ready when this passes; the scripts have no fallback that creates an order directly.
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { StoreProps } from './props.ts';
import { componentLabels, hookAnnotations, NAMES, storeNamespace } from './meta.ts';
import { env, POD_DEFAULTS, podSecurityContext, resources, scratch, securityContext } from './container.ts';
import { SCRIPTS_DIR, scriptsVolume } from './scripts.ts';
import type { SmokeTestSpec } from './engines/engine.ts';

/** The smoke-test image's own non-root user (images/smoke-test/Dockerfile). */
const SMOKE_UID = 10001;

/**
 * Props: StoreProps (store name and labels, images.smokeTest) and the engine's SmokeTestSpec
 * (script, env, resources). Non-root, read-only root filesystem, /tmp as scratch.
 */
export class SmokeTest extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps, test: SmokeTestSpec) {
    super(scope, id);
    const labels = componentLabels(props, NAMES.smokeTest, 'smoke-test');
    const scripts = scriptsVolume();
    const tmp = scratch('tmp', '/tmp');

    new k8s.KubeJob(this, 'Resource', {
      metadata: {
        name: NAMES.smokeTest,
        namespace: storeNamespace(props.store.name),
        labels,
        annotations: hookAnnotations('PostSync'),
      },
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 900,
        template: {
          metadata: { labels },
          spec: {
            ...POD_DEFAULTS,
            restartPolicy: 'Never',
            securityContext: podSecurityContext({ fsGroup: SMOKE_UID }),
            containers: [
              {
                name: 'smoke-test',
                image: props.images.smokeTest,
                command: ['sh', `${SCRIPTS_DIR}/${test.script}`],
                env: [...test.env, env('HOME', '/tmp')],
                resources: resources(test.resources),
                securityContext: securityContext({ uid: SMOKE_UID, readOnlyRootFilesystem: true }),
                volumeMounts: [scripts.mount, tmp.mount],
              },
            ],
            volumes: [scripts.volume, tmp.volume],
          },
        },
      },
    });
  }
}
