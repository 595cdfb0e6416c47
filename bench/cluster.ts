// npm run bench -- cluster: the loop through the product on a running dev cluster (npm run
// cluster:up first), one store at a time so each figure is a latency, not a queue:
// POST /api/stores → the dashboard shows Ready; DELETE → the namespace is gone; restore → Ready.
// Argo CD's stream is followed next to it (the API's read-only token) to split POST → Ready into
// its stages and to measure status propagation (Argo CD reports the store ready → the dashboard
// shows Ready). kwok starts containers instantly, so all of POST → Ready is the platform's share.
// STOREFLEET_BENCH_CLUSTER_N: stores per engine (default 5).
import { execFileSync } from 'node:child_process';
import { createParser } from 'eventsource-parser';
import { binary, paths } from '../e2e/cluster/lib/config.ts';
import { trackedProcesses } from '../e2e/cluster/lib/procs.ts';
import { openDashboard, startProduct, type Dashboard, type Product } from '../e2e/cluster/lib/product.ts';
import { sleep, waitFor } from '../e2e/cluster/lib/wait.ts';
import { median, percentile, type BenchTable } from './table.ts';

const ENGINES = ['woocommerce', 'medusa'] as const;
const TIMEOUT_MS = 180_000;

/** First time (ms, this machine's clock) each milestone of one Application was seen on Argo CD's stream. */
interface Milestones { created?: number; syncStarted?: number; argoReady?: number }

/** Follows GET /api/v1/stream/applications and stamps milestones per Application as frames arrive. */
function followArgo(env: Record<string, string>): { of(app: string): Milestones; reset(app: string): void; stop(): void } {
  const seen = new Map<string, Milestones>();
  const ac = new AbortController();
  (async () => {
    const res = await fetch(`${env.STOREFLEET_ARGOCD_URL}/api/v1/stream/applications?selector=storefleet.dev/store`, {
      headers: { authorization: `Bearer ${env.STOREFLEET_ARGOCD_TOKEN}`, accept: 'text/event-stream' },
      signal: ac.signal,
    });
    const onFrame = (data: string) => {
      const ev = JSON.parse(data).result;
      if (!ev?.application || ev.type === 'DELETED') return;
      const a = ev.application;
      const m = seen.get(a.metadata.name) ?? {};
      seen.set(a.metadata.name, m);
      const now = Date.now();
      m.created ??= now;
      if (a.status?.operationState || a.operation) m.syncStarted ??= now;
      const op = a.status?.operationState;
      if (a.status?.sync?.status === 'Synced' && a.status?.health?.status === 'Healthy' && op?.phase === 'Succeeded') m.argoReady ??= now;
    };
    const parser = createParser({ onEvent: (e) => onFrame(e.data) });
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) parser.feed(decoder.decode(chunk, { stream: true }));
  })().catch((err) => {
    if (!ac.signal.aborted) console.error(`bench: Argo CD stream ended: ${(err as Error).message}`);
  });
  return { of: (app) => seen.get(app) ?? {}, reset: (app) => seen.delete(app), stop: () => ac.abort() };
}

