// Medusa v2: the project's own backend (db:migrate init container) and storefront images
// (images/medusa-*), and the bootstrap hook Job that ensures region, shipping, product,
// publishable key (= the sealed value) and admin user, idempotently.
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { MedusaProps as StoreProps } from './config.ts';
import { NAMES, storeHosts, storeUrl, WAVE } from '../../meta.ts';
import { env, httpProbe, port, scratch, secretEnv, tcpProbe } from '../../container.ts';
import { MEDUSA_DB, POSTGRES_PORT, postgresBackupSource } from './postgres.ts';
import { appRestoreStep } from '../../backup/backup.ts';
import { REDIS_PORT } from '../../kit/cache.ts';
import { SCRIPTS_DIR, scriptsVolume } from '../../scripts.ts';
import { allowConnection, publicInternetEgress, StorePolicy } from '../../kit/network-policy.ts';
import { StoreWorkload } from '../../kit/store-workload.ts';
import { StoreJob } from '../../kit/store-job.ts';

export const BACKEND_PORT = 9000;
export const STOREFRONT_PORT = 8000;
/** The node user of the node base images. */
const NODE_UID = 1000;
/** The country the bootstrap sells to (it ensures a region containing it) and its currency. */
export const DEFAULT_REGION = 'dk';
export const DEFAULT_CURRENCY = 'eur';
/** Where the backend image keeps its build output (images/medusa-backend/Dockerfile WORKDIR). */
const BACKEND_WORKDIR = '/srv/medusa';
/** images/medusa-storefront/Dockerfile WORKDIR. */
const STOREFRONT_WORKDIR = '/srv/storefront';
/** In-cluster URL of the backend: local wildcard domains resolve to loopback inside pods. */
export const BACKEND_SERVICE_URL = `http://${NAMES.backend}:${BACKEND_PORT}`;

/** Backend environment, shared by the app, its migrate init container and the bootstrap Job. */
export function backendEnv(props: StoreProps): k8s.EnvVar[] {
  const hosts = storeHosts(props);
  const storefront = storeUrl(props, hosts.storefront);
  const admin = storeUrl(props, hosts.admin);
  return [
    env('NODE_ENV', 'production'),
    secretEnv('POSTGRES_PASSWORD', 'postgres-credentials'),
    // Kubernetes expands $(POSTGRES_PASSWORD) from the variable above: no plaintext in the manifest.
    // The generated password is alphanumeric, so it needs no URL escaping.
    env('DATABASE_URL', `postgres://${MEDUSA_DB.user}:$(POSTGRES_PASSWORD)@${NAMES.postgres}:${POSTGRES_PORT}/${MEDUSA_DB.name}`),
    env('REDIS_URL', `redis://${NAMES.redis}:${REDIS_PORT}`),
    secretEnv('JWT_SECRET', 'medusa-secrets'),
    secretEnv('COOKIE_SECRET', 'medusa-secrets'),
    env('STORE_CORS', storefront),
    env('ADMIN_CORS', admin),
    env('AUTH_CORS', `${storefront},${admin}`),
    // Session cookies are Secure only when the public URL is https (plain http otherwise drops them).
    env('COOKIE_SECURE', String(props.site.scheme === 'https')),
    env('MEDUSA_DISABLE_TELEMETRY', 'true'),
    env('HOST', '0.0.0.0'),
    env('PORT', String(BACKEND_PORT)),
  ];
}

/**
 * Props: StoreProps (images.medusa.backend/storefront, plan.resources.medusa, site for public URLs
 * and the ingress namespace).
 */
