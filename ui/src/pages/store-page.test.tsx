// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../lib/api.ts';
import { fakeFetch, sampleStores } from '../test-support.ts';
import { StorePage } from './store-page.tsx';

afterEach(cleanup);

const detail = {
  ...sampleStores[1],
  spec: { name: 'hats', engine: 'medusa', plan: 'small', displayName: 'Hats', owner: 'alice', createdAt: '2026-11-22T10:00:00Z' },
  history: [
    { sha: 'bbbbbbbbbbbbbbbb', author: 'Storefleet', date: '2026-11-22T11:00:00Z', message: 'update hats\n\nRequested-by: alice', requestedBy: 'alice' },
    { sha: 'aaaaaaaaaaaaaaaa', author: 'Storefleet', date: '2026-11-22T10:00:00Z', message: 'create store hats', requestedBy: 'alice' },
  ],
  files: ['stores/9d/hats/store.yaml', 'stores/9d/hats/manifests/namespace.yaml', 'stores/9d/hats/manifests/backend.yaml'],
  resources: [
    { kind: 'Deployment', name: 'hats-backend', health: 'Degraded', message: 'ImagePullBackOff' },
    { kind: 'ReplicaSet', name: 'hats-backend-1', health: 'Degraded', parent: 'Deployment/hats-backend' },
    { kind: 'Service', name: 'hats-backend', health: 'Healthy' },
  ],
  events: [{ reason: 'OperationStarted', message: 'Initiated automated sync', lastTimestamp: '2026-11-22T10:30:00Z' }],
  timeline: { committedAt: '2026-11-22T10:00:00Z', syncedAt: '2026-11-22T10:31:00Z' },
  links: { argocd: 'https://argocd.local/applications/store-hats', commit: 'https://git.local/commit/aaaa' },
  argocd: { lastOperation: { phase: 'Failed', message: 'one or more objects failed to apply', finishedAt: '2026-11-22T10:31:00Z' } },
};

function setup() {
  const fake = fakeFetch(({ url }) => {
    if (url.pathname === '/api/stores/hats') return { body: detail };
    if (url.pathname === '/api/stores/hats/manifests/namespace.yaml') return { text: 'apiVersion: v1\nkind: Namespace\n' };
    return undefined;
  });
  render(<StorePage api={createApi({ token: 't', fetch: fake.fetch })} name="hats" revision={0} onChanged={() => {}} />);
  return fake;
}