function namespaceExists(ns: string): boolean {
  try {
    execFileSync(binary('kubectl'), ['--kubeconfig', paths.kubeconfig, 'get', 'namespace', ns, '-o', 'name'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const nsGone = (ns: string) => waitFor(`namespace ${ns} gone`, () => !namespaceExists(ns) || undefined, TIMEOUT_MS, 100);

interface Sample { engine: string; postToReady: number; postToApp: number; appToSync: number; syncToArgoReady: number; argoReadyToDashboard: number; deleteToGone: number; restoreToReady: number; restorePropagation: number }

async function one(product: Product, dash: Dashboard, argo: ReturnType<typeof followArgo>, engine: string, name: string): Promise<Sample> {
  const app = `store-${name}`;
  argo.reset(app);
  const t0 = Date.now();
  await product.api('POST', '/api/stores', { name, engine }, [201]);
  const ready = await dash.until(name, 'Ready', 'list', TIMEOUT_MS, t0);
  const m = await waitFor(`${app} milestones`, () => {
    const x = argo.of(app);
    return x.created && x.syncStarted && x.argoReady ? x : undefined;
  }, 10_000, 50);

  const d0 = Date.now();
  await product.api('DELETE', `/api/stores/${name}`, undefined, [200, 202]);
  await nsGone(app);
  const deleteToGone = Date.now() - d0;

  argo.reset(app);
  const r0 = Date.now();
  await product.api('POST', `/api/stores/${name}/restore`, undefined, [200, 201, 202]);
  const restored = await dash.until(name, 'Ready', 'list', TIMEOUT_MS, r0);
  const rm = await waitFor(`${app} ready on Argo CD`, () => argo.of(app).argoReady, 10_000, 50);

  // Clean up (not measured): the next store starts on an idle cluster.
  await product.api('DELETE', `/api/stores/${name}`, undefined, [200, 202]);
  await nsGone(app);
  return {
    engine,
    postToReady: ready.at - t0,
    postToApp: m.created! - t0,
    appToSync: m.syncStarted! - m.created!,
    syncToArgoReady: m.argoReady! - m.syncStarted!,
    argoReadyToDashboard: ready.at - m.argoReady!,
    deleteToGone,
    restoreToReady: restored.at - r0,
    restorePropagation: restored.at - rm,
  };
}

const s = (ms: number) => (ms / 1000).toFixed(1);

export async function runClusterBench(): Promise<BenchTable[]> {
  if (!trackedProcesses().some((p) => p.alive)) throw new Error('the dev cluster is not running: npm run cluster:up first (under flock /tmp/devcluster.lock)');
  const n = Number(process.env.STOREFLEET_BENCH_CLUSTER_N ?? 5);
  const product = await startProduct();
  const argo = followArgo(product.env);
  const dash = await openDashboard(product);
  const samples: Sample[] = [];
  const run = Date.now().toString(36).slice(-4);
  try {
    for (let i = 0; i < n; i++) {
      for (const engine of ENGINES) {
        const name = `bench-${engine === 'woocommerce' ? 'woo' : 'med'}-${run}-${i}`;
        const x = await one(product, dash, argo, engine, name);
        console.error(`bench: ${name}: POST → Ready ${s(x.postToReady)}s (POST → app ${s(x.postToApp)}, app → sync ${s(x.appToSync)}, sync → Argo ready ${s(x.syncToArgoReady)}, → dashboard ${s(x.argoReadyToDashboard)}); DELETE → gone ${s(x.deleteToGone)}s; restore → Ready ${s(x.restoreToReady)}s`);
        samples.push(x);
        await sleep(500);
      }
    }
  } finally {
    argo.stop();
    await dash.close();
    await product.stop();
  }
  const stat = (xs: number[]) => `${s(median(xs))} s / ${s(Math.max(...xs))} s`;
  const per = (e: string, k: keyof Sample) => samples.filter((x) => x.engine === e).map((x) => x[k] as number);
  const all = (k: keyof Sample) => samples.map((x) => x[k] as number);
  const propagation = [...all('argoReadyToDashboard'), ...all('restorePropagation')];
  const waveDelay = process.env.STOREFLEET_DEV_SYNC_WAVE_DELAY;
  return [
    {
      id: 'cluster-loop',
      title: `The loop on the dev cluster (median / max of ${n} per engine, one store at a time)`,
      columns: ['engine', 'POST → Ready (dashboard)', 'DELETE → namespace gone', 'restore → Ready (dashboard)'],
      rows: ENGINES.map((e) => [e, stat(per(e, 'postToReady')), stat(per(e, 'deleteToGone')), stat(per(e, 'restoreToReady'))]),
      notes: [
        `Status propagation (Argo CD's stream shows the store Synced + Healthy + Succeeded → the dashboard shows Ready), ${propagation.length} samples: p50 ${s(percentile(propagation, 50))} s, p99 ${s(percentile(propagation, 99))} s.`,
        `ARGOCD_SYNC_WAVE_DELAY of the dev cluster's application controller: ${waveDelay ?? 'the dev cluster default (docs/dev-cluster.md)'}.`,
      ],
    },
    {
      id: 'cluster-breakdown',
      title: 'Where POST → Ready goes (median over both engines)',
      columns: ['stage', 'median', 'max'],
      rows: [
        ['POST → the ApplicationSet has created the Application (API commit + push, webhook, generation)', ...two(all('postToApp'))],
        ['Application created → sync operation started (controller refresh, manifest generation, auto-sync)', ...two(all('appToSync'))],
        ['sync started → Synced + Healthy + Succeeded (sync waves, wave delay, hook Jobs)', ...two(all('syncToArgoReady'))],
        ['Argo CD ready → the dashboard shows Ready (API stream, status, SSE, render)', ...two(all('argoReadyToDashboard'))],
        ['**POST → Ready**', ...two(all('postToReady'))],
      ],
    },
  ];
}

function two(xs: number[]): string[] {
  return [`${s(median(xs))} s`, `${s(Math.max(...xs))} s`];
}
