// What every engine's shopper journey gets: where the store is, the admin login, and a step
// printer. One journey per engine, registered in run.ts.
import type { Page } from 'playwright-core';

export interface ShopperRun {
  /** Storefront base URL, e.g. http://corner-shop.localtest.me (no trailing slash). */
  url: string;
  /** Admin base URL: WooCommerce's wp-admin host, Medusa's backend (admin API) host. */
  adminUrl: string;
  /** The store's admin login (the store-admin Secret). */
  admin: { user: string; password: string };
  /** Prints "<name> … <seconds>s" around one step and returns its result. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** A journey: add the sample product to the cart, check out with the offline payment, find the order as admin. Returns the order id. */
export type ShopperJourney = (page: Page, run: ShopperRun) => Promise<string>;
