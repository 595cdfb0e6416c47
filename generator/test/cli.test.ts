import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { storeDir } from '../layout.ts';
import { runCli, testKeyPair } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const run = runCli;

async function newRepo(): Promise<string> {
  const base = mkdtempSync(join(tmpdir(), 'sf-cli-'));
  dirs.push(base);
  const repo = join(base, 'gitops');
  expect((await run('init', repo)).code).toBe(0);
  writeFileSync(join(repo, 'sealing', 'cert.pem'), (await testKeyPair()).certificatePem);
  return repo;
}

describe('storefleet CLI', () => {
  it('init copies the template; init --dev-keys keeps the private key outside the repo', async () => {
    const base = mkdtempSync(join(tmpdir(), 'sf-cli-'));
    dirs.push(base);
    const repo = join(base, 'gitops');
    const r = await run('init', repo, '--dev-keys', join(base, 'keys'));
    expect(r.code).toBe(0);
    expect(existsSync(join(repo, 'platform.yaml'))).toBe(true);
    expect(readFileSync(join(repo, 'sealing', 'cert.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
    expect(statSync(join(base, 'keys', 'tls.key')).mode & 0o777).toBe(0o600);
    expect(readdirSync(repo, { recursive: true }).some((f) => String(f).endsWith('.key'))).toBe(false);
    expect((await run('init', repo)).code).toBe(2); // not empty
    expect((await run('init', join(base, 'x'), '--dev-keys', join(base, 'x', 'keys'))).err).toContain('--dev-keys must be outside the repo');
  }, 120_000);

  it('new renders a store that check accepts; a second new with the same name fails', async () => {
    const repo = await newRepo();
    const r = await run('new', repo, '--name', 'corner-shop', '--engine', 'woocommerce', '--owner', 'alice');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`created ${storeDir('corner-shop')}`);
    expect(existsSync(join(repo, storeDir('corner-shop'), 'store.yaml'))).toBe(true);
    expect(r.out).not.toMatch(/admin login \(shown once\)/);
    expect((await run('check', repo)).code).toBe(0);
    const again = await run('new', repo, '--name', 'corner-shop', '--engine', 'medusa');
    expect(again.code).toBe(1);
    expect(again.err).toBe(`${storeDir('corner-shop')}/store.yaml: name: store "corner-shop" already exists (${storeDir('corner-shop')})`);
    // A folder of the same name outside its shard (old flat layout) holds the name as well.
    mkdirSync(join(repo, 'stores', 'old-shop'));
    const flat = await run('new', repo, '--name', 'old-shop', '--engine', 'medusa');
    expect(flat.code).toBe(1);
    expect(flat.err).toBe(`${storeDir('old-shop')}/store.yaml: name: store "old-shop" already exists (stores/old-shop)`);
    expect(existsSync(join(repo, storeDir('old-shop')))).toBe(false);
  });

  it('new rejects bad input with the field and reason and writes nothing', async () => {
    const repo = await newRepo();
    const r = await run('new', repo, '--name', 'Bad_Name', '--engine', 'joomla');
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toEqual([
      `${storeDir('Bad_Name')}/store.yaml: name: use only lowercase letters, digits and hyphens`,
      `${storeDir('Bad_Name')}/store.yaml: engine: expected "woocommerce" or "medusa"`,
    ]);
    expect(readdirSync(join(repo, 'stores'))).toEqual(['.gitkeep']);
    expect((await run('new', repo, '--name', 'x')).code).toBe(2);
    expect((await run('new', repo, '--name', 'ok', '--engine', 'medusa', '--bogus')).code).toBe(2);
  });

  it('check catches a hand-edited manifest, a missing file, an extra file, a bad spec and a folder without spec', async () => {
    const repo = await newRepo();
    await run('new', repo, '--name', 'alpha', '--engine', 'woocommerce');
    await run('new', repo, '--name', 'beta', '--engine', 'medusa');
    const manifests = join(repo, storeDir('alpha'), 'manifests');
    const [first, second] = readdirSync(manifests).filter((f) => !f.startsWith('sealedsecret'));
    writeFileSync(join(manifests, first), readFileSync(join(manifests, first), 'utf8') + '# tweak\n');
    rmSync(join(manifests, second));
    writeFileSync(join(manifests, 'configmap-extra.yaml'), 'kind: ConfigMap\n');
    const betaSpec = join(repo, storeDir('beta'), 'store.yaml');
    writeFileSync(betaSpec, readFileSync(betaSpec, 'utf8').replace('"medusa"', '"magento"'));
    writeFileSync(join(repo, 'stores', 'gamma.yaml'), '');
    mkdirSync(join(repo, storeDir('delta')), { recursive: true });
    // The layout: a store outside a shard folder (the old flat layout) and one in the wrong shard.
    mkdirSync(join(repo, 'stores', 'legacy-shop'));
    writeFileSync(join(repo, 'stores', 'legacy-shop', 'store.yaml'), '');
    mkdirSync(join(repo, 'stores', '00', 'gamma-shop'), { recursive: true });

    const r = await run('check', repo);
    expect(r.code).toBe(1);
    const lines = r.err.split('\n');
    expect(lines).toContain(`${storeDir('alpha')}/manifests/${first}: differs from the generator's output (first at line ${readFileSync(join(manifests, first), 'utf8').split('\n').length - 1})`);
    expect(lines).toContain(`${storeDir('alpha')}/manifests/${second}: missing (the generator produces it)`);
    expect(lines).toContain(`${storeDir('alpha')}/manifests/configmap-extra.yaml: unexpected file (the generator does not produce it)`);
    expect(lines).toContain(`${storeDir('beta')}/store.yaml: engine: expected "woocommerce" or "medusa"`);
    expect(lines).toContain('stores/gamma.yaml: unexpected file (stores/ holds only shard folders)');
    expect(lines).toContain(`${storeDir('delta')}: store folder without store.yaml`);
    expect(lines).toContain(`stores/legacy-shop: not a shard folder (two hex digits); move it to ${storeDir('legacy-shop')}/ ("storefleet new" creates stores there)`);
    expect(lines).toContain(`stores/00/gamma-shop: store in the wrong shard folder; move it to ${storeDir('gamma-shop')}/`);
    // render fixes the three generated files, not the spec, the stray file or the folders.
    expect(lines.at(-1)).toBe(
      'check failed: 8 problem(s) in 3 store(s); 3 of them are generated files "storefleet render" regenerates; fix the other 5 by hand first (render stops at an invalid store.yaml)',
    );
  });

  it('check suggests render only where render can fix the problem', async () => {
    const repo = await newRepo();
    await run('new', repo, '--name', 'alpha', '--engine', 'woocommerce');
    const spec = join(repo, storeDir('alpha'), 'store.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('"woocommerce"', '"magento"'));
    const onlySpec = await run('check', repo);
    expect(onlySpec.err.split('\n').at(-1)).toBe(
      'check failed: 1 problem(s) in 1 store(s); fix the files named above by hand ("storefleet render" does not change store.yaml, platform.yaml or folder names)',
    );
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('"magento"', '"woocommerce"'));
    const manifests = join(repo, storeDir('alpha'), 'manifests');
    writeFileSync(join(manifests, 'configmap-extra.yaml'), 'kind: ConfigMap\n');
    const onlyGenerated = await run('check', repo);
    expect(onlyGenerated.err.split('\n').at(-1)).toBe('check failed: 1 problem(s) in 1 store(s); run "storefleet render" to regenerate the generated files');
    expect((await run('render', repo)).code).toBe(0);
    expect((await run('check', repo)).code).toBe(0);
  });

  it('render --store answers a bad or unknown name clearly and writes nothing', async () => {
    const repo = await newRepo();
    const bad = await run('render', repo, '--store', '../../etc');
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('--store: use only lowercase letters, digits and hyphens');
    const unknown = await run('render', repo, '--store', 'nosuch');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe(`${storeDir('nosuch')}/store.yaml: not found`);
    expect(readdirSync(join(repo, 'stores'))).toEqual(['.gitkeep']);
  });

  it('render restores hand-edited and missing manifests and keeps secrets', async () => {
    const repo = await newRepo();
    await run('new', repo, '--name', 'alpha', '--engine', 'medusa');
    const manifests = join(repo, storeDir('alpha'), 'manifests');
    const secret = join(manifests, 'sealedsecret-store-admin.yaml');
    const before = readFileSync(secret, 'utf8');
    const victim = readdirSync(manifests).find((f) => f.startsWith('deployment-')) as string;
    rmSync(join(manifests, victim));
    const r = await run('render', repo);
    expect(r.code).toBe(0);
    expect(r.out).toBe('rendered 1 store(s); 1 changed');
    expect(existsSync(join(manifests, victim))).toBe(true);
    expect(readFileSync(secret, 'utf8')).toBe(before);
    expect((await run('check', repo)).code).toBe(0);
  });

  it('reports a missing sealing certificate with what to do', async () => {
    const repo = await newRepo();
    rmSync(join(repo, 'sealing', 'cert.pem'));
    const r = await run('new', repo, '--name', 'alpha', '--engine', 'medusa');
    expect(r.code).toBe(1);
    expect(r.err).toContain('kubeseal --fetch-cert > sealing/cert.pem');
  });

  it('prints usage for no command and exits 2 for an unknown one', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('help')).out).toContain('storefleet check <repo-dir>');
    const r = await run('frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown command "frobnicate"');
  });
});
