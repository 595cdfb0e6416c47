// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sampleStores } from '../test-support.ts';
import type { StoreSummary } from '../lib/types.ts';
import { StoreList, StoreTable } from './store-list.tsx';

const stores = sampleStores as unknown as StoreSummary[];
afterEach(cleanup);

const rows = () => screen.getAllByRole('row').slice(1).map((r) => r.getAttribute('data-store'));

describe('StoreList', () => {
  it('lists live stores (not deleted ones) with badge, reason, URLs, owner and created time', () => {
    render(<StoreList stores={stores} onCreate={() => {}} />);
    expect(rows()).toEqual(['shoes', 'hats', 'socks']);
    const hats = screen.getAllByRole('row').find((r) => r.getAttribute('data-store') === 'hats')!;
    expect(within(hats).getByText('Failed')).toBeTruthy();
    expect(within(hats).getByText('Deployment hats-backend: ImagePullBackOff')).toBeTruthy();
    expect(within(hats).getByRole('link', { name: 'Admin of hats' }).getAttribute('href')).toBe('http://hats-admin.localtest.me');
    expect(within(hats).getByText('alice')).toBeTruthy();
    const time = hats.querySelector('time')!;
    expect(time.getAttribute('title')).toBe('2026-11-22 10:00:00 UTC');
    expect(time.getAttribute('datetime')).toBe('2026-11-22T10:00:00Z');
  });

  it('filters by status, engine and search text', () => {
    render(<StoreList stores={stores} onCreate={() => {}} />);
    fireEvent.change(screen.getByLabelText('Engine'), { target: { value: 'medusa' } });
    expect(rows()).toEqual(['hats', 'socks']);
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'committed' } });
    expect(rows()).toEqual(['socks']);
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: '' } });
    fireEvent.input(screen.getByLabelText('Search'), { target: { value: 'ALICE' } });
    expect(rows()).toEqual(['hats']);
    expect(screen.getByText('1 of 3 stores')).toBeTruthy();
  });

  it('says when filters match nothing and clears them', () => {
    render(<StoreList stores={stores} onCreate={() => {}} />);
    fireEvent.input(screen.getByLabelText('Search'), { target: { value: 'nothing-like-this' } });
    expect(screen.getByText('No store matches these filters.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(rows()).toEqual(['shoes', 'hats', 'socks']);
  });

  it('shows 100 stores a page; Previous/Next move through them and a filter starts again at page one', () => {
    const many = Array.from({ length: 250 }, (_, i) => ({ ...stores[0], name: `shop-${String(i).padStart(3, '0')}`, displayName: i % 2 ? 'Odd shop' : 'Even shop' }));
    const { rerender } = render(<StoreList stores={many} onCreate={() => {}} />);
    const pager = () => screen.getByRole('navigation', { name: 'Pages of stores' });
    const next = () => within(pager()).getByRole('button', { name: 'Next' });
    const previous = () => within(pager()).getByRole('button', { name: 'Previous' });
    expect(rows()).toHaveLength(100);
    expect(rows()[0]).toBe('shop-000');
    expect(screen.getByText('250 of 250 stores, showing 1–100')).toBeTruthy();
    expect(within(pager()).getByText('1–100 of 250')).toBeTruthy();
    expect(previous().getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(previous()); // does nothing on the first page
    expect(rows()[0]).toBe('shop-000');
    fireEvent.click(next());
    expect(rows()[0]).toBe('shop-100');
    fireEvent.click(next());
    expect(rows()).toHaveLength(50);
    expect(rows()[49]).toBe('shop-249');
    expect(screen.getByText('250 of 250 stores, showing 201–250')).toBeTruthy();
    expect(next().getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(next());
    expect(rows()[0]).toBe('shop-200');
    fireEvent.click(previous());
    expect(rows()[0]).toBe('shop-100');
    // Stores deleted elsewhere: the list shrinks under the current page, which becomes the last one.
    fireEvent.click(next());
    rerender(<StoreList stores={many.slice(0, 150)} onCreate={() => {}} />);
    expect(rows()[0]).toBe('shop-100');
    expect(rows()).toHaveLength(50);
    // A new search starts at the first page; 125 odd shops → two pages.
    rerender(<StoreList stores={many} onCreate={() => {}} />);
    fireEvent.input(screen.getByLabelText('Search'), { target: { value: 'odd' } });
    expect(rows()[0]).toBe('shop-001');
    expect(screen.getByText('125 of 250 stores, showing 1–100')).toBeTruthy();
    fireEvent.input(screen.getByLabelText('Search'), { target: { value: 'shop-24' } });
    expect(rows()).toHaveLength(10);
    expect(screen.queryByRole('navigation', { name: 'Pages of stores' })).toBeNull();
    expect(screen.getByText('10 of 250 stores')).toBeTruthy();
  });

  it('has an empty state that says what to do', () => {
    const onCreate = vi.fn();
    render(<StoreList stores={[stores[3]]} onCreate={onCreate} />);
    expect(screen.getByRole('heading', { name: 'No stores yet' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Create a store' }));
    expect(onCreate).toHaveBeenCalledOnce();
  });
});

describe('backups in the lists', () => {
  it('a live store whose backups need attention shows a warning next to its unchanged status', () => {
    const warned = stores.map((s) => (s.name === 'shoes' ? { ...s, backupWarning: { reason: 'no backup since 2026-12-01T03:18:00Z', since: '2026-12-02T03:17:00Z' } } : s));
    render(<StoreList stores={warned} onCreate={() => {}} />);
    const shoes = screen.getAllByRole('row').find((r) => r.getAttribute('data-store') === 'shoes')!;
    expect(within(shoes).getByText('Ready')).toBeTruthy();
    const warning = shoes.querySelector('.backup-warning')!;
    expect(warning.textContent).toBe('⚠ Backups need attention: no backup since 2026-12-01T03:18:00Z');
    const socks = screen.getAllByRole('row').find((r) => r.getAttribute('data-store') === 'socks')!;
    expect(socks.querySelector('.backup-warning')).toBeNull();
  });

  it('the Deleted list says until when a store restores with its data, or that it restores without', () => {
    const deleted = [
      { ...stores[3], name: 'kept', restorableUntil: '2027-01-03T10:00:00Z' },
      { ...stores[3], name: 'lost' },
    ];
    const text = (name: string) => screen.getAllByRole('row').find((r) => r.getAttribute('data-store') === name)!.querySelector('.restorable')!.textContent;
    render(<StoreTable stores={deleted} deleted facts={{ backupTarget: true }} />);
    expect(text('kept')).toBe('Restorable with data until Jan 3, 2027');
    expect(text('lost')).toBe('Restores without data (no backup left)');
    cleanup();
    render(<StoreTable stores={deleted.slice(1)} deleted facts={{ backupTarget: false }} />);
    expect(text('lost')).toBe('Restores without data (no backup target)');
  });
});
