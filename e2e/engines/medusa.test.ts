// Engine conformance tier (npm run test:engines): a real Medusa store takes an order.
// The store is rendered by the generator; env, commands and scripts come from its Deployment, Job,
// StatefulSet and ConfigMap objects (secrets unsealed with the test's key), Services are mapped to
// loopback ports, and everything runs natively: PostgreSQL and Redis from Debian, the project's
// backend and storefront built from images/medusa-*, Debian's Chromium as the shopper.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../ui/e2e/harness.ts';
import { join } from 'node:path';
import { run, start, stop } from './lib/procs.ts';
import { freePort } from './lib/native.ts';
import { MedusaStore, waitHttp } from './lib/medusa-store.ts';

const timings: [string, number][] = [];
const shop = new MedusaStore();
let browser: Browser | undefined;
let orderNumber = '';
let orderId = '';

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    timings.push([name, (Date.now() - t0) / 1000]);
  }
}

describe('a Medusa store rendered by the generator takes an order (native engine, real browser)', () => {
  beforeAll(async () => {
    // A display name starting with "--" reaches the bootstrap as data (STORE_NAME env).
    await timed('render + build (cached)', () => shop.prepare('--Engine Shop', (m) => console.log(`engines: ${m}`)));
    await timed('start PostgreSQL + Redis', () => shop.startDatabases());
  }, 1_800_000);

  afterAll(async () => {
    await browser?.close();
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
    await timed('shopper: open → confirmation', async () => {
      await page.goto(`${shop.storefrontUrl}/`);
      await page.getByRole('link', { name: /Storefleet Mug/ }).click();
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.getByRole('link', { name: 'Checkout' }).click();
      await page.getByLabel('Email').fill('shopper@example.com');
      await page.getByLabel('First name').fill('Ada');
      await page.getByLabel('Last name').fill('Lovelace');
      await page.getByLabel('Address').fill('1 Test Street');
      await page.getByLabel('City').fill('Copenhagen');
      await page.getByLabel('Postal code').fill('1000');
      await page.getByRole('button', { name: 'Continue to delivery' }).click();
      await page.getByLabel(/Manual payment/).check();
      await page.getByRole('button', { name: 'Place order' }).click();
      orderNumber = (await page.getByTestId('order-number').textContent()) ?? '';
    }).catch(async (err) => {
      const alert = await page.getByRole('alert').allTextContents().catch(() => []);
      throw new Error(`${(err as Error).message.split('\n')[0]} at ${page.url()}${alert.length ? `; page says: ${alert.join(' / ')}` : ''}`);
    });
    expect(orderNumber).toMatch(/^#\d+$/);
    // Relative links only: the shopper never left the storefront's origin.
    expect(new URL(page.url()).origin).toBe(shop.storefrontUrl);
    orderId = decodeURIComponent(new URL(page.url()).hash.split('/').pop() ?? '');
  }, 300_000);

  it('the admin API, logged in with the rendered admin credentials, finds that order', async () => {
    const login = await fetch(`${shop.backendUrl}/auth/user/emailpass`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: shop.store.secret('store-admin', 'ADMIN_EMAIL'), password: shop.store.secret('store-admin', 'ADMIN_PASSWORD') }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(`${shop.backendUrl}/admin/orders/${encodeURIComponent(orderId)}?fields=id,display_id,email`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const { order } = (await res.json()) as { order: { display_id: number; email: string } };
    expect(`#${order.display_id}`).toBe(orderNumber);
    expect(order.email).toBe('shopper@example.com');
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
});
