// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../lib/api.ts';
import { fakeFetch } from '../test-support.ts';
import { BackupNowButton, RestoreBackupButton } from './backup-actions.tsx';

afterEach(cleanup);

const SNAPSHOT = '4f2a9c1e5d6b7a8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c';

describe('BackupNowButton', () => {
  it('requests a manual backup and says what happens next', async () => {
    const fake = fakeFetch(({ method }) => (method === 'POST' ? { status: 202, body: { commit: 'abcdef1234567890' } } : undefined));
    const onRequested = vi.fn();
    render(<BackupNowButton api={createApi({ token: 't', fetch: fake.fetch })} name="shoes" onRequested={onRequested} />);
    fireEvent.click(screen.getByRole('button', { name: 'Back up now' }));
    await vi.waitFor(() => expect(onRequested).toHaveBeenCalledOnce());
    expect(fake.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /api/stores/shoes/backups']);
    expect(onRequested.mock.calls[0][0]).toBe('Backup of shoes requested (commit abcdef1). It runs once Argo CD has synced the commit and is listed as a manual backup when done.');
  });

  it('shows a refusal as what went wrong (no backup target)', async () => {
    const fake = fakeFetch(() => ({ status: 409, body: { title: 'No backup target', status: 409, detail: '"shoes" has no backups: platform.yaml configures no backup target.' } }));
    const onRequested = vi.fn();
    render(<BackupNowButton api={createApi({ token: 't', fetch: fake.fetch })} name="shoes" onRequested={onRequested} />);
    fireEvent.click(screen.getByRole('button', { name: 'Back up now' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('platform.yaml configures no backup target');
    expect(onRequested).not.toHaveBeenCalled();
    expect((screen.getByRole('button', { name: 'Back up now' }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('RestoreBackupButton', () => {
  it('says the current data will be overwritten and rolls back only after the exact name is typed', async () => {
    const fake = fakeFetch(({ method }) => (method === 'POST' ? { status: 202, body: { commit: '1234567890abcdef' } } : undefined));
    const onRequested = vi.fn();
    render(<RestoreBackupButton api={createApi({ token: 't', fetch: fake.fetch })} name="shoes" snapshot={SNAPSHOT} takenAt="2026-12-05T03:17:00Z" onRequested={onRequested} />);
    fireEvent.click(screen.getByRole('button', { name: 'Restore from this backup' }));
    const dialog = screen.getByRole('dialog', { name: 'Restore shoes from backup 4f2a9c1e?' });
    expect(dialog.textContent).toContain("The store's current data will be overwritten with backup 4f2a9c1e");
    const input = screen.getByLabelText(/to confirm/);
    expect(document.activeElement).toBe(input);
    const button = screen.getByRole('button', { name: 'Overwrite with this backup' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.input(input, { target: { value: 'Shoes' } });
    expect(button.disabled).toBe(true);
    fireEvent.input(input, { target: { value: 'shoes' } });
    expect(button.disabled).toBe(false);
    fireEvent.click(button);
    await vi.waitFor(() => expect(onRequested).toHaveBeenCalledOnce());
    expect(fake.calls.map((c) => ({ call: `${c.method} ${c.path}`, body: c.body }))).toEqual([{ call: `POST /api/stores/shoes/backups/${SNAPSHOT}/restore`, body: { confirm: 'shoes' } }]);
    expect(onRequested.mock.calls[0][0]).toContain('Roll-back of shoes to backup 4f2a9c1e requested (commit 1234567)');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('keeps the dialog open with the reason when the API refuses (not an admin), and Cancel closes it without a request', async () => {
    const fake = fakeFetch(() => ({ status: 403, body: { title: 'Not allowed', status: 403, detail: 'Only an admin can roll a store back to a backup.' } }));
    const onRequested = vi.fn();
    render(<RestoreBackupButton api={createApi({ token: 't', fetch: fake.fetch })} name="shoes" snapshot={SNAPSHOT} onRequested={onRequested} />);
    fireEvent.click(screen.getByRole('button', { name: 'Restore from this backup' }));
    fireEvent.input(screen.getByLabelText(/to confirm/), { target: { value: 'shoes' } });
    fireEvent.click(screen.getByRole('button', { name: 'Overwrite with this backup' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Only an admin can roll a store back');
    expect(onRequested).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.calls).toHaveLength(1);
  });
});
