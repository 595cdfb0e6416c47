// The product on the dev cluster, as a user runs it: `storefleet serve` with the env file
// `cluster:up` wrote (Git remote, Argo CD URL + read-only token, webhooks), a fresh data dir, and
// the dashboard in Debian's Chromium. Used by cluster:smoke and `npm run bench -- cluster`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { freePort, launchBrowser } from '../../../ui/e2e/harness.ts';
import { paths, repoRoot } from './config.ts';
import { waitFor } from './wait.ts';

export interface Product {
  url: string;
  token: string;
  env: Record<string, string>;
  /** JSON request to the API with the admin token; throws with the problem text on an unexpected status. */
  api<T = any>(method: string, path: string, body?: unknown, expect?: number[]): Promise<T>;
  log(): string;
  stop(): Promise<void>;
}

/** The env file as `set -a; . storefleet.env` would export it. */
export function clusterEnv(): Record<string, string> {
  return parseEnv(readFileSync(paths.envFile, 'utf8')) as Record<string, string>;
}

/** Starts `storefleet serve` on a fresh data dir and free port with `env` (default: the dev cluster's env file). */
export async function startProduct(env: Record<string, string> = clusterEnv()): Promise<Product> {
  const dataDir = mkdtempSync(join(tmpdir(), 'storefleet-cluster-api-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'bin/storefleet.js'), 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(port)], {
    cwd: repoRoot,
    env: { ...process.env, ...env, STOREFLEET_LOG_LEVEL: process.env.STOREFLEET_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`storefleet serve exited with ${code}:\n${out.slice(-2000)}`))));
  exited.catch(() => undefined);
  await Promise.race([exited, waitFor('storefleet serve /readyz', async () => ((await fetch(`${url}/readyz`).catch(() => undefined))?.ok ? true : undefined), 120_000, 250)]);
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const api = async (method: string, path: string, body?: unknown, expect = [200, 201, 202]) => {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    url,
    token,
    env,
    api,
    log: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One status the dashboard showed for a store, and when (ms since the epoch, this machine's clock). */
export interface Seen { store: string; status: string; reason: string; at: number; where: 'list' | 'page' }

/**
 * Records, inside the page, every status badge change the dashboard renders: rows of the store
 * list (`tr[data-store]`) and the store page's own badge. A MutationObserver sees each rendered
 * state, however briefly it was shown; nothing polls or reloads.
 */
function installRecorder(): void {
  const w = window as unknown as { __seen: Seen[]; __last: Map<string, string>; __loadId: string };
  if (w.__seen) return;
  w.__seen = [];
  w.__last = new Map();
  w.__loadId = Math.random().toString(36).slice(2);
  const read = () => {
    const now = Date.now();
    const note = (store: string, where: 'list' | 'page', badge: Element | null, reasonEl: Element | null | undefined) => {
      const status = badge?.textContent?.trim() ?? '';
      if (!status) return;
      const reason = reasonEl?.textContent?.trim() ?? '';
      const key = `${where}:${store}`;
      if (w.__last.get(key) === status + '\u0000' + reason) return;
      w.__last.set(key, status + '\u0000' + reason);
      w.__seen.push({ store, status, reason, at: now, where });
    };
    for (const row of document.querySelectorAll('tr[data-store]')) {
      note(row.getAttribute('data-store')!, 'list', row.querySelector('.badge'), row.querySelector('.reason'));
    }
    const title = document.querySelector('#store-title')?.textContent?.trim();
    const facts = document.querySelector('.store-page .facts');
    if (title && facts) note(title, 'page', facts.querySelector('.badge'), facts.querySelector('.reason'));
  };
  new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  read();
}

export interface Dashboard {
  browser: Browser;
  page: Page;
  /** Everything recorded so far. */
  seen(): Promise<Seen[]>;
  /** Statuses shown for a store (in order, consecutive repeats dropped), optionally only after `since`. */
  statuses(store: string, where: 'list' | 'page', since?: number): Promise<string[]>;
  /** Waits until the store shows `status` (badge label, e.g. "Ready") and returns when it first did. */
  until(store: string, status: string, where: 'list' | 'page', timeoutMs: number, since?: number): Promise<Seen>;
  /** The page's load id: unchanged means the page was never reloaded. */
  loadId(): Promise<string>;
  close(): Promise<void>;
}

/** Signs in to the dashboard in a new page (of `browser`, or of a newly launched Chromium). */
export async function openDashboard(product: Product, shared?: Browser): Promise<Dashboard> {
  const browser = shared ?? (await launchBrowser());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(30_000);
  // tsx compiles with esbuild's keepNames, whose __name() helper then appears inside functions
  // handed to page.evaluate; the page needs its own no-op copy.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  await page.goto(product.url + '/');
  await page.getByLabel('API token').fill(product.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: /^(New store|Create a store)$/ }).first().waitFor();
  await page.evaluate(installRecorder);
  const seen = () => page.evaluate(() => (window as unknown as { __seen: Seen[] }).__seen);
  const statuses = async (store: string, where: 'list' | 'page', since = 0) => {
    const out: string[] = [];
    for (const s of await seen()) if (s.store === store && s.where === where && s.at >= since && out.at(-1) !== s.status) out.push(s.status);
    return out;
  };
  return {
    browser,
    page,
    seen,
    statuses,
    until: (store, status, where, timeoutMs, since = 0) =>
      waitFor(`the dashboard to show ${store} ${status}`, async () => {
        const all = (await seen()).filter((s) => s.store === store && s.where === where && s.at >= since);
        const hit = all.find((s) => s.status === status);
        if (!hit) throw new Error(`${store} shows ${all.at(-1)?.status ?? 'nothing'}${all.at(-1)?.reason ? `: ${all.at(-1)!.reason}` : ''}`);
        return hit;
      }, timeoutMs, 250),
    loadId: () => page.evaluate(() => (window as unknown as { __loadId: string }).__loadId),
    close: async () => (shared ? page.close() : browser.close()),
  };
}

/** True when `want` appears in `seen` in this order (other statuses may come between). */
export function inOrder(seen: string[], want: string[]): boolean {
  let i = 0;
  for (const s of seen) if (s === want[i]) i++;
  return i === want.length;
}
