// The secrets each engine needs: secret name → keys. The generator creates one value per key
// (once, with a CSPRNG), seals it, and hands the ciphertext to the constructs as SealedData.
// The constructs reference exactly these names and keys from env/secretKeyRef.
import type { Engine } from './props.ts';

export const STORE_SECRET_KEYS = {
  woocommerce: {
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
  },
  medusa: {
    'store-admin': ['ADMIN_EMAIL', 'ADMIN_PASSWORD'],
    'postgres-credentials': ['POSTGRES_PASSWORD'],
    'medusa-secrets': ['JWT_SECRET', 'COOKIE_SECRET', 'PUBLISHABLE_KEY'],
  },
} as const satisfies Record<Engine, Record<string, readonly string[]>>;

export type StoreSecretName<E extends Engine> = keyof (typeof STORE_SECRET_KEYS)[E] & string;