export class MedusaApp extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    const res = props.plan.resources.medusa;
    // The backend image runs its built server from /srv/medusa and writes only temp files.
    const tmp = scratch('tmp', '/tmp');

    // A store with backups loads its latest snapshot into an empty database before the migrations.
    const restore = appRestoreStep(this, props, postgresBackupSource(props), NAMES.backend);
    new StoreWorkload(this, 'Backend', props, {
      name: NAMES.backend,
      role: 'api',
      wave: WAVE.app,
      port: { name: 'http', number: BACKEND_PORT },
      uid: NODE_UID,
      // Rolling by default; Recreate while a roll-back is requested (appRestoreStep says why).
      rollout: restore.rollout,
      podAnnotations: restore.podAnnotations,
      initContainers: [
        ...restore.initContainers,
        {
          name: 'migrate',
          image: props.images.medusa.backend,
          // Schema and links only: the data migration scripts and the search index step
          // each fork a fully booted app inside `db:migrate` (~15 s apiece, the biggest
          // part of a new store's wait); the bootstrap Job runs both in the boot it
          // needs anyway (images/medusa-backend/src/scripts/bootstrap.ts).
          command: ['medusa', 'db:migrate', '--skip-scripts', '--skip-search'],
          workingDir: BACKEND_WORKDIR,
          env: backendEnv(props),
          resources: res.bootstrap,
          volumeMounts: [tmp.mount],
        },
      ],
      containers: [
        {
          name: 'backend',
          image: props.images.medusa.backend,
          command: ['medusa', 'start'],
          workingDir: BACKEND_WORKDIR,
          ports: [{ name: 'http', containerPort: BACKEND_PORT }],
          env: backendEnv(props),
          resources: res.backend,
          // Start takes 10-60 s: the startup probe covers it, then readiness follows /health
          // (which fails while Postgres or Redis is down) and liveness only asks whether the
          // process still listens, so a database blip does not restart the backend.
          startupProbe: httpProbe('/health', BACKEND_PORT, { period: 5, failures: 60 }),
          readinessProbe: httpProbe('/health', BACKEND_PORT, { period: 10, failures: 3 }),
          livenessProbe: tcpProbe(BACKEND_PORT, { period: 20, failures: 6 }),
          volumeMounts: [tmp.mount],
        },
      ],
      volumes: [tmp.volume, ...restore.volumes],
    });

    new StoreWorkload(this, 'Storefront', props, {
      name: NAMES.storefront,
      role: 'web',
      wave: WAVE.app,
      port: { name: 'http', number: STOREFRONT_PORT },
      uid: NODE_UID,
      containers: [
        {
          name: 'storefront',
          image: props.images.medusa.storefront,
          command: ['node', 'server.mjs'],
          workingDir: STOREFRONT_WORKDIR,
          ports: [{ name: 'http', containerPort: STOREFRONT_PORT }],
          // The storefront image's env contract (docs/constructs.md): read at container start,
          // so one image serves every store.
          env: [
            env('NODE_ENV', 'production'),
            env('MEDUSA_BACKEND_URL', BACKEND_SERVICE_URL),
            secretEnv('MEDUSA_PUBLISHABLE_KEY', 'medusa-secrets', 'PUBLISHABLE_KEY'),
            env('DEFAULT_REGION', DEFAULT_REGION),
            env('HOST', '0.0.0.0'),
            env('PORT', String(STOREFRONT_PORT)),
          ],
          // A small Node server of static files: it writes nothing, so its root is read-only too.
          resources: res.storefront,
          // The server itself, not the backend: the pod is ready before the bootstrap hook has
          // set the publishable key (the page then explains what is wrong).
          readinessProbe: httpProbe('/healthz', STOREFRONT_PORT, { period: 10, failures: 3 }),
          livenessProbe: tcpProbe(STOREFRONT_PORT, { period: 20, failures: 6, initialDelay: 20 }),
        },
      ],
    });

    const scripts = scriptsVolume();
    new StoreJob(this, 'Bootstrap', props, {
      name: NAMES.bootstrap,
      role: 'bootstrap',
      hook: 'Sync',
      wave: WAVE.bootstrap,
      backoffLimit: 4,
      activeDeadlineSeconds: 1200,
      uid: NODE_UID,
      container: {
        name: 'bootstrap',
        image: props.images.medusa.backend,
        command: ['sh', `${SCRIPTS_DIR}/medusa-bootstrap.sh`],
        workingDir: BACKEND_WORKDIR,
        env: [
          ...backendEnv(props),
          secretEnv('PUBLISHABLE_KEY', 'medusa-secrets'),
          env('STORE_COUNTRY', DEFAULT_REGION),
          env('STORE_CURRENCY', DEFAULT_CURRENCY),
          // The display name reaches Medusa as data (an env value), never as an argument.
          env('STORE_NAME', props.store.displayName),
        ],
        envFrom: [{ secretRef: { name: 'store-admin' } }],
        resources: res.bootstrap,
        volumeMounts: [scripts.mount, tmp.mount],
      },
      volumes: [scripts.volume, tmp.volume],
    });

    // Network: databases only from the backend and the bootstrap Job; the backend from the
    // storefront, the smoke test and the ingress controller; the storefront from the ingress controller and out to
    // public addresses (product images).
    allowConnection(this, props, NAMES.postgres, POSTGRES_PORT, [NAMES.backend, NAMES.bootstrap]);
    allowConnection(this, props, NAMES.redis, REDIS_PORT, [NAMES.backend, NAMES.bootstrap]);
    allowConnection(this, props, NAMES.backend, BACKEND_PORT, [NAMES.storefront, NAMES.smokeTest]);
    const fromController: k8s.NetworkPolicyPeer = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.site.ingressControllerNamespace } },
    };
    new StorePolicy(this, 'AllowIngressToBackend', props, {
      name: 'allow-ingress-to-medusa-backend',
      component: NAMES.backend,
      ingress: [{ from: [fromController], ports: [{ protocol: 'TCP', port: port(BACKEND_PORT) }] }],
    });
    new StorePolicy(this, 'AllowIngressToStorefront', props, {
      name: 'allow-ingress-to-medusa-storefront',
      component: NAMES.storefront,
      ingress: [{ from: [fromController], ports: [{ protocol: 'TCP', port: port(STOREFRONT_PORT) }] }],
    });
    new StorePolicy(this, 'AllowStorefrontInternet', props, {
      name: 'allow-medusa-storefront-to-internet',
      component: NAMES.storefront,
      egress: [publicInternetEgress()],
    });
  }
}
