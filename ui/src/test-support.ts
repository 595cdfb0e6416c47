// Test helpers: a fetch that answers like the API (JSON and problem documents) from a route table,
// so component tests run the real API client.
export type Handler = (req: { method: string; url: URL; body: unknown; headers: Headers }) => { status?: number; body?: unknown; text?: string; headers?: Record<string, string> } | undefined;

export interface FakeFetch {
  fetch: typeof fetch;
  calls: { method: string; path: string; body: unknown; auth: string | null }[];
}

export function fakeFetch(handler: Handler): FakeFetch {
  const calls: FakeFetch['calls'] = [];
  const f = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, path: url.pathname + url.search, body, auth: headers.get('authorization') });
    const answer = handler({ method, url, body, headers });
    if (!answer) return problem(404, 'Not Found', `no route for ${method} ${url.pathname}`);
    const status = answer.status ?? 200;
    if (answer.text !== undefined) return new Response(answer.text, { status, headers: { 'content-type': 'text/yaml', ...answer.headers } });
    const type = status >= 400 ? 'application/problem+json' : 'application/json';
    return new Response(JSON.stringify(answer.body ?? {}), { status, headers: { 'content-type': type, ...answer.headers } });
  };
  return { fetch: f as typeof fetch, calls };
}

function problem(status: number, title: string, detail: string) {
  return new Response(JSON.stringify({ type: 'about:blank', title, status, detail }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

export const sampleStores = [
  {
    name: 'shoes',
    engine: 'woocommerce',
    plan: 'small',
    displayName: 'Shoe Shop',
    owner: 'admin',
    createdAt: '2026-11-23T10:00:00Z',
    status: 'ready',
    urls: { storefront: 'http://shoes.localtest.me', admin: 'http://shoes.localtest.me/wp-admin' },
  },
  {
    name: 'hats',
    engine: 'medusa',
    plan: 'small',
    displayName: 'Hats',
    owner: 'alice',
    createdAt: '2026-11-22T10:00:00Z',
    status: 'failed',
    reason: 'Deployment hats-backend: ImagePullBackOff',
    urls: { storefront: 'http://hats.localtest.me', admin: 'http://hats-admin.localtest.me' },
  },
  {
    name: 'socks',
    engine: 'medusa',
    plan: 'small',
    displayName: 'Socks',
    owner: 'bob',
    createdAt: '2026-11-21T10:00:00Z',
    status: 'committed',
    urls: { storefront: 'http://socks.localtest.me', admin: 'http://socks-admin.localtest.me' },
  },
  {
    name: 'old',
    engine: 'woocommerce',
    plan: 'small',
    displayName: 'Old',
    owner: 'admin',
    createdAt: '2026-11-01T10:00:00Z',
    status: 'deleted',
  },
] as const;
