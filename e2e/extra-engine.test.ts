// Must-show of issue 12: an engine is one folder plus one registry line. The static-site fixture
// engine (constructs/engines/testing/static-site/) is registered below — the only line this takes —
// and then renders, validates against the Kubernetes schemas, the manifest policy and the stores
// AppProject's whitelist, is refused while platform.yaml does not offer it, is created through the
// real API once it does, and appears in the dashboard's create form in Chromium.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { registerEngine } from '../constructs/engines/index.ts';
import { staticSite } from '../constructs/engines/testing/static-site/index.ts';
import { renderStoreObjects, STORE_KINDS } from '../constructs/index.ts';
import { manifestPolicyViolations } from '../constructs/platform/manifest-policy.ts';
import { validateAgainstSchema } from '../constructs/platform/testing/kube-schemas.ts';
import { fakeSealed } from '../constructs/test-props.ts';
import { renderBootstrap } from '../generator/bootstrap.ts';
import { parsePlatform } from '../generator/platform.ts';
import { call, remoteStores, seededRemote, startApi, tmp, TOKENS, type Remote } from '../api/test-support/harness.ts';
import type { RunningServer } from '../api/server.ts';
import { buildUi } from '../ui/scripts/build.ts';
import { launchBrowser } from '../ui/e2e/harness.ts';

registerEngine(staticSite);

const TEMPLATE = readFileSync(fileURLToPath(new URL('../gitops-repo-template/platform.yaml', import.meta.url)), 'utf8');
const SIZE = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } };

/** platform.yaml with the static-site section an operator adds to offer the engine. */
function withStaticSite(text: string): string {
  const doc = parseDocument(text);
  doc.setIn(['images', 'static-site'], { nginx: 'docker.io/nginxinc/nginx-unprivileged:1.29.3-alpine' });
  for (const plan of Object.keys(doc.toJS().plans)) doc.setIn(['plans', plan, 'resources', 'static-site'], { web: SIZE, smokeTest: SIZE });
  return doc.toString();
}

