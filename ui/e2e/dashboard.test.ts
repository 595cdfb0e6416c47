// The dashboard in Debian's Chromium against the real API on the embedded default: sign in,
// create a WooCommerce and a Medusa store, list, open, manifests and history, the server's
// message for an invalid name, delete with typed confirmation, restore, network loss.
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { buildUi } from '../scripts/build.ts';
import { ARTIFACTS, contrastViolations, launchBrowser, removeDir, startApi, type RunningApi } from './harness.ts';

let api: RunningApi;
let browser: Browser;
let page: Page;

/** Saves a screenshot and checks the page's text contrast (WCAG AA) on the way. */
async function shot(name: string, mask: Locator[] = []) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true, mask });
  expect(await page.evaluate(contrastViolations), `contrast on ${name}`).toEqual([]);
}
const row = (name: string) => page.locator(`tr[data-store="${name}"]`);

async function createStore(name: string, engine: 'WooCommerce' | 'Medusa') {
  await page.getByRole('button', { name: /^(New store|Create a store)$/ }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel(engine).check();
  expect(await dialog.getByTestId('address-preview').textContent()).toBe(`http://${name}.localtest.me`); // the embedded default's site
  await dialog.getByRole('button', { name: 'Create store' }).click();
  await dialog.getByText(/shown only this once/).waitFor();
  await dialog.getByTestId('admin-password').waitFor();
  const password = await dialog.getByTestId('admin-password').textContent();
  expect(password?.length).toBeGreaterThanOrEqual(12);
  await tryToLoseLogin(password!);
  await dialog.getByRole('button', { name: 'Copy login' }).click();
  await dialog.getByText('Copied', { exact: true }).waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`password: ${password}`);
  await shot(`created-${name}`, [dialog.getByTestId('admin-password')]); // no secret in artifacts
  await dialog.getByRole('button', { name: 'I have saved it' }).click();
  await dialog.waitFor({ state: 'detached' });
  return password!;
}

/** The one-time login survives every way of closing a dialog but the person's own decision. */
async function tryToLoseLogin(password: string) {
  const dialog = page.getByRole('dialog');
  const stillThere = async (how: string) => {
    expect(await dialog.isVisible(), `dialog open after ${how}`).toBe(true);
    expect(await dialog.getByTestId('admin-password').textContent(), `password after ${how}`).toBe(password);
  };
  // Twice: Chromium lets a second Escape without a click in between through a cancelled `cancel`.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await stillThere('Escape');
  await dialog.getByTestId('unsaved-login').waitFor();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await stillThere('×');
  await page.mouse.click(5, 5); // the backdrop, outside the centred dialog
  await page.mouse.click(5, 890);
  await stillThere('a click outside');
  await page.keyboard.press('Escape');
  await stillThere('Escape after a click');
}

/** Presses Tab until the focused element's text is `text` (at most 10 times). */
async function tabTo(text: string) {
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.textContent?.trim())) === text) return;
  }
  throw new Error(`Tab never reached "${text}"`);
}

