// Talking to the dev cluster's Argo CD API server (plain HTTP on 127.0.0.1, --insecure).
import { argocdUrl } from './config.ts';

export async function argocdApi<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const res = await fetch(`${argocdUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`Argo CD ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function login(password: string): Promise<string> {
  const { token } = await argocdApi<{ token: string }>('POST', '/api/v1/session', undefined, { username: 'admin', password });
  return token;
}
