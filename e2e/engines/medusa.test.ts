// Engine conformance tier (npm run test:engines): a real Medusa store takes an order.
// The store is rendered by the generator; env, commands and scripts come from its Deployment, Job,
// StatefulSet and ConfigMap objects (secrets unsealed with the test's key), Services are mapped to
// loopback ports, and everything runs natively: PostgreSQL and Redis from Debian, the project's
// backend and storefront built from images/medusa-*, Debian's Chromium as the shopper.
// Backups are on: platform.yaml points at a local S3 target (SeaweedFS, e2e/backups/s3-target.ts),
// and the last step runs the rendered backup CronJob and restore step (e2e/backups/pod-runner.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../ui/e2e/harness.ts';
import { join } from 'node:path';
import { run, start, stop } from './lib/procs.ts';
import { freePort } from './lib/native.ts';
import { MedusaStore, waitHttp } from './lib/medusa-store.ts';
import { binary } from '../cluster/lib/config.ts';
import { TEMPLATE_PLATFORM_TEXT } from '../../generator/test/helpers.ts';
import { startS3Target, type S3Target } from '../backups/s3-target.ts';
import { withBackupTarget } from '../backups/platform-target.ts';
import { findMedusaOrder, placeMedusaOrder } from '../shopper/medusa.ts';
import type { ShopperRun } from '../shopper/types.ts';
import { backupPod, expectSuccess, restoreStep, runPod, type ContainerRun, type PodWorld } from '../backups/pod-runner.ts';

const timings: [string, number][] = [];
const shop = new MedusaStore();
let browser: Browser | undefined;
let orderNumber = '';
let orderId = '';
let s3: S3Target | undefined;

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    timings.push([name, (Date.now() - t0) / 1000]);
  }
}

/** Logs in to the admin API with the rendered admin credentials and finds the shopper's order. */
async function expectOrderInAdminApi(): Promise<void> {
  await findMedusaOrder(shop.backendUrl, adminLogin(), { number: orderNumber, id: orderId });
}

function adminLogin(): ShopperRun['admin'] {
  return { user: shop.store.secret('store-admin', 'ADMIN_EMAIL'), password: shop.store.secret('store-admin', 'ADMIN_PASSWORD') };
}

