// npm run cluster:hostile — the hostile pull-request corpus (e2e/hostile/corpus.ts) against a
// running dev cluster, with `storefleet check` bypassed (a direct push):
//   1. push one ordinary store, the victim, and wait until it is Synced + Healthy;
//   2. build every case on top (one store per case), run `storefleet check` on that tree (every
//      case must be refused), push it anyway;
//   3. wait until the API's own status logic (summarizeApplication + computeLifecycle) shows every
//      case's store `failed`, with the reason Argo CD or admission gave;
//   4. list every object of every listable resource in the cluster and prove that no object a
//      case planted exists, and that no object of a store Application lies outside its namespace;
//   5. remove all the stores, push, wait until their Applications and namespaces are gone.
// Prints "N refused by check, N refused by the cluster, 0 objects outside their store's namespace".
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeApplication } from '../../api/status/app-summary.ts';
import { computeLifecycle } from '../../api/status/lifecycle.ts';
import { checkRepo } from '../../generator/check.ts';
import { storeDir, storeNamespace } from '../../generator/layout.ts';
import { CASE_LABEL, CASES, caseStore, newStore, PAYLOAD_DIR, VICTIM, type HostileCase } from '../hostile/corpus.ts';
import { gitUrl, paths, versions } from './lib/config.ts';
import { application, commitAndPush, describeApp, git, namespaceExists, refresh } from './lib/gitops.ts';
import { kubectl } from './lib/kube.ts';
import { trackedProcesses } from './lib/procs.ts';
import { step, waitFor } from './lib/wait.ts';

const TIMEOUT_MS = Number(process.env.STOREFLEET_HOSTILE_TIMEOUT_S ?? 600) * 1000;
const TRACKING = 'argocd.argoproj.io/tracking-id';
const appOf = (store: string) => `store-${store}`;
const allStores = [VICTIM, ...CASES.map(caseStore)];
/** STOREFLEET_CAPTURE_DIR=<dir>: save these cases' Applications, as refused, as test fixtures for api/status. */
const CAPTURED_CASES = ['foreign-namespace', 'privileged', 'cluster-role-binding'];

function capture(dir: string, c: HostileCase, raw: unknown, revision: string): void {
  mkdirSync(dir, { recursive: true });
  const note = { capturedFrom: `Argo CD ${versions.ARGOCD_VERSION} in the dev cluster (npm run cluster:hostile, case ${c.id}: ${c.what})`, revision };
  writeFileSync(join(dir, `hostile-${c.id}.json`), JSON.stringify({ ...note, data: raw }, null, 2) + '\n');
}

/** Every Application in argocd, by name (one request per poll, not one per store). */
function applications(): Map<string, any> {
  const items = JSON.parse(kubectl(['-n', 'argocd', 'get', 'applications.argoproj.io', '-o', 'json'])).items as any[];
  return new Map(items.map((a) => [a.metadata.name, a]));
}

/** The store's status as the Storefleet API would show it right now. */
function lifecycleOf(store: string, commit: string, committedAt: string, apps = applications()) {
  const raw = apps.get(appOf(store));
  const app = raw ? summarizeApplication(raw) : undefined;
  return {
    raw,
    ...computeLifecycle({
      git: { name: store, presentOnMain: true, latestCommit: { sha: commit, committedAt } },
      app,
      argo: { kind: 'connected' },
      now: new Date(),
      provisioningTimeoutMinutes: 30,
      // One push holds every case: Argo CD compares exactly that commit or an older one.
      revisionContains: (revision, c) => revision === c,
    }),
  };
}

/** Which layer a failure reason names. */
function layerOf(reason: string): string {
  if (/not permitted in project/.test(reason)) return 'Argo CD project';
  if (/ValidatingAdmissionPolicy|denied request|admission webhook/.test(reason)) return 'admission policy';
  if (/violates PodSecurity/.test(reason)) return 'Pod Security admission';
  if (/part of (a different|another) application|shared resource|is part of applications/i.test(reason)) return 'Argo CD shared-resource check';
  if (/Too long|too large|exceeds|Request entity/i.test(reason)) return 'API server limits';
  if (/found nothing to apply/.test(reason)) return 'Argo CD (symlinked folder not read)';
  return 'other';
}

