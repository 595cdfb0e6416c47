// The PostSync smoke test: a Job that places a real order through the engine's public Store API
// (in-cluster Service, public Host header) and finds it through the admin API. A store is only
// ready when this passes; the scripts have no fallback that creates an order directly.
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { StoreProps } from './props.ts';
import { componentLabels, hookAnnotations, NAMES, storeHosts, storeNamespace } from './meta.ts';
import { env, POD_DEFAULTS, podSecurityContext, resources, scratch, secretEnv, securityContext } from './container.ts';
import { SCRIPTS_DIR, scriptsVolume } from './scripts.ts';
import { SAMPLE_PRODUCT_SKU, WORDPRESS_PORT } from './woocommerce-app.ts';
import { BACKEND_SERVICE_URL, DEFAULT_REGION } from './medusa-app.ts';

/** The smoke-test image's own non-root user (images/smoke-test/Dockerfile). */
const SMOKE_UID = 10001;

/** Props: StoreProps (engine picks the script; images.smokeTest; plan.resources.<engine>.smokeTest). */
export class SmokeTest extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    const engine = props.store.engine;
    const labels = componentLabels(props, NAMES.smokeTest, 'smoke-test');
    const scripts = scriptsVolume();
    const tmp = scratch('tmp', '/tmp');
    const hosts = storeHosts(props);
    const engineEnv: k8s.EnvVar[] =
      engine === 'woocommerce'
        ? [
            env('WORDPRESS_URL', `http://${NAMES.wordpress}:${WORDPRESS_PORT}`),
            env('STORE_HOST', hosts.storefront),
            env('STORE_SCHEME', props.site.scheme),
            env('SAMPLE_PRODUCT_SKU', SAMPLE_PRODUCT_SKU),
            secretEnv('ADMIN_USER', 'store-admin'),
            secretEnv('ADMIN_PASSWORD', 'store-admin'),
          ]
        : [
            env('MEDUSA_URL', BACKEND_SERVICE_URL),
            env('REGION_COUNTRY', DEFAULT_REGION),
            secretEnv('PUBLISHABLE_KEY', 'medusa-secrets'),
            secretEnv('ADMIN_EMAIL', 'store-admin'),
            secretEnv('ADMIN_PASSWORD', 'store-admin'),
          ];

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
                command: ['sh', `${SCRIPTS_DIR}/${engine}-smoke-test.sh`],
                env: [...engineEnv, env('HOME', '/tmp')],
                resources: resources(props.plan.resources[engine].smokeTest),
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
