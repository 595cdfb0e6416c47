// npm run shopper -- --engine woocommerce|medusa --url <storefront> --admin-url <admin>
// A shopper's journey through a real, running store in Chromium (the engine tier's browser test):
// add the sample product to the cart, check out with the offline payment method, find the order
// as the store's admin. The admin login arrives as data, never as an option:
// STOREFLEET_SHOPPER_ADMIN_USER and STOREFLEET_SHOPPER_ADMIN_PASSWORD (the store-admin Secret).
// Chromium: STOREFLEET_CHROMIUM (default /usr/bin/chromium). Exit 1 with the failing step.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { step } from '../cluster/lib/wait.ts';
import type { ShopperJourney, ShopperRun } from './types.ts';
import { shopMedusa } from './medusa.ts';
import { shopWooCommerce } from './woocommerce.ts';

/** One journey per engine; the engine tier runs Medusa's natively (e2e/engines/medusa.test.ts). */
const journeys: Record<string, ShopperJourney> = {
  medusa: shopMedusa,
  woocommerce: shopWooCommerce,
};

const USAGE = 'usage: npm run shopper -- --engine <engine> --url <storefront URL> --admin-url <admin URL>';
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/shopper');

function options(): { engine: string; run: Omit<ShopperRun, 'step'> } {
  const { values } = parseArgs({ options: { engine: { type: 'string' }, url: { type: 'string' }, 'admin-url': { type: 'string' } }, strict: true });
  const { engine, url } = values;
  if (!engine || !url || !values['admin-url']) throw new Error(USAGE);
  if (!journeys[engine]) throw new Error(`no shopper journey for engine "${engine}" (known: ${Object.keys(journeys).join(', ')}); add e2e/shopper/${engine}.ts and register it in e2e/shopper/run.ts`);
  for (const u of [url, values['admin-url']]) if (!/^https?:\/\/[^/]+$/.test(u)) throw new Error(`expected a base URL such as http://corner-shop.localtest.me, got "${u}"`);
  const user = process.env.STOREFLEET_SHOPPER_ADMIN_USER;
  const password = process.env.STOREFLEET_SHOPPER_ADMIN_PASSWORD;
  if (!user || !password) throw new Error('set STOREFLEET_SHOPPER_ADMIN_USER and STOREFLEET_SHOPPER_ADMIN_PASSWORD (the store-admin Secret of the store)');
  return { engine, run: { url, adminUrl: values['admin-url'], admin: { user, password } } };
}

async function main(): Promise<void> {
  const { engine, run } = options();
  const browser = await chromium.launch({ executablePath: process.env.STOREFLEET_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(30_000);
  try {
    const order = await journeys[engine](page, { ...run, step });
    console.log(`shopper (${engine}): order ${order} placed and found in the admin`);
  } catch (err) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `${engine}-failure.png`), fullPage: true }).catch(() => undefined);
    throw err;
  } finally {
    await browser.close();
  }
}

try {
  await main();
} catch (err) {
  console.error(`shopper failed: ${(err as Error).message}`);
  process.exit(1);
}
