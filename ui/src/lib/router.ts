// Hash routes: the API serves one index.html and needs no history fallback.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'stores' }
  | { page: 'deleted' }
  | { page: 'platform' }
  | { page: 'store'; name: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'deleted') return { page: 'deleted' };
  if (parts[0] === 'platform') return { page: 'platform' };
  if (parts[0] === 'stores' && parts[1]) return { page: 'store', name: parts[1] };
  return { page: 'stores' };
}

export function href(route: Route): string {
  if (route.page === 'store') return `#/stores/${encodeURIComponent(route.name)}`;
  return `#/${route.page}`;
}

export function useRoute(): Route {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return parseRoute(hash);
}
