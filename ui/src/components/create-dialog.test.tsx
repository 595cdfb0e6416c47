// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../lib/api.ts';
import { fakeFetch } from '../test-support.ts';
import { CreateDialog } from './create-dialog.tsx';

afterEach(cleanup);

const created = {
  store: { name: 'shop', engine: 'medusa', plan: 'small', displayName: 'shop', owner: 'admin', createdAt: '2026-11-23T10:00:00Z', status: 'committed', urls: { admin: 'http://shop-admin.localtest.me' } },
  commit: '0123456789abcdef0123456789abcdef01234567',
  adminLogin: { user: 'admin@shop', password: 's3cret-once' },
};

const ENGINES = [
  { id: 'woocommerce', label: 'WooCommerce', description: 'WordPress with WooCommerce.' },
  { id: 'medusa', label: 'Medusa', description: 'Medusa with a Next.js storefront.' },
];

function setup(answer: Parameters<typeof fakeFetch>[0]) {
  const fake = fakeFetch(answer);
  const onCreated = vi.fn();
  const onClose = vi.fn();
  render(
    <CreateDialog
      api={createApi({ token: 't0k', fetch: fake.fetch })}
      engines={ENGINES}
      plans={['small', 'large']}
      planSizes={{ small: { cpu: '2', memory: '4Gi', storage: '20Gi' } }}
      defaultPlan="small"
      onClose={onClose}
      onCreated={onCreated}
    />,
  );
  return { fake, onCreated, onClose };
}

