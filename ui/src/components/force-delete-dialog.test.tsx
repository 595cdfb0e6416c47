// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../lib/api.ts';
import { fakeFetch } from '../test-support.ts';
import { ForceDeleteDialog } from './force-delete-dialog.tsx';

afterEach(cleanup);

describe('ForceDeleteDialog', () => {
  it('says the data will be lost and sends the typed name as the confirmation', async () => {
    const fake = fakeFetch(({ method }) => (method === 'POST' ? { status: 200, body: { commit: 'abc' } } : undefined));
    const onDeleted = vi.fn();
    render(<ForceDeleteDialog api={createApi({ token: 't', fetch: fake.fetch })} name="shoes" reason="final backup failed: Job has reached the specified backoff limit" onClose={() => {}} onDeleted={onDeleted} />);
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('its data will be lost');
    expect(dialog.textContent).toContain('backoff limit');
    const button = screen.getByRole('button', { name: 'Force delete, losing its data' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.input(screen.getByLabelText(/confirm that its data will be lost/), { target: { value: 'shoe' } });
    expect(button.disabled).toBe(true);
    fireEvent.input(screen.getByLabelText(/confirm that its data will be lost/), { target: { value: 'shoes' } });
    fireEvent.click(button);
    await vi.waitFor(() => expect(onDeleted).toHaveBeenCalledOnce());
    expect(fake.calls.map((c) => [c.method, c.path, c.body])).toEqual([['POST', '/api/stores/shoes/force-delete', { confirm: 'shoes' }]]);
  });

  it('shows a refusal (a member) as the API says it', async () => {
    const fake = fakeFetch(() => ({ status: 403, body: { title: 'Admins only', status: 403, detail: 'Only an admin can force a delete.' } }));
    render(<ForceDeleteDialog api={createApi({ token: 't', fetch: fake.fetch })} name="shoes" onClose={() => {}} onDeleted={() => {}} />);
    fireEvent.input(screen.getByLabelText(/confirm/), { target: { value: 'shoes' } });
    fireEvent.click(screen.getByRole('button', { name: /Force delete/ }));
    expect((await screen.findByRole('alert')).textContent).toContain('Only an admin can force a delete.');
  });
});
