// platform.yaml: the site-wide configuration at the root of a GitOps repo. Local and production
// differ only in this file. Parsing is strict: unknown keys and bad values are errors that name
// the file, the field and the reason. Each engine of the registry adds an optional section
// (images.<engine>, plans.<plan>.resources.<engine>, its storage keys): a repository offers the
// engines it configures.
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import type { PlanProps, ImagesProps, SiteProps } from '../constructs/props.ts';
import { engines, type Engine } from '../constructs/engines/index.ts';
import { amounts, containerResources, image, quantity } from '../constructs/engines/schema.ts';
import { ValidationError, issuesFromZod, type Issue } from './errors.ts';
import { backupConfigIssues, backupSchema, planBackupSchema } from './backup-config.ts';

export { image, quantity };

import { cidr, DNS_LABEL, dnsLabel, networkPort, platformNamespace, replicas, storefleetEnvName } from '../constructs/platform/schema.ts';
const domain = z
  .string()
  .max(200, { error: 'domain is too long (at most 200 characters, so store hosts fit 253)' })
  .refine((d) => d.split('.').length >= 2 && d.split('.').every((l) => DNS_LABEL.test(l)), {
    error: 'expected a DNS domain such as "localtest.me" or "shops.example.com"',
  });
/** One optional field per engine: `key(engine)` → `schema(engine)`. */
function perEngine(list: Engine[], schema: (e: Engine) => z.ZodType): Record<string, z.ZodOptional<z.ZodType>> {
  return Object.fromEntries(list.map((e) => [e.id, schema(e).optional()]));
}

const planSchema = (list: Engine[]) => z.strictObject({
  quota: z.strictObject({
    requestsCpu: quantity,
    requestsMemory: quantity,
    limitsCpu: quantity,
    limitsMemory: quantity,
    pods: z.int().min(1).max(1000),
    persistentVolumeClaims: z.int().min(1).max(100),
    requestsStorage: quantity,
    /** Optional: omitted, twice what the store's containers declare (constructs/kit/bounded.ts). */
    requestsEphemeralStorage: quantity.optional(),
    limitsEphemeralStorage: quantity.optional(),
  }),
  limitRange: z.strictObject({ defaultRequest: amounts, default: amounts, max: amounts }),
  storage: z.strictObject({
    database: quantity,
    ...Object.fromEntries(list.flatMap((e) => e.storage.map((key) => [key, quantity.optional()]))),
  }),
  resources: z.strictObject(perEngine(list, (e) => e.resources)),
  backup: planBackupSchema(containerResources).optional(),
});

const tls = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('none') }),
    z.strictObject({ mode: z.literal('cert-manager'), clusterIssuer: dnsLabel, secretName: dnsLabel.optional() }),
  ],
  { error: 'expected mode "none" or "cert-manager"' },
);

const PLAN_NAME = /^[a-z][a-z0-9-]{0,19}$/;


/** Optional: the Storefleet API+UI deployment itself, rendered into platform/ of the repo. */
const storefleetDeployment = z.strictObject({
  namespace: platformNamespace,
  image,
  /** DNS label under site.domain: the dashboard is at <host>.<domain>. */
  host: dnsLabel,
  replicas: replicas.default(2),
  /** NetworkPolicy cannot match host names: where the Git remote lives, as CIDRs and ports. */
  gitRemoteEgress: z.strictObject({
    cidrs: z.array(cidr).min(1),
    ports: z.array(networkPort).min(1),
  }),
  argocdNamespace: dnsLabel.default('argocd'),
  monitoringNamespace: dnsLabel.optional(),
  /** Non-secret STOREFLEET_* settings (docs/configuration.md); secrets go into sealed files. */
  env: z.record(storefleetEnvName, z.string()).default({}),
});

