// The only module that talks HTTP. Every failure becomes an ApiError carrying the server's
// problem document (RFC 9457) or, for network loss, status 0.
import type { CreateRequest, CreateResult, Platform, StoreBackups, StoreDetail, StoreSummary } from './types.ts';

export interface FieldError {
  field: string;
  reason: string;
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  readonly problem: Problem;
  /** Seconds from a Retry-After header, when the server sent one. */
  readonly retryAfter?: number;
  constructor(problem: Problem, retryAfter?: number) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
  get status(): number {
    return this.problem.status;
  }
}

export type Fetch = typeof fetch;

export interface ApiOptions {
  token: string;
  base?: string;
  fetch?: Fetch;
}

function retryAfterSeconds(res: Response): number | undefined {
  const h = res.headers.get('retry-after');
  if (!h) return undefined;
  const n = Number(h);
  if (Number.isFinite(n)) return n;
  const at = Date.parse(h);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

async function problemFrom(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (body && typeof body === 'object' && (body.title || body.detail)) {
      return { ...body, title: body.title ?? res.statusText, status: body.status ?? res.status };
    }
  } catch {
    // not JSON: fall through to a problem built from the status line
  }
  return { title: res.statusText || `HTTP ${res.status}`, status: res.status };
}

export function createApi({ token, base = '', fetch: f = globalThis.fetch.bind(globalThis) }: ApiOptions) {
  async function request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    if (init.body !== undefined) headers.set('content-type', 'application/json');
    let res: Response;
    try {
      res = await f(`${base}${path}`, { ...init, headers });
    } catch (e) {
      throw new ApiError({ title: 'network', status: 0, detail: e instanceof Error ? e.message : String(e) });
    }
    if (!res.ok) throw new ApiError(await problemFrom(res), retryAfterSeconds(res));
    return res;
  }
  const json = async <T,>(path: string, init?: RequestInit): Promise<T> => (await request(path, init)).json() as Promise<T>;
  const enc = encodeURIComponent;

  return {
    listStores: (includeDeleted = false) =>
      json<{ stores: StoreSummary[] }>(`/api/stores${includeDeleted ? '?include=deleted' : ''}`).then((r) => r.stores),
    getStore: (name: string) => json<StoreDetail>(`/api/stores/${enc(name)}`),
    getBackups: (name: string) => json<StoreBackups>(`/api/stores/${enc(name)}/backups`),
    manifest: async (name: string, file: string) =>
      (await request(`/api/stores/${enc(name)}/manifests/${enc(file)}`)).text(),
    createStore: (body: CreateRequest) => json<CreateResult>('/api/stores', { method: 'POST', body: JSON.stringify(body) }),
    deleteStore: (name: string) => json<unknown>(`/api/stores/${enc(name)}`, { method: 'DELETE' }),
    /** Admins: removes a store whose final backup failed; `confirm` is the store name typed again. */
    forceDeleteStore: (name: string, confirm: string) => json<unknown>(`/api/stores/${enc(name)}/force-delete`, { method: 'POST', body: JSON.stringify({ confirm }) }),
    restoreStore: (name: string) => json<unknown>(`/api/stores/${enc(name)}/restore`, { method: 'POST' }),
    /** "Back up now": commits a manual-backup request (202). */
    backupNow: (name: string) => json<unknown>(`/api/stores/${enc(name)}/backups`, { method: 'POST' }),
    /** Admins: roll the live store back to `snapshot`; `confirm` is the store's name typed again. */
    rollbackStore: (name: string, snapshot: string, confirm: string) =>
      json<unknown>(`/api/stores/${enc(name)}/backups/${enc(snapshot)}/restore`, { method: 'POST', body: JSON.stringify({ confirm }) }),
    platform: () => json<Platform>('/api/platform'),
    /** URL of the event stream; EventSource cannot send headers, so the token goes in the query. */
    eventsUrl: () => `${base}/api/events?token=${enc(token)}`,
  };
}

export type Api = ReturnType<typeof createApi>;
