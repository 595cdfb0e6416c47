// The loop through the product on a cluster that runs containers (e2e/kind/run.sh on GitHub's
// runners): `storefleet serve` from this checkout, one store per engine created with
// POST /api/stores, both ready, then (--shopper) each engine's shopper journey in Chromium through
// the ingress, then both deleted through the API and their namespaces gone. Prints each step.
// Env: the API's own settings (STOREFLEET_GIT_REMOTE, STOREFLEET_ARGOCD_URL, webhook URLs and
// secret); STOREFLEET_ARGOCD_TOKEN, or STOREFLEET_E2E_ARGOCD_ADMIN_PASSWORD_FILE to mint the
// read-only token of project `stores`; KUBECTL (default `kubectl`, current context).
// Without --shopper it runs on the dev cluster too (kwok starts no containers), see docs/dev-cluster.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startProduct, type Product } from '../cluster/lib/product.ts';
import { step, waitFor } from '../cluster/lib/wait.ts';

const { values: flags } = parseArgs({ options: { shopper: { type: 'boolean', default: false }, prefix: { type: 'string', default: 'e2e' } }, strict: true });
const READY_TIMEOUT_MS = Number(process.env.STOREFLEET_E2E_READY_TIMEOUT_S ?? 900) * 1000;
const stores = [
  { name: `${flags.prefix}-woo`, engine: 'woocommerce' },
  { name: `${flags.prefix}-medusa`, engine: 'medusa' },
];
const kubectl = (args: string[]) => execFileSync(process.env.KUBECTL ?? 'kubectl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The read-only token of AppProject `stores`' first role, minted with the admin's session (as docs/operations.md, step 6). */
async function projectToken(argocdUrl: string, passwordFile: string): Promise<string> {
  const call = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(argocdUrl + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`Argo CD POST ${path}: ${res.status} ${(await res.text()).slice(0, 200)}`);
    return (await res.json()) as { token: string };
  };
  const admin = (await call('/api/v1/session', { username: 'admin', password: readFileSync(passwordFile, 'utf8').trim() })).token;
  const project = await (await fetch(`${argocdUrl}/api/v1/projects/stores`, { headers: { authorization: `Bearer ${admin}` } })).json() as { spec?: { roles?: { name: string }[] } };
  const role = project.spec?.roles?.[0]?.name;
  if (!role) throw new Error('AppProject stores has no role to mint the API token for');
  return (await call(`/api/v1/projects/stores/roles/${role}/token`, { description: 'Storefleet e2e' }, admin)).token;
}

async function statusOf(product: Product, name: string): Promise<{ status: string; reason?: string; urls?: { storefront: string; admin: string } }> {
  return product.api('GET', `/api/stores/${name}`, undefined, [200, 404]).then((s) => s ?? { status: 'absent' });
}

function adminLogin(name: string): { user: string; password: string } {
  const data = JSON.parse(kubectl(['-n', `store-${name}`, 'get', 'secret', 'store-admin', '-o', 'json'])).data as Record<string, string>;
  const dec = (k: string) => (data[k] ? Buffer.from(data[k], 'base64').toString('utf8') : undefined);
  const user = dec('ADMIN_USER') ?? dec('ADMIN_EMAIL');
  const password = dec('ADMIN_PASSWORD');
  if (!user || !password) throw new Error(`store-${name}/store-admin has no admin login`);
  return { user, password };
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const env: Record<string, string> = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  if (!env.STOREFLEET_ARGOCD_TOKEN && env.STOREFLEET_E2E_ARGOCD_ADMIN_PASSWORD_FILE) {
    env.STOREFLEET_ARGOCD_TOKEN = await step('Argo CD: read-only token of project stores', () => projectToken(env.STOREFLEET_ARGOCD_URL, env.STOREFLEET_E2E_ARGOCD_ADMIN_PASSWORD_FILE));
  }
  const product = await step('start the API (storefleet serve)', () => startProduct(env));
  try {
    for (const s of stores) await step(`POST /api/stores ${s.name} (${s.engine})`, () => product.api('POST', '/api/stores', { name: s.name, engine: s.engine }, [201]));
    for (const s of stores) {
      await step(`${s.name}: ready`, () => waitFor(`${s.name} ready`, async () => {
        const st = await statusOf(product, s.name);
        if (st.status !== 'ready') throw new Error(`${st.status}: ${st.reason ?? ''}`);
        return true;
      }, READY_TIMEOUT_MS, 2000));
    }
    if (flags.shopper) {
      for (const s of stores) {
        const { urls } = await statusOf(product, s.name);
        const login = adminLogin(s.name);
        await step(`${s.name}: shopper journey in Chromium (${urls!.storefront})`, () => {
          const r = spawnSync(process.execPath, ['bin/run-ts.js', 'e2e/shopper/run.ts', '--engine', s.engine, '--url', new URL(urls!.storefront).origin, '--admin-url', new URL(urls!.admin).origin], {
            stdio: 'inherit',
            env: { ...process.env, STOREFLEET_SHOPPER_ADMIN_USER: login.user, STOREFLEET_SHOPPER_ADMIN_PASSWORD: login.password },
          });
          if (r.status !== 0) throw new Error(`shopper journey for ${s.engine} failed (exit ${r.status})`);
        });
      }
    }
    for (const s of stores) await step(`DELETE /api/stores/${s.name}`, () => product.api('DELETE', `/api/stores/${s.name}`, undefined, [200, 202]));
    for (const s of stores) {
      await step(`${s.name}: deleted, namespace store-${s.name} gone`, () => waitFor(`store-${s.name} gone`, async () => {
        const st = await statusOf(product, s.name);
        if (st.status !== 'deleted' && st.status !== 'absent') throw new Error(`${st.status}: ${st.reason ?? ''}`);
        try {
          kubectl(['get', 'namespace', `store-${s.name}`, '-o', 'name']);
        } catch {
          return true;
        }
        throw new Error(`namespace store-${s.name} still there`);
      }, READY_TIMEOUT_MS, 2000));
    }
    console.log(`\ne2e loop passed in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  } catch (err) {
    console.error(`\nAPI log (last lines):\n${product.log().split('\n').slice(-30).join('\n')}`);
    throw err;
  } finally {
    await product.stop();
  }
}

try {
  await main();
} catch (err) {
  console.error(`\ne2e loop failed: ${(err as Error).message}`);
  process.exit(1);
}
