// The Medusa shopper journey, on the project's storefront (images/medusa-storefront): open the
// product, add it to the cart, check out with the manual payment provider, read the order number
// on the confirmation, then find the order through the backend's admin API with the store's admin
// login. The engine tier (e2e/engines/medusa.test.ts) runs it natively in CI; the kind workflow runs
// the same code against a store's real containers.
import type { Page } from 'playwright-core';
import type { ShopperRun } from './types.ts';

export const SHOPPER_EMAIL = 'shopper@example.com';

export interface MedusaOrder {
  /** As the confirmation shows it, e.g. "#1". */
  number: string;
  /** Medusa's order id (from the confirmation's address). */
  id: string;
}

/** Storefront part: product → cart → checkout → confirmation. */
export async function placeMedusaOrder(page: Page, run: ShopperRun): Promise<MedusaOrder> {
  const number = await run.step('shopper: open → confirmation', async () => {
    await page.goto(`${run.url}/`);
    await page.getByRole('link', { name: /Storefleet Mug/ }).click();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('link', { name: 'Checkout' }).click();
    await page.getByLabel('Email').fill(SHOPPER_EMAIL);
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Last name').fill('Lovelace');
    await page.getByLabel('Address').fill('1 Test Street');
    await page.getByLabel('City').fill('Copenhagen');
    await page.getByLabel('Postal code').fill('1000');
    await page.getByRole('button', { name: 'Continue to delivery' }).click();
    await page.getByLabel(/Manual payment/).check();
    await page.getByRole('button', { name: 'Place order' }).click();
    return (await page.getByTestId('order-number').textContent()) ?? '';
  }).catch(async (err) => {
    const alert = await page.getByRole('alert').allTextContents().catch(() => []);
    throw new Error(`${(err as Error).message.split('\n')[0]} at ${page.url()}${alert.length ? `; page says: ${alert.join(' / ')}` : ''}`);
  });
  if (!/^#\d+$/.test(number)) throw new Error(`the confirmation shows no order number (got "${number}")`);
  // Relative links only: the shopper never leaves the storefront's origin.
  if (new URL(page.url()).origin !== new URL(run.url).origin) throw new Error(`the storefront sent the shopper to ${page.url()}`);
  return { number, id: decodeURIComponent(new URL(page.url()).hash.split('/').pop() ?? '') };
}

/** Admin part: logs in to the admin API and reads the order; throws when it is missing or differs. */
export async function findMedusaOrder(adminUrl: string, admin: ShopperRun['admin'], order: MedusaOrder): Promise<void> {
  const login = await fetch(`${adminUrl}/auth/user/emailpass`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: admin.user, password: admin.password }),
  });
  if (login.status !== 200) throw new Error(`admin login answered ${login.status}`);
  const { token } = (await login.json()) as { token: string };
  const res = await fetch(`${adminUrl}/admin/orders/${encodeURIComponent(order.id)}?fields=id,display_id,email`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`admin API: order ${order.id} answered ${res.status}`);
  const found = ((await res.json()) as { order: { display_id: number; email: string } }).order;
  if (`#${found.display_id}` !== order.number || found.email !== SHOPPER_EMAIL) {
    throw new Error(`admin API shows order #${found.display_id} for ${found.email}, expected ${order.number} for ${SHOPPER_EMAIL}`);
  }
}

export async function shopMedusa(page: Page, run: ShopperRun): Promise<string> {
  const order = await placeMedusaOrder(page, run);
  await run.step('admin API finds the order', () => findMedusaOrder(run.adminUrl, run.admin, order));
  return order.number;
}
