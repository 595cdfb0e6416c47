// Seeding a bench repository straight into the bare remote (no API), 500 stores a commit.
import { runGit } from '../api/git/exec.ts';
import { writeCommits, type TreeChange } from '../api/git/fast-import.ts';
import { PLATFORM_FILE, storeDir } from '../generator/layout.ts';
import { offeredEngines, parsePlatform } from '../generator/platform.ts';
import { renderStore } from '../generator/render.ts';
import { resolvePlatform } from '../generator/repo.ts';
import { storeSpecYaml } from '../generator/spec.ts';
import { engineIds } from '../constructs/engines/index.ts';

const TEMPLATE_NAME = 'benchtemplatestore';

/** Each engine's file names relative to the store folder, from one real render with the remote's platform.yaml. */
async function storeFileLayouts(remoteDir: string): Promise<Map<string, string[]>> {
  const show = async (file: string) => (await runGit(remoteDir, ['show', `main:${file}`])).stdout;
  const platformText = await show(PLATFORM_FILE);
  const certFile = parsePlatform(platformText).sealing.certificateFile;
  const cert = certFile ? await show(certFile) : undefined;
  const platform = resolvePlatform(platformText, (rel) => (rel === certFile ? cert : undefined));
  const layouts = new Map<string, string[]>();
  for (const { id: engine } of offeredEngines(platform.config)) {
    const spec = { name: TEMPLATE_NAME, engine, plan: 'small', displayName: 'Template', owner: 'admin', createdAt: '2026-11-23T16:00:00Z' };
    const prefix = `${storeDir(TEMPLATE_NAME)}/`;
    layouts.set(engine, [...renderStore({ spec, platform }).files.keys()].map((p) => p.slice(prefix.length).replaceAll(TEMPLATE_NAME, '{name}')));
  }
  return layouts;
}

/**
 * Adds `count` stores named `<prefix>-<i>` (the registered engines in turn) to the remote's main
 * branch. With `allFiles`, each has every file a real store of its engine has (store.yaml + 23 or
 * 33 manifests, real names) with short contents: the remote's connectivity check pays per object
 * (trees parsed, blobs looked up), not per byte. Without, only store.yaml (what lists read).
 */
export async function seedStores(remoteDir: string, count: number, prefix: string, opts: { allFiles: boolean }): Promise<void> {
  const layouts = opts.allFiles ? await storeFileLayouts(remoteDir) : undefined;
  const ids = engineIds();
  let parent = (await runGit(remoteDir, ['rev-parse', 'main'])).stdout.trim();
  const who = { name: 'bench', email: 'bench@localhost' };
  const perCommit = 500;
  for (let start = 0; start < count; start += perCommit) {
    const changes: TreeChange[] = [];
    for (let i = start; i < Math.min(count, start + perCommit); i++) {
      const name = `${prefix}-${i}`;
      const engine = ids[i % ids.length];
      for (const rel of layouts?.get(engine) ?? ['store.yaml']) {
        const path = `${storeDir(name)}/${rel.replaceAll('{name}', name)}`;
        const content =
          rel === 'store.yaml'
            ? storeSpecYaml({ name, engine, plan: 'small', displayName: `Seeded ${i}`, owner: 'admin', createdAt: '2026-11-23T16:00:00Z' })
            : `# seeded ${path}\n`;
        changes.push({ op: 'write', path, content });
      }
    }
    [parent] = await writeCommits(remoteDir, parent, [{ author: who, committer: who, time: Math.floor(Date.now() / 1000), message: `Seed ${start}\n`, changes }]);
  }
  await runGit(remoteDir, ['update-ref', 'refs/heads/main', parent]);
  await runGit(remoteDir, ['update-ref', '-d', 'refs/storefleet/batch']); // writeCommits' work ref: not part of the remote
}
