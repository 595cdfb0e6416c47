// npm run cluster:smoke — the first full-loop check against a running dev cluster:
// render one WooCommerce and one Medusa store with the storefleet CLI into a clone of the
// GitOps repository, push, wait until both Applications are Synced + Healthy on the pushed
// commit, every SealedSecret is unsealed into its Secret, every rendered object exists and
// every PVC is Bound; then remove both folders, push, and wait until the Applications and
// namespaces are gone. Prints each step with its duration. Exit 1 on the first failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { storeDir } from '../../generator/layout.ts';
import { gitUrl, paths, repoRoot } from './lib/config.ts';
import { kubectl, kubectlJson } from './lib/kube.ts';
import { application, commitAndPush, describeApp, git, namespaceExists, refresh as refreshApps } from './lib/gitops.ts';
import { trackedProcesses } from './lib/procs.ts';
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

async function main(): Promise<void> {
  const t0 = Date.now();
  if (!trackedProcesses().some((p) => p.alive)) throw new Error('the dev cluster is not running: npm run cluster:up');
  const work = mkdtempSync(join(tmpdir(), 'storefleet-smoke-'));
  try {
    await step(`clone ${gitUrl}`, () => git(tmpdir(), ['clone', '-q', gitUrl, work]));
    for (const s of stores) if (existsSync(join(work, storeDir(s.name)))) throw new Error(`${storeDir(s.name)} already exists in the GitOps repo (an earlier smoke run did not clean up)`);
    await step('render stores (storefleet new: woocommerce + medusa)', () => {
      for (const s of stores) execFileSync(process.execPath, [join(repoRoot, 'bin/storefleet.js'), 'new', work, '--name', s.name, '--engine', s.engine], { stdio: 'ignore' });
    });
    const revision = await step('commit + push', () => commitAndPush(work, 'smoke: add a WooCommerce and a Medusa store'));
    await step('ApplicationSet creates both Applications', () => waitFor('Applications store-smoke-*', () => {
      refreshApps(stores.map((s) => `store-${s.name}`));
      return stores.every((s) => application(`store-${s.name}`)) || undefined;
    }, TIMEOUT_MS, 3000));
    for (const s of stores) {
      await step(`store-${s.name}: Synced + Healthy at ${revision.slice(0, 8)}`, () => waitFor(`store-${s.name} Synced/Healthy`, () => {
        const a = application(`store-${s.name}`);
        const ok = a?.status?.sync?.status === 'Synced' && a.status.sync.revision === revision && a.status.health?.status === 'Healthy' && a.status.operationState?.phase === 'Succeeded';
        if (!ok) throw new Error(describeApp(a));
        return true;
      }, TIMEOUT_MS, 3000));
    }
    if (process.env.STOREFLEET_CAPTURE_DIR) await step(`capture Argo CD payloads into ${process.env.STOREFLEET_CAPTURE_DIR}`, () => capture(process.env.STOREFLEET_CAPTURE_DIR as string, revision));
    for (const s of stores) {
      const ns = `store-${s.name}`;
      const objects = renderedObjects(join(work, storeDir(s.name), 'manifests'));
      await step(`${ns}: all ${objects.length} rendered objects exist`, () => {
        const missing = objects.filter((o) => {
          try {
            kubectl(['get', resourceOf(o), o.name, ...(o.namespace ? ['-n', o.namespace] : []), '-o', 'name']);
            return false;
          } catch {
            return true;
          }
        });
        if (missing.length) throw new Error(`missing: ${missing.map((o) => `${o.kind}/${o.name}`).join(', ')}`);
      });
      const sealed = objects.filter((o) => o.kind === 'SealedSecret');
      await step(`${ns}: ${sealed.length} SealedSecrets unsealed into Secrets`, () => waitFor('unsealed Secrets', () => {
        for (const o of sealed) {
          const ss = kubectlJson(['-n', ns, 'get', 'sealedsecrets.bitnami.com', o.name]);
          const secret = kubectlJson(['-n', ns, 'get', 'secret', o.name]);
          const want = Object.keys(ss.spec.encryptedData ?? {}).sort().join(',');
          const got = Object.keys(secret.data ?? {}).sort().join(',');
          const owned = (secret.metadata.ownerReferences ?? []).some((r: any) => r.kind === 'SealedSecret' && r.name === o.name);
          if (want !== got || !owned) throw new Error(`${o.name}: keys ${got} (want ${want}), owned by SealedSecret: ${owned}`);
        }
        return true;
      }, 60_000, 2000));
      await step(`${ns}: PVCs Bound`, () => waitFor('PVCs Bound', () => {
        const pvcs = kubectlJson(['-n', ns, 'get', 'pvc']).items;
        const pending = pvcs.filter((p: any) => p.status?.phase !== 'Bound').map((p: any) => p.metadata.name);
        if (pending.length) throw new Error(`not bound: ${pending.join(', ')}`);
        return true;
      }, 60_000, 2000));
    }
    await step('remove both store folders, commit + push', () => {
      for (const s of stores) rmSync(join(work, storeDir(s.name)), { recursive: true });
      commitAndPush(work, 'smoke: remove the smoke stores');
    });
    await step('Applications deleted', () => waitFor('Applications gone', () => {
      refreshApps(stores.map((s) => `store-${s.name}`));
      const left = stores.filter((s) => application(`store-${s.name}`));
      if (left.length) throw new Error(`still there: ${left.map((s) => `store-${s.name}`).join(', ')}`);
      return true;
    }, TIMEOUT_MS, 3000));
    await step('namespaces gone', () => waitFor('namespaces gone', () => {
      const left = stores.filter((s) => namespaceExists(`store-${s.name}`));
      if (left.length) throw new Error(`still there: ${left.map((s) => `store-${s.name}`).join(', ')}`);
      return true;
    }, TIMEOUT_MS, 2000));
    console.log(`\ncluster:smoke passed in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  console.error(`\ncluster:smoke failed: ${(err as Error).message}\n(logs: ${paths.logs})`);
  process.exit(1);
}