describe('StorePage', () => {
  it('shows status with reason, timeline, links, resource tree and activity', async () => {
    setup();
    expect(await screen.findByRole('heading', { name: 'Status timeline' })).toBeTruthy();
    expect(screen.getAllByText('Deployment hats-backend: ImagePullBackOff').length).toBeGreaterThan(0);
    const steps = document.querySelectorAll('.timeline li');
    expect([...steps].map((li) => li.className)).toEqual(['done', 'done', 'todo']);
    expect(document.querySelector('.timeline [aria-current="step"]')!.textContent).toContain('Synced by Argo CD');
    expect(screen.getByRole('link', { name: 'Argo CD application' }).getAttribute('href')).toBe('https://argocd.local/applications/store-hats');
    expect(document.querySelector('.last-operation')!.textContent).toContain('Last Argo CD sync: Failed');
    expect(document.querySelector('.last-operation')!.textContent).toContain('one or more objects failed to apply');
    const tree = document.querySelector('.tree')!;
    expect(within(tree as HTMLElement).getByText('hats-backend-1').closest('ul')!.parentElement!.textContent).toContain('Deployment');
    const activity = [...document.querySelectorAll('.activity li')].map((li) => li.textContent);
    expect(activity[0]).toContain('alice update hats'); // newest first, first line of the message
    expect(activity[1]).toContain('Initiated automated sync');
    expect(activity[2]).toContain('create store hats');
  });

  it('shows the store\'s backups with their warning', async () => {
    const fake = fakeFetch(({ url }) => {
      if (url.pathname === '/api/stores/hats') return { body: detail };
      if (url.pathname === '/api/stores/hats/backups') {
        return { body: { target: true, backups: [{ id: 'f'.repeat(64), shortId: 'ffffffff', time: '2026-11-23T03:17:00Z', kind: 'scheduled', sizeBytes: 4096 }], warning: { reason: 'no backup since 2026-11-23T03:17:00Z', since: '2026-11-24T03:17:00Z' } } };
      }
      return undefined;
    });
    render(<StorePage api={createApi({ token: 't', fetch: fake.fetch })} name="hats" revision={0} onChanged={() => {}} />);
    const section = (await screen.findByRole('heading', { name: 'Backups' })).closest('section')!;
    expect((await within(section).findByText('ffffffff')).closest('tr')!.textContent).toContain('4.1 kB');
    expect(within(section).getByRole('status').textContent).toContain('Backups need attention: no backup since 2026-11-23T03:17:00Z');
  });

  const backups = { target: true, backups: [{ id: 'f'.repeat(64), shortId: 'ffffffff', time: '2026-11-23T03:17:00Z', kind: 'scheduled', sizeBytes: 4096 }] };
  const withBackups = (onChanged = vi.fn(), role = 'admin') => {
    const fake = fakeFetch(({ method, url }) => {
      if (url.pathname === '/api/stores/hats') return { body: detail };
      if (method === 'GET' && url.pathname === '/api/stores/hats/backups') return { body: backups };
      if (method === 'POST' && url.pathname === '/api/stores/hats/backups') return { status: 202, body: { commit: 'cccccccccccccccc' } };
      if (method === 'POST' && url.pathname === `/api/stores/hats/backups/${'f'.repeat(64)}/restore`) return { status: 202, body: { commit: 'dddddddddddddddd' } };
      return undefined;
    });
    render(<StorePage api={createApi({ token: 't', fetch: fake.fetch })} name="hats" revision={0} facts={{ user: { id: role === 'admin' ? 'root' : 'alice', role } }} onChanged={onChanged} />);
    return fake;
  };

  it('"Back up now" above the backup list requests a manual backup, tells the page what happens next and reads the list again', async () => {
    const onChanged = vi.fn();
    const fake = withBackups(onChanged, 'member');
    const section = (await screen.findByRole('heading', { name: 'Backups' })).closest('section')!;
    fireEvent.click(await within(section).findByRole('button', { name: 'Back up now' }));
    await vi.waitFor(() => expect(onChanged).toHaveBeenCalledOnce());
    expect(onChanged.mock.calls[0][0]).toMatch(/^Backup of hats requested \(commit ccccccc\)/);
    expect(fake.calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(['/api/stores/hats/backups']);
    await vi.waitFor(() => expect(fake.calls.filter((c) => c.path === '/api/stores/hats/backups' && c.method === 'GET')).toHaveLength(2));
    // A member has no roll-back.
    expect(within(section).queryByRole('button', { name: 'Restore from this backup' })).toBeNull();
  });

  it('an admin restores from a backup in the list after typing the name', async () => {
    const onChanged = vi.fn();
    const fake = withBackups(onChanged);
    const row = (await screen.findByText('ffffffff')).closest('tr')!;
    fireEvent.click(within(row as HTMLElement).getByRole('button', { name: 'Restore from this backup' }));
    fireEvent.input(screen.getByLabelText(/to confirm/), { target: { value: 'hats' } });
    fireEvent.click(screen.getByRole('button', { name: 'Overwrite with this backup' }));
    await vi.waitFor(() => expect(onChanged).toHaveBeenCalledOnce());
    expect(onChanged.mock.calls[0][0]).toContain('Roll-back of hats to backup ffffffff requested (commit ddddddd)');
    expect(fake.calls.filter((c) => c.method === 'POST').map((c) => ({ path: c.path, body: c.body }))).toEqual([{ path: `/api/stores/hats/backups/${'f'.repeat(64)}/restore`, body: { confirm: 'hats' } }]);
  });

  it('loads a rendered manifest on demand', async () => {
    const fake = setup();
    fireEvent.click(await screen.findByRole('button', { name: 'namespace.yaml' }));
    expect((await screen.findByLabelText('Contents of namespace.yaml')).textContent).toBe('apiVersion: v1\nkind: Namespace\n');
    expect(fake.calls.at(-1)!.path).toBe('/api/stores/hats/manifests/namespace.yaml');
    // store.yaml is not a rendered manifest: the endpoint cannot serve it, so it is not offered.
    expect(screen.queryByRole('button', { name: /store\.yaml/ })).toBeNull();
  });

  it('opens the typed-confirmation delete dialog', async () => {
    setup();
    fireEvent.click(await screen.findByRole('button', { name: 'Delete store' }));
    expect(screen.getByRole('dialog')).toBeTruthy();
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText(/to confirm/)));
  });

  it('a store that never synced in Argo CD: the delete dialog says no final backup is taken, and the answer’s notice is passed on', async () => {
    const fake = fakeFetch(({ method, url }) => {
      if (method === 'DELETE') return { status: 200, body: { commit: 'c'.repeat(40), store: { name: 'hats' }, notice: 'No final backup: the store never synced successfully.' } };
      return url.pathname === '/api/stores/hats' ? { body: { ...detail, status: 'failed', argocd: { neverSynced: true } } } : undefined;
    });
    const onChanged = vi.fn();
    render(<StorePage api={createApi({ token: 't', fetch: fake.fetch })} name="hats" revision={0} facts={{ finalBackupDays: 30 }} onChanged={onChanged} />);
    await screen.findByText('failed', { exact: false });
    fireEvent.click(await screen.findByRole('button', { name: 'Delete store' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('No final backup is taken');
    fireEvent.input(screen.getByLabelText(/to confirm/), { target: { value: 'hats' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete store' }));
    await vi.waitFor(() => expect(onChanged).toHaveBeenCalledOnce());
    expect(onChanged.mock.calls[0][0]).toContain('No final backup: the store never synced successfully.');
  });

  it('shows a deleted store from its list entry and restores it', async () => {
    const fake = fakeFetch(({ method, url }) => {
      if (method === 'POST' && url.pathname === '/api/stores/old/restore') return { status: 202, body: { commit: 'cafe' } };
      return { status: 404, body: { title: 'Not Found', status: 404, detail: 'no store "old"' } };
    });
    const onChanged = vi.fn();
    const summary = sampleStores[3] as unknown as import('../lib/types.ts').StoreSummary;
    render(<StorePage api={createApi({ token: 't', fetch: fake.fetch })} name="old" revision={0} summary={summary} onChanged={onChanged} />);
    await screen.findByText('This store is deleted. Restore it to bring it back.');
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Restore store' }));
    await vi.waitFor(() => expect(onChanged).toHaveBeenCalledOnce());
    expect(fake.calls.map((c) => `${c.method} ${c.path}`).sort()).toEqual(['GET /api/stores/old', 'GET /api/stores/old/backups', 'POST /api/stores/old/restore']);
  });
});

describe('StorePage: a store whose final backup failed', () => {
  const failedFinal = {
    ...detail,
    status: 'failed',
    reason: 'final backup failed: Job has reached the specified backoff limit; the store and its data are kept (an admin can force the delete)',
    deleting: { requestedAt: '2026-12-05T12:00:00Z', by: 'alice' },
    spec: { ...detail.spec, deleting: { requestedAt: '2026-12-05T12:00:00Z', by: 'alice' } },
  };
  const show = (role: 'admin' | 'member') => {
    const fake = fakeFetch(({ url }) => (url.pathname === '/api/stores/hats' ? { body: failedFinal } : { status: 200, body: { commit: 'c'.repeat(40) } }));
    const onChanged = vi.fn();
    render(<StorePage api={createApi({ token: 't', fetch: fake.fetch })} name="hats" revision={0} facts={{ user: { id: role, role } }} onChanged={onChanged} />);
    return { fake, onChanged };
  };

  it('offers admins Force delete with a typed confirmation that the data will be lost', async () => {
    const { fake, onChanged } = show('admin');
    fireEvent.click(await screen.findByRole('button', { name: 'Force delete' }));
    expect(screen.getByRole('dialog').textContent).toContain('its data will be lost');
    fireEvent.input(screen.getByLabelText(/confirm that its data will be lost/), { target: { value: 'hats' } });
    fireEvent.click(screen.getByRole('button', { name: 'Force delete, losing its data' }));
    await vi.waitFor(() => expect(onChanged).toHaveBeenCalledOnce());
    expect(fake.calls.at(-1)).toMatchObject({ method: 'POST', path: '/api/stores/hats/force-delete', body: { confirm: 'hats' } });
  });

  it('tells members the store and its data are kept and that only an admin can force the delete', async () => {
    show('member');
    expect((await screen.findByText(/The final backup failed/)).textContent).toContain('Only an admin can force the delete.');
    expect(screen.queryByRole('button', { name: 'Force delete' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete store' })).toBeNull();
  });

  it.each(['member', 'admin'] as const)('offers the %s "Retry final backup": Delete again, which marks the store anew (a new backup Job)', async (role) => {
    const { fake, onChanged } = show(role);
    fireEvent.click(await screen.findByRole('button', { name: 'Retry final backup' }));
    await vi.waitFor(() => expect(onChanged).toHaveBeenCalledOnce());
    expect(onChanged.mock.calls[0][0]).toContain('Retrying the final backup of hats');
    expect(fake.calls.filter((c) => c.method === 'DELETE')).toMatchObject([{ path: '/api/stores/hats' }]);
  });
});
