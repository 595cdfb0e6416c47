// `storefleet check` against the hostile pull-request corpus (corpus.ts): the tree that
// `npm run cluster:hostile` pushes to the dev cluster, built the same way. Before the cases are
// applied every store passes; after, each case's store is refused with the reason the case
// expects, the victim still passes, and the CLI exits 1. Then the cluster's policies, evaluated
// offline on what Argo CD would send, refuse each case too (the cluster run is the real proof).
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argoCdApply, evaluatePolicy } from '../../argocd/admission-eval.ts';
import { renderBootstrap } from '../../generator/bootstrap.ts';
import { checkRepo } from '../../generator/check.ts';
import { main } from '../../generator/cli.ts';
import { manifestsDir, storeDir, storeNamespace } from '../../generator/layout.ts';
import { testKeyPair } from '../../generator/test/helpers.ts';
import { buildCorpus, CASES, caseStore, newStore, objectsOf, VICTIM } from './corpus.ts';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed YAML

let base: string;
let repo: string;
let problems: string[];

const quiet = { log: () => {}, error: () => {}, progress: () => {} };

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'sf-hostile-'));
  repo = join(base, 'gitops');
  expect(await main(['init', repo], quiet)).toBe(0);
  writeFileSync(join(repo, 'sealing', 'cert.pem'), (await testKeyPair()).certificatePem);
  await buildCorpus(repo);
  problems = checkRepo(repo).problems;
}, 120_000);
afterAll(() => rmSync(base, { recursive: true, force: true }));

const problemsOf = (store: string) => problems.filter((p) => p.startsWith(`${storeDir(store)}`));

describe('the hostile pull-request corpus', () => {
  it('has at least 20 cases, each with its own store', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(CASES.map(caseStore)).size).toBe(CASES.length);
  });

  it('starts from stores that pass check: the generator renders them, the cases make them hostile', async () => {
    const clean = join(base, 'clean');
    expect(await main(['init', clean], quiet)).toBe(0);
    writeFileSync(join(clean, 'sealing', 'cert.pem'), (await testKeyPair()).certificatePem);
    await newStore(clean, VICTIM);
    for (const c of CASES.slice(0, 3)) await newStore(clean, caseStore(c));
    expect(checkRepo(clean)).toMatchObject({ stores: 4, problems: [] });
  });

  it('leaves the victim store as the generator rendered it', () => {
    expect(problemsOf(VICTIM)).toEqual([]);
  });

  it.each(CASES.map((c) => [c.id, c] as const))('check refuses %s', (_id, c) => {
    const mine = problemsOf(caseStore(c));
    expect(mine.length, `no problem reported for ${caseStore(c)}: ${c.what}`).toBeGreaterThan(0);
    expect(mine.join('\n')).toContain(c.checkSays);
  });

  it('the CLI exits 1 and counts a problem in every case store', async () => {
    const err: string[] = [];
    expect(await main(['check', repo], { ...quiet, error: (l) => err.push(l) })).toBe(1);
    const refused = CASES.filter((c) => err.some((l) => l.startsWith(storeDir(caseStore(c)))));
    expect(refused.length).toBe(CASES.length);
    expect(err.at(-1)).toMatch(/^check failed: \d+ problem\(s\) in \d+ store\(s\)/);
  });
});

describe('the cluster layer on the same corpus (policies evaluated offline)', () => {
  const files = renderBootstrap({ REPO_URL: 'https://github.com/acme/shops-gitops.git', REVISION: 'main', PLATFORM_NAMESPACE: 'storefleet', WEBHOOK_SECRET: 'a'.repeat(64) });
  const yaml = (f: string): Any => parse(files.get(f) as string);
  const project = [...files.values()].map((t) => parse(t) as Any).find((d) => d.kind === 'AppProject' && d.metadata.name === 'stores').spec;
  const policies = ['40-namespace-guard-policy.yaml', '42-store-confinement-policy.yaml', '44-store-pod-security-policy.yaml'].map(yaml);
  const allowed = new Set([...project.namespaceResourceWhitelist, ...project.clusterResourceWhitelist].map((gk: Any) => `${gk.group}/${gk.kind}`));
  const groupOf = (o: Any) => (String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/')[0] : '');
  /** Kubernetes refuses a ConfigMap or Secret above 1 MiB, and client-side apply annotations above 256 kiB. */
  const TOO_BIG = 256 * 1024;

  /** What Argo CD would read from the case's manifests/ (following symbolic links, as its repo server does). */
  function appliedObjects(store: string): Any[] {
    const dir = join(repo, manifestsDir(store));
    return readdirSync(dir)
      .filter((f) => /\.(ya?ml|json)$/.test(f) && statSync(join(dir, f)).isFile())
      .flatMap((f) => objectsOf(readFileSync(join(dir, f), 'utf8')));
  }

  function refusal(store: string): string | undefined {
    const app = `store-${store}`;
    for (const o of appliedObjects(store)) {
      if (!allowed.has(`${groupOf(o)}/${o.kind}`)) return `project: ${o.kind} not permitted`;
      if (JSON.stringify(o).length > TOO_BIG) return `API server: ${o.kind}/${o.metadata.name} too large`;
      const denied = policies.flatMap((p) => evaluatePolicy(p, argoCdApply(app, storeNamespace(store), o)).denied);
      if (denied.length) return `admission: ${denied[0]}`;
    }
    return undefined;
  }

  it('admits the victim store', () => {
    expect(refusal(VICTIM)).toBeUndefined();
  });

  it.each(CASES.map((c) => [c.id, c] as const))('refuses %s', (_id, c) => {
    const why = refusal(caseStore(c));
    expect(why, c.what).toBeDefined();
    expect(why?.split(':')[0]).toBe(c.layer === 'project' ? 'project' : c.id === 'oversized' ? 'API server' : 'admission');
  });
});
