import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parsePlatform } from '../platform.ts';
import { resolvePlatform } from '../repo.ts';
import { platformErrors, TEMPLATE_PLATFORM_TEXT, testKeyPair } from './helpers.ts';

const F = 'platform.yaml';

/** The template with one field changed (undefined deletes it). */
function mutate(path: (string | number)[], value: unknown): string {
  const doc = parseDocument(TEMPLATE_PLATFORM_TEXT);
  if (value === undefined) doc.deleteIn(path);
  else doc.setIn(path, value);
  return doc.toString();
}

const errorsOf = (text: string) => platformErrors(text, F);

describe('platform.yaml validation', () => {
  it('accepts the shipped local profile', () => {
    const p = parsePlatform(TEMPLATE_PLATFORM_TEXT);
    expect(Object.keys(p.plans)).toEqual(['small', 'medium', 'large']);
    expect(p.site.scheme).toBe('http');
  });

  const bad: Array<[string, (string | number)[], unknown, string[]]> = [
    ['wrong apiVersion', ['apiVersion'], 'v1', [`${F}: apiVersion: expected "storefleet.dev/v1alpha1"`]],
    ['wrong kind', ['kind'], 'Config', [`${F}: kind: expected "Platform"`]],
    ['unknown top-level key', ['replicas'], 2, [`${F}: replicas: unknown field`]],
    ['unknown nested key', ['site', 'colour'], 'blue', [`${F}: site.colour: unknown field`]],
    ['domain without a dot', ['site', 'domain'], 'localhost', [`${F}: site.domain: expected a DNS domain such as "localtest.me" or "shops.example.com"`]],
    ['domain with uppercase', ['site', 'domain'], 'Shops.Example.com', [`${F}: site.domain: expected a DNS domain such as "localtest.me" or "shops.example.com"`]],
    ['bad scheme', ['site', 'scheme'], 'ftp', [`${F}: site.scheme: expected "http" or "https"`]],
    ['https without tls', ['site', 'scheme'], 'https', [`${F}: site.tls: scheme "https" needs tls mode "cert-manager"`]],
    ['tls without https', ['site', 'tls'], { mode: 'cert-manager', clusterIssuer: 'letsencrypt' }, [`${F}: site.scheme: tls is configured: use scheme "https"`]],
    ['unknown tls mode', ['site', 'tls', 'mode'], 'acme', [`${F}: site.tls.mode: expected mode "none" or "cert-manager"`]],
    ['bad ingress class', ['site', 'ingressClassName'], 'Traefik_2', [`${F}: site.ingressClassName: expected a DNS label (lowercase letters, digits, hyphens; at most 63)`]],
    ['missing ingress namespace', ['site', 'ingressControllerNamespace'], undefined, [`${F}: site.ingressControllerNamespace: is required`]],
    ['both certificate forms', ['sealing', 'certificate'], '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----', [`${F}: sealing: set exactly one of certificateFile or certificate`]],
    ['no certificate', ['sealing', 'certificateFile'], undefined, [`${F}: sealing: set exactly one of certificateFile or certificate`]],
    ['certificate not PEM', ['sealing'], { certificate: 'hello' }, [`${F}: sealing.certificate: expected a PEM certificate`]],
    ['store limit zero', ['limits', 'storesPerOwner'], 0, [`${F}: limits.storesPerOwner: Too small: expected number to be >=1`]],
    ['fractional store limit', ['limits', 'storesPerOwner'], 2.5, [`${F}: limits.storesPerOwner: Invalid input: expected int, received number`]],
    ['timeout as text', ['provisioningTimeoutMinutes'], 'soon', [`${F}: provisioningTimeoutMinutes: Invalid input: expected number, received string`]],
    ['default plan missing', ['defaultPlan'], 'tiny', [`${F}: defaultPlan: "tiny" is not one of the plans (small, medium, large)`]],
    ['image with latest tag', ['images', 'woocommerce', 'mariadb'], 'docker.io/library/mariadb:latest', [`${F}: images.woocommerce.mariadb: image tag "latest" is not allowed: pin an exact version`]],
    ['image without a tag', ['images', 'medusa', 'redis'], 'docker.io/library/redis', [`${F}: images.medusa.redis: image must be pinned to a tag or digest`]],
    ['image with spaces', ['images', 'smokeTest'], 'my image:1', [`${F}: images.smokeTest: expected an image reference such as "docker.io/library/mariadb:11.4.8"`]],
    ['plugin version not exact', ['images', 'woocommerce', 'woocommerceVersion'], '10.x', [`${F}: images.woocommerce.woocommerceVersion: expected an exact version such as "10.3.5"`]],
    ['bad quantity', ['plans', 'small', 'quota', 'limitsMemory'], '6 GB', [`${F}: plans.small.quota.limitsMemory: expected a Kubernetes quantity such as "500m" or "2Gi"`]],
    ['negative quantity', ['plans', 'small', 'storage', 'database'], '-1Gi', [`${F}: plans.small.storage.database: expected a Kubernetes quantity such as "500m" or "2Gi"`]],
    ['missing container resources', ['plans', 'medium', 'resources', 'medusa', 'redis'], undefined, [`${F}: plans.medium.resources.medusa.redis: is required`]],
    ['bad plan name', ['plans', 'XL'], { quota: {} }, [`${F}: plans.XL: plan names are lowercase words (a-z, 0-9, -), at most 20`]],
    ['no plans', ['plans'], {}, [`${F}: plans: define at least one plan`, `${F}: defaultPlan: "small" is not one of the plans ()`]],
    ['pods not a number', ['plans', 'large', 'quota', 'pods'], 'many', [`${F}: plans.large.quota.pods: Invalid input: expected number, received string`]],
    ['ephemeral storage on one side only', ['plans', 'large', 'resources', 'medusa', 'redis', 'requests', 'ephemeralStorage'], '1Gi', [`${F}: plans.large.resources.medusa.redis: set requests.ephemeralStorage and limits.ephemeralStorage together (or neither: derived per container)`]],
    ['bad ephemeral quota', ['plans', 'small', 'quota', 'limitsEphemeralStorage'], 'lots', [`${F}: plans.small.quota.limitsEphemeralStorage: expected a Kubernetes quantity such as "500m" or "2Gi"`]],
  ];

  it('accepts ephemeral-storage sizes for a container, the quota and the limit range (all optional)', () => {
    let text = mutate(['plans', 'large', 'resources', 'medusa', 'redis'], { requests: { cpu: '100m', memory: '256Mi', ephemeralStorage: '1Gi' }, limits: { cpu: '1', memory: '512Mi', ephemeralStorage: '2Gi' } });
    const doc = parseDocument(text);
    doc.setIn(['plans', 'large', 'quota', 'requestsEphemeralStorage'], '10Gi');
    doc.setIn(['plans', 'large', 'quota', 'limitsEphemeralStorage'], '40Gi');
    doc.setIn(['plans', 'large', 'limitRange', 'max', 'ephemeralStorage'], '4Gi');
    text = doc.toString();
    const plan = parsePlatform(text).plans.large;
    expect(plan.resources.medusa).toMatchObject({ redis: { limits: { ephemeralStorage: '2Gi' } } });
    expect(plan.quota).toMatchObject({ requestsEphemeralStorage: '10Gi', limitsEphemeralStorage: '40Gi' });
    expect(plan.limitRange.max.ephemeralStorage).toBe('4Gi');
  });

  it.each(bad)('rejects %s with the exact error', (_label, path, value, expected) => {
    expect(errorsOf(mutate(path, value))).toEqual(expected);
  });

  it('rejects invalid YAML with its line', () => {
    expect(errorsOf('site:\n  domain: [x\n')).toEqual([`${F}: invalid YAML at line 3: Flow sequence in block collection must be sufficiently indented and end with a ]`]);
  });

  it('rejects an empty file', () => {
    expect(errorsOf('')).toEqual([`${F}: expected a YAML mapping`]);
  });
});

