// `storefleet check` accepts only regular files of the expected form: symbolic links (to files and
// folders, anywhere it looks), other file types, files outside manifests/ and oversized files are
// refused with a reason; `render` never writes through a symbolic link.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRepo } from '../check.ts';
import { main } from '../cli.ts';
import { storeDir, storeShard } from '../layout.ts';
import { MAX_FILE_BYTES } from '../repo.ts';
import { testKeyPair } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const quiet = { log: () => {}, error: () => {}, progress: () => {} };

async function repoWithStore(): Promise<{ base: string; repo: string; manifests: string }> {
  const base = mkdtempSync(join(tmpdir(), 'sf-check-files-'));
  dirs.push(base);
  const repo = join(base, 'gitops');
  expect(await main(['init', repo], quiet)).toBe(0);
  writeFileSync(join(repo, 'sealing', 'cert.pem'), (await testKeyPair()).certificatePem);
  expect(await main(['new', repo, '--name', 'alpha', '--engine', 'woocommerce'], quiet)).toBe(0);
  expect(checkRepo(repo).problems).toEqual([]);
  return { base, repo, manifests: join(repo, storeDir('alpha'), 'manifests') };
}

const LINK = 'symbolic link (not followed; the generator writes only regular files and folders)';

describe('check: only regular files of the expected form', () => {
  it('refuses a manifest that is a symbolic link, even to an identical file', async () => {
    const { base, repo, manifests } = await repoWithStore();
    const victim = readdirSync(manifests).find((f) => f.startsWith('configmap-')) as string;
    writeFileSync(join(base, 'copy.yaml'), readFileSync(join(manifests, victim)));
    rmSync(join(manifests, victim));
    symlinkSync(join(base, 'copy.yaml'), join(manifests, victim));
    expect(checkRepo(repo).problems).toContain(`${storeDir('alpha')}/manifests/${victim}: ${LINK}: replace it with what "storefleet render" writes`);
  });

  it('refuses symbolic links to folders: manifests/, a store folder, a shard folder, stores/ itself', async () => {
    const { repo } = await repoWithStore();
    const store = join(repo, storeDir('alpha'));
    // manifests/ → a copy of itself elsewhere in the repo
    execFileSync('cp', ['-r', join(store, 'manifests'), join(repo, 'elsewhere')]);
    rmSync(join(store, 'manifests'), { recursive: true });
    symlinkSync('../../../elsewhere', join(store, 'manifests'));
    mkdirSync(join(repo, 'stores', storeShard('beta')), { recursive: true });
    symlinkSync(store, join(repo, 'stores', storeShard('beta'), 'beta'));
    mkdirSync(join(repo, 'shard-copy'));
    symlinkSync(join(repo, 'shard-copy'), join(repo, 'stores', '0f'));
    const { problems } = checkRepo(repo);
    expect(problems).toContain(`${storeDir('alpha')}/manifests: ${LINK}: replace it with what "storefleet render" writes`);
    expect(problems.some((p) => p.startsWith(`${storeDir('beta')}: ${LINK}`))).toBe(true);
    expect(problems.some((p) => p.startsWith(`stores/0f: ${LINK}`))).toBe(true);

    rmSync(join(repo, 'stores'), { recursive: true });
    mkdirSync(join(repo, 'real-stores'));
    symlinkSync('real-stores', join(repo, 'stores'));
    expect(checkRepo(repo).problems).toEqual([`stores: ${LINK}: replace it with what "storefleet render" writes`]);
  });

  it('refuses a named pipe, files outside manifests/ and nested folders', async () => {
    const { repo, manifests } = await repoWithStore();
    execFileSync('mkfifo', [join(manifests, 'pipe.yaml')]);
    writeFileSync(join(repo, storeDir('alpha'), 'kustomization.yaml'), 'resources: []\n');
    mkdirSync(join(manifests, 'nested'));
    writeFileSync(join(manifests, 'nested', 'configmap-x.yaml'), 'kind: ConfigMap\n');
    const { problems } = checkRepo(repo);
    expect(problems).toContain(`${storeDir('alpha')}/manifests/pipe.yaml: named pipe, not a regular file: remove it`);
    expect(problems).toContain(`${storeDir('alpha')}/kustomization.yaml: unexpected file outside manifests/ (the generator does not produce it)`);
    expect(problems).toContain(`${storeDir('alpha')}/manifests/nested/configmap-x.yaml: unexpected file (the generator does not produce it)`);
  });

  it('refuses an oversized file without reading it', async () => {
    const { repo, manifests } = await repoWithStore();
    writeFileSync(join(manifests, 'configmap-big.yaml'), 'x'.repeat(MAX_FILE_BYTES + 1));
    expect(checkRepo(repo).problems).toEqual([
      `${storeDir('alpha')}/manifests/configmap-big.yaml: ${MAX_FILE_BYTES + 1} bytes, larger than any generated file (limit ${MAX_FILE_BYTES}): not read`,
    ]);
  });

  it('refuses symbolic links in platform/ and a platform.yaml that is one', async () => {
    const { base, repo } = await repoWithStore();
    mkdirSync(join(repo, 'platform'), { recursive: true });
    writeFileSync(join(base, 'x.md'), 'hello\n');
    symlinkSync(join(base, 'x.md'), join(repo, 'platform', 'NOTES.md'));
    expect(checkRepo(repo).problems).toContain(`platform/NOTES.md: ${LINK}: replace it with what "storefleet render" writes`);
    writeFileSync(join(base, 'platform.yaml'), readFileSync(join(repo, 'platform.yaml')));
    rmSync(join(repo, 'platform.yaml'));
    symlinkSync(join(base, 'platform.yaml'), join(repo, 'platform.yaml'));
    expect(checkRepo(repo).problems).toEqual(['platform.yaml: is a symbolic link: platform.yaml must be a regular file']);
  });

  it('render replaces a symbolic link with the generated file and never writes through it', async () => {
    const { base, repo, manifests } = await repoWithStore();
    const victim = readdirSync(manifests).find((f) => f.startsWith('configmap-')) as string;
    const outside = join(base, 'outside.txt');
    writeFileSync(outside, 'untouched\n');
    rmSync(join(manifests, victim));
    symlinkSync(outside, join(manifests, victim));
    expect(await main(['render', repo], quiet)).toBe(0);
    expect(readFileSync(outside, 'utf8')).toBe('untouched\n');
    expect(lstatSync(join(manifests, victim)).isFile()).toBe(true);
    expect(checkRepo(repo).problems).toEqual([]);
  });

  it("render replaces a linked manifests/ folder and leaves the linked store's files alone", async () => {
    const { repo, manifests } = await repoWithStore();
    expect(await main(['new', repo, '--name', 'beta', '--engine', 'medusa'], quiet)).toBe(0);
    const betaManifests = join(repo, storeDir('beta'), 'manifests');
    const before = readdirSync(betaManifests).map((f) => readFileSync(join(betaManifests, f), 'utf8'));
    rmSync(manifests, { recursive: true });
    symlinkSync(betaManifests, manifests);
    expect(await main(['render', repo], quiet)).toBe(0);
    expect(readdirSync(betaManifests).map((f) => readFileSync(join(betaManifests, f), 'utf8'))).toEqual(before);
    expect(lstatSync(manifests).isDirectory()).toBe(true);
    expect(checkRepo(repo).problems).toEqual([]);
  });
});
