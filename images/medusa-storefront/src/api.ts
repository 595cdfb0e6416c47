// The Store API, reached through the storefront server's own origin (/store/*): the server adds
// the publishable key, so nothing store-specific is built into this bundle.
import Medusa, { FetchError } from '@medusajs/js-sdk';

export const sdk = new Medusa({ baseUrl: new URL('.', window.location.href).href.replace(/\/$/, '') });

/** What a shopper should read when a call fails. */
export function describeError(err: unknown): string {
  if (err instanceof FetchError) {
    if (err.status === 502 || err.status === 503 || err.status === 504) {
      return 'The shop is temporarily unavailable: its backend cannot be reached. Please try again in a minute.';
    }
    if (/publishable/i.test(err.message)) {
      return 'The shop is misconfigured: its publishable API key was rejected by the backend.';
    }
    return err.message || `Request failed (${err.status})`;
  }
  if (err instanceof TypeError) return 'The shop cannot be reached. Check your connection and try again.';
  return err instanceof Error ? err.message : String(err);
}

const CART_KEY = 'storefleet_cart_id';
export const cartId = {
  get: (): string | null => localStorage.getItem(CART_KEY),
  set: (id: string) => localStorage.setItem(CART_KEY, id),
  clear: () => localStorage.removeItem(CART_KEY),
};

export function money(amount: number | null | undefined, currency: string | undefined): string {
  if (amount == null || !currency) return '';
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(amount);
}

/** The region selling to the configured country (/config.json, read by the server at start). */
export async function loadRegion(): Promise<{ id: string; currency_code: string; countries: { iso_2: string; display_name?: string }[] }> {
  const res = await fetch('config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error('The shop configuration could not be loaded.');
  const { country } = (await res.json()) as { country: string };
  const { regions } = await sdk.store.region.list({ limit: 100 });
  const region = regions.find((r) => r.countries?.some((c) => c.iso_2 === country));
  if (!region) throw new Error(`The shop sells to no region containing "${country}" yet.`);
  return region as never;
}
