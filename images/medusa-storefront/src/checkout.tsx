import { useState } from 'preact/hooks';
import type { HttpTypes } from '@medusajs/types';
import { cartId, describeError, money, sdk } from './api.ts';
import { useCart } from './cart.tsx';
import type { Region } from './main.tsx';

const PROVIDER_NAMES: Record<string, string> = { pp_system_default: 'Manual payment (pay on delivery)' };

type Address = Record<'first_name' | 'last_name' | 'address_1' | 'city' | 'postal_code' | 'country_code', string>;

export function CheckoutPage({ region }: { region: Region }) {
  const [cart, loadError, setCart] = useCart();
  const [email, setEmail] = useState('');
  const [address, setAddress] = useState<Address>({
    first_name: '',
    last_name: '',
    address_1: '',
    city: '',
    postal_code: '',
    country_code: region.countries[0]?.iso_2 ?? '',
  });
  const [options, setOptions] = useState<HttpTypes.StoreCartShippingOption[] | null>(null);
  const [providers, setProviders] = useState<HttpTypes.StorePaymentProvider[]>([]);
  const [optionId, setOptionId] = useState('');
  const [providerId, setProviderId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (loadError) return <p role="alert" class="error">{loadError}</p>;
  if (cart === undefined) return <p>Loading…</p>;
  if (!cart || !cart.items?.length) return <p>Your cart is empty. <a href="#/">Browse products</a></p>;
  const current = cart;

  async function step(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  const saveAddress = (e: Event) => {
    e.preventDefault();
    void step(async () => {
      const { cart: updated } = await sdk.store.cart.update(current.id, { email, shipping_address: address, billing_address: address });
      setCart(updated);
      const [{ shipping_options }, { payment_providers }] = await Promise.all([
        sdk.store.fulfillment.listCartOptions({ cart_id: current.id }),
        sdk.store.payment.listPaymentProviders({ region_id: region.id }),
      ]);
      if (shipping_options.length === 0) throw new Error('No delivery option ships to this address.');
      if (payment_providers.length === 0) throw new Error('No payment method is available in this region.');
      setOptions(shipping_options);
      setOptionId(shipping_options[0].id);
      setProviders(payment_providers);
      setProviderId(payment_providers[0].id);
    });
  };

  const placeOrder = (e: Event) => {
    e.preventDefault();
    void step(async () => {
      const { cart: withShipping } = await sdk.store.cart.addShippingMethod(current.id, { option_id: optionId });
      await sdk.store.payment.initiatePaymentSession(withShipping, { provider_id: providerId });
      const result = await sdk.store.cart.complete(current.id);
      if (result.type !== 'order') throw new Error(result.error?.message ?? 'The order could not be placed.');
      cartId.clear();
      window.location.hash = `#/orders/${encodeURIComponent(result.order.id)}`;
    });
  };

  const field = (name: keyof Address, label: string, autocomplete: string) => (
    <label>
      {label}
      <input
        name={name}
        required
        autocomplete={autocomplete}
        value={address[name]}
        onInput={(e) => setAddress({ ...address, [name]: (e.target as HTMLInputElement).value })}
      />
    </label>
  );

  return (
    <>
      <h1>Checkout</h1>
      <p>
        {current.items?.length} item(s), subtotal {money(current.item_total, current.currency_code)}
      </p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <form onSubmit={saveAddress}>
        <fieldset disabled={busy || options !== null}>
          <legend>Contact and delivery address</legend>
          <label>
            Email
            <input name="email" type="email" required autocomplete="email" value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
          </label>
          {field('first_name', 'First name', 'given-name')}
          {field('last_name', 'Last name', 'family-name')}
          {field('address_1', 'Address', 'address-line1')}
          {field('city', 'City', 'address-level2')}
          {field('postal_code', 'Postal code', 'postal-code')}
          <label>
            Country
            <select name="country_code" value={address.country_code} onChange={(e) => setAddress({ ...address, country_code: (e.target as HTMLSelectElement).value })}>
              {region.countries.map((c) => (
                <option key={c.iso_2} value={c.iso_2}>
                  {c.display_name ?? c.iso_2.toUpperCase()}
                </option>
              ))}
            </select>
          </label>
          {options === null && <button type="submit">Continue to delivery</button>}
        </fieldset>
      </form>
      {options && (
        <form onSubmit={placeOrder}>
          <fieldset disabled={busy}>
            <legend>Delivery</legend>
            {options.map((o) => (
              <label key={o.id}>
                <input type="radio" name="shipping" value={o.id} checked={optionId === o.id} onChange={() => setOptionId(o.id)} style="display:inline;width:auto" />{' '}
                {o.name} — {money(o.amount, current.currency_code)}
              </label>
            ))}
          </fieldset>
          <fieldset disabled={busy}>
            <legend>Payment</legend>
            {providers.map((p) => (
              <label key={p.id}>
                <input type="radio" name="payment" value={p.id} checked={providerId === p.id} onChange={() => setProviderId(p.id)} style="display:inline;width:auto" />{' '}
                {PROVIDER_NAMES[p.id] ?? p.id}
              </label>
            ))}
          </fieldset>
          <button type="submit" disabled={busy}>
            Place order
          </button>
        </form>
      )}
    </>
  );
}
