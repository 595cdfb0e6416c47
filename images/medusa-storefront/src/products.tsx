import { useEffect, useState } from 'preact/hooks';
import type { HttpTypes } from '@medusajs/types';
import { cartId, describeError, money, sdk } from './api.ts';
import type { Region } from './main.tsx';

const FIELDS = '*variants.calculated_price,+variants.inventory_quantity';

function price(variant: HttpTypes.StoreProductVariant | undefined): string {
  const p = variant?.calculated_price;
  return money(p?.calculated_amount, p?.currency_code ?? undefined);
}

export function ProductList({ region }: { region: Region }) {
  const [products, setProducts] = useState<HttpTypes.StoreProduct[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    sdk.store.product
      .list({ region_id: region.id, fields: FIELDS, limit: 50 })
      .then((r) => setProducts(r.products), (err) => setError(describeError(err)));
  }, [region.id]);
  if (error) return <p role="alert" class="error">{error}</p>;
  if (!products) return <p>Loading products…</p>;
  if (products.length === 0) return <p>No products yet.</p>;
  return (
    <>
      <h1>Products</h1>
      <ul class="products">
        {products.map((p) => (
          <li key={p.id}>
            <a href={`#/products/${encodeURIComponent(p.handle ?? p.id)}`}>
              {p.thumbnail && <img src={p.thumbnail} alt="" loading="lazy" />}
              <strong>{p.title}</strong>
              <div>{price(p.variants?.[0])}</div>
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}

export function ProductPage({ handle, region }: { handle: string; region: Region }) {
  const [product, setProduct] = useState<HttpTypes.StoreProduct | null | undefined>(undefined);
  const [variantId, setVariantId] = useState<string>('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    sdk.store.product.list({ handle, region_id: region.id, fields: FIELDS }).then(
      (r) => {
        const p = r.products[0] ?? null;
        setProduct(p);
        setVariantId(p?.variants?.[0]?.id ?? '');
      },
      (err) => setError(describeError(err)),
    );
  }, [handle, region.id]);

  async function addToCart() {
    setBusy(true);
    setError(null);
    try {
      let id = cartId.get();
      if (!id) {
        const { cart } = await sdk.store.cart.create({ region_id: region.id });
        id = cart.id;
        cartId.set(id);
      }
      await sdk.store.cart.createLineItem(id, { variant_id: variantId, quantity: 1 });
      window.location.hash = '#/cart';
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  if (product === undefined && !error) return <p>Loading…</p>;
  if (product === null) return <p>This product does not exist. <a href="#/">All products</a></p>;
  const variant = product?.variants?.find((v) => v.id === variantId);
  return (
    <article>
      {error && <p role="alert" class="error">{error}</p>}
      {product && (
        <>
          <h1>{product.title}</h1>
          {product.thumbnail && <img src={product.thumbnail} alt="" />}
          <p>{product.description}</p>
          {(product.variants?.length ?? 0) > 1 && (
            <label>
              Variant
              <select value={variantId} onChange={(e) => setVariantId((e.target as HTMLSelectElement).value)}>
                {product.variants?.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.title}
                  </option>
                ))}
              </select>
            </label>
          )}
          <p class="price">{price(variant)}</p>
          <button type="button" onClick={addToCart} disabled={busy || !variantId}>
            Add to cart
          </button>
        </>
      )}
    </article>
  );
}
