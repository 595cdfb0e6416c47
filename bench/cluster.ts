// npm run bench -- cluster: the loop through the product on a running dev cluster (npm run
// cluster:up first), one store at a time so each figure is a latency, not a queue:
// POST /api/stores → the dashboard shows Ready; DELETE → the namespace is gone; restore → Ready.
// Argo CD's stream is followed next to it (the API's read-only token) to split POST → Ready into
// its stages and to measure status propagation (Argo CD reports the store ready → the dashboard
// shows Ready). kwok starts containers instantly, so all of POST → Ready is the platform's share.
// STOREFLEET_BENCH_CLUSTER_N: stores per engine (default 5).
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { createParser } from 'eventsource-parser';
import { binary, paths } from '../e2e/cluster/lib/config.ts';
import { trackedProcesses } from '../e2e/cluster/lib/procs.ts';
import { openDashboard, startProduct, type Dashboard, type Product } from '../e2e/cluster/lib/product.ts';
import { sleep, waitFor } from '../e2e/cluster/lib/wait.ts';
import { median, percentile, type BenchTable } from './table.ts';
import { segments, timeline, traceKube, type ArgoTrace, type KubeTracer, type Segment } from '../e2e/cluster/lib/sync-trace.ts';

const ENGINES = ['woocommerce', 'medusa'] as const;
const TIMEOUT_MS = 180_000;

/** Follows GET /api/v1/stream/applications and stamps milestones per Application as frames arrive. */
function followArgo(env: Record<string, string>): { of(app: string): ArgoTrace; reset(app: string): void; stop(): void } {
  const seen = new Map<string, ArgoTrace>();
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
      const m = seen.get(a.metadata.name) ?? { messages: [] };
      seen.set(a.metadata.name, m);
      const now = Date.now();
      m.created ??= now;
      if (a.status?.operationState || a.operation) m.syncStarted ??= now;
      const op = a.status?.operationState;
      const last = m.messages.at(-1);
      if (op && (last?.message !== (op.message ?? '') || last?.phase !== op.phase)) m.messages.push({ at: now, phase: op.phase, message: op.message ?? '' });
      if (a.status?.sync?.status === 'Synced' && a.status?.health?.status === 'Healthy' && op?.phase === 'Succeeded') m.argoReady ??= now;
    };
    const parser = createParser({ onEvent: (e) => onFrame(e.data) });
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) parser.feed(decoder.decode(chunk, { stream: true }));
  })().catch((err) => {
    if (!ac.signal.aborted) console.error(`bench: Argo CD stream ended: ${(err as Error).message}`);
  });
  return { of: (app) => seen.get(app) ?? { messages: [] }, reset: (app) => seen.delete(app), stop: () => ac.abort() };
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

interface Sample { engine: string; postToReady: number; argoReadyToDashboard: number; deleteToGone: number; restoreToReady: number; restorePropagation: number; segments: Segment[] }

async function one(product: Product, dash: Dashboard, argo: ReturnType<typeof followArgo>, kube: KubeTracer, engine: string, name: string): Promise<Sample> {
  const app = `store-${name}`;
  argo.reset(app);
  const t0 = Date.now();
  await product.api('POST', '/api/stores', { name, engine }, [201]);
  const ready = await dash.until(name, 'Ready', 'list', TIMEOUT_MS, t0);
  const m = await waitFor(`${app} milestones`, () => {
    const x = argo.of(app);
    return x.created && x.syncStarted && x.argoReady ? x : undefined;
  }, 10_000, 50);
  const objs = kube.objects(app, t0);
  const parts = segments(t0, ready.at, m, objs);
  console.error([`bench: ${name} (${engine}), from POST:`, ...timeline(t0, m, objs), `  ${s(ready.at - t0)}s the dashboard shows Ready`].join('\n  '));
  console.error([`bench: ${name} segments:`, ...parts.map((p) => `${s(p.ms).padStart(5)}s ${p.label}`)].join('\n  '));

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
    segments: parts,
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
  const loadBefore = loadavg()[0];
  const product = await startProduct();
  const argo = followArgo(product.env);
  const kube = traceKube();
  const dash = await openDashboard(product);
  const samples: Sample[] = [];
  const run = Date.now().toString(36).slice(-4);
  try {
    for (let i = 0; i < n; i++) {
      for (const engine of ENGINES) {
        const name = `bench-${engine === 'woocommerce' ? 'woo' : 'med'}-${run}-${i}`;
        const x = await one(product, dash, argo, kube, engine, name);
        console.error(`bench: ${name}: POST → Ready ${s(x.postToReady)}s; DELETE → gone ${s(x.deleteToGone)}s; restore → Ready ${s(x.restoreToReady)}s`);
        samples.push(x);
        await sleep(500);
      }
    }
  } finally {
    argo.stop();
    kube.stop();
    await dash.close();
    await product.stop();
  }
  const loadAfter = loadavg()[0];
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
        `Machine load (1-minute load average, 2 shared cores) at the start / end of the run: ${loadBefore.toFixed(1)} / ${loadAfter.toFixed(1)}.`,
      ],
    },
    breakdown(samples),
  ];
}

