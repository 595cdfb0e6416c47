// npm run cluster:smoke — the full loop through the product against a running dev cluster:
// the platform's own Application is Synced + Healthy; the API runs as a user runs it (the env
// file of cluster:up), stores are created with POST /api/stores, and Debian's Chromium watches the
// dashboard show each one go Committed → Provisioning → Ready live (SSE, no reload), the store
// page show Argo CD's resource tree and activity, a store whose smoke test fails show Failed with
// Argo CD's reason, a delete through the dashboard go Deleting → Deleted with the namespace gone,
// and a restore become Ready again. Prints each step with its duration. Exit 1 on the first failure.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { storeDir } from '../../generator/layout.ts';
import { FAILING_STORE_PREFIX, gitUrl, paths } from './lib/config.ts';
import { kubectl, kubectlJson } from './lib/kube.ts';
import { application, describeApp, git, namespaceExists, terminateOperation } from './lib/gitops.ts';
import { trackedProcesses } from './lib/procs.ts';
import { inOrder, openDashboard, startProduct, type Dashboard } from './lib/product.ts';
import { step, waitFor } from './lib/wait.ts';

const TIMEOUT_MS = Number(process.env.STOREFLEET_SMOKE_TIMEOUT_S ?? 600) * 1000;
const stores = [
  { name: 'smoke-woo', engine: 'woocommerce' },
  { name: 'smoke-medusa', engine: 'medusa' },
];

interface Rendered { apiVersion: string; kind: string; name: string; namespace?: string }

function renderedObjects(dir: string): Rendered[] {
  const out: Rendered[] = [];
  for (const f of readdirSync(dir).filter((x) => /\.(ya?ml|json)$/.test(x))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      const o = doc.toJS() as any;
      if (o?.kind) out.push({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace });
    }
  }
  return out;
}

/** kubectl resource name for a rendered object: kind.group, so CRD kinds resolve unambiguously. */
const resourceOf = (o: Rendered) => (o.apiVersion.includes('/') ? `${o.kind.toLowerCase()}.${o.apiVersion.split('/')[0]}` : o.kind.toLowerCase());

/** Every rendered object exists, every SealedSecret has its Secret (same keys, owned), every PVC is Bound. */
function clusterChecks(ns: string, objects: Rendered[]): void {
  const missing = objects.filter((o) => {
    try {
      kubectl(['get', resourceOf(o), o.name, ...(o.namespace ? ['-n', o.namespace] : []), '-o', 'name']);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) throw new Error(`missing: ${missing.map((o) => `${o.kind}/${o.name}`).join(', ')}`);
  for (const o of objects.filter((x) => x.kind === 'SealedSecret')) {
    const ss = kubectlJson(['-n', ns, 'get', 'sealedsecrets.bitnami.com', o.name]);
    const secret = kubectlJson(['-n', ns, 'get', 'secret', o.name]);
    const want = Object.keys(ss.spec.encryptedData ?? {}).sort().join(',');
    const got = Object.keys(secret.data ?? {}).sort().join(',');
    const owned = (secret.metadata.ownerReferences ?? []).some((r: any) => r.kind === 'SealedSecret' && r.name === o.name);
    if (want !== got || !owned) throw new Error(`${o.name}: keys ${got} (want ${want}), owned by SealedSecret: ${owned}`);
  }
  const pending = kubectlJson(['-n', ns, 'get', 'pvc']).items.filter((p: any) => p.status?.phase !== 'Bound').map((p: any) => p.metadata.name);
  if (pending.length) throw new Error(`PVCs not bound: ${pending.join(', ')}`);
}

/**
 * STOREFLEET_CAPTURE_DIR=<dir>: save what the real Argo CD answers for a ready store (list,
 * resource tree, events, a few seconds of the SSE stream) as test fixtures for api/status.
 * Uses the read-only API token from the env file, exactly as the Storefleet API does.
 */
async function capture(dir: string, revision: string): Promise<void> {
  const { parseEnv } = await import('node:util');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const env = parseEnv(readFileSync(paths.envFile, 'utf8'));
  const base = env.STOREFLEET_ARGOCD_URL as string;
  const headers = { authorization: `Bearer ${env.STOREFLEET_ARGOCD_TOKEN}` };
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
    return res.json();
  };
  mkdirSync(dir, { recursive: true });
  const version = ((await get('/api/version')) as { Version?: string }).Version ?? 'unknown';
  const note = { capturedFrom: `Argo CD ${version} in the dev cluster (npm run cluster:smoke with STOREFLEET_CAPTURE_DIR)`, revision };
  const save = (file: string, data: unknown) => writeFileSync(join(dir, file), JSON.stringify({ ...note, data }, null, 2) + '\n');
  save('applications-list.json', await get('/api/v1/applications?selector=storefleet.dev/store&projects=stores'));
  save('resource-tree-smoke-woo.json', await get('/api/v1/applications/store-smoke-woo/resource-tree'));
  save('events-smoke-woo.json', await get('/api/v1/applications/store-smoke-woo/events'));
  const ac = new AbortController();
  const res = await fetch(`${base}/api/v1/stream/applications?selector=storefleet.dev/store`, { headers: { ...headers, accept: 'text/event-stream' }, signal: ac.signal });
  let text = '';
  const reader = res.body!.getReader();
  const until = Date.now() + 20_000;
  while (Date.now() < until && text.split('\n\n').length < 3) {
    const chunk = await Promise.race([reader.read(), new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000))]);
    if (chunk?.value) text += new TextDecoder().decode(chunk.value);
  }
  ac.abort();
  save('stream-frames.json', text.split('\n\n').filter((f) => f.startsWith('data:')).slice(0, 2));
}