interface Found {
  kind: string;
  namespace?: string;
  name: string;
  labels: Record<string, string>;
  trackingId?: string;
}

/** Every object of every listable resource type in the cluster. */
function listCluster(): Found[] {
  const types = kubectl(['api-resources', '--verbs=list', '-o', 'name']).split('\n').filter(Boolean);
  const out: Found[] = [];
  for (const type of types) {
    let items: any[];
    try {
      items = JSON.parse(kubectl(['get', type, '--all-namespaces', '-o', 'json'])).items ?? [];
    } catch {
      continue; // e.g. a type that lists but is not served for this user
    }
    for (const o of items) {
      out.push({
        kind: o.kind ?? type,
        namespace: o.metadata?.namespace,
        name: o.metadata?.name,
        labels: o.metadata?.labels ?? {},
        trackingId: o.metadata?.annotations?.[TRACKING],
      });
    }
  }
  return out;
}

/** Objects outside their store's namespace: planted by a case anywhere, or tracked by a store Application elsewhere. */
function escaped(objects: Found[]): string[] {
  const problems: string[] = [];
  const id = (o: Found) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
  for (const o of objects) {
    const planted = o.labels[CASE_LABEL];
    if (planted) problems.push(`${id(o)}: planted by case ${planted}`);
    const app = o.trackingId?.split(':')[0];
    if (app && allStores.some((s) => appOf(s) === app)) {
      const home = storeNamespace(app.slice('store-'.length));
      const inside = o.namespace ? o.namespace === home : o.kind === 'Namespace' && o.name === home;
      if (!inside) problems.push(`${id(o)}: applied by Application ${app}, outside ${home}`);
    }
  }
  return problems;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  if (!trackedProcesses().some((p) => p.alive)) throw new Error('the dev cluster is not running: npm run cluster:up');
  const work = mkdtempSync(join(tmpdir(), 'storefleet-hostile-'));
  let pushedCases = false;
  try {
    await step(`clone ${gitUrl}`, () => git(tmpdir(), ['clone', '-q', gitUrl, work]));
    const victimCommit = await step(`push the victim store ${VICTIM}`, async () => {
      await newStore(work, VICTIM);
      return commitAndPush(work, `hostile corpus: the victim store ${VICTIM}`);
    });
    await step(`${appOf(VICTIM)}: Synced + Healthy`, () =>
      waitFor(`${appOf(VICTIM)} Synced/Healthy`, () => {
        refresh([appOf(VICTIM)]);
        const { raw, status, reason } = lifecycleOf(VICTIM, victimCommit, new Date().toISOString());
        if (status !== 'ready') throw new Error(`${status}: ${reason ?? ''} (${describeApp(raw)})`);
        return true;
      }, TIMEOUT_MS, 3000),
    );

    const refusedByCheck = await step(`build ${CASES.length} hostile cases and run storefleet check`, async () => {
      for (const c of CASES) await newStore(work, caseStore(c));
      for (const c of CASES) c.apply(work, caseStore(c));
      const { problems } = checkRepo(work);
      const refused = CASES.filter((c) => problems.some((p) => p.startsWith(storeDir(caseStore(c)))));
      const missed = CASES.filter((c) => !refused.includes(c));
      if (missed.length) throw new Error(`check accepted: ${missed.map((c) => c.id).join(', ')}`);
      if (problems.some((p) => p.startsWith(storeDir(VICTIM)))) throw new Error(`check refused the victim store: ${problems.join('; ')}`);
      return refused.length;
    });

    const commit = await step('push the cases anyway (check bypassed)', () => commitAndPush(work, 'hostile corpus: every case, pushed past check'));
    pushedCases = true;
    const committedAt = new Date().toISOString();

    const failed = new Map<HostileCase, string>();
    const accepted: HostileCase[] = [];
    await step(`every case's store shown failed by the API's status logic`, () =>
      waitFor('every case failed', () => {
        refresh([]); // new Applications sync as soon as the ApplicationSet creates them
        const apps = applications();
        for (const c of CASES) {
          if (failed.has(c) || accepted.includes(c)) continue;
          const { status, reason, raw } = lifecycleOf(caseStore(c), commit, committedAt, apps);
          if (status === 'failed') {
            failed.set(c, reason ?? '');
            const dir = process.env.STOREFLEET_CAPTURE_DIR;
            if (dir && CAPTURED_CASES.includes(c.id)) capture(dir, c, raw, commit);
          }
          else if (status === 'ready') accepted.push(c);
        }
        if (accepted.length) return true; // stop waiting: reported below
        const waiting = CASES.filter((c) => !failed.has(c));
        if (waiting.length) {
          const first = waiting[0];
          throw new Error(`${waiting.length} not failed yet, e.g. ${caseStore(first)}: ${lifecycleOf(caseStore(first), commit, committedAt, apps).reason}`);
        }
        return true;
      }, TIMEOUT_MS, 5000),
    );
    if (accepted.length) throw new Error(`the cluster accepted: ${accepted.map((c) => `${c.id} (${c.what})`).join('; ')}`);
    const layers = new Map<string, number>();
    for (const c of CASES) {
      const reason = failed.get(c) as string;
      const layer = layerOf(reason);
      layers.set(layer, (layers.get(layer) ?? 0) + 1);
      console.log(`  ✓ ${c.id.padEnd(24)} ${layer.padEnd(30)} ${reason.replace(/\s+/g, ' ').slice(0, 220)}`);
    }
    console.log(`  by layer: ${[...layers].map(([l, n]) => `${l} ${n}`).join(', ')}`);

    await step(`${appOf(VICTIM)} still ready at ${commit.slice(0, 8)}`, () =>
      waitFor(`${appOf(VICTIM)} ready`, () => {
        refresh([appOf(VICTIM)]);
        const { status, reason } = lifecycleOf(VICTIM, commit, committedAt);
        if (status !== 'ready') throw new Error(`${status}: ${reason}`);
        return true;
      }, 120_000, 3000),
    );

    const outside = await step('list the whole cluster: no planted object, nothing outside its store namespace', () => {
      const objects = listCluster();
      const problems = escaped(objects);
      console.log(`  (${objects.length} objects listed)`);
      if (problems.length) throw new Error(`${problems.length} object(s) escaped:\n  ${problems.join('\n  ')}`);
      return problems.length;
    });

    await step('remove every hostile store and the victim, push', () => {
      for (const s of allStores) rmSync(join(work, storeDir(s)), { recursive: true, force: true });
      rmSync(join(work, PAYLOAD_DIR), { recursive: true, force: true });
      commitAndPush(work, 'hostile corpus: remove every store');
      pushedCases = false;
    });
    try {
      await step('Applications and namespaces gone', () =>
        waitFor('Applications and namespaces gone', () => {
          refresh(allStores.map(appOf));
          const left = allStores.filter((s) => application(appOf(s)) || namespaceExists(storeNamespace(s)));
          if (left.length) throw new Error(`still there: ${left.join(', ')}`);
          return true;
        }, 180_000, 3000),
      );
    } catch (err) {
      console.log(`  warning: ${(err as Error).message} (cluster:down removes them)`);
    }

    console.log(`\n${refusedByCheck} refused by check, ${failed.size} refused by the cluster, ${outside} objects outside their store's namespace`);
    console.log(`cluster:hostile passed in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  } catch (err) {
    // What Argo CD says about each store, for the CI log, before the cleanup below deletes them.
    console.error('\nArgo CD state of each store:');
    for (const s of allStores) console.error(`  ${appOf(s)}: ${describeApp(application(appOf(s))).slice(0, 400)}`);
    throw err;
  } finally {
    if (pushedCases) {
      // Leave no hostile store behind for the next user of the cluster, even after a failure.
      try {
        for (const s of allStores) rmSync(join(work, storeDir(s)), { recursive: true, force: true });
        rmSync(join(work, PAYLOAD_DIR), { recursive: true, force: true });
        commitAndPush(work, 'hostile corpus: clean up after a failed run');
      } catch (err) {
        console.error(`cleanup push failed: ${(err as Error).message}`);
      }
    }
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  console.error(`\ncluster:hostile failed: ${(err as Error).message}\n(logs: ${paths.logs})`);
  process.exit(1);
}
