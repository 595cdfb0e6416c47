// WooCommerce's part of platform.yaml (images.woocommerce, plans.<plan>.resources.woocommerce,
// plans.<plan>.storage.wordpress) and its secrets.
import { z } from 'zod';
import { containerResources, image, version } from '../schema.ts';
import type { EngineStoreProps } from '../engine.ts';

export const ID = 'woocommerce';

export const images = z.strictObject({
  /** e.g. docker.io/library/wordpress:6.9.1-php8.3-apache */
  wordpress: image,
  /** e.g. docker.io/library/wordpress:cli-2.12.0-php8.3 */
  wpCli: image,
  mariadb: image,
  /** WooCommerce plugin version installed by the setup script, e.g. "10.3.5". */
  woocommerceVersion: version,
});

export const resources = z.strictObject({
  wordpress: containerResources,
  /** init containers: docker-ensure-installed.sh and the WP-CLI setup script. */
  setup: containerResources,
  mariadb: containerResources,
  smokeTest: containerResources,
});

export type WooCommerceImages = z.infer<typeof images>;
export type WooCommerceResources = z.infer<typeof resources>;

/** The WordPress document root's volume size, per plan. */
export const STORAGE = ['wordpress'] as const;

export const SECRETS = {
  'store-admin': ['ADMIN_USER', 'ADMIN_PASSWORD', 'ADMIN_EMAIL'],
  'mariadb-credentials': ['MARIADB_PASSWORD', 'MARIADB_ROOT_PASSWORD'],
  'wordpress-keys': [
    'WORDPRESS_AUTH_KEY',
    'WORDPRESS_SECURE_AUTH_KEY',
    'WORDPRESS_LOGGED_IN_KEY',
    'WORDPRESS_NONCE_KEY',
    'WORDPRESS_AUTH_SALT',
    'WORDPRESS_SECURE_AUTH_SALT',
    'WORDPRESS_LOGGED_IN_SALT',
    'WORDPRESS_NONCE_SALT',
  ],
} as const;

/** What WooCommerce's constructs read: the store props with its own images and sizes typed. */
export type WooCommerceProps = EngineStoreProps<typeof ID, WooCommerceImages, WooCommerceResources, (typeof STORAGE)[number]>;
