// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from './app.tsx';
import { fakeFetch, sampleStores } from './test-support.ts';

beforeEach(() => {
  localStorage.clear();
  location.hash = '';
});
afterEach(cleanup);

const GOOD = 'good-token';
const api = fakeFetch(({ url, headers }) => {
  if (headers.get('authorization') !== `Bearer ${GOOD}`) return { status: 401, body: { title: 'Unauthorized', status: 401, detail: 'unknown token' } };
  if (url.pathname === '/api/stores') return { body: { stores: sampleStores } };
  if (url.pathname === '/api/platform') return { body: { mode: 'direct', remote: 'file:///tmp/x/gitops.git', branch: 'main', headSha: 'abc123', argocd: { connected: false }, platform: { defaultPlan: 'small', plans: ['small'] } } };
  return undefined;
});

describe('App', () => {
  it('refuses a wrong token with advice, then signs in and lists stores', async () => {
    render(<App fetch={api.fetch} />);
    const input = screen.getByLabelText('API token');
    fireEvent.input(input, { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Unauthorized: unknown token');
    // Nobody is signed in yet: the advice is about the token, not about signing out.
    expect(alert.textContent).toContain('Check the token: copy it again');
    expect(alert.textContent).not.toMatch(/sign out/i);
    fireEvent.input(input, { target: { value: GOOD } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('link', { name: 'shoes' })).toBeTruthy();
    expect(localStorage.getItem('storefleet.token')).toBe(GOOD);
    expect(screen.getByRole('link', { name: 'Deleted (1)' })).toBeTruthy();
  });

  it('lists deleted stores separately', async () => {
    localStorage.setItem('storefleet.token', GOOD);
    location.hash = '#/deleted';
    render(<App fetch={api.fetch} />);
    expect(await screen.findByRole('button', { name: 'Restore old' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'shoes' })).toBeNull();
  });

  it('asks for the list with ?include=deleted and falls back when the API refuses the query', async () => {
    localStorage.setItem('storefleet.token', GOOD);
    const strict = fakeFetch(({ url }) => {
      if (url.pathname === '/api/stores' && url.search) return { status: 400, body: { title: 'Bad Request', status: 400 } };
      if (url.pathname === '/api/stores') return { body: { stores: sampleStores.slice(0, 1) } };
      return undefined;
    });
    render(<App fetch={strict.fetch} />);
    expect(await screen.findByRole('link', { name: 'shoes' })).toBeTruthy();
    expect(strict.calls.filter((c) => c.path.startsWith('/api/stores')).map((c) => c.path)).toEqual(['/api/stores?include=deleted', '/api/stores']);
  });

  it('signs out when a stored token is no longer accepted', async () => {
    localStorage.setItem('storefleet.token', 'revoked');
    render(<App fetch={api.fetch} />);
    expect(await screen.findByText('The API no longer accepts your token. Sign in again.')).toBeTruthy();
    expect(localStorage.getItem('storefleet.token')).toBeNull();
  });

  it('shows network loss as what happened and what to do', async () => {
    localStorage.setItem('storefleet.token', GOOD);
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    render(<App fetch={down} />);
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Connection to the API lost'));
    expect(screen.getByRole('status').textContent).toContain('Check your network or whether the API is running');
    // Said once: no second box below the banner repeating it.
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByText('The Storefleet API cannot be reached.')).toBeNull();
    expect(screen.getByText('Waiting for the API…')).toBeTruthy();
  });

  it('shows the platform page', async () => {
    localStorage.setItem('storefleet.token', GOOD);
    location.hash = '#/platform';
    render(<App fetch={api.fetch} />);
    expect(await screen.findByText('file:///tmp/x/gitops.git')).toBeTruthy();
    expect(screen.getByText('Git remote')).toBeTruthy();
    expect(screen.getByText('Head commit')).toBeTruthy();
  });
});
