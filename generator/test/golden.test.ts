// Golden test: a repository with stores of every engine (every plan, the longest name, a hostile
// display name, http and https sites, the platform/ deployment) renders byte-identical to the
// fixture written by the code before engines became modules. Sealed values are opaque
// placeholders read back from existing SealedSecret files, so no plaintext secret is in the
// fixture and nothing is random. Regenerate only on purpose: GOLDEN_UPDATE=1 npx vitest run generator/test/golden.test.ts
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parsePlatform, type ResolvedPlatform } from '../platform.ts';
import { renderStore } from '../render.ts';
import { sealedSecretPath } from '../layout.ts';
import { secretKeysFor } from '../secrets.ts';
import { platformSecretPath, renderPlatformDeployment } from '../platform-deployment.ts';
import type { StoreSpec } from '../spec.ts';
import { TEMPLATE_PLATFORM_TEXT } from './helpers.ts';

const FIXTURE_DIR = new URL('./golden/', import.meta.url);
const UPDATE = process.env.GOLDEN_UPDATE === '1';

/** The engines and plans today's template offers (written out: the fixture must not follow a registry). */
const ENGINES = ['woocommerce', 'medusa'] as const;
const PLANS = ['small', 'medium', 'large'] as const;
const LONG = 'sa1-sa1-sa1-sa1-sa1-sa1-sa1-sa1-sa1-sa1z';

const HTTPS_TEXT =
  TEMPLATE_PLATFORM_TEXT.replace('scheme: http\n', 'scheme: https\n')
    .replace('tls:\n    mode: none', 'tls:\n    mode: cert-manager\n    clusterIssuer: letsencrypt\n    secretName: wildcard-tls')
    .replace('  # storageClassName: local-path', '  storageClassName: local-path')
    .replace('domain: localtest.me', 'domain: shops.example.com') +
  `
storefleet:
  namespace: storefleet
  image: ghcr.io/storefleet/storefleet:0.1.0
  host: storefleet
  replicas: 3
  gitRemoteEgress: { cidrs: [140.82.112.0/20], ports: [443, 22] }
  monitoringNamespace: monitoring
  env: { STOREFLEET_ARGOCD_URL: "http://argocd-server.argocd.svc" }
`;

/** A placeholder the constructs pass through unchanged; it names the key, never a value. */
function placeholder(secret: string, key: string): string {
  return Buffer.from(`sealed:${secret}/${key}`).toString('base64');
}

function sealedFile(namespace: string, name: string, keys: readonly string[]): string {
  const encryptedData = Object.fromEntries(keys.map((k) => [k, placeholder(name, k)]));
  return stringify({ apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name, namespace }, spec: { encryptedData } });
}

function platform(text: string): ResolvedPlatform {
  // Never used: every secret already exists, so nothing is sealed.
  return { config: parsePlatform(text), sealingCertificatePem: 'unused' };
}

function stores(): StoreSpec[] {
  const out: StoreSpec[] = [];
  for (const engine of ENGINES) {
    for (const plan of PLANS) {
      out.push({ name: `${engine}-${plan}`, engine, plan, displayName: `${engine} ${plan}`, owner: 'alice', createdAt: '2026-11-23T16:00:00Z' });
    }
    out.push({
      name: `${LONG.slice(0, -2)}${engine[0]}z`,
      engine,
      plan: 'large',
      displayName: `Shop "${engine}" $(rm -rf /) ‘Ünïcødé’ 'q' \\ #x: y`,
      owner: 'bob.b_c-d',
      createdAt: '2026-12-01T08:09:10Z',
    });
  }
  return out;
}

/** Every file of the repository rendered from one platform.yaml text. */
function renderRepository(text: string): Map<string, string> {
  const resolved = platform(text);
  const files = new Map<string, string>();
  for (const spec of stores()) {
    const existing = new Map<string, string>();
    for (const [secret, keys] of Object.entries(secretKeysFor(spec.engine))) {
      existing.set(sealedSecretPath(spec.name, secret), sealedFile(`store-${spec.name}`, secret, keys));
    }
    const result = renderStore({ spec, platform: resolved, existing, random: () => { throw new Error('golden render must not generate secrets'); } });
    expect(result.generatedSecrets).toEqual([]);
    for (const [path, content] of result.files) files.set(path, content);
  }
  const platformExisting = new Map<string, string>([
    [platformSecretPath('storefleet-git'), sealedFile('storefleet', 'storefleet-git', ['STOREFLEET_GIT_REMOTE'])],
    [platformSecretPath('storefleet-argocd'), sealedFile('storefleet', 'storefleet-argocd', ['STOREFLEET_ARGOCD_TOKEN'])],
    [platformSecretPath('storefleet-tokens'), sealedFile('storefleet', 'storefleet-tokens', ['tokens.yaml'])],
  ]);
  for (const [path, content] of renderPlatformDeployment(resolved, platformExisting) ?? []) files.set(path, content);
  return files;
}

/** One text: a sha256 per file (every byte counts), then (withText) the full text of the long-named stores and platform/, to read a diff. */
function digest(files: Map<string, string>, withText: boolean): string {
  const paths = [...files.keys()].sort();
  const lines = paths.map((p) => `${createHash('sha256').update(files.get(p) as string).digest('hex')}  ${p}`);
  const full = withText ? paths.filter((p) => p.includes(LONG.slice(0, 10)) || p.startsWith('platform/')) : [];
  return lines.join('\n') + '\n\n' + full.map((p) => `=== ${p}\n${files.get(p)}`).join('');
}

describe('golden render', () => {
  it.each([
    ['template (http)', 'template.txt', TEMPLATE_PLATFORM_TEXT],
    ['https + storefleet deployment', 'https.txt', HTTPS_TEXT],
  ])('%s renders byte-identical to the fixture', (_label, file, text) => {
    const actual = digest(renderRepository(text), file === 'https.txt');
    const path = new URL(file, FIXTURE_DIR);
    if (UPDATE || !existsSync(path)) {
      if (!UPDATE) throw new Error(`fixture ${file} missing: write it with GOLDEN_UPDATE=1 from the code it must match`);
      writeFileSync(path, actual);
    }
    expect(actual).toBe(readFileSync(path, 'utf8'));
  });

  it('the fixture holds no generated secret value, only placeholders', () => {
    for (const file of ['template.txt', 'https.txt']) {
      const text = readFileSync(new URL(file, FIXTURE_DIR), 'utf8');
      const values = [...text.matchAll(/^\s+([A-Za-z_.]+): (\S+)$/gm)].filter(([, , v]) => /^[A-Za-z0-9+/]{16,}={0,2}$/.test(v));
      for (const [, , v] of values) {
        const decoded = Buffer.from(v, 'base64').toString('utf8');
        if (decoded.startsWith('sealed:')) expect(decoded).toMatch(/^sealed:[a-z-]+\/[A-Za-z_.]+$/);
      }
      expect(text).not.toMatch(/ghp_|-----BEGIN (RSA )?PRIVATE KEY/);
    }
  });
});
