import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapCommand, fillTemplate, type BootstrapValues } from '../bootstrap.ts';
import { main } from '../cli.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'storefleet-bootstrap-'));
  dirs.push(d);
  return d;
}
function capture() {
  const lines: { log: string[]; error: string[] } = { log: [], error: [] };
  return { lines, out: { log: (l: string) => lines.log.push(l), error: (l: string) => lines.error.push(l), progress: () => {} } };
}
const REPO = 'https://github.com/acme/shops-gitops.git';

describe('storefleet bootstrap', () => {
  it('writes the filled manifests, and the webhook secret only under secrets/ with mode 0600', async () => {
    const out = join(tmp(), 'bootstrap');
    const { lines, out: o } = capture();
    expect(await bootstrapCommand(['--repo', REPO, '--out', out, '--revision', 'release', '--platform-namespace', 'shops'], o)).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      '.gitignore',
      '01-argocd-cmd-params-cm.yaml',
      '02-argocd-cm.yaml',
      '03-argocd-rbac-cm.yaml',
      '10-project-stores.yaml',
      '11-project-platform.yaml',
      '20-applicationset-stores.yaml',
      '30-application-platform.yaml',
      '40-namespace-guard-policy.yaml',
      '41-namespace-guard-binding.yaml',
      '42-store-confinement-policy.yaml',
      '43-store-confinement-binding.yaml',
      '44-store-pod-security-policy.yaml',
      '45-store-pod-security-binding.yaml',
      'secrets',
    ]);
    expect(readFileSync(join(out, '.gitignore'), 'utf8')).toContain('secrets/');
    const appset = parse(readFileSync(join(out, '20-applicationset-stores.yaml'), 'utf8'));
    expect(appset.spec.generators[0].git).toMatchObject({ repoURL: REPO, revision: 'release' });
    expect(appset.spec.template.spec.source.targetRevision).toBe('release');
    const app = parse(readFileSync(join(out, '30-application-platform.yaml'), 'utf8'));
    expect(app.spec.destination.namespace).toBe('shops');

    const secret = readFileSync(join(out, 'secrets', 'webhook-secret'), 'utf8').trim();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(out, 'secrets', 'webhook-secret')).mode & 0o777).toBe(0o600);
    expect(statSync(join(out, 'secrets', 'argocd-secret.yaml')).mode & 0o777).toBe(0o600);
    expect(parse(readFileSync(join(out, 'secrets', 'argocd-secret.yaml'), 'utf8')).stringData['webhook.github.secret']).toBe(secret);
    // The secret is in no applied file and in no output line.
    for (const f of readdirSync(out).filter((f) => f.endsWith('.yaml'))) expect(readFileSync(join(out, f), 'utf8')).not.toContain(secret);
    expect([...lines.log, ...lines.error].join('\n')).not.toContain(secret);
  });

  it('prints the apply commands that docs/operations.md runs (re-applying after tokens were issued needs --force-conflicts)', async () => {
    const out = join(tmp(), 'bootstrap');
    const { lines, out: o } = capture();
    expect(await bootstrapCommand(['--repo', REPO, '--out', out], o)).toBe(0);
    const doc = readFileSync(join(import.meta.dirname, '../../docs/operations.md'), 'utf8');
    const applies = lines.log.filter((l) => l.trim().startsWith('kubectl apply')).map((l) => l.trim().replaceAll(out, './bootstrap'));
    expect(applies).toHaveLength(2);
    for (const a of applies) expect(doc).toContain(a);
    expect(applies[1]).toContain('--force-conflicts');
  });

  it('keeps the webhook secret on a re-run and takes one from --webhook-secret-file', async () => {
    const base = tmp();
    const out = join(base, 'b');
    expect(await bootstrapCommand(['--repo', REPO, '--out', out], capture().out)).toBe(0);
    const first = readFileSync(join(out, 'secrets', 'webhook-secret'), 'utf8');
    expect(await bootstrapCommand(['--repo', REPO, '--out', out], capture().out)).toBe(0);
    expect(readFileSync(join(out, 'secrets', 'webhook-secret'), 'utf8')).toBe(first);

    const file = join(base, 'hook');
    writeFileSync(file, 'Operator-Chosen-Secret-0123456789\n');
    expect(await bootstrapCommand(['--repo', REPO, '--out', out, '--webhook-secret-file', file], capture().out)).toBe(0);
    const filled = parse(readFileSync(join(out, 'secrets', 'argocd-secret.yaml'), 'utf8'));
    expect(filled.stringData['webhook.github.secret']).toBe('Operator-Chosen-Secret-0123456789');
  });

  it.each([
    [[], '--repo and --out are required'],
    [['--repo', REPO], '--repo and --out are required'],
    [['--repo', 'not a url', '--out', 'x'], 'is not a Git URL'],
    [['--repo', 'https://user:token@github.com/acme/x.git', '--out', 'x'], 'no credentials in the URL'],
    [['--repo', REPO, '--out', 'x', '--revision', '../etc'], '--revision'],
    [['--repo', REPO, '--out', 'x', '--platform-namespace', 'store-evil'], 'belong to stores'],
    [['--repo', REPO, '--out', 'x', '--platform-namespace', 'kube-system'], 'is reserved'],
    [['--repo', REPO, '--out', 'x', '--platform-namespace', 'Bad_NS'], 'not a DNS label'],
    [['--repo', REPO, '--out', 'x', '--bogus'], 'unknown option --bogus for "storefleet bootstrap"'],
  ])('exits 2 with a clear message for %j', async (argv, message) => {
    const { lines, out } = capture();
    expect(await bootstrapCommand(argv, out)).toBe(2);
    expect(lines.error.join('\n')).toContain(message);
    expect(lines.error.join('\n')).toContain('Usage: storefleet bootstrap');
    expect(lines.error.join('\n')).not.toContain('token@');
  });

  it('accepts the Git URL forms Argo CD fetches from', async () => {
    for (const url of [REPO, 'ssh://git@github.com/acme/shops.git', 'git@github.com:acme/shops.git', 'git://127.0.0.1:9418/gitops.git']) {
      expect(await bootstrapCommand(['--repo', url, '--out', join(tmp(), 'o')], capture().out), url).toBe(0);
    }
  });

  it('refuses a folder with files it did not write, and an unreadable or too short secret file', async () => {
    const out = tmp();
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const a = capture();
    expect(await bootstrapCommand(['--repo', REPO, '--out', out], a.out)).toBe(2);
    expect(a.lines.error[0]).toContain('holds files bootstrap did not write (notes.txt)');

    const b = capture();
    expect(await bootstrapCommand(['--repo', REPO, '--out', join(out, 'new'), '--webhook-secret-file', join(out, 'missing')], b.out)).toBe(2);
    expect(b.lines.error[0]).toContain('cannot read');
    mkdirSync(join(out, 'd'));
    writeFileSync(join(out, 'd', 'short'), 'tooshort');
    const c = capture();
    expect(await bootstrapCommand(['--repo', REPO, '--out', join(out, 'new2'), '--webhook-secret-file', join(out, 'd', 'short')], c.out)).toBe(2);
    expect(c.lines.error[0]).toContain('16-256 printable characters');
    expect(c.lines.error.join('\n')).not.toContain('tooshort');
  });

  it('is reachable through the CLI entry point', async () => {
    const { lines, out } = capture();
    // cli.ts passes its own output only to commands that take it; bootstrap prints usage on its own.
    expect(await main(['bootstrap', '--help'], out)).toBe(0);
    expect(lines.error).toEqual([]);
  });
});

describe('fillTemplate', () => {
  const values: BootstrapValues = { REPO_URL: REPO, REVISION: 'main', PLATFORM_NAMESPACE: 'storefleet', WEBHOOK_SECRET: 'x'.repeat(20) };

  it('substitutes into scalars, so a value cannot change the structure, and keeps YAML 1.1 types', () => {
    const text = fillTemplate('a: ${WEBHOOK_SECRET}\nb:\n  - ${REVISION}\n# comment kept\n', { ...values, WEBHOOK_SECRET: 'yes', REVISION: 'x: y\n- z' });
    expect(parse(text, { version: '1.1' })).toEqual({ a: 'yes', b: ['x: y\n- z'] });
    expect(text).toContain('# comment kept');
  });

  it('rejects unknown and malformed placeholders', () => {
    expect(() => fillTemplate('a: ${NOPE}\n', values, 'f.yaml')).toThrow('f.yaml: unknown placeholder ${NOPE}');
    expect(() => fillTemplate('a: ${REPO_URL\n', values, 'f.yaml')).toThrow('malformed placeholder');
  });
});
