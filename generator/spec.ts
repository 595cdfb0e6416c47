// StoreSpec: stores/<shard>/<name>/store.yaml. One schema serves the CLI, the API's request validation
// and the OpenAPI document.
import { Document } from 'yaml';
import { z } from 'zod';
import { ValidationError, issuesFromZod, type Issue } from './errors.ts';
import type { PlatformConfig } from './platform.ts';
import { offeredEngines, parseYaml } from './platform.ts';
import { engineIds, findEngine } from '../constructs/engines/index.ts';
import { MAX_NAME_LENGTH } from '../constructs/meta.ts';

/** The longest store name (constructs/meta.ts says why 40). */
export { MAX_NAME_LENGTH };

/** Names that would collide with platform hosts or Kubernetes system namespaces. */
export const RESERVED_NAMES = [
  'admin',
  'api',
  'app',
  'argocd',
  'auth',
  'dashboard',
  'default',
  'login',
  'mail',
  'platform',
  'static',
  'status',
  'storefleet',
  'www',
] as const;

const NAME_CHARS = /^[a-z0-9-]*$/;

export const storeName = z
  .string({ error: 'expected a string' })
  .min(1, { error: 'name is required', abort: true })
  .max(MAX_NAME_LENGTH, { error: `name is at most ${MAX_NAME_LENGTH} characters`, abort: true })
  .superRefine((name, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (!NAME_CHARS.test(name)) return fail('use only lowercase letters, digits and hyphens');
    if (!/^[a-z]/.test(name)) return fail('name must start with a lowercase letter');
    if (!/[a-z0-9]$/.test(name)) return fail('name must end with a letter or digit');
    if (name.includes('--')) return fail('name must not contain "--"');
    if ((RESERVED_NAMES as readonly string[]).includes(name)) return fail(`"${name}" is reserved`);
    if (name.startsWith('kube-')) return fail('names starting with "kube-" are reserved');
    // <name>-admin is the Medusa admin host of store <name>: a store may not take it.
    if (/-(admin|api)$/.test(name)) return fail('names ending in "-admin" or "-api" are reserved for store hosts');
  });

