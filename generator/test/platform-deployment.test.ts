import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { main } from '../cli.ts';
import { parsePlatform } from '../platform.ts';
import { platformSecretPath, renderPlatformDeployment } from '../platform-deployment.ts';
import { publicKeyFromCertificate, seal, unseal } from '../sealing.ts';
import { TEMPLATE_PLATFORM_TEXT, testKeyPair } from './helpers.ts';

const SECTION = `
storefleet:
  namespace: storefleet
  image: ghcr.io/storefleet/storefleet:0.1.0
  host: storefleet
  gitRemoteEgress: { cidrs: [10.43.0.0/16], ports: [443] }
  env: { STOREFLEET_ARGOCD_URL: "http://argocd-server.argocd.svc" }
`;

/** What `kubeseal --scope strict -o yaml` writes for a Secret. */
async function kubesealOutput(name: string, data: Record<string, string>) {
  const key = publicKeyFromCertificate((await testKeyPair()).certificatePem);
  const encryptedData = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, seal(key, 'storefleet', name, v)]));
  return stringify({ apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name, namespace: 'storefleet' }, spec: { encryptedData, template: { metadata: { name, namespace: 'storefleet' } } } });
}

async function sealedFiles() {
  return new Map([
    [platformSecretPath('storefleet-git'), await kubesealOutput('storefleet-git', { STOREFLEET_GIT_REMOTE: 'https://x-access-token:ghp_notreal@github.example/acme/gitops.git' })],
    [platformSecretPath('storefleet-argocd'), await kubesealOutput('storefleet-argocd', { STOREFLEET_ARGOCD_TOKEN: 'argocd-token-value' })],
    [platformSecretPath('storefleet-tokens'), await kubesealOutput('storefleet-tokens', { 'tokens.yaml': 'tokens: []\n' })],
  ]);
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('platform/ rendering', () => {
  it('renders nothing without a storefleet: section', async () => {
    const platform = { config: parsePlatform(TEMPLATE_PLATFORM_TEXT), sealingCertificatePem: (await testKeyPair()).certificatePem };
    expect(renderPlatformDeployment(platform, new Map())).toBeUndefined();
  });

  it('names every missing sealed credential file and what to do', async () => {
    const platform = { config: parsePlatform(TEMPLATE_PLATFORM_TEXT + SECTION), sealingCertificatePem: (await testKeyPair()).certificatePem };
    expect(() => renderPlatformDeployment(platform, new Map())).toThrow(
      /platform\/sealedsecret-storefleet-git.yaml: missing: seal the credentials with kubeseal --scope strict[^\n]*\nplatform\/sealedsecret-storefleet-argocd.yaml: missing[^\n]*\nplatform\/sealedsecret-storefleet-tokens.yaml: missing/,
    );
  });

  it('keeps the operator’s ciphertext and renders the deployment deterministically', async () => {
    const { certificatePem, privateKeyPem } = await testKeyPair();
    const platform = { config: parsePlatform(TEMPLATE_PLATFORM_TEXT + SECTION), sealingCertificatePem: certificatePem };
    const existing = await sealedFiles();
    const files = renderPlatformDeployment(platform, existing) as Map<string, string>;
    const kinds = [...files.values()].map((t) => parse(t).kind);
    expect(kinds).toEqual(expect.arrayContaining(['Deployment', 'Service', 'Ingress', 'PodDisruptionBudget', 'NetworkPolicy', 'SealedSecret']));
    expect(kinds).not.toContain('Secret');
    const git = parse(files.get(platformSecretPath('storefleet-git')) as string);
    const original = parse(existing.get(platformSecretPath('storefleet-git')) as string);
    expect(git.spec.encryptedData).toEqual(original.spec.encryptedData);
    expect(unseal(privateKeyPem, 'storefleet', 'storefleet-git', git.spec.encryptedData.STOREFLEET_GIT_REMOTE)).toContain('github.example');
    for (const text of files.values()) expect(text).not.toContain('ghp_notreal');
    expect(renderPlatformDeployment(platform, files)).toEqual(files);
    const ingress = [...files.values()].map((t) => parse(t)).find((o) => o.kind === 'Ingress');
    expect(JSON.stringify(ingress)).toContain('storefleet.localtest.me');
  });

  it('mounts a sealed GitHub App key as a file, and names what is missing or contradictory', async () => {
    const { certificatePem, privateKeyPem } = await testKeyPair();
    const appSection = SECTION.replace('env: {', 'env: { STOREFLEET_GITHUB_APP_ID: "424242", STOREFLEET_GITHUB_APP_INSTALLATION_ID: "31337",');
    const platform = { config: parsePlatform(TEMPLATE_PLATFORM_TEXT + appSection), sealingCertificatePem: certificatePem };
    const appKeyPem = '-----BEGIN RSA PRIVATE KEY-----\nnot-a-real-key\n-----END RSA PRIVATE KEY-----\n';
    const existing = await sealedFiles();
    existing.set(platformSecretPath('storefleet-github-app'), await kubesealOutput('storefleet-github-app', { 'private-key.pem': appKeyPem }));
    const files = renderPlatformDeployment(platform, existing) as Map<string, string>;
    const objs = [...files.values()].map((t) => parse(t));
    const sealed = objs.find((o) => o.kind === 'SealedSecret' && o.metadata.name === 'storefleet-github-app');
    expect(unseal(privateKeyPem, 'storefleet', 'storefleet-github-app', sealed.spec.encryptedData['private-key.pem'])).toBe(appKeyPem);
    const pod = objs.find((o) => o.kind === 'Deployment').spec.template.spec;
    expect(pod.containers[0].env).toContainEqual({ name: 'STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE', value: '/etc/storefleet/github-app/private-key.pem' });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'github-app', mountPath: '/etc/storefleet/github-app', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'github-app', secret: { secretName: 'storefleet-github-app', defaultMode: 0o440 } });
    for (const text of files.values()) expect(text).not.toContain('not-a-real-key');
    expect(renderPlatformDeployment(platform, files)).toEqual(files); // the sealed file is kept as it is

    // The key under another name; App IDs without the key; the key and a token at once.
    existing.set(platformSecretPath('storefleet-github-app'), await kubesealOutput('storefleet-github-app', { 'app.pem': appKeyPem }));
    expect(() => renderPlatformDeployment(platform, existing)).toThrow('platform/sealedsecret-storefleet-github-app.yaml: spec.encryptedData.private-key.pem: missing');
    existing.delete(platformSecretPath('storefleet-github-app'));
    expect(() => renderPlatformDeployment(platform, existing)).toThrow("STOREFLEET_GITHUB_APP_ID is set but the App's private key is not sealed");
    existing.set(platformSecretPath('storefleet-github-app'), await kubesealOutput('storefleet-github-app', { 'private-key.pem': appKeyPem }));
    existing.set(platformSecretPath('storefleet-git'), await kubesealOutput('storefleet-git', { STOREFLEET_GIT_REMOTE: 'https://github.example/acme/gitops.git', STOREFLEET_GITHUB_TOKEN: 'ghp_notreal' }));
    expect(() => renderPlatformDeployment(platform, existing)).toThrow('set either a GitHub token or GitHub App credentials, not both');
  });

  it('storefleet render writes platform/ and check catches a hand edit there', async () => {
    const base = mkdtempSync(join(tmpdir(), 'sf-platform-'));
    dirs.push(base);
    const repo = join(base, 'repo');
    const quiet = { log() {}, error() {}, progress() {} };
    expect(await main(['init', repo], quiet)).toBe(0);
    writeFileSync(join(repo, 'sealing', 'cert.pem'), (await testKeyPair()).certificatePem);
    writeFileSync(join(repo, 'platform.yaml'), readFileSync(join(repo, 'platform.yaml'), 'utf8') + SECTION);
    mkdirSync(join(repo, 'platform'), { recursive: true });
    for (const [path, text] of await sealedFiles()) writeFileSync(join(repo, path), text);
    const lines: string[] = [];
    expect(await main(['render', repo], { ...quiet, log: (l) => lines.push(l) })).toBe(0);
    expect(lines[0]).toMatch(/^rendered platform\/: \d+ files; changed$/);
    expect(await main(['check', repo], quiet)).toBe(0);
    expect(readFileSync(join(repo, 'platform', 'README.md'), 'utf8')).toContain('storefleet render'); // not a manifest: left alone
    const deployment = join(repo, 'platform', 'deployment-storefleet.yaml');
    writeFileSync(deployment, readFileSync(deployment, 'utf8').replace('replicas: 2', 'replicas: 9'));
    const errors: string[] = [];
    expect(await main(['check', repo], { ...quiet, error: (l) => errors.push(l) })).toBe(1);
    expect(errors[0]).toMatch(/^platform\/deployment-storefleet.yaml: differs from the generator's output/);
  });
});
