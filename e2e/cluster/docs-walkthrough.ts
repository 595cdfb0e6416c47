// npm run cluster:docs — runs the shell blocks of docs/operations.md marked `<!-- run: dev-cluster -->`
// against the running dev cluster, in document order, in one fresh folder with a fresh HOME (so
// files one block writes, e.g. ./bootstrap or ~/.storefleet/argocd-token, are there for the next).
// The commands run as written; the only changes are the documented substitutions below and the
// environment (KUBECONFIG, PATH with the built kubectl and argocd, `npx storefleet` = this
// checkout's CLI). Prints each block, its output and its result; exit 1 on the first failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { binary, paths, repoRoot } from './lib/config.ts';
import { runnableBlocks, substitute, SUBSTITUTIONS } from './lib/doc-blocks.ts';

const DOC = 'docs/operations.md';
const BLOCK_TIMEOUT_MS = 120_000;


async function main(): Promise<number> {
  if (!existsSync(paths.envFile)) {
    console.error(`no dev cluster env file at ${paths.envFile}: run npm run cluster:up first`);
    return 1;
  }
  const clusterEnv = parseEnv(readFileSync(paths.envFile, 'utf8'));
  const blocks = substitute(runnableBlocks(readFileSync(join(repoRoot, DOC), 'utf8'), DOC), SUBSTITUTIONS);
  const work = mkdtempSync(join(tmpdir(), 'sf-docs-walkthrough-'));
  const home = join(work, 'home');
  const cwd = join(work, 'cwd');
  const bin = join(work, 'bin');
  for (const d of [home, cwd, bin]) mkdirSync(d);
  // Argo CD's one binary is the CLI when run under the name argocd.
  for (const tool of ['kubectl', 'argocd']) symlinkSync(binary(tool), join(bin, tool));
  const env = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: home,
    KUBECONFIG: clusterEnv.KUBECONFIG ?? paths.kubeconfig,
    ARGOCD_BINARY_NAME: 'argocd',
    // The CLI must not pick up the dev cluster's env file: the page's reader has none.
    STOREFLEET_CLUSTER_ENV: 'off',
    LANG: 'C.UTF-8',
  };
  const prelude = [
    'set -euo pipefail',
    `npx() { if [ "$1" != storefleet ]; then echo "cluster:docs provides only npx storefleet" >&2; return 127; fi; shift; ${JSON.stringify(process.execPath)} ${JSON.stringify(join(repoRoot, 'bin/storefleet.js'))} "$@"; }`,
  ].join('\n');

  console.log(`${DOC}: ${blocks.length} blocks marked to run on the dev cluster (folder ${cwd}, HOME ${home})`);
  for (const s of SUBSTITUTIONS) console.log(`  substituted ${s.from} -> ${s.to} (${s.why})`);
  const t0 = Date.now();
  try {
    for (const b of blocks) {
      console.log(`\n• ${DOC}:${b.line}`);
      for (const l of b.text.split('\n')) console.log(`  $ ${l}`);
      const t = Date.now();
      const r = spawnSync('bash', ['-c', `${prelude}\n${b.text}`], { cwd, env, encoding: 'utf8', timeout: BLOCK_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
      const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trimEnd();
      if (out) console.log(out.replace(/^/gm, '    '));
      const secs = ((Date.now() - t) / 1000).toFixed(1);
      if (r.status !== 0) {
        const why = r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
        console.error(`  FAILED (${why}, ${secs}s): the block at ${DOC}:${b.line} does not work as written against the dev cluster`);
        return 1;
      }
      console.log(`  ok (${secs}s)`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  // The page says re-applying the bootstrap keeps issued project tokens valid: the token `up`
  // issued before the walkthrough applied it again must still read Applications.
  const res = await fetch(`${clusterEnv.STOREFLEET_ARGOCD_URL}/api/v1/applications`, { headers: { authorization: `Bearer ${clusterEnv.STOREFLEET_ARGOCD_TOKEN}` }, signal: AbortSignal.timeout(15_000) });
  if (!res.ok) {
    console.error(`\nFAILED: the API token cluster:up issued no longer reads Applications after the walkthrough re-applied the bootstrap (HTTP ${res.status}); ${DOC} step 5 says tokens survive`);
    return 1;
  }
  console.log('\n• the API token issued before the walkthrough still reads Applications (HTTP 200)');
  console.log(`\ncluster:docs passed: ${blocks.length} blocks in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return 0;
}

process.exitCode = await main();
