// docs/operations.md and the README's first screen against the code they describe: the
// `storefleet:` example is a valid platform.yaml section, every sealed credential the renderer
// requires has a sealing command, the sealing key has one Secret name everywhere, and the
// walkthrough's `storefleet` commands run as written.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../api/auth.ts';
import { parsePlatform } from '../platform.ts';
import { renderPlatformDeployment } from '../platform-deployment.ts';
import { SEALING_KEY_SECRET } from '../sealing.ts';
import { TEMPLATE_PLATFORM_TEXT, testKeyPair } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const OPERATIONS = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = (lang: string) => [...OPERATIONS.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

describe('docs/operations.md', () => {
  it("step 6B's storefleet: section is valid, and every sealed credential it needs has a sealing command", async () => {
    const section = blocks('yaml').find((b) => b.startsWith('storefleet:'));
    expect(section).toBeDefined();
    const platform = { config: parsePlatform(TEMPLATE_PLATFORM_TEXT + '\n' + section), sealingCertificatePem: (await testKeyPair()).certificatePem };
    let missing = '';
    try {
      renderPlatformDeployment(platform, new Map());
    } catch (err) {
      missing = (err as Error).message;
    }
    const required = [...missing.matchAll(/(platform\/sealedsecret-[a-z-]+\.yaml): missing/g)].map((m) => m[1]);
    expect(required).toEqual(['platform/sealedsecret-storefleet-git.yaml', 'platform/sealedsecret-storefleet-argocd.yaml', 'platform/sealedsecret-storefleet-tokens.yaml']);
    const shell = blocks('sh').join('\n');
    for (const file of required) expect(shell, file).toContain(`> shops-gitops/${file}`);
    // storefleet-argocd carries both keys its table row lists.
    const argocd = shell.slice(shell.indexOf('create secret generic storefleet-argocd'), shell.indexOf('sealedsecret-storefleet-argocd.yaml'));
    expect(argocd).toContain('STOREFLEET_ARGOCD_TOKEN=');
    expect(argocd).toContain('STOREFLEET_ARGOCD_WEBHOOK_SECRET=');
  });

  it('loads the sealing key under the one name the CLI prints', () => {
    const tls = [...OPERATIONS.matchAll(/create secret tls (\S+)/g)].map((m) => m[1]);
    expect(tls.length).toBeGreaterThanOrEqual(2); // from the embedded default and fresh
    expect(new Set(tls)).toEqual(new Set([SEALING_KEY_SECRET]));
  });

  it('lists the argocd CLI and age among the prerequisites', () => {
    const prerequisites = OPERATIONS.slice(OPERATIONS.indexOf('## Local: k3d'), OPERATIONS.indexOf('### 1. Create the cluster'));
    for (const tool of ['`argocd` CLI', '`age`', '`kubeseal`', 'Docker', '[k3d]']) expect(prerequisites).toContain(tool);
  });
});

describe('README first screen', () => {
  it('keeps the two fresh-machine commands and says what you get and what ran where', () => {
    const first = README.slice(0, README.indexOf('## Commands'));
    expect(first).toContain('npm ci && npm start');
    expect(first).toContain('npm ci && npm run setup && npm test');
    expect(first).toMatch(/No running shop/);
    expect(first).toMatch(/What has been run where/);
  });
});

describe('docs/operations.md storefleet commands, run as written', () => {
  it('init, bootstrap and token create work from an empty folder and a fresh HOME', async () => {
    // Every `npx storefleet …` line of the walkthrough's shell blocks, up to the sealing step that
    // needs kubeseal (not run here); `npx` runs this checkout's bin, as `npx storefleet` does in it.
    const lines = blocks('sh')
      .flatMap((b) => b.split('\n'))
      .filter((l) => /^(\(umask 077; )?npx storefleet (init|bootstrap|token) /.test(l));
    expect(lines.map((l) => /storefleet (\w+)/.exec(l)![1])).toEqual(['init', 'bootstrap', 'token']);
    const dir = mkdtempSync(join(tmpdir(), 'sf-ops-doc-'));
    try {
      const script = ['set -euo pipefail', `npx() { shift; node ${JSON.stringify(join(ROOT, 'bin/storefleet.js'))} "$@"; }`, 'mkdir -p ~/.storefleet', ...lines].join('\n');
      await new Promise<void>((resolve, reject) =>
        execFile('bash', ['-c', script], { cwd: dir, env: { ...process.env, HOME: dir, STOREFLEET_CLUSTER_ENV: 'off' } }, (err, _out, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(),
        ),
      );
      expect(existsSync(join(dir, 'shops-gitops', 'sealing', 'cert.pem'))).toBe(true);
      expect(statSync(join(dir, '.storefleet', 'sealing-key', 'tls.key')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'bootstrap', 'secrets', 'webhook-secret')).mode & 0o777).toBe(0o600);
      const token = readFileSync(join(dir, '.storefleet', 'admin-token'), 'utf8').trim();
      expect(statSync(join(dir, '.storefleet', 'admin-token')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, 'tokens.yaml'), 'utf8')).toContain(hashToken(token));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
