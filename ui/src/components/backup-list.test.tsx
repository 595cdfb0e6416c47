// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../lib/api.ts';
import type { StoreBackups } from '../lib/types.ts';
import { fakeFetch } from '../test-support.ts';
import { BackupList, formatBytes, formatDay } from './backup-list.tsx';

afterEach(cleanup);

const listed: StoreBackups = {
  target: true,
  backups: [
    { id: 'b'.repeat(64), shortId: 'bbbbbbbb', time: '2026-12-04T03:17:40Z', kind: 'manual', sizeBytes: 2_345_678 },
    { id: 'a'.repeat(64), shortId: 'aaaaaaaa', time: '2026-12-03T03:17:40Z', kind: 'scheduled', sizeBytes: 900 },
    { id: 'c'.repeat(64), shortId: 'cccccccc', time: '2026-12-02T03:17:40Z', kind: 'other' },
  ],
  lastSuccessAt: '2026-12-04T03:17:40Z',
  warning: { reason: 'the latest scheduled backup failed (Job backup-29412197): BackoffLimitExceeded', since: '2026-12-05T03:17:00Z' },
};

function show(answer: { status?: number; body: unknown }, props: Partial<Parameters<typeof BackupList>[0]> = {}) {
  const fake = fakeFetch(({ url }) => (url.pathname === '/api/stores/hats/backups' ? answer : undefined));
  render(<BackupList api={createApi({ token: 't', fetch: fake.fetch })} store="hats" {...props} />);
  return fake;
}

describe('BackupList', () => {
  it('lists backups newest first with time, kind and size, and the warning with its reason', async () => {
    show({ body: listed });
    const rows = await screen.findAllByRole('row');
    expect(rows.slice(1).map((r) => [...r.querySelectorAll('td')].slice(1).map((td) => td.textContent))).toEqual([
      ['Manual', '2.3 MB', 'bbbbbbbb'],
      ['Scheduled', '900 byte', 'aaaaaaaa'],
      ['Other', '—', 'cccccccc'],
    ]);
    expect(rows[1].querySelector('time')!.getAttribute('dateTime')).toBe('2026-12-04T03:17:40Z');
    expect(screen.getByRole('status').textContent).toContain('Backups need attention: the latest scheduled backup failed (Job backup-29412197): BackoffLimitExceeded');
  });

  it('says what an empty list and a platform without a target mean', async () => {
    show({ body: { target: true, backups: [] } });
    expect(await screen.findByText("No backups yet: the first one runs on the plan's backup schedule.")).toBeTruthy();
    cleanup();
    show({ body: { target: false, backups: [] } });
    expect((await screen.findByText(/No backup target is configured/)).textContent).toContain('deleting the store loses its data');
    cleanup();
    show({ body: { target: false, backups: [] } }, { deleted: true });
    expect((await screen.findByText(/No backup target is configured/)).textContent).toContain('a restore starts it empty');
  });

  it('a deleted store: until when a restore brings its data back, or that nothing is left', async () => {
    show({ body: { ...listed, warning: undefined, restorableUntil: '2027-01-03T10:00:00Z' } }, { deleted: true });
    expect((await screen.findByText(/Restorable with its data until/)).textContent).toBe('Restorable with its data until Jan 3, 2027.');
    cleanup();
    show({ body: { target: true, backups: [] } }, { deleted: true });
    expect(await screen.findByText('No backup is left: a restore starts the store empty.')).toBeTruthy();
  });

  it('shows why the backups cannot be read', async () => {
    show({ status: 503, body: { type: 'https://storefleet.dev/problems/backup-target-unavailable', title: 'Backup target unavailable', status: 503, detail: 'the backup target is unreachable for store hats' } });
    expect((await screen.findByRole('alert')).textContent).toContain('the backup target is unreachable for store hats');
  });

  it('has slots for actions on the store and on each backup, which can re-read the list', async () => {
    const restore = vi.fn();
    const fake = show(
      { body: listed },
      {
        actions: (reload) => (
          <button type="button" onClick={reload}>
            Back up now
          </button>
        ),
        renderActions: (s) => (
          <button type="button" onClick={() => restore(s.id)}>
            Restore {s.shortId}
          </button>
        ),
      },
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Restore aaaaaaaa' }));
    expect(restore).toHaveBeenCalledWith('a'.repeat(64));
    fireEvent.click(screen.getByRole('button', { name: 'Back up now' }));
    await vi.waitFor(() => expect(fake.calls.filter((c) => c.path === '/api/stores/hats/backups')).toHaveLength(2));
  });
});

describe('formatting', () => {
  it('sizes in decimal units, days in UTC', () => {
    expect([0, 999, 1000, 1_234_567, 5_000_000_000].map(formatBytes)).toEqual(['0 byte', '999 byte', '1 kB', '1.2 MB', '5 GB']);
    expect(formatDay('2027-01-03T23:30:00Z')).toBe('Jan 3, 2027');
  });
});
