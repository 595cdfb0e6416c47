// WordPress + WooCommerce: one Deployment (replicas 1, Recreate: the document root is a
// ReadWriteOnce volume) with two init containers — the WordPress image's
// docker-ensure-installed.sh (copies WordPress, writes wp-config.php) and the WP-CLI setup script.
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { WooCommerceProps as StoreProps } from './config.ts';
import { NAMES, storeHosts, storeUrl, WAVE } from '../../meta.ts';
import { env, httpProbe, port, scratch, secretEnv, tcpProbe } from '../../container.ts';
import { StoreWorkload } from '../../kit/store-workload.ts';
import { DataVolume } from '../../volumes.ts';
import { MARIADB_PORT, mariadbBackupSource, WORDPRESS_DB } from './mariadb.ts';
import { appRestoreStep } from '../../backup/backup.ts';
import { SCRIPTS_DIR, scriptsVolume } from '../../scripts.ts';
import { allowConnection, namespacePeer, publicInternetEgress, StorePolicy } from '../../kit/network-policy.ts';

export const WORDPRESS_PORT = 80;
/** www-data in the Debian wordpress image; the alpine CLI image calls it 82, so pin 33 there too. */
const WWW_DATA = 33;
/** The sample product the setup script creates and the smoke test orders. */
export const SAMPLE_PRODUCT_SKU = 'storefleet-sample';

/** Headers probes send so WordPress sees the scheme the public URL has. */
export function forwardedHeaders(props: StoreProps): Record<string, string> {
  return props.site.scheme === 'https' ? { 'X-Forwarded-Proto': 'https' } : {};
}

/** The WORDPRESS_* environment shared by the app and both init containers. */
function wordpressEnv(): { env: k8s.EnvVar[]; envFrom: k8s.EnvFromSource[] } {
  return {
    env: [
      env('WORDPRESS_DB_HOST', NAMES.mariadb),
      env('WORDPRESS_DB_NAME', WORDPRESS_DB.name),
      env('WORDPRESS_DB_USER', WORDPRESS_DB.user),
      secretEnv('WORDPRESS_DB_PASSWORD', 'mariadb-credentials', 'MARIADB_PASSWORD'),
    ],
    // WORDPRESS_AUTH_KEY … WORDPRESS_NONCE_SALT: the secret's keys are the variable names.
    envFrom: [{ secretRef: { name: 'wordpress-keys' } }],
  };
}

/**
 * Props: StoreProps (images.woocommerce.*, plan.storage.wordpress, plan.resources.woocommerce,
 * site for the public URL and ingress namespace, store.displayName as the site title — passed as
 * an env value, never spliced into a command line).
 */
export class WooCommerceApp extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    const component = NAMES.wordpress;
    const res = props.plan.resources.woocommerce;
    const scripts = scriptsVolume();
    const docroot: k8s.VolumeMount = { name: 'docroot', mountPath: '/var/www/html', subPath: 'html' };
    const wpEnv = wordpressEnv();
    const url = storeUrl(props, storeHosts(props).storefront);
    // Everything WordPress writes goes to the document root (a PVC); besides that, PHP's and
    // WP-CLI's temp files (HOME=/tmp) and Apache's pid and lock files (the image's APACHE_RUN_DIR
    // and APACHE_LOCK_DIR) each get an emptyDir, so every root filesystem is read-only.
    const tmp = scratch('tmp', '/tmp');
    const apacheRun = scratch('apache-run', '/var/run/apache2');
    const apacheLock = scratch('apache-lock', '/var/lock/apache2');

    new DataVolume(this, 'Data', props, { name: NAMES.wordpressData, component, size: props.plan.storage.wordpress, wave: WAVE.app });
    // A store with backups loads its latest snapshot into an empty database before WordPress installs.
    const restore = appRestoreStep(this, props, mariadbBackupSource(props), component);

    new StoreWorkload(this, 'Workload', props, {
      name: NAMES.wordpress,
      role: 'web',
      wave: WAVE.app,
      port: { name: 'http', number: WORDPRESS_PORT },
      uid: WWW_DATA,
      // The document root is a ReadWriteOnce volume: the old pod goes first.
      rollout: 'recreate',
      // A roll-back request rolls the pod once (its restore step replaces the database).
      podAnnotations: restore.podAnnotations,
      bindLowPorts: true,
      initContainers: [
        ...restore.initContainers,
        {
          name: 'install-wordpress',
          image: props.images.woocommerce.wordpress,
          command: ['docker-ensure-installed.sh'],
          ...wpEnv,
          resources: res.setup,
          volumeMounts: [docroot, tmp.mount],
        },
        {
          name: 'setup-woocommerce',
          image: props.images.woocommerce.wpCli,
          command: ['sh', `${SCRIPTS_DIR}/woocommerce-setup.sh`],
          env: [
            ...wpEnv.env,
            env('HOME', '/tmp'),
            env('STORE_URL', url),
            env('STORE_TITLE', props.store.displayName),
            env('WOOCOMMERCE_VERSION', props.images.woocommerce.woocommerceVersion),
            env('SAMPLE_PRODUCT_SKU', SAMPLE_PRODUCT_SKU),
          ],
          envFrom: [...wpEnv.envFrom, { secretRef: { name: 'store-admin' } }],
          resources: res.setup,
          volumeMounts: [docroot, scripts.mount, tmp.mount],
        },
      ],
      containers: [
        {
          name: 'wordpress',
          image: props.images.woocommerce.wordpress,
          ports: [{ name: 'http', containerPort: WORDPRESS_PORT }],
          ...wpEnv,
          resources: res.wordpress,
          // 200 before and after install, 500 while the database is down.
          readinessProbe: httpProbe('/wp-admin/install.php', WORDPRESS_PORT, { period: 10, failures: 3, headers: forwardedHeaders(props) }),
          // TCP only: a database blip must not restart WordPress.
          livenessProbe: tcpProbe(WORDPRESS_PORT, { period: 20, failures: 6, initialDelay: 30 }),
          volumeMounts: [docroot, tmp.mount, apacheRun.mount, apacheLock.mount],
        },
      ],
      volumes: [{ name: 'docroot', persistentVolumeClaim: { claimName: NAMES.wordpressData } }, scripts.volume, tmp.volume, apacheRun.volume, apacheLock.volume, ...restore.volumes],
    });

    // Network: the database only from WordPress (the setup script runs in the same pod); web
    // traffic from the ingress controller and the smoke test; plugin downloads to public addresses.
    allowConnection(this, props, NAMES.mariadb, MARIADB_PORT, [NAMES.wordpress]);
    allowConnection(this, props, NAMES.wordpress, WORDPRESS_PORT, [NAMES.smokeTest]);
    new StorePolicy(this, 'AllowIngressController', props, {
      name: 'allow-ingress-to-wordpress',
      component,
      ingress: [
        {
          from: [namespacePeer(props.site.ingressControllerNamespace)],
          ports: [{ protocol: 'TCP', port: port(WORDPRESS_PORT) }],
        },
      ],
    });
    new StorePolicy(this, 'AllowInternet', props, {
      name: 'allow-wordpress-to-internet',
      component,
      egress: [publicInternetEgress()],
    });
  }
}
