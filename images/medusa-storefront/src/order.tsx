import { useEffect, useState } from 'preact/hooks';
import type { HttpTypes } from '@medusajs/types';
import { describeError, money, sdk } from './api.ts';

export function OrderPage({ id }: { id: string }) {
  const [order, setOrder] = useState<HttpTypes.StoreOrder | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    sdk.store.order.retrieve(id).then((r) => setOrder(r.order), (err) => setError(describeError(err)));
  }, [id]);
  if (error) return <p role="alert" class="error">{error}</p>;
  if (!order) return <p>Loading order…</p>;
  return (
    <section>
      <h1>Thank you!</h1>
      <p>
        Your order number is <strong data-testid="order-number">#{order.display_id}</strong>.
      </p>
      <p>
        Total {money(order.total, order.currency_code)}, confirmation sent to {order.email}.
      </p>
      <a href="#/">Continue shopping</a>
    </section>
  );
}