const READY_TIMEOUT_MS = Number(process.env.STOREFLEET_SMOKE_READY_TIMEOUT_S ?? 180) * 1000;
const failing = { name: `${FAILING_STORE_PREFIX}smoke`, engine: 'woocommerce' };

/** The platform deploys itself: storefleet-platform synced to the branch tip, Healthy, with its Deployment. */
function platformDeployed(): true {
  const a = application('storefleet-platform');
  const kinds = new Set((a?.status?.resources ?? []).map((r: any) => r.kind));
  const ok = a?.status?.sync?.status === 'Synced' && a.status.health?.status === 'Healthy' && a.status.operationState?.phase === 'Succeeded' && kinds.has('Deployment') && kinds.has('SealedSecret');
  if (!ok) throw new Error(describeApp(a));
  return true;
}

function namespaceGone(ns: string): true {
  if (namespaceExists(ns)) throw new Error(`namespace ${ns} still there`);
  return true;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

async function main(): Promise<void> {
  const t0 = Date.now();
  if (!trackedProcesses().some((p) => p.alive)) throw new Error('the dev cluster is not running: npm run cluster:up');
  await step('Application storefleet-platform Synced + Healthy (platform/ of the GitOps repo)', () => waitFor('storefleet-platform Synced/Healthy', platformDeployed, 120_000, 1000));
  const product = await step('start the API with the env file (storefleet serve)', startProduct);
  let list: Dashboard | undefined;
  let work: string | undefined;
  try {
    list = await step('Chromium: sign in to the dashboard', () => openDashboard(product));
    const detail = await openDashboard(product, list.browser);
    const loadIds = [await list.loadId(), await detail.loadId()];

    const posted = new Map<string, number>();
    await step(`POST /api/stores: ${[...stores, failing].map((s) => `${s.name} (${s.engine})`).join(', ')}`, async () => {
      for (const s of [...stores, failing]) {
        posted.set(s.name, Date.now());
        await product.api('POST', '/api/stores', { name: s.name, engine: s.engine }, [201]);
      }
    });
    for (const s of stores) {
      await step(`${s.name}: the dashboard shows (Committed →) Provisioning → Ready`, async () => {
        const ready = await list!.until(s.name, 'Ready', 'list', READY_TIMEOUT_MS);
        const shown = await list!.statuses(s.name, 'list');
        // Committed lasts only until the ApplicationSet creates the Application (often under a second),
        // so on a busy machine the list may never paint it; when it is painted it comes first.
        const expected = shown.includes('Committed') ? ['Committed', 'Provisioning', 'Ready'] : ['Provisioning', 'Ready'];
        if (!inOrder(shown, expected)) throw new Error(`shown: ${shown.join(' → ')}`);
        process.stdout.write(` (POST → Ready ${secs(ready.at - posted.get(s.name)!)}; shown ${shown.join(' → ')})`);
      });
    }

    work = mkdtempSync(join(tmpdir(), 'storefleet-smoke-'));
    await step(`clone ${gitUrl}`, () => git(tmpdir(), ['clone', '-q', gitUrl, work!]));
    const revision = git(work, ['rev-parse', 'HEAD']);
    if (process.env.STOREFLEET_CAPTURE_DIR) await step(`capture Argo CD payloads into ${process.env.STOREFLEET_CAPTURE_DIR}`, () => capture(process.env.STOREFLEET_CAPTURE_DIR as string, revision));
    for (const s of stores) {
      const ns = `store-${s.name}`;
      const objects = renderedObjects(join(work, storeDir(s.name), 'manifests'));
      await step(`${ns}: all ${objects.length} rendered objects exist, SealedSecrets unsealed, PVCs Bound`, () => waitFor(`${ns} objects`, () => {
        clusterChecks(ns, objects);
        return true;
      }, 60_000, 2000));
    }

    const woo = stores[0].name;
    await step(`${woo}: the store page shows Argo CD's resource tree and activity`, async () => {
      const page = detail.page;
      await page.locator(`tr[data-store="${woo}"]`).getByRole('link', { name: woo, exact: true }).click();
      await page.getByRole('heading', { name: 'Resources' }).waitFor();
      const tree = page.locator('ul.tree');
      await tree.waitFor();
      for (const kind of ['Namespace', 'Deployment', 'StatefulSet', 'Ingress', 'SealedSecret']) await tree.locator('.kind', { hasText: new RegExp(`^${kind}$`) }).first().waitFor();
      await tree.locator('.health', { hasText: 'Healthy' }).first().waitFor();
      await page.locator('.activity li[data-source="argocd"]').first().waitFor();
      await page.locator('.activity li[data-source="git"]').first().waitFor();
    });

    await step(`${failing.name}: the dashboard shows Failed with Argo CD's reason (its smoke-test Job fails)`, async () => {
      // The smoke-test Job fails only after its backoffLimit (3) of pod retries with the Job
      // controller's growing back-off, then Argo CD marks the sync failed: 79-251 s seen in CI runs.
      const failed = await list!.until(failing.name, 'Failed', 'list', READY_TIMEOUT_MS + 420_000);
      if (!/smoke-test|backoff limit|BackoffLimitExceeded|synchronization tasks completed unsuccessfully/i.test(failed.reason)) throw new Error(`reason does not name the failing Job: ${failed.reason}`);
      const shown = await list!.statuses(failing.name, 'list');
      // Committed may be too brief to render for the third store posted in a row; the failure is the point.
      if (!inOrder(shown, ['Provisioning', 'Failed'])) throw new Error(`shown: ${shown.join(' → ')}`);
      process.stdout.write(` (POST → Failed ${secs(failed.at - posted.get(failing.name)!)}: "${failed.reason.slice(0, 160)}")`);
    });

    const deleteClicked = await step(`${woo}: delete through the dashboard → Deleting → Deleted, namespace gone`, async () => {
      const page = detail.page;
      await page.getByRole('button', { name: 'Delete store' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel(/to confirm/).fill(woo);
      const at = Date.now();
      await dialog.getByRole('button', { name: 'Delete store' }).click();
      await detail.until(woo, 'Deleted', 'page', READY_TIMEOUT_MS, at);
      const shown = await detail.statuses(woo, 'page', at);
      if (!inOrder(shown, ['Deleting', 'Deleted'])) throw new Error(`shown: ${shown.join(' → ')}`);
      await waitFor(`namespace store-${woo} gone`, () => namespaceGone(`store-${woo}`), 60_000, 500);
      process.stdout.write(` (click → namespace gone ${secs(Date.now() - at)})`);
      return at;
    });

    await step(`${woo}: restore through the dashboard → Ready again`, async () => {
      const page = detail.page;
      const at = Date.now();
      await page.getByRole('button', { name: 'Restore store' }).click();
      const ready = await detail.until(woo, 'Ready', 'page', READY_TIMEOUT_MS, at);
      const shown = await detail.statuses(woo, 'page', at);
      if (!inOrder(shown, ['Provisioning', 'Ready'])) throw new Error(`shown: ${shown.join(' → ')}`);
      await list!.until(woo, 'Ready', 'list', 10_000, deleteClicked);
      process.stdout.write(` (click → Ready ${secs(ready.at - at)}; shown ${shown.join(' → ')})`);
    });

    await step('no page was reloaded (every status arrived over the event stream)', async () => {
      const now = [await list!.loadId(), await detail.loadId()];
      if (now.join() !== loadIds.join()) throw new Error('a dashboard page was reloaded');
    });

    await step('DELETE /api/stores for all three; Applications and namespaces gone', async () => {
      for (const s of [...stores, failing]) await product.api('DELETE', `/api/stores/${s.name}`, undefined, [200, 202]);
      // Argo CD does not finalize an Application while its sync operation is still retrying (the
      // failing store's would retry for ~30 minutes): end it as `argocd app terminate-op` does. The
      // API's token is read-only, so an operator does this by hand today (docs/status.md).
      terminateOperation(`store-${failing.name}`);
      await waitFor('Applications gone', () => {
        const left = [...stores, failing].filter((s) => application(`store-${s.name}`));
        if (left.length) throw new Error(`still there: ${left.map((s) => `store-${s.name}`).join(', ')}`);
        return true;
      }, TIMEOUT_MS, 1000);
      for (const s of [...stores, failing]) await waitFor(`namespace store-${s.name} gone`, () => namespaceGone(`store-${s.name}`), 60_000, 500);
    });
    console.log(`\ncluster:smoke passed in ${secs(Date.now() - t0)}`);
  } catch (err) {
    if (list) await list.page.screenshot({ path: join(tmpdir(), 'storefleet-cluster-smoke.png'), fullPage: true }).catch(() => undefined);
    console.error(`\nAPI log (last lines):\n${product.log().split('\n').slice(-20).join('\n')}`);
    throw err;
  } finally {
    await list?.close().catch(() => undefined);
    await product.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  console.error(`\ncluster:smoke failed: ${(err as Error).message}\n(logs: ${paths.logs})`);
  process.exit(1);
}