/** "a", "b" or "c" */
function oneOf(ids: string[]): string {
  const quoted = ids.map((id) => `"${id}"`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : (quoted[0] ?? 'a registered engine');
}

/**
 * An engine id of the registry. Checked when parsing (not fixed at module load) so an engine
 * registered later (tests) is accepted; the OpenAPI document lists engineIds() as its enum.
 */
export const engine = z
  .string({ error: () => `expected ${oneOf(engineIds())}` })
  .refine((id) => findEngine(id) !== undefined, { error: () => `expected ${oneOf(engineIds())}` })
  .meta({ id: 'Engine', description: 'an engine id of the registry (GET /api/platform lists those this platform offers)' });

// Free Unicode text; control characters would break logs and titles.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
export const displayName = z
  .string({ error: 'expected a string' })
  .trim()
  .min(1, { error: 'display name must not be empty' })
  .max(80, { error: 'display name is at most 80 characters' })
  .refine((s) => !CONTROL.test(s), { error: 'display name must not contain control characters or line breaks' });

/** Owners are label values: the token subject of the user who asked. */
export const owner = z
  .string({ error: 'expected a string' })
  .regex(/^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/, {
    error: 'owner is a user id: lowercase letters, digits, ".", "_", "-", at most 63',
  });

export const planName = z.string({ error: 'expected a string' }).regex(/^[a-z][a-z0-9-]{0,19}$/, { error: 'expected a plan name' });

const requestedAt = z.iso.datetime({ offset: false, error: 'expected a UTC timestamp such as "2026-11-23T16:00:00Z"' });

/** A restic snapshot ID: the full 64 hex digits or a unique prefix of at least 8 (restic's short form). */
export const snapshotId = z
  .string({ error: 'expected a snapshot ID' })
  .regex(/^[0-9a-f]{8,64}$/, { error: 'a snapshot ID is 8 to 64 lowercase hex digits (restic snapshots lists them)' })
  .meta({ description: 'a restic snapshot ID: 8 to 64 lowercase hex digits' });

/**
 * "Back up now": the renderer turns the latest request into one Job `manual-backup-<hash>`
 * (constructs/backup/); a new request replaces it. `by`: who asked (a user id).
 */
export const manualBackupRequest = z.strictObject({ requestedAt, by: owner });

/**
 * An admin's roll-back of the live store's database to `snapshot`: the app's restore step replaces
 * the database once per request (it records the request in the database itself).
 */
export const rollbackRequest = z.strictObject({ snapshot: snapshotId, requestedAt, by: owner });

export const storeSpecSchema = z.strictObject({
  name: storeName,
  engine,
  plan: planName,
  displayName,
  owner,
  createdAt: z.iso.datetime({ offset: false, error: 'expected a UTC timestamp such as "2026-11-23T16:00:00Z"' }),
  /**
   * Set by "Delete" when platform.yaml has a backup target: the store renders only its database
   * and the final-backup Job; the API removes the folder once that Job completed (docs/design.md).
   */
  deleting: z
    .strictObject({
      requestedAt: z.iso.datetime({ offset: false, error: 'expected a UTC timestamp such as "2026-11-23T16:00:00Z"' }),
      by: owner,
    })
    .optional(),
  manualBackup: manualBackupRequest.optional(),
  rollback: rollbackRequest.optional(),
});

export type StoreSpec = z.infer<typeof storeSpecSchema>;

/** What a person asks for when creating a store; the rest of the spec is defaulted. */
export interface NewStoreInput {
  name: unknown;
  engine: unknown;
  plan?: unknown;
  displayName?: unknown;
}

/** UTC timestamp at second precision, the form createdAt takes. */
export function specTimestamp(now = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The spec of a new store (CLI `new`, API create in both modes): plan defaults to the platform's
 * default plan, the display name to the name.
 */
export function newStoreSpec(input: NewStoreInput, ctx: { owner: string; defaultPlan: string; createdAt?: string }) {
  return storeSpecSchema.safeParse(
    {
      name: input.name,
      engine: input.engine,
      plan: input.plan ?? ctx.defaultPlan,
      displayName: input.displayName ?? input.name,
      owner: ctx.owner,
      createdAt: ctx.createdAt ?? specTimestamp(),
    },
    { reportInput: true },
  );
}

/** Checks what the schema alone cannot: platform.yaml offers the engine and has the plan. */
export function checkAgainstPlatform(spec: StoreSpec, platform: PlatformConfig, file: string): Issue[] {
  const issues: Issue[] = [];
  const offered = offeredEngines(platform);
  if (!offered.some((e) => e.id === spec.engine)) {
    const list = offered.length > 0 ? offered.map((e) => e.id).join(', ') : 'none';
    issues.push({
      file,
      field: 'engine',
      reason: `engine "${spec.engine}" is not offered by this platform.yaml (offered: ${list}); an operator adds images.${spec.engine} and plans.*.resources.${spec.engine} (docs/platform-yaml.md)`,
    });
  }
  if (!(spec.plan in platform.plans)) {
    issues.push({ file, field: 'plan', reason: `unknown plan "${spec.plan}" (platform.yaml has ${Object.keys(platform.plans).join(', ')})` });
  }
  return issues;
}

/** Parses and validates store.yaml text. `expectedName` is the folder name, which must match. */
export function parseStoreSpec(text: string, file: string, platform?: PlatformConfig, expectedName?: string): StoreSpec {
  const { data, issues } = parseYaml(text, file);
  if (issues.length > 0) throw new ValidationError(issues);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ValidationError([{ file, field: '', reason: 'expected a YAML mapping' }]);
  }
  const result = storeSpecSchema.safeParse(data, { reportInput: true });
  if (!result.success) throw new ValidationError(issuesFromZod(file, result.error));
  const spec = result.data;
  const more: Issue[] = platform ? checkAgainstPlatform(spec, platform, file) : [];
  if (expectedName !== undefined && spec.name !== expectedName) {
    more.push({ file, field: 'name', reason: `"${spec.name}" does not match its folder name "${expectedName}"` });
  }
  if (more.length > 0) throw new ValidationError(more);
  return spec;
}

/** store.yaml text for a spec: fixed key order, every string double-quoted. */
export function storeSpecYaml(spec: StoreSpec): string {
  const ordered: StoreSpec = {
    name: spec.name,
    engine: spec.engine,
    plan: spec.plan,
    displayName: spec.displayName,
    owner: spec.owner,
    createdAt: spec.createdAt,
    ...(spec.deleting ? { deleting: { requestedAt: spec.deleting.requestedAt, by: spec.deleting.by } } : {}),
    ...(spec.manualBackup ? { manualBackup: { requestedAt: spec.manualBackup.requestedAt, by: spec.manualBackup.by } } : {}),
    ...(spec.rollback ? { rollback: { snapshot: spec.rollback.snapshot, requestedAt: spec.rollback.requestedAt, by: spec.rollback.by } } : {}),
  };
  const doc = new Document(ordered);
  return (
    '# Storefleet store spec. Edit by pull request; `storefleet render` regenerates manifests/.\n' +
    doc.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 })
  );
}
