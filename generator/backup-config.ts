// platform.yaml's backup settings: the site-wide target (`backup`) and each plan's schedule and
// retention (`plans.<plan>.backup`). Both are optional, so a platform.yaml without them renders
// exactly as before; with a target, every plan must say how it backs up.
import { z } from 'zod';
import type { ContainerResources } from '../constructs/props.ts';
import { BACKUP_CREDENTIAL_KEYS, type BackupPolicyProps, type StoreBackupProps } from '../constructs/backup/backup.ts';

// A cron expression of five fields (minute hour day month weekday) in the characters cron knows.
const CRON = /^\s*(?:[0-9*/,-]+|[A-Za-z]{3})(?:\s+(?:[0-9*/,?-]+|[A-Za-z]{3}(?:-[A-Za-z]{3})?)){4}\s*$/;
// S3 bucket names (DNS-compatible): 3-63 lowercase letters, digits, dots and hyphens.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)*$/;
const CIDR = /^(?:\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-f:]+\/\d{1,3}$/;
// A Sealed Secrets value: base64 of (2-byte length, RSA ciphertext of >= 2048 bits, AES-GCM body).
const MIN_SEALED_BYTES = 2 + 256 + 16;

const sealedValue = z
  .string()
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, { error: 'expected a sealed value (base64): seal it with `storefleet seal-backup-credentials`, never paste the plain credential', abort: true })
  .refine((s) => Buffer.from(s, 'base64').length >= MIN_SEALED_BYTES, {
    error: 'too short for a sealed value: seal it with `storefleet seal-backup-credentials`, never paste the plain credential',
  });

const MANUAL_DAYS = 'expected a whole number of days from 1 to 3650 (how long a manual backup is kept)';
const retentionCount = z.int().min(0).max(1000);

/** plans.<plan>.backup; `container` is platform.yaml's schema of container resources. */
export function planBackupSchema(container: z.ZodType<ContainerResources, ContainerResources>) {
  return z.strictObject({
  schedule: z.string().regex(CRON, { error: 'expected a cron expression of five fields, e.g. "17 3 * * *" (UTC)' }),
  keep: z
    .strictObject({ daily: retentionCount, weekly: retentionCount, monthly: retentionCount })
    .refine((k) => k.daily + k.weekly + k.monthly > 0, { error: 'keep at least one snapshot (daily, weekly or monthly above 0)' }),
  /** The backup and restore containers (the quota must leave room for the backup pod). */
  resources: container.default({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } }),
  });
}

/** The top-level `backup` section; `image` is checked by the caller's image schema. */
export function backupSchema<I extends z.ZodType<string>>(image: I) {
  return z.strictObject({
    target: z.strictObject({
      endpoint: z.url({ protocol: /^https?$/, error: 'expected the S3 endpoint URL, e.g. "https://s3.eu-central-1.amazonaws.com"' }),
      bucket: z.string().regex(BUCKET, { error: 'expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)' }),
      region: z.string().regex(/^[a-z0-9-]{1,32}$/, { error: 'expected a region such as "eu-central-1"' }),
      prefix: z.string().regex(PREFIX, { error: 'expected a key prefix such as "stores" (lowercase path segments)' }).default('stores'),
      /** NetworkPolicy cannot match host names: where the endpoint lives. */
      egress: z.strictObject({
        cidrs: z.array(z.string().regex(CIDR, { error: 'expected a CIDR such as "52.219.0.0/16"' })).min(1),
        ports: z.array(z.int().min(1).max(65535)).min(1),
      }),
      /** Sealed with cluster-wide scope: one ciphertext per key serves every store namespace. */
      credentials: z.strictObject(Object.fromEntries(BACKUP_CREDENTIAL_KEYS.map((k) => [k, sealedValue])) as Record<(typeof BACKUP_CREDENTIAL_KEYS)[number], typeof sealedValue>),
    }),
    /** The restic image (docker.io/restic/restic:<version>), pinned. */
    image,
    /** How long a deleted store's final backup is kept. */
    finalBackupRetentionDays: z.int().min(1).max(3650),
    /** How long a manual ("Back up now") snapshot of a live store is kept; the store's scheduled run forgets older ones. */
    manualBackupRetentionDays: z.int({ error: MANUAL_DAYS }).min(1, { error: MANUAL_DAYS }).max(3650, { error: MANUAL_DAYS }).default(30),
  });
}

interface BackupConfigShape {
  site: { scheme: 'http' | 'https' };
  backup?: { target: { endpoint: string } };
  plans: Record<string, { backup?: unknown }>;
}

/** Cross-field rules: with a target every plan has a backup policy, and https sites use an https target. */
export function backupConfigIssues(p: BackupConfigShape): Array<{ path: PropertyKey[]; message: string }> {
  const out: Array<{ path: PropertyKey[]; message: string }> = [];
  for (const [name, plan] of Object.entries(p.plans)) {
    if (p.backup && plan.backup === undefined) {
      out.push({ path: ['plans', name, 'backup'], message: 'is required when `backup` sets a target (schedule and keep)' });
    }
    if (!p.backup && plan.backup !== undefined) {
      out.push({ path: ['plans', name, 'backup'], message: 'has no target: add the top-level `backup` section' });
    }
  }
  if (p.backup && p.site.scheme === 'https' && !p.backup.target.endpoint.startsWith('https://')) {
    out.push({ path: ['backup', 'target', 'endpoint'], message: 'site scheme is "https": the backup target must be https too' });
  }
  return out;
}

/** The backup props of a store on `plan`, or undefined when platform.yaml configures no backups. */
export function storeBackupProps(
  config: { backup?: { target: Omit<StoreBackupProps['target'], 'image'>; image: string; manualBackupRetentionDays: number }; plans: Record<string, { backup?: BackupPolicyProps }> },
  plan: string,
): StoreBackupProps | undefined {
  const policy = config.plans[plan]?.backup;
  if (!config.backup || !policy) return undefined;
  return { target: { ...config.backup.target, image: config.backup.image }, policy, manualRetentionDays: config.backup.manualBackupRetentionDays };
}
