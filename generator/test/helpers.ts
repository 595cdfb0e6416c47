// Shared test fixtures: the template platform with a freshly generated sealing key (never a key
// committed to the repo).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseDocument } from 'yaml';
// @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs the metadata polyfill.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { parsePlatform, type ResolvedPlatform } from '../platform.ts';
import { ValidationError } from '../errors.ts';
import { main } from '../cli.ts';
import type { StoreSpec } from '../spec.ts';

export const TEMPLATE_PLATFORM_TEXT = readFileSync(fileURLToPath(new URL('../../gitops-repo-template/platform.yaml', import.meta.url)), 'utf8');

let keyPair: Promise<{ certificatePem: string; privateKeyPem: string }> | undefined;

/** A 2048-bit key pair (fast to make) in the controller's certificate format. */
export function testKeyPair() {
  keyPair ??= (async () => {
    x509.cryptoProvider.set(webcrypto as unknown as Crypto);
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=sealed-secret-test',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2036-01-01T00:00:00Z'),
      keys,
      signingAlgorithm: alg,
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
    return { certificatePem: cert.toString('pem'), privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8}\n-----END PRIVATE KEY-----\n` };
  })();
  return keyPair;
}

export async function testPlatform(): Promise<ResolvedPlatform & { privateKeyPem: string }> {
  const { certificatePem, privateKeyPem } = await testKeyPair();
  return { config: parsePlatform(TEMPLATE_PLATFORM_TEXT), sealingCertificatePem: certificatePem, privateKeyPem };
}

export function spec(overrides: Partial<StoreSpec> = {}): StoreSpec {
  return {
    name: 'corner-shop',
    engine: 'woocommerce',
    plan: 'small',
    displayName: 'Corner Shop',
    owner: 'alice',
    createdAt: '2026-11-23T16:00:00Z',
    ...overrides,
  };
}

/** platform.yaml validation messages of `text` (as `file`), one per line; [] when valid. */
export function platformErrors(text: string, file = 'platform.yaml'): string[] {
  try {
    parsePlatform(text, file);
  } catch (err) {
    if (err instanceof ValidationError) return err.message.split('\n');
    throw err;
  }
  return [];
}

/** Runs the CLI in-process and collects what it prints. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { log: (l) => out.push(l), error: (l) => err.push(l), progress: () => {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export { generateKeyPairSync };

/**
 * platform.yaml `text` with a backup target (opaque stand-ins for sealed credentials: only their
 * form is checked) and a backup policy on every plan.
 */
export function withBackupTarget(text: string): string {
  const doc = parseDocument(text);
  const sealedStandIn = () => randomBytes(2 + 256 + 40).toString('base64');
  doc.setIn(['backup'], doc.createNode({
    target: {
      endpoint: 'http://127.0.0.1:16333',
      bucket: 'storefleet-backups',
      region: 'us-east-1',
      egress: { cidrs: ['127.0.0.1/32'], ports: [16333] },
      credentials: { AWS_ACCESS_KEY_ID: sealedStandIn(), AWS_SECRET_ACCESS_KEY: sealedStandIn(), RESTIC_PASSWORD: sealedStandIn() },
    },
    image: 'docker.io/restic/restic:0.18.1',
    finalBackupRetentionDays: 30,
  }));
  const plans = doc.get('plans') as { items: { key: { value: string } }[] };
  for (const p of plans.items) doc.setIn(['plans', p.key.value, 'backup'], doc.createNode({ schedule: '17 3 * * *', keep: { daily: 7, weekly: 4, monthly: 0 } }));
  return doc.toString();
}
