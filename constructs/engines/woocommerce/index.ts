// WooCommerce: WordPress + the WooCommerce plugin on MariaDB. The admin is WordPress's /wp-admin/
// on the storefront host.
import { env, secretEnv } from '../../container.ts';
import { NAMES, storeHosts } from '../../meta.ts';
import type { Engine } from '../engine.ts';
import { ID, images, resources, SECRETS, STORAGE, type WooCommerceImages, type WooCommerceProps, type WooCommerceResources } from './config.ts';
import { MariaDb, mariadbBackupSource } from './mariadb.ts';
import { SAMPLE_PRODUCT_SKU, WooCommerceApp, WORDPRESS_PORT } from './woocommerce-app.ts';

export const woocommerce: Engine<WooCommerceImages, WooCommerceResources> = {
  id: ID,
  label: 'WooCommerce',
  description: 'WordPress with the WooCommerce plugin on MariaDB; admin at /wp-admin/ of the store.',
  folder: new URL('./', import.meta.url),
  imageSources: [],
  secrets: SECRETS,
  adminLogin: { secret: 'store-admin', userKey: 'ADMIN_USER', passwordKey: 'ADMIN_PASSWORD' },
  images,
  resources,
  storage: STORAGE,
  scripts: ['woocommerce-setup.sh', 'woocommerce-smoke-test.sh'],
  urls(name, site) {
    const storefront = `${site.scheme}://${name}.${site.domain}`;
    return { storefront, admin: `${storefront}/wp-admin/` };
  },
  routes(props) {
    return [{ host: storeHosts(props).storefront, service: NAMES.wordpress, port: WORDPRESS_PORT }];
  },
  smokeTest(props) {
    return {
      script: 'woocommerce-smoke-test.sh',
      env: [
        env('WORDPRESS_URL', `http://${NAMES.wordpress}:${WORDPRESS_PORT}`),
        env('STORE_HOST', storeHosts(props).storefront),
        env('STORE_SCHEME', props.site.scheme),
        env('SAMPLE_PRODUCT_SKU', SAMPLE_PRODUCT_SKU),
        secretEnv('ADMIN_USER', 'store-admin'),
        secretEnv('ADMIN_PASSWORD', 'store-admin'),
      ],
      resources: (props as WooCommerceProps).plan.resources.woocommerce.smokeTest,
    };
  },
  build(scope, props) {
    new MariaDb(scope, 'mariadb', props as WooCommerceProps);
    new WooCommerceApp(scope, 'woocommerce', props as WooCommerceProps);
  },
  database(scope, props) {
    new MariaDb(scope, 'mariadb', props as WooCommerceProps);
  },
  backup: (props) => mariadbBackupSource(props as WooCommerceProps),
};
