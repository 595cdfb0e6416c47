import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sealedSecretPath, storeDir } from '../layout.ts';
import { renderStore } from '../render.ts';
import { unseal } from '../sealing.ts';
import { MAX_NAME_LENGTH } from '../spec.ts';
import { spec, testPlatform } from './helpers.ts';

function digest(files: Map<string, string>): string {
  const h = createHash('sha256');
  for (const [k, v] of [...files].sort(([a], [b]) => a.localeCompare(b))) h.update(k).update('\0').update(v).update('\0');
  return h.digest('hex');
}

describe.each(['woocommerce', 'medusa'] as const)('renderStore (%s)', (engine) => {
  it('writes store.yaml and one manifest per object under stores/<shard>/<name>/manifests/', async () => {
    const platform = await testPlatform();
    const { files } = renderStore({ spec: spec({ engine }), platform });
    const paths = [...files.keys()];
    expect(paths).toContain(`${storeDir('corner-shop')}/store.yaml`);
    expect(storeDir('corner-shop')).toBe('stores/89/corner-shop'); // first two hex digits of sha256("corner-shop")
    const manifests = paths.filter((p) => p.startsWith(`${storeDir('corner-shop')}/manifests/`));
    expect(manifests.length).toBeGreaterThan(10);
    for (const p of manifests) {
      expect(p).toMatch(/^stores\/89\/corner-shop\/manifests\/[a-z]+-[a-z0-9-]+\.yaml$/);
      const obj = parse(files.get(p) as string);
      expect(`${String(obj.kind).toLowerCase()}-${obj.metadata.name}.yaml`).toBe(p.split('/').pop());
    }
  });

  it('seals every secret for its namespace and name; the admin login is returned once', async () => {
    const platform = await testPlatform();
    const first = renderStore({ spec: spec({ engine }), platform });
    expect(first.adminLogin?.password).toMatch(/^[A-Za-z0-9]{32}$/);
    const adminFile = first.files.get(sealedSecretPath('corner-shop', 'store-admin')) as string;
    const sealed = parse(adminFile);
    expect(sealed.kind).toBe('SealedSecret');
    const password = unseal(platform.privateKeyPem, 'store-corner-shop', 'store-admin', sealed.spec.encryptedData.ADMIN_PASSWORD);
    expect(password).toBe(first.adminLogin?.password);
    // No plaintext value anywhere in the rendered files.
    for (const content of first.files.values()) expect(content).not.toContain(password);

    const again = renderStore({ spec: spec({ engine }), platform, existing: first.files });
    expect(again.adminLogin).toBeUndefined();
    expect(again.generatedSecrets).toEqual([]);
  });

  it('keeps existing sealed secrets byte-for-byte and output is deterministic', async () => {
    const platform = await testPlatform();
    const first = renderStore({ spec: spec({ engine }), platform });
    const second = renderStore({ spec: spec({ engine }), platform, existing: first.files });
    const third = renderStore({ spec: spec({ engine }), platform, existing: second.files });
    expect(second.files).toEqual(first.files);
    expect(third.files).toEqual(first.files);
  });

  it('generates only the secret that is missing', async () => {
    const platform = await testPlatform();
    const first = renderStore({ spec: spec({ engine }), platform });
    const existing = new Map(first.files);
    const adminPath = sealedSecretPath('corner-shop', 'store-admin');
    existing.delete(adminPath);
    const next = renderStore({ spec: spec({ engine }), platform, existing });
    expect(next.generatedSecrets).toEqual(['store-admin']);
    for (const [path, content] of first.files) if (path !== adminPath) expect(next.files.get(path)).toBe(content);
    expect(next.files.get(adminPath)).not.toBe(first.files.get(adminPath));
  });

  it('refuses to regenerate over an unreadable SealedSecret', async () => {
    const platform = await testPlatform();
    const first = renderStore({ spec: spec({ engine }), platform });
    const existing = new Map(first.files);
    existing.set(sealedSecretPath('corner-shop', 'store-admin'), 'kind: ConfigMap\n');
    expect(() => renderStore({ spec: spec({ engine }), platform, existing })).toThrow(/refusing to generate new secrets/);
  });

  it('renders the longest allowed name', async () => {
    const platform = await testPlatform();
    const name = 'l' + 'o'.repeat(MAX_NAME_LENGTH - 2) + 'n';
    const { files } = renderStore({ spec: spec({ engine, name }), platform });
    expect(files.has(`${storeDir(name)}/store.yaml`)).toBe(true);
  });

  it('rejects a plan platform.yaml does not define', async () => {
    const platform = await testPlatform();
    expect(() => renderStore({ spec: spec({ engine, plan: 'gold' }), platform })).toThrow('unknown plan "gold"');
  });
});

describe('determinism across processes', () => {
  it('renders byte-identical files in two separate processes', async () => {
    const platform = await testPlatform();
    const base = renderStore({ spec: spec({ engine: 'medusa' }), platform });
    const input = JSON.stringify({ spec: spec({ engine: 'medusa' }), platform, existing: [...base.files] });
    const script = `
      import { renderStore } from './generator/render.ts';
      import { createHash } from 'node:crypto';
      let raw = ''; for await (const c of process.stdin) raw += c;
      const { spec, platform, existing } = JSON.parse(raw);
      const { files } = renderStore({ spec, platform, existing: new Map(existing) });
      const h = createHash('sha256');
      for (const [k, v] of [...files].sort(([a], [b]) => a.localeCompare(b))) h.update(k).update('\\0').update(v).update('\\0');
      console.log(h.digest('hex'));`;
    const run = () =>
      execFileSync('node_modules/.bin/tsx', ['--input-type=module', '-e', script], { input, encoding: 'utf8', cwd: new URL('../../', import.meta.url).pathname }).trim();
    const a = run();
    const b = run();
    expect(a).toBe(b);
    expect(a).toBe(digest(base.files));
  });
});

describe('toYaml', () => {
  it('quotes strings that YAML 1.1 (Kubernetes) would read as other types', async () => {
    const { toYaml } = await import('../render.ts');
    const tricky = ['on', 'yes', 'No', 'off', 'y', '0755', '1e3', 'null', '~', 'true', '1.0', '0x1F', '12:30', '2026-11-23', '#x', ''];
    const text = toYaml(Object.fromEntries(tricky.map((v, i) => [`k${i}`, v])));
    for (const [i, v] of tricky.entries()) expect(text).toContain(`k${i}: '${v}'\n`);
    expect(parse(text, { version: '1.1' })).toEqual(Object.fromEntries(tricky.map((v, i) => [`k${i}`, v])));
  });
});