/** platform.yaml's schema for a list of engines (the registry's, unless a caller passes its own). */
export function platformSchemaFor(list: Engine[]) {
  return z
    .strictObject({
      apiVersion: z.literal('storefleet.dev/v1alpha1', { error: 'expected "storefleet.dev/v1alpha1"' }),
      kind: z.literal('Platform', { error: 'expected "Platform"' }),
      site: z.strictObject({
        domain,
        scheme: z.enum(['http', 'https'], { error: 'expected "http" or "https"' }),
        ingressClassName: dnsLabel,
        tls,
        storageClassName: dnsLabel.optional(),
        ingressControllerNamespace: dnsLabel,
        dnsNamespace: dnsLabel.default('kube-system'),
      }),
      sealing: z
        .strictObject({
          /** Path of the Sealed Secrets controller's certificate, relative to the repo root. */
          certificateFile: z.string().min(1).optional(),
          /** The certificate itself (PEM). */
          certificate: z.string().includes('-----BEGIN CERTIFICATE-----', { error: 'expected a PEM certificate' }).optional(),
        })
        .refine((s) => (s.certificateFile === undefined) !== (s.certificate === undefined), {
          error: 'set exactly one of certificateFile or certificate',
        }),
      limits: z.strictObject({
        storesPerOwner: z.int().min(1).max(10_000),
      }),
      provisioningTimeoutMinutes: z.int().min(1).max(24 * 60),
      defaultPlan: z.string(),
      images: z.strictObject({ ...perEngine(list, (e) => e.images), smokeTest: image }),
      storefleet: storefleetDeployment.optional(),
      /** Optional: where and how store databases are backed up (docs/platform-yaml.md). */
      backup: backupSchema(image).optional(),
      plans: z
        .record(z.string().regex(PLAN_NAME, { error: 'plan names are lowercase words (a-z, 0-9, -), at most 20' }), planSchema(list))
        .refine((p) => Object.keys(p).length > 0, { error: 'define at least one plan' }),
    })
    .superRefine((p, ctx) => {
      if (!(p.defaultPlan in p.plans)) {
        ctx.addIssue({
          code: 'custom',
          path: ['defaultPlan'],
          message: `"${p.defaultPlan}" is not one of the plans (${Object.keys(p.plans).join(', ')})`,
        });
      }
      if (p.site.scheme === 'https' && p.site.tls.mode === 'none') {
        ctx.addIssue({ code: 'custom', path: ['site', 'tls'], message: 'scheme "https" needs tls mode "cert-manager"' });
      }
      if (p.site.scheme === 'http' && p.site.tls.mode !== 'none') {
        ctx.addIssue({ code: 'custom', path: ['site', 'scheme'], message: 'tls is configured: use scheme "https"' });
      }
      for (const issue of backupConfigIssues(p)) ctx.addIssue({ code: 'custom', ...issue });
      // An engine is offered when images.<engine> is set; then every plan sizes it.
      for (const e of list) {
        const offered = (p.images as Record<string, unknown>)[e.id] !== undefined;
        for (const [name, plan] of Object.entries(p.plans)) {
          const sized = (plan.resources as Record<string, unknown>)[e.id] !== undefined;
          if (offered && !sized) {
            ctx.addIssue({ code: 'custom', path: ['plans', name, 'resources', e.id], message: `images.${e.id} is set, so every plan sizes ${e.label}: add resources.${e.id}` });
          }
          if (!offered && sized) {
            ctx.addIssue({ code: 'custom', path: ['images', e.id], message: `plan "${name}" sizes ${e.label} but images.${e.id} is missing` });
          }
          for (const key of e.storage) {
            if (offered && (plan.storage as Record<string, unknown>)[key] === undefined) {
              ctx.addIssue({ code: 'custom', path: ['plans', name, 'storage', key], message: `${e.label} needs storage.${key}` });
            }
          }
        }
      }
    });
}

/** The schema for the registered engines (built per call: tests may register engines first). */
export function platformSchema() {
  return platformSchemaFor(engines());
}

export type PlatformConfig = z.infer<ReturnType<typeof platformSchemaFor>>;

/** The engines this platform.yaml offers (its images.<engine> is set), in registry order. */
export function offeredEngines(config: PlatformConfig): Engine[] {
  return engines().filter((e) => (config.images as Record<string, unknown>)[e.id] !== undefined);
}

/** platform.yaml with the sealing certificate read in: what render() needs. */
export interface ResolvedPlatform {
  config: PlatformConfig;
  sealingCertificatePem: string;
}

// Compile-time guarantee that validated config fits the constructs' props.
const _site: (p: PlatformConfig) => SiteProps = (p) => p.site;
const _plan: (p: PlatformConfig) => PlanProps = (p) => p.plans[p.defaultPlan];
const _images: (p: PlatformConfig) => ImagesProps = (p) => p.images;
void _site;
void _plan;
void _images;

/** Parses YAML text strictly (no duplicate keys) into plain data, or returns issues naming the file. */
export function parseYaml(text: string, file: string): { data?: unknown; issues: Issue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => ({
        file,
        field: '',
        reason: `invalid YAML at line ${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  return { data: doc.toJS({ maxAliasCount: 100 }), issues: [] };
}

/** Validates platform.yaml text. Throws ValidationError listing every problem. */
export function parsePlatform(text: string, file = 'platform.yaml'): PlatformConfig {
  const { data, issues } = parseYaml(text, file);
  if (issues.length > 0) throw new ValidationError(issues);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ValidationError([{ file, field: '', reason: 'expected a YAML mapping' }]);
  }
  const result = platformSchema().safeParse(data, { reportInput: true });
  if (!result.success) throw new ValidationError(issuesFromZod(file, result.error));
  return result.data;
}

/** What a plan gives a store, as people compare plans: CPU and memory limits and total storage of its namespace. */
export interface PlanSize {
  cpu: string;
  memory: string;
  storage: string;
}

export function planSizes(config: PlatformConfig): Record<string, PlanSize> {
  return Object.fromEntries(
    Object.entries(config.plans).map(([name, p]) => [name, { cpu: p.quota.limitsCpu, memory: p.quota.limitsMemory, storage: p.quota.requestsStorage }]),
  );
}