describe('CreateDialog', () => {
  it('offers the engines the platform sends, each with its description, and what each plan gives', () => {
    setup(() => undefined);
    const radios = screen.getAllByRole('radio') as HTMLInputElement[];
    expect(radios.map((r) => r.value)).toEqual(['woocommerce', 'medusa']);
    expect(radios[0].checked).toBe(true);
    expect(screen.getByLabelText('Medusa').getAttribute('aria-describedby')).toBe('engine-medusa-help');
    expect(document.getElementById('engine-medusa-help')?.textContent).toBe('Medusa with a Next.js storefront.');
    const options = [...(screen.getByLabelText('Plan') as HTMLSelectElement).options].map((o) => o.textContent);
    expect(options).toEqual(['small — up to 2 CPU, 4Gi memory, 20Gi storage', 'large']);
  });

  it('validates the name as you type, with the server rules', () => {
    setup(() => undefined);
    const name = screen.getByLabelText('Name');
    expect(document.activeElement).toBe(name);
    fireEvent.input(name, { target: { value: 'Shop' } });
    expect(screen.getByText('use only lowercase letters, digits and hyphens')).toBeTruthy();
    expect(name.getAttribute('aria-invalid')).toBe('true');
    fireEvent.input(name, { target: { value: 'shop-admin' } });
    expect(screen.getByText('names ending in "-admin" or "-api" are reserved for store hosts')).toBeTruthy();
    fireEvent.input(name, { target: { value: 'shop' } });
    expect(name.getAttribute('aria-invalid')).toBe('false');
  });

  it('posts the form and shows the admin login once, with a warning and a copy button', async () => {
    const { fake, onCreated } = setup(({ method }) => (method === 'POST' ? { status: 201, body: created } : undefined));
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'shop' } });
    fireEvent.click(screen.getByLabelText('Medusa'));
    fireEvent.change(screen.getByLabelText('Plan'), { target: { value: 'large' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create store' }));
    await screen.findByText('s3cret-once');
    expect(fake.calls[0]).toEqual({ method: 'POST', path: '/api/stores', body: { name: 'shop', engine: 'medusa', plan: 'large' }, auth: 'Bearer t0k' });
    expect(screen.getByText(/shown only this once/)).toBeTruthy();
    // Focus moves into the new step instead of falling back to the page.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Copy login' })));
    expect(screen.getByText('0123456789ab')).toBeTruthy();
    expect(onCreated).toHaveBeenCalledWith(created);
  });

  it("shows the server's message for the name when it disagrees (409)", async () => {
    setup(() => ({ status: 409, body: { type: 'about:blank', title: 'Conflict', status: 409, detail: 'store "shop" already exists' } }));
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'shop' } });
    const button = screen.getByRole('button', { name: 'Create store' });
    button.focus(); // as with the keyboard
    fireEvent.click(button);
    expect((await screen.findByText(/Server:/)).textContent).toBe('Server: store "shop" already exists');
    // The person is taken to the field to fix.
    expect(document.activeElement).toBe(screen.getByLabelText('Name'));
    // Editing the name drops the server's verdict about the old name.
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'shop2' } });
    expect(screen.queryByText(/Server:/)).toBeNull();
  });

  it('keeps keyboard focus on the button while a create is in flight and ignores a second submit', async () => {
    const fake = fakeFetch(() => ({ status: 409, body: { title: 'Conflict', status: 409, detail: 'store "shop" already exists' } }));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const gated: typeof fetch = async (input, init) => {
      await gate;
      return fake.fetch(input, init);
    };
    render(<CreateDialog api={createApi({ token: 't', fetch: gated })} engines={ENGINES} plans={[]} onClose={() => {}} onCreated={() => {}} />);
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'shop' } });
    const button = screen.getByRole('button', { name: 'Create store' });
    button.focus();
    fireEvent.click(button);
    await screen.findByRole('button', { name: 'Creating…' });
    // Not `disabled`: a disabled button would drop focus to <body>, outside the dialog.
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect((button as HTMLButtonElement).disabled).toBe(false);
    expect(document.activeElement).toBe(button);
    fireEvent.click(button);
    open();
    await screen.findByText(/Server:/);
    expect(fake.calls).toHaveLength(1);
    expect(button.getAttribute('aria-disabled')).toBeNull();
  });

  it("shows a 422's field reason, even for a name the client would reject too", async () => {
    const { fake } = setup(() => ({
      status: 422,
      body: { title: 'Invalid request', status: 422, errors: [{ field: 'name', reason: 'name must start with a lowercase letter' }] },
    }));
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: '1shop' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create store' }));
    await screen.findByText('Server: name must start with a lowercase letter');
    expect(fake.calls).toHaveLength(1);
  });

  it('explains other failures with what to do (429 with Retry-After)', async () => {
    setup(() => ({ status: 429, body: { title: 'Store limit reached', status: 429, detail: 'admin owns 5 stores (limit 5)' }, headers: { 'retry-after': '30' } }));
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'shop' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create store' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Store limit reached: admin owns 5 stores (limit 5)');
    expect(alert.textContent).toContain('Wait 30 seconds and try again, or delete stores you no longer need.');
  });

  it('closes on Escape', async () => {
    const { onClose } = setup(() => undefined);
    fireEvent(document.querySelector('dialog')!, new Event('cancel', { cancelable: true }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it('keeps the one-time login through Escape and ×, until the person saves or discards it', async () => {
    const { onClose } = setup(({ method }) => (method === 'POST' ? { status: 201, body: created } : undefined));
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'shop' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create store' }));
    await screen.findByText('s3cret-once');
    const dialog = document.querySelector('dialog')!;
    await waitFor(() => expect(dialog.getAttribute('closedby')).toBe('none'));
    fireEvent(dialog, new Event('cancel', { cancelable: true }));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByText('s3cret-once')).toBeTruthy();
    expect(screen.getByTestId('unsaved-login').textContent).toContain('I have saved it');
    // Where it lives afterwards, in the CLI's words.
    expect(screen.getByText(/admin login sealed in secret store-admin \(namespace store-shop\)/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Discard it' }));
    fireEvent.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(onClose).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Discard it' }));
    fireEvent.click(screen.getByRole('button', { name: 'Discard the login' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('closes the login step at once on "I have saved it"', async () => {
    const { onClose } = setup(({ method }) => (method === 'POST' ? { status: 201, body: created } : undefined));
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'shop' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create store' }));
    await screen.findByText('s3cret-once');
    fireEvent.click(screen.getByRole('button', { name: 'I have saved it' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('previews the addresses, says a listed name is taken and a member is at the limit, before submitting', () => {
    render(
      <CreateDialog
        api={createApi({ token: 't', fetch: fakeFetch(() => undefined).fetch })}
        engines={[
          { ...ENGINES[0], urls: { storefront: 'https://{name}.shops.example.com', admin: 'https://{name}.shops.example.com/wp-admin/' } },
          { ...ENGINES[1], urls: { storefront: 'https://{name}.shops.example.com', admin: 'https://{name}-admin.shops.example.com/app' } },
        ]}
        plans={[]}
        taken={new Set(['shoes'])}
        atLimit={{ owned: 3, limit: 3 }}
        onClose={() => {}}
        onCreated={() => {}}
      />,
    );
    const name = screen.getByLabelText('Name');
    fireEvent.input(name, { target: { value: 'hats' } });
    expect(screen.getByTestId('address-preview').textContent).toBe('https://hats.shops.example.com');
    expect(screen.getByText('https://hats.shops.example.com/wp-admin/')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Medusa'));
    expect(screen.getByText('https://hats-admin.shops.example.com/app')).toBeTruthy();
    fireEvent.input(name, { target: { value: 'shoes' } });
    expect(screen.getByText('a store named "shoes" already exists')).toBeTruthy();
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('address-preview')).toBeNull();
    expect(screen.getByTestId('store-limit').textContent).toContain('You own 3 stores, the most a member may own');
  });
});