/** The same flow with the keyboard only: open, type, choose the engine with arrows, submit. */
async function createStoreByKeyboard(name: string) {
  await page.getByRole('button', { name: 'New store' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('store-name');
  await page.keyboard.type(name);
  await page.keyboard.press('Tab'); // display name
  await page.keyboard.press('Tab'); // engine radio group (WooCommerce checked)
  await page.keyboard.press('ArrowRight'); // Medusa
  expect(await dialog.getByLabel('Medusa').isChecked()).toBe(true);
  await tabTo('Create store');
  await page.keyboard.press('Enter');
  await dialog.getByTestId('admin-password').waitFor();
  await tabTo('I have saved it');
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
}

beforeAll(async () => {
  await buildUi({ ifStale: true, quiet: true });
  api = await startApi();
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  if (api) removeDir(api.dataDir);
});

describe('dashboard in Chromium against the real API', () => {
  // A test, not a hook: without /usr/bin/chromium every test below fails (never "skipped").
  it("starts Debian's Chromium", async () => {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  it('signs in with the admin token and shows the empty state', async () => {
    await page.goto(api.url + '/');
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    const refused = await page.getByRole('alert').textContent();
    expect(refused).toContain('Check the token: copy it again');
    expect(refused).not.toMatch(/sign out/i); // nobody is signed in yet
    await page.getByLabel('API token').fill(api.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'No stores yet' }).waitFor();
    // The embedded default has no Argo CD: one banner says so, and the empty state does not promise a deploy.
    await page.getByRole('heading', { name: /No Argo CD connected/ }).waitFor();
    expect(await page.locator('.empty').textContent()).toContain('nothing deploys it yet');
    await shot('empty');
  });

  it('creates a WooCommerce and a Medusa store and lists both', async () => {
    await createStore('woo-shop', 'WooCommerce');
    await row('woo-shop').waitFor();
    await createStoreByKeyboard('medusa-shop');
    await row('medusa-shop').waitFor();
    expect(await row('woo-shop').textContent()).toContain('WooCommerce');
    expect(await row('medusa-shop').textContent()).toContain('Medusa');
    expect(await row('medusa-shop').getByRole('link', { name: 'Storefront of medusa-shop' }).getAttribute('href')).toMatch(/^https?:\/\/medusa-shop\./);
    await page.getByLabel('Engine').selectOption('medusa');
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Engine').selectOption('');
    // Once for the page, not on every row; links say they are not live; only possible statuses offered.
    expect(await page.locator('.first-run').count()).toBe(1);
    expect(await page.locator('tbody').textContent()).not.toContain('no Argo CD connected');
    expect(await row('woo-shop').locator('.not-live').count()).toBe(2);
    expect(await page.getByLabel('Status').locator('option').allTextContents()).toEqual(['All statuses', 'Committed']);
    await shot('list');
  });

  it('discards the one-time login only after asking, and the store page says where it lives', async () => {
    await page.getByRole('button', { name: 'New store' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('gone-login');
    await dialog.getByRole('button', { name: 'Create store' }).click();
    await dialog.getByTestId('admin-password').waitFor();
    await dialog.getByRole('button', { name: 'Discard it' }).click();
    await dialog.getByText(/Discard the login\?/).waitFor();
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Keep it' }).click(); // back, the login still shown
    await dialog.getByTestId('admin-password').waitFor();
    await dialog.getByRole('button', { name: 'Discard it' }).click();
    await dialog.getByRole('button', { name: 'Discard the login' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row('gone-login').getByRole('link', { name: 'gone-login', exact: true }).click();
    const fact = page.locator('dd.admin-login-fact');
    await fact.waitFor();
    expect(await fact.textContent()).toContain('store-admin');
    expect(await fact.locator('code.command').textContent()).toBe(
      "kubectl -n store-gone-login get secret store-admin -o jsonpath='{.data.ADMIN_PASSWORD}' | base64 -d",
    );
    await page.getByRole('link', { name: '← All stores' }).click();
  });

  it("shows the server's message for an invalid or taken name", async () => {
    await page.getByRole('button', { name: 'New store' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('Bad_Name');
    await dialog.getByText('use only lowercase letters, digits and hyphens').waitFor(); // live, client-side
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/stores') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Create store' }).click();
    const res = await answer;
    expect([400, 422]).toContain(res.status());
    const problem = (await res.json()) as { errors?: { field: string; reason: string }[]; detail?: string };
    const reason = problem.errors?.find((e) => e.field.includes('name'))?.reason;
    expect(reason).toBeTruthy();
    await dialog.locator('.server-error').waitFor();
    expect(await dialog.locator('.server-error').textContent()).toBe(`Server: ${reason}`);
    await shot('invalid-name');

    const taken = page.waitForResponse((r) => r.url().endsWith('/api/stores') && r.request().method() === 'POST');
    await dialog.getByLabel('Name', { exact: true }).fill('woo-shop');
    await dialog.getByText('a store named "woo-shop" already exists').waitFor(); // from the list, while typing
    await dialog.getByRole('button', { name: 'Create store' }).click();
    const conflict = await taken;
    expect(conflict.status()).toBe(409);
    const detail = ((await conflict.json()) as { detail?: string; title: string }).detail;
    await dialog.locator('.server-error').waitFor();
    expect(await dialog.locator('.server-error').textContent()).toBe(`Server: ${detail}`);
    // The refusal takes keyboard focus to the name, never to <body> behind the modal.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('store-name');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Focus returns to the button that opened the dialog. The role locator stops matching as soon
    // as the <dialog> closes; focus moves when the component unmounts, a frame later at most.
    await page.waitForFunction(() => document.activeElement?.textContent === 'New store', undefined, { timeout: 5000 });
  });

  it('opens a store with its history and rendered manifests', async () => {
    await row('woo-shop').getByRole('link', { name: 'woo-shop', exact: true }).click();
    await page.getByRole('heading', { name: 'Rendered manifests' }).waitFor();
    const activity = page.locator('.activity li[data-source="git"]');
    await activity.first().waitFor();
    expect(await activity.count()).toBeGreaterThanOrEqual(1);
    const files = page.getByRole('list', { name: 'Rendered files' }).getByRole('button');
    expect(await files.count()).toBeGreaterThan(3);
    const yamlFile = files.filter({ hasText: /namespace/i }).first();
    const fileName = (await yamlFile.textContent())!;
    await yamlFile.click();
    const viewer = page.getByLabel(`Contents of ${fileName}`);
    await viewer.waitFor();
    expect(await viewer.textContent()).toMatch(/kind: Namespace/);
    const facts = page.locator('dl.facts').first();
    expect(await facts.textContent()).toContain('store-woo-shop');
    expect(await facts.locator('dt', { hasText: 'Addresses' }).count()).toBe(1);
    expect(await facts.textContent()).toMatch(/https?:\/\/woo-shop\./);
    expect(await facts.textContent()).toContain('Not live: no Argo CD is connected');
    // The embedded default without a backup target (this test turns the local one off) says what that means.
    await page.locator('section.backups').getByText(/No backup target is configured .* deleting the store loses its data/).waitFor();
    await shot('store-page');
  });

  it('deletes the store after its name is typed, and restores it', async () => {
    await page.getByRole('button', { name: 'Delete store' }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Delete store' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/to confirm/).fill('woo-shop');
    expect(await confirm.isDisabled()).toBe(false);
    await confirm.click();
    await dialog.waitFor({ state: 'detached' });
    const flash = page.locator('.flash');
    await flash.getByText(/^Deleted woo-shop: its folder is removed from Git \(commit [0-9a-f]{7}\)/).waitFor();
    expect(await flash.textContent()).toContain('a restore brings back its configuration, not its data');
    await page.locator('.badge', { hasText: /^Deleted$/ }).first().waitFor();
    // Deleted: no "✓ Committed" timeline, no live links.
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    expect(await page.locator('.timeline').count()).toBe(0);
    expect(await page.getByRole('link', { name: /^(Storefront|Admin)$/ }).count()).toBe(0);
    expect(await page.locator('dt', { hasText: 'Addresses' }).count()).toBe(0);
    expect(await page.locator('dd.admin-login-fact').count()).toBe(0); // its Secret went with the namespace

    await page.getByRole('link', { name: /^Deleted/ }).click();
    await row('woo-shop').waitFor();
    expect(await row('woo-shop').locator('.restorable').textContent()).toBe('Restores without data (no backup target)');
    expect(await row('woo-shop').locator('td[data-label="Deleted"]').textContent()).toMatch(/ago.*by admin|just now.*by admin|by admin/);
    expect(await row('woo-shop').locator('td[data-label="Deleted"] time').count()).toBe(1);
    await shot('deleted');
    await row('woo-shop').getByRole('button', { name: 'Restore woo-shop' }).click();
    await row('woo-shop').waitFor({ state: 'detached' });
    const restored = await page.locator('.flash').textContent();
    expect(restored).toContain('Restored woo-shop');
    expect(restored).toContain('Its data is not coming back');
    expect(restored).toContain('admin login is the one shown when it was created');
    await page.getByRole('link', { name: 'Stores', exact: true }).click();
    await row('woo-shop').waitFor();
    expect(await row('medusa-shop').count()).toBe(1);
    // The activity log says what happened, not Git's nested revert subjects.
    await row('woo-shop').getByRole('link', { name: 'woo-shop', exact: true }).click();
    const activity = page.locator('.activity');
    await activity.getByText('Restore store woo-shop').waitFor();
    expect(await activity.textContent()).toContain('Delete store woo-shop');
    expect(await activity.textContent()).not.toContain('Revert');
    await page.getByRole('link', { name: 'Stores', exact: true }).click();
  });

  it('shows the platform page', async () => {
    await page.getByRole('link', { name: 'Platform' }).click();
    await page.getByText('Git remote', { exact: true }).waitFor();
    await shot('platform');
    // The contrast check itself can fail: light grey on white is caught.
    await page.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('beforeend', '<p id="low" style="color:#bbb">faint text</p>'));
    expect(await page.evaluate(contrastViolations)).toEqual([expect.stringContaining('"faint text"')]);
    await page.evaluate(() => document.getElementById('low')!.remove());
  });

  it('shows network loss and recovers when the API is back', async () => {
    await page.getByRole('link', { name: 'Stores', exact: true }).click();
    await row('woo-shop').waitFor();
    await api.stop();
    await page.getByText('Connection to the API lost').waitFor();
    await shot('offline');
    await api.start();
    await page.getByText('Connection to the API lost').waitFor({ state: 'detached', timeout: 40_000 });
    await row('medusa-shop').waitFor();
  });

  it('shows a store created elsewhere through the event stream, without a reload', async () => {
    const res = await fetch(`${api.url}/api/stores`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'live-shop', engine: 'medusa' }),
    });
    expect(res.status).toBe(201);
    await row('live-shop').waitFor();
  });

  it('fits 360 and 390 px wide screens on every page, without horizontal scrolling', async () => {
    const fits = async (where: string) => {
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      expect(scrollWidth, `${where}: scrollWidth ${scrollWidth} > innerWidth ${innerWidth}`).toBeLessThanOrEqual(innerWidth);
    };
    // Restore the desktop size even when an assertion fails, so the next test starts as usual.
    onTestFinished(() => page.setViewportSize({ width: 1280, height: 900 }));
    for (const width of [360, 390]) {
      await page.setViewportSize({ width, height: 800 });
      await page.getByRole('link', { name: 'Stores', exact: true }).click();
      await row('woo-shop').waitFor();
      await fits(`stores at ${width}`);
      await shot(`list-${width}`);
      await row('medusa-shop').getByRole('link', { name: 'medusa-shop', exact: true }).click();
      await page.getByRole('heading', { name: 'Rendered manifests' }).waitFor();
      await page.getByRole('list', { name: 'Rendered files' }).getByRole('button').first().click();
      await page.locator('.viewer pre').waitFor();
      await fits(`store page at ${width}`);
      await shot(`store-page-${width}`);
      await page.getByRole('link', { name: /^Deleted/ }).click();
      await page.getByRole('heading', { name: 'Deleted stores' }).waitFor();
      await fits(`deleted at ${width}`);
      await page.getByRole('link', { name: 'Platform' }).click();
      await page.getByText('Git remote', { exact: true }).waitFor();
      await fits(`platform at ${width}`);
      await shot(`platform-${width}`);
      await page.getByRole('link', { name: 'Stores', exact: true }).click();
      await page.getByRole('button', { name: 'New store' }).click();
      await page.getByRole('dialog').waitFor();
      await fits(`create dialog at ${width}`);
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
    }
  });

  it('lets the person dismiss the first-run banner for good', async () => {
    await page.getByRole('button', { name: 'Got it' }).click();
    await page.locator('.first-run').waitFor({ state: 'detached' });
    await page.reload();
    await row('woo-shop').waitFor();
    expect(await page.locator('.first-run').count()).toBe(0);
  });
});
