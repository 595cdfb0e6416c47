// Request schemas, built from the generator's StoreSpec field schemas: the same zod objects
// validate requests (api/http) and produce the OpenAPI document (api/openapi.ts).
import { z } from 'zod';
import { displayName, engine, planName, storeName } from '../generator/spec.ts';

export const createStoreRequest = z.strictObject({
  name: storeName,
  engine,
  plan: planName.optional(),
  displayName: displayName.optional(),
});
export type CreateStoreRequest = z.infer<typeof createStoreRequest>;

/** POST /api/stores/{name}/backups/{snapshot}/restore: the store's name, typed again by the admin. */
export const rollbackStoreRequest = z.strictObject({
  confirm: z.string({ error: "type the store's name to confirm: its current data will be overwritten with the backup" }),
});
export type RollbackStoreRequest = z.infer<typeof rollbackStoreRequest>;

/** Idempotency-Key: visible ASCII, no spaces or quotes (it ends up as a commit trailer). */
export const idempotencyKey = z.string().regex(/^[\x21\x23-\x7e]{1,128}$/, { error: 'Idempotency-Key is 1–128 visible ASCII characters' });

export const manifestFile = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,200}\.yaml$/, { error: 'expected a manifest file name' });

/** POST /api/stores/{name}/force-delete: the store's name typed again, confirming that its data will be lost. */
export const forceDeleteRequest = z.strictObject({
  confirm: z.string({ error: 'type the store name to confirm that its data will be lost' }).max(200),
});
export type ForceDeleteRequest = z.infer<typeof forceDeleteRequest>;