const OBJECT = / \(([A-Za-z]+\/[^)]*)\)/;

/** POST → Ready per engine, segment by segment (cluster-trace.ts), with kwok's share apart. */
function breakdown(samples: Sample[]): BenchTable {
  // Row order: the segments' order within a store; a key only one engine has goes after its predecessor.
  const keys: string[] = [];
  for (const x of samples) {
    x.segments.forEach((seg, i) => {
      if (keys.includes(seg.key)) return;
      const prev = i > 0 ? keys.indexOf(x.segments[i - 1].key) : -1;
      keys.splice(prev + 1, 0, seg.key);
    });
  }
  const of = (e: string) => samples.filter((x) => x.engine === e);
  const label = (key: string) => {
    const objects = ENGINES.map((e) => {
      const names = of(e).flatMap((x) => x.segments.filter((g) => g.key === key).map((g) => OBJECT.exec(g.label)?.[1] ?? ''));
      return mode(names);
    }).filter((o, i, all) => o && all.indexOf(o) === i);
    const example = samples.flatMap((x) => x.segments).find((g) => g.key === key)!.label;
    return objects.length ? example.replace(OBJECT, ` (${objects.join(' / ')})`) : example;
  };
  const cells = (xs: number[]) => (xs.length ? [`${s(median(xs))} s`, `${s(Math.max(...xs))} s`] : ['–', '–']);
  const kwok = (x: Sample) => x.segments.filter((g) => g.kwok).reduce((a, g) => a + g.ms, 0);
  const platform = samples.map((x) => x.postToReady - kwok(x));
  return {
    id: 'cluster-breakdown',
    title: 'Where POST → Ready goes (per store, stamped as it happens; median / max per engine)',
    columns: ['stage', ...ENGINES.flatMap((e) => [`${e} median`, `${e} max`])],
    rows: [
      ...keys.map((k) => [label(k), ...ENGINES.flatMap((e) => cells(of(e).flatMap((x) => x.segments.filter((g) => g.key === k).map((g) => g.ms))))]),
      ['**POST → Ready**', ...ENGINES.flatMap((e) => cells(of(e).map((x) => x.postToReady)))],
      ["of which kwok: pods scheduled → running or complete (the containers' start)", ...ENGINES.flatMap((e) => cells(of(e).map(kwok)))],
      ['**platform share** (POST → Ready without kwok)', ...ENGINES.flatMap((e) => cells(of(e).map((x) => x.postToReady - kwok(x))))],
    ],
    notes: [
      `Platform share over both engines (${platform.length} stores): **median ${s(median(platform))} s**, max ${s(Math.max(...platform))} s (target ≤ 6 s median).`,
      'Each step is a sync wave (plain resources and Sync hooks) or a hook phase, read from the objects\' annotations; in brackets its slowest object, the one Argo CD waited for. ' +
        "Times are stamped when the API server's watch events and Argo CD's application stream reach the bench (ms), so consecutive rows add up to POST → Ready. " +
        "kwok's share is the slowest pod of each step from scheduled to running or complete; on a real node that is the containers' start.",
    ],
  };
}

function mode(xs: string[]): string {
  const n = new Map<string, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

function two(xs: number[]): string[] {
  return [`${s(median(xs))} s`, `${s(Math.max(...xs))} s`];
}
