// Phase 2's driver: removes a store once per mark whose final backup completed, never for a
// pending or failed one; a lost race (another replica removed it) ends the attempts, a passing
// failure is retried on the store's next status.
import { describe, expect, it } from 'vitest';
import { StoreBusy, StoreNotFound, TransportUnavailable } from './errors.ts';
import { FinalDeleteDriver } from './final-delete.ts';
import type { WriteResult } from './types.ts';

const MARK = '2026-12-05T12:00:00Z';
const git = { deleting: { requestedAt: MARK } };

function fakeStores(answers: (() => Promise<WriteResult>)[]) {
  const calls: [string, string][] = [];
  return {
    calls,
    removeAfterFinalBackup: (name: string, mark: string) => {
      calls.push([name, mark]);
      return (answers.shift() ?? (() => Promise.reject(new Error('unexpected call'))))();
    },
  };
}
const ok = (): Promise<WriteResult> => Promise.resolve({ action: 'delete', name: 'shop', commit: 'c'.repeat(40), replayed: false });

describe('FinalDeleteDriver', () => {
  it('removes once per mark when the final backup completed; never while pending or after a failure', async () => {
    const stores = fakeStores([ok]);
    const d = new FinalDeleteDriver(stores);
    d.observe('shop', { mark: MARK, state: 'pending' }, git);
    d.observe('shop', { mark: MARK, state: 'failed' }, git);
    expect(stores.calls).toEqual([]);
    d.observe('shop', { mark: MARK, state: 'complete' }, git);
    d.observe('shop', { mark: MARK, state: 'complete' }, git); // in flight
    await d.settled();
    d.observe('shop', { mark: MARK, state: 'complete' }, git); // done
    expect(stores.calls).toEqual([['shop', MARK]]);
  });

  it('a store another replica removed is not tried again; a passing failure is', async () => {
    const stores = fakeStores([() => Promise.reject(new TransportUnavailable('remote down')), ok, () => Promise.reject(new StoreNotFound('other'))]);
    const d = new FinalDeleteDriver(stores);
    d.observe('shop', { mark: MARK, state: 'complete' }, git);
    await d.settled();
    d.observe('shop', { mark: MARK, state: 'complete' }, git);
    await d.settled();
    d.observe('other', { mark: MARK, state: 'complete' }, git);
    await d.settled();
    d.observe('other', { mark: MARK, state: 'complete' }, git);
    await d.settled();
    expect(stores.calls).toEqual([['shop', MARK], ['shop', MARK], ['other', MARK]]);
  });

  it('a status computed for another mark than the store carries removes nothing', async () => {
    const stores = fakeStores([]);
    const d = new FinalDeleteDriver(stores);
    d.observe('shop', { mark: '2026-12-05T11:00:00Z', state: 'complete' }, git);
    await d.settled();
    expect(stores.calls).toEqual([]);
  });

  it('a removal waiting for review is looked at again later: a pull request closed without merging is opened anew', async () => {
    let now = 1_000_000;
    const stores = fakeStores([() => Promise.reject(new StoreBusy('shop', 'https://github.example/o/r/pull/7')), ok]);
    const d = new FinalDeleteDriver(stores, undefined, { now: () => now, recheckMs: 60_000 });
    d.observe('shop', { mark: MARK, state: 'complete' }, git);
    await d.settled();
    d.observe('shop', { mark: MARK, state: 'complete' }, git); // still in review: not asked again yet
    expect(stores.calls).toHaveLength(1);
    now += 60_001;
    d.observe('shop', { mark: MARK, state: 'complete' }, git); // closed meanwhile: the rule opens a new one
    await d.settled();
    d.observe('shop', { mark: MARK, state: 'complete' }, git); // done
    expect(stores.calls).toEqual([['shop', MARK], ['shop', MARK]]);
  });
});