describe('resolvePlatform', () => {
  it('reads the certificate from the repo', async () => {
    const { certificatePem } = await testKeyPair();
    const resolved = resolvePlatform(TEMPLATE_PLATFORM_TEXT, (p) => (p === 'sealing/cert.pem' ? certificatePem : undefined));
    expect(resolved.sealingCertificatePem).toBe(certificatePem);
  });

  it('says how to get the certificate when the file is missing', () => {
    expect(() => resolvePlatform(TEMPLATE_PLATFORM_TEXT, () => undefined)).toThrow(
      'platform.yaml: sealing.certificateFile: sealing/cert.pem not found: put the Sealed Secrets controller\'s certificate there',
    );
  });

  it('rejects a certificate that is not a certificate', () => {
    expect(() => resolvePlatform(TEMPLATE_PLATFORM_TEXT, () => '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow(
      /platform.yaml: sealing: the sealing certificate is not a valid PEM X.509 certificate/,
    );
  });
});

describe('shipped profiles', () => {
  it('production validates and differs from local only in site, limits and timeout', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../gitops-repo-template/profiles/production.yaml', import.meta.url), 'utf8');
    const prod = parsePlatform(text, 'profiles/production.yaml');
    const local = parsePlatform(TEMPLATE_PLATFORM_TEXT);
    expect(prod.site.scheme).toBe('https');
    expect(prod.site.tls.mode).toBe('cert-manager');
    // Image pins and plans are maintained in one place; a drift here means a forgotten copy.
    expect(prod.images).toEqual(local.images);
    expect(prod.plans).toEqual(local.plans);
  });
});
