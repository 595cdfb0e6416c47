// The WooCommerce shopper journey on a real store: open the sample product, add it to the cart,
// check out with cash on delivery (WooCommerce's block checkout, which `wc tool run install_pages`
// creates), then sign in to wp-admin and find the order. Needs running containers: it runs in
// .github/workflows/e2e-kind.yml, not on the dev cluster (kwok runs no containers).
import type { Page } from 'playwright-core';
import type { ShopperRun } from './types.ts';

/** WordPress answers these query URLs under every permalink setting (plain or pretty). */
const SHOP = '/?post_type=product';
const CHECKOUT = '/?pagename=checkout';

export async function shopWooCommerce(page: Page, run: ShopperRun): Promise<string> {
  await run.step('shop page lists the sample product', async () => {
    await page.goto(run.url + SHOP);
    await page.getByRole('link', { name: 'Sample product' }).first().click();
  });
  await run.step('add to cart', async () => {
    await page.getByRole('button', { name: /^Add to cart/ }).first().click();
    await page.getByText(/has been added to your cart|added to your cart/i).first().waitFor();
  });
  const orderId = await run.step('check out with cash on delivery', async () => {
    await page.goto(run.url + CHECKOUT);
    await page.getByLabel('Email address').fill('shopper@example.com');
    await page.getByLabel('First name').first().fill('Storefleet');
    await page.getByLabel('Last name').first().fill('Shopper');
    await page.getByLabel('Address', { exact: true }).first().fill('1 Market Street');
    await page.getByLabel('City').first().fill('San Francisco');
    await page.getByLabel(/ZIP Code|Postcode/).first().fill('94105');
    await page.getByLabel('Cash on delivery').check();
    await page.getByRole('button', { name: /^Place order$/i }).click();
    await page.waitForURL(/order-received/, { timeout: 60_000 });
    const id = /order-received[=/](\d+)/.exec(page.url())?.[1];
    if (!id) throw new Error(`no order number in ${page.url()}`);
    return id;
  });
  await run.step(`order #${orderId} is in wp-admin`, async () => {
    await page.goto(`${run.adminUrl}/wp-login.php`);
    await page.locator('#user_login').fill(run.admin.user);
    await page.locator('#user_pass').fill(run.admin.password);
    await page.locator('#wp-submit').click();
    await page.waitForURL(/wp-admin/);
    // Orders live in WooCommerce's own tables (HPOS, the default since 8.2); the list searches them.
    await page.goto(`${run.adminUrl}/wp-admin/admin.php?page=wc-orders&s=${orderId}`);
    await page.getByRole('link', { name: new RegExp(`#${orderId}\\b`) }).first().waitFor();
  });
  return orderId;
}
