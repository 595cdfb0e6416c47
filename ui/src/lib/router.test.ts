import { describe, expect, it } from 'vitest';
import { href, parseRoute } from './router.ts';

describe('hash routes', () => {
  it.each([
    ['', { page: 'stores' }],
    ['#/', { page: 'stores' }],
    ['#/deleted', { page: 'deleted' }],
    ['#/platform', { page: 'platform' }],
    ['#/stores/my-shop', { page: 'store', name: 'my-shop' }],
    ['#/nonsense', { page: 'stores' }],
  ])('%j', (hash, route) => expect(parseRoute(hash)).toEqual(route));

  it('round-trips', () => {
    for (const r of [{ page: 'store', name: 'a-b' }, { page: 'deleted' }, { page: 'platform' }] as const) expect(parseRoute(href(r))).toEqual(r);
  });
});