describe('a Medusa store rendered by the generator takes an order (native engine, real browser)', () => {
  beforeAll(async () => {
    // A display name starting with "--" reaches the bootstrap as data (STORE_NAME env).
    s3 = await timed('start S3 backup target', () => startS3Target({ dir: join(shop.tmp, 's3') }));
    const target = s3;
    await timed('render + build (cached)', () =>
      shop.prepare('--Engine Shop', (m) => console.log(`engines: ${m}`), (p) => withBackupTarget(p, TEMPLATE_PLATFORM_TEXT, target)),
    );
    await timed('start PostgreSQL + Redis', () => shop.startDatabases());
  }, 1_800_000);

  afterAll(async () => {
    await browser?.close();
    await s3?.stop();
    const keep = Boolean(process.env.STOREFLEET_KEEP_ENGINE_LOGS);
    await shop.stopAll(keep);
    console.log(`engines: order number ${orderNumber || '(none)'}`);
    for (const [name, s] of timings) console.log(`engines: ${name.padEnd(36)} ${s.toFixed(1).padStart(6)} s`);
    if (keep) console.log(`engines: logs kept in ${shop.tmp}`);
  }, 120_000);

  it('migrates an empty database as the init container does, starts the backend, bootstraps twice without change', async () => {
    await timed('migrate (init container)', () => shop.migrate());
    await timed('backend start until /health', () => shop.startBackend());
    const first = await timed('bootstrap (1st run)', () => shop.bootstrap());
    expect(first).toContain('bootstrap: done');
    // The init container skips Medusa's data migration scripts; the bootstrap runs them.
    expect(first).toMatch(/bootstrap: running \d+ migration script/);
    const before = await shop.snapshot();
    await timed('bootstrap (2nd run)', () => shop.bootstrap());
    expect(await shop.snapshot()).toEqual(before);
  }, 900_000);

  it('a shopper orders through the storefront in Chromium and sees the order number', async () => {
    await shop.startStorefront();
    browser = await launchBrowser();
    const page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    // The journey the kind workflow runs too (npm run shopper -- --engine medusa).
    const order = await placeMedusaOrder(page, { url: shop.storefrontUrl, adminUrl: shop.backendUrl, admin: adminLogin(), step: timed });
    orderNumber = order.number;
    orderId = order.id;
    expect(orderNumber).toMatch(/^#\d+$/);
  }, 300_000);

  it('the admin API, logged in with the rendered admin credentials, finds that order', async () => {
    await expectOrderInAdminApi();
  });

  it('the rendered smoke-test script passes twice', async () => {
    for (const n of [1, 2]) {
      const out = await timed(`smoke test (run ${n})`, () => shop.smokeTest());
      expect(out).toContain('smoke-test: passed');
    }
  }, 300_000);

  it('bad input: a missing or malformed variable is named, a wrong key or a dead backend is explained to the shopper', async () => {
    // Backend config and bootstrap: the rendered env with one variable broken.
    const backend = shop.container('Deployment', 'medusa-backend', 'backend', shop.serverDir);
    const noSecret = await run(backend.cmd, ['exec', './src/scripts/bootstrap.js'], { ...backend, env: { ...backend.env, JWT_SECRET: '' } });
    expect(noSecret.code).not.toBe(0);
    expect(noSecret.output).toContain('JWT_SECRET is not set');
    const job = shop.container('Job', 'medusa-bootstrap', 'bootstrap', shop.serverDir);
    const badKey = await run(job.cmd, job.args, { ...job, env: { ...job.env, PUBLISHABLE_KEY: 'not-a-key' } });
    expect(badKey.code).not.toBe(0);
    expect(badKey.output).toContain('PUBLISHABLE_KEY is malformed');
    const unset = await run(job.cmd, job.args, { ...job, env: { ...job.env, STORE_COUNTRY: '' } });
    expect(unset.code).toBe(2);
    expect(unset.output).toContain('not set: STORE_COUNTRY');

    // Storefront: exits naming what is missing; explains a rejected key and a dead backend.
    const sf = shop.container('Deployment', 'medusa-storefront', 'storefront', shop.storefrontDir);
    const missing = await run(sf.cmd, sf.args, { ...sf, env: { ...sf.env, MEDUSA_PUBLISHABLE_KEY: '', DEFAULT_REGION: 'Denmark' } });
    expect(missing.code).toBe(2);
    expect(missing.output).toContain('MEDUSA_PUBLISHABLE_KEY is not set');
    expect(missing.output).toContain('DEFAULT_REGION is malformed');
    const page = await browser!.newPage();
    for (const [what, override, message] of [
      ['wrong key', { MEDUSA_PUBLISHABLE_KEY: 'pk_0000000000000000000000000000000000000000' }, /publishable API key was rejected/],
      ['dead backend', { MEDUSA_BACKEND_URL: `http://127.0.0.1:${await freePort()}` }, /backend cannot be reached/],
    ] as const) {
      const port = await freePort();
      const p = start(`storefront-${what}`, sf.cmd, sf.args, { ...sf, env: { ...sf.env, ...override, HOST: '127.0.0.1', PORT: String(port) }, log: join(shop.tmp, `storefront-${port}.log`) });
      try {
        await waitHttp(`http://127.0.0.1:${port}/healthz`, 30_000, p);
        await page.goto(`http://127.0.0.1:${port}/`);
        await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 30_000 }).toMatch(message);
      } finally {
        await stop(p);
      }
    }
    await page.close();
  }, 300_000);

  it('after a backend restart the bootstrap succeeds again and changes nothing', async () => {
    await stop(shop.backend!);
    const before = await shop.snapshot();
    await timed('backend restart until /health', () => shop.startBackend());
    await timed('bootstrap (after restart)', () => shop.bootstrap());
    expect(await shop.snapshot()).toEqual(before);
  }, 600_000);
  it('the rendered backup runs against the S3 target; after the database is dropped the restore step brings the order back', async () => {
    const objects = shop.store.objects as Array<Record<string, any>>;
    // The "cluster" around the rendered pods: Services at their loopback ports, the unsealed
    // Secrets (the backup target's included), restic of the image as the binary built here.
    const world: PodWorld = {
      dir: shop.tmp,
      objects,
      imageFiles: { '/usr/bin/restic': binary('restic') },
      services: Object.fromEntries(shop.store.services().map((s) => [s.name, { port: s.port, host: '127.0.0.1', hostPort: shop.ports.get(`${s.name}:${s.port}`)! }])),
      secrets: shop.store.secretValues(),
    };
    const logs: ContainerRun[] = [];
    const runLogged = async (pod: Record<string, any>) => {
      const runs = await runPod(pod, world);
      logs.push(...runs);
      return expectSuccess(runs);
    };
    const before = await shop.snapshot();
    await timed('backup (rendered CronJob pod)', () => runLogged(backupPod(objects)));

    await stop(shop.backend!);
    await shop.recreateDatabase();
    expect((await shop.snapshot()).trim()).toBe(''); // no tables: the order is gone

    // As the backend pod starts: the restore init container(s), then migrate, then the backend.
    const restored = await timed('restore (rendered init container)', () => runLogged(restoreStep(objects)));
    expect(restored.stderr).toMatch(/restored \d+ tables/);
    await timed('migrate after restore', () => shop.migrate());
    await timed('backend start after restore', () => shop.startBackend());
    await expectOrderInAdminApi();
    expect(await shop.snapshot()).toEqual(before);

    const output = logs.map((r) => r.stdout + r.stderr).join('\n');
    for (const secret of Object.values(world.secrets)) expect(output.includes(secret), 'a secret value in the backup/restore output').toBe(false);
  }, 600_000);
});