describe('an extra engine registered from one folder and one line', () => {
  const config = parsePlatform(withStaticSite(TEMPLATE));
  const objects = renderStoreObjects({
    store: { name: 'static-shop', engine: 'static-site', plan: 'small', displayName: 'Static', owner: 'alice', createdAt: '2026-11-23T16:00:00Z' },
    site: config.site,
    plan: config.plans.small,
    images: config.images,
    sealed: fakeSealed('static-site'),
  });

  it('renders its workload, ingress route and smoke test', () => {
    const names = objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`);
    expect(names).toEqual(expect.arrayContaining(['Deployment/web', 'Service/web', 'Ingress/store', 'Job/smoke-test', 'ConfigMap/store-scripts', 'SealedSecret/store-admin']));
    const ingress = objects.find((o) => o.kind === 'Ingress') as { spec: { rules: { host: string; http: { paths: { backend: unknown }[] } }[] } };
    expect(ingress.spec.rules.map((r) => r.host)).toEqual(['static-shop.localtest.me']);
    expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'web', port: { number: 8080 } } });
    const job = objects.find((o) => o.kind === 'Job') as { spec: { template: { spec: { containers: { command: string[] }[] } } } };
    expect(job.spec.template.spec.containers[0].command).toEqual(['sh', '/opt/storefleet/static-site-smoke-test.sh']);
  });

  it('validates against the Kubernetes schemas and the manifest policy', () => {
    for (const o of objects) expect(() => validateAgainstSchema(o)).not.toThrow();
    expect(manifestPolicyViolations(objects, 'store-static-shop')).toEqual([]);
  });

  it("uses only kinds the stores AppProject admits (and STORE_KINDS lists)", () => {
    const project = parse(renderBootstrap({ REPO_URL: 'https://github.com/acme/gitops.git', REVISION: 'main', PLATFORM_NAMESPACE: 'storefleet', WEBHOOK_SECRET: 'a'.repeat(64) }).get('10-project-stores.yaml') as string);
    const admitted = new Set(
      [...project.spec.namespaceResourceWhitelist, ...project.spec.clusterResourceWhitelist].map((gk: { group: string; kind: string }) => `${gk.group}/${gk.kind}`),
    );
    const listed = new Set(STORE_KINDS.map((k) => `${k.apiVersion}/${k.kind}`));
    for (const o of objects) {
      const apiVersion = String(o.apiVersion);
      expect(admitted.has(`${apiVersion.includes('/') ? apiVersion.split('/')[0] : ''}/${o.kind}`), `${o.kind}`).toBe(true);
      expect(listed.has(`${apiVersion}/${o.kind}`), `${o.kind}`).toBe(true);
    }
  });

  it('ships a smoke-test script that is clean under shellcheck', () => {
    const file = fileURLToPath(new URL('static-site-smoke-test.sh', staticSite.folder));
    const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', file], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
  });
});

describe('the extra engine through the API and the dashboard', () => {
  let remote: Remote;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    await buildUi({ ifStale: true, quiet: true });
    remote = await seededRemote();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is refused while platform.yaml does not offer it, with what to add', async () => {
    server = await startApi(remote.fileUrl);
    const r = await call(server.url, 'POST', '/api/stores', { token: TOKENS.admin, body: { name: 'static-one', engine: 'static-site' } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.errors)).toContain('engine \\"static-site\\" is not offered by this platform.yaml');
    expect(JSON.stringify(r.body.errors)).toContain('images.static-site');
    expect(await remoteStores(remote.dir)).not.toContain('static-one');
    await server.close();
    server = undefined;
  });

  it('is created through the API once platform.yaml offers it', async () => {
    // The operator's change: a pull request adding the engine's section to platform.yaml.
    const work = tmp('sf-work-');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=op', '-c', 'user.email=op@localhost', ...args], { cwd: work, encoding: 'utf8' });
    git('clone', '-q', remote.dir, '.');
    writeFileSync(join(work, 'platform.yaml'), withStaticSite(readFileSync(join(work, 'platform.yaml'), 'utf8')));
    git('commit', '-qam', 'Offer the static-site engine');
    git('push', '-q', 'origin', 'HEAD:main');

    server = await startApi(remote.fileUrl, { STOREFLEET_UI: 'true' });
    const platform = await call(server.url, 'GET', '/api/platform', { token: TOKENS.admin });
    expect((platform.body.platform as { engines: unknown[] }).engines).toContainEqual({
      id: 'static-site',
      label: 'Static site',
      description: staticSite.description,
      urls: { storefront: 'http://{name}.localtest.me', admin: 'http://{name}.localtest.me' },
    });
    const r = await call(server.url, 'POST', '/api/stores', { token: TOKENS.admin, body: { name: 'static-one', engine: 'static-site' } });
    expect(r.status).toBe(201);
    expect(r.body.store).toMatchObject({ name: 'static-one', engine: 'static-site', urls: { storefront: 'http://static-one.localtest.me' } });
    expect((r.body.adminLogin as { user: string }).user).toBe('storeadmin');
    expect(await remoteStores(remote.dir)).toContain('static-one');
    const openapi = await call(server.url, 'GET', '/api/openapi.json', { token: TOKENS.admin });
    expect(JSON.stringify(openapi.body)).toContain('"static-site"');
  });

  it("appears in the dashboard's create form with its description, and creates a store there", async () => {
    browser = await launchBrowser();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(server!.url + '/');
    await page.getByLabel('API token').fill(TOKENS.admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('tr[data-store="static-one"]').waitFor();
    await page.getByRole('button', { name: 'New store' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Static site').waitFor();
    expect(await dialog.getByText(staticSite.description).count()).toBe(1);
    expect(await dialog.getByRole('radio').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['woocommerce', 'medusa', 'static-site']);
    await dialog.getByLabel('Name', { exact: true }).fill('static-two');
    await dialog.getByLabel('Static site').check();
    // The address preview follows the engine's own URL pattern from the registry.
    expect(await dialog.getByTestId('address-preview').textContent()).toBe('http://static-two.localtest.me');
    await dialog.getByRole('button', { name: 'Create store' }).click();
    await dialog.getByText(/shown only this once/).waitFor();
    await dialog.getByRole('button', { name: 'I have saved it' }).click();
    await page.locator('tr[data-store="static-two"]').waitFor();
    expect(await page.locator('tr[data-store="static-two"]').textContent()).toContain('Static site');
    expect(await remoteStores(remote.dir)).toContain('static-two');
  });
});
