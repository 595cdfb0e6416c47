// The shopper's journey: products → product → cart → checkout → confirmation. Routing uses the
// URL fragment, so every link is relative and the server never redirects.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { describeError, loadRegion } from './api.ts';
import { ProductList, ProductPage } from './products.tsx';
import { CartPage } from './cart.tsx';
import { CheckoutPage } from './checkout.tsx';
import { OrderPage } from './order.tsx';
import './style.css';

export type Region = Awaited<ReturnType<typeof loadRegion>>;

function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

function App() {
  const [region, setRegion] = useState<Region | null>(null);
  const [error, setError] = useState<string | null>(null);
  const route = useRoute();
  useEffect(() => {
    loadRegion().then(setRegion, (err) => setError(describeError(err)));
  }, []);

  let page;
  if (error) page = <p role="alert" class="error">{error}</p>;
  else if (!region) page = <p>Loading…</p>;
  else if (route[0] === 'products' && route[1]) page = <ProductPage handle={route[1]} region={region} />;
  else if (route[0] === 'cart') page = <CartPage />;
  else if (route[0] === 'checkout') page = <CheckoutPage region={region} />;
  else if (route[0] === 'orders' && route[1]) page = <OrderPage id={route[1]} />;
  else page = <ProductList region={region} />;

  return (
    <>
      <header>
        <a href="#/" class="brand">Shop</a>
        <a href="#/cart">Cart</a>
      </header>
      <main>{page}</main>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
