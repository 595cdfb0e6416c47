// Medusa's part of platform.yaml (images.medusa, plans.<plan>.resources.medusa) and its secrets.
import { z } from 'zod';
import { containerResources, image } from '../schema.ts';
import type { EngineStoreProps } from '../engine.ts';

export const ID = 'medusa';

export const images = z.strictObject({ backend: image, storefront: image, postgres: image, redis: image });

export const resources = z.strictObject({
  backend: containerResources,
  storefront: containerResources,
  /** the db:migrate init container and the bootstrap Job. */
  bootstrap: containerResources,
  postgres: containerResources,
  redis: containerResources,
  smokeTest: containerResources,
});

export type MedusaImages = z.infer<typeof images>;
export type MedusaResources = z.infer<typeof resources>;

export const SECRETS = {
  'store-admin': ['ADMIN_EMAIL', 'ADMIN_PASSWORD'],
  'postgres-credentials': ['POSTGRES_PASSWORD'],
  'medusa-secrets': ['JWT_SECRET', 'COOKIE_SECRET', 'PUBLISHABLE_KEY'],
} as const;

/** What Medusa's constructs read: the store props with its own images and sizes typed. */
export type MedusaProps = EngineStoreProps<typeof ID, MedusaImages, MedusaResources>;
