// Medusa v2: backend (Store and Admin APIs, admin UI at /app) on <name>-admin.<domain>, the
// project's own storefront on <name>.<domain>, Postgres and Redis. Both images are built from images/.
import { env, secretEnv } from '../../container.ts';
import { NAMES, storeHosts } from '../../meta.ts';
import type { Engine } from '../engine.ts';
import { ID, images, resources, SECRETS, type MedusaImages, type MedusaProps, type MedusaResources } from './config.ts';
import { BACKEND_PORT, BACKEND_SERVICE_URL, DEFAULT_REGION, MedusaApp, STOREFRONT_PORT } from './medusa-app.ts';
import { Postgres, postgresBackupSource } from './postgres.ts';
import { Cache } from '../../kit/cache.ts';

export const medusa: Engine<MedusaImages, MedusaResources> = {
  id: ID,
  label: 'Medusa',
  description: 'Medusa v2 backend with a Preact storefront on Postgres and Redis; admin on its own host.',
  folder: new URL('./', import.meta.url),
  imageSources: ['images/medusa-backend', 'images/medusa-storefront'],
  secrets: SECRETS,
  adminLogin: { secret: 'store-admin', userKey: 'ADMIN_EMAIL', passwordKey: 'ADMIN_PASSWORD' },
  images,
  resources,
  storage: [],
  scripts: ['medusa-bootstrap.sh', 'medusa-smoke-test.sh'],
  urls(name, site) {
    return { storefront: `${site.scheme}://${name}.${site.domain}`, admin: `${site.scheme}://${name}-admin.${site.domain}/app` };
  },
  routes(props) {
    const hosts = storeHosts(props);
    return [
      { host: hosts.storefront, service: NAMES.storefront, port: STOREFRONT_PORT },
      { host: hosts.admin, service: NAMES.backend, port: BACKEND_PORT },
    ];
  },
  smokeTest(props) {
    return {
      script: 'medusa-smoke-test.sh',
      env: [
        env('MEDUSA_URL', BACKEND_SERVICE_URL),
        env('REGION_COUNTRY', DEFAULT_REGION),
        secretEnv('PUBLISHABLE_KEY', 'medusa-secrets'),
        secretEnv('ADMIN_EMAIL', 'store-admin'),
        secretEnv('ADMIN_PASSWORD', 'store-admin'),
      ],
      resources: (props as MedusaProps).plan.resources.medusa.smokeTest,
    };
  },
  build(scope, props) {
    new Postgres(scope, 'postgres', props as MedusaProps);
    new Cache(scope, 'redis', props, { name: NAMES.redis, image: (props as MedusaProps).images.medusa.redis, resources: (props as MedusaProps).plan.resources.medusa.redis });
    new MedusaApp(scope, 'medusa', props as MedusaProps);
  },
  database(scope, props) {
    new Postgres(scope, 'postgres', props as MedusaProps);
  },
  backup: (props) => postgresBackupSource(props as MedusaProps),
};
