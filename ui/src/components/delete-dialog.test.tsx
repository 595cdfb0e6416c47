// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../lib/api.ts';
import { fakeFetch } from '../test-support.ts';
import { DeleteDialog } from './delete-dialog.tsx';

afterEach(cleanup);

describe('DeleteDialog', () => {
  it('deletes only after the exact name is typed', async () => {
    const fake = fakeFetch(({ method }) => (method === 'DELETE' ? { status: 202, body: { commit: 'abc' } } : undefined));
    const onDeleted = vi.fn();
    render(<DeleteDialog api={createApi({ token: 't', fetch: fake.fetch })} name="shoes" onClose={() => {}} onDeleted={onDeleted} />);
    const button = screen.getByRole('button', { name: 'Delete store' }) as HTMLButtonElement;
    const input = screen.getByLabelText(/to confirm/);
    expect(document.activeElement).toBe(input);
    expect(button.disabled).toBe(true);
    fireEvent.input(input, { target: { value: 'shoe' } });
    expect(button.disabled).toBe(true);
    fireEvent.input(input, { target: { value: 'shoes' } });
    expect(button.disabled).toBe(false);
    fireEvent.click(button);
    await vi.waitFor(() => expect(onDeleted).toHaveBeenCalledOnce());
    expect(fake.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['DELETE /api/stores/shoes']);
  });

  it('shows a failure as what went wrong and what to do', async () => {
    const fake = fakeFetch(() => ({ status: 503, body: { title: 'Git remote unreachable', status: 503 }, headers: { 'retry-after': '5' } }));
    render(<DeleteDialog api={createApi({ token: 't', fetch: fake.fetch })} name="shoes" onClose={() => {}} onDeleted={() => {}} />);
    fireEvent.input(screen.getByLabelText(/to confirm/), { target: { value: 'shoes' } });
    fireEvent.click(screen.getByRole('button', { name: 'Delete store' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Git remote unreachable');
    expect(alert.textContent).toContain('Wait 5 seconds and try again; nothing was changed.');
  });
});

describe('DeleteDialog: what is kept', () => {
  const api = createApi({ token: 't', fetch: fakeFetch(() => undefined).fetch });
  it('with a backup target: the final backup and how long it is kept', () => {
    render(<DeleteDialog api={api} name="shoes" onClose={() => {}} onDeleted={() => {}} finalBackupDays={30} />);
    const text = screen.getByRole('dialog').textContent!;
    expect(text).toContain('final backup');
    expect(text).toContain('kept for 30 days');
    expect(text).toContain('brings the store back with its data');
    expect(text).not.toContain('deleted for good');
  });

  it('without one: the data is deleted for good', () => {
    render(<DeleteDialog api={api} name="shoes" onClose={() => {}} onDeleted={() => {}} finalBackupDays={null} />);
    const text = screen.getByRole('dialog').textContent!;
    expect(text).toContain('No backup target: the data is deleted for good.');
    expect(text).not.toContain('final backup');
  });

  it('a store that never ran (never synced in Argo CD): no final backup, and why', () => {
    render(<DeleteDialog api={api} name="shoes" onClose={() => {}} onDeleted={() => {}} finalBackupDays={30} neverRan />);
    const text = screen.getByRole('dialog').textContent!;
    expect(text).toContain('This store never ran');
    expect(text).toContain('No final backup is taken');
    expect(text).not.toContain('kept for 30 days');
  });
});
