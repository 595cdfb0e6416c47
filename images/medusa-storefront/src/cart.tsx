import { useEffect, useState } from 'preact/hooks';
import type { HttpTypes } from '@medusajs/types';
import { cartId, describeError, money, sdk } from './api.ts';

/** The current cart, or null when there is none (or it was completed / deleted). */
export function useCart(): [HttpTypes.StoreCart | null | undefined, string | null, (c: HttpTypes.StoreCart) => void] {
  const [cart, setCart] = useState<HttpTypes.StoreCart | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const id = cartId.get();
    if (!id) return setCart(null);
    sdk.store.cart.retrieve(id).then(
      (r) => setCart(r.cart.completed_at ? null : r.cart),
      (err) => {
        if (err?.status === 404) {
          cartId.clear();
          setCart(null);
        } else setError(describeError(err));
      },
    );
  }, []);
  return [cart, error, setCart];
}

export function CartPage() {
  const [cart, error] = useCart();
  if (error) return <p role="alert" class="error">{error}</p>;
  if (cart === undefined) return <p>Loading cart…</p>;
  if (!cart || !cart.items?.length) return <p>Your cart is empty. <a href="#/">Browse products</a></p>;
  return (
    <>
      <h1>Cart</h1>
      <ul>
        {cart.items.map((item) => (
          <li key={item.id}>
            {item.quantity} × {item.product_title} {item.variant_title ? `(${item.variant_title})` : ''} —{' '}
            {money(item.total, cart.currency_code)}
          </li>
        ))}
      </ul>
      <p>
        Subtotal: <strong>{money(cart.item_total, cart.currency_code)}</strong>
      </p>
      <a href="#/checkout" class="button">
        Checkout
      </a>
    </>
  );
}
