// `storefleet check`: does the repo hold exactly what the generator produces? Used by people and
// by the GitOps repo's CI on every pull request.
import { formatIssue, ValidationError } from './errors.ts';
import { manifestsDir, storeDir, storeSpecPath } from './layout.ts';
import { renderStore } from './render.ts';
import { inspectFolder, listStoreFolders, loadPlatform, scanStores } from './repo.ts';
import { isPlatformManifest, PLATFORM_DIR, renderPlatformDeployment } from './platform-deployment.ts';
import { parseStoreSpec } from './spec.ts';

export interface CheckReport {
  stores: number;
  problems: string[];
  /** How many of `problems` `storefleet render` fixes (generated files missing, different or extra). */
  renderFixes: number;
}

function firstDifferentLine(a: string, b: string): number {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return i + 1;
  return 0;
}

/** Differences between generated files and the generator's output: the ones `render` rewrites. */
function compareFiles(
  existing: ReadonlyMap<string, string>,
  expected: ReadonlyMap<string, string>,
  problems: string[],
  where = (path: string) => `${path}: unexpected file`,
): number {
  const before = problems.length;
  for (const [path, want] of expected) {
    const actual = existing.get(path);
    if (actual === undefined) problems.push(`${path}: missing (the generator produces it)`);
    else if (actual !== want) problems.push(`${path}: differs from the generator's output (first at line ${firstDifferentLine(actual, want)})`);
  }
  for (const path of existing.keys()) {
    if (!expected.has(path)) problems.push(`${where(path)} (the generator does not produce it)`);
  }
  return problems.length - before;
}

export function checkRepo(repoDir: string, progress?: (done: number, total: number) => void): CheckReport {
  let platform;
  try {
    platform = loadPlatform(repoDir);
  } catch (err) {
    if (err instanceof ValidationError) return { stores: 0, problems: err.issues.map(formatIssue), renderFixes: 0 };
    throw err;
  }
  const problems: string[] = [];
  let renderFixes = 0;
  const scan = scanStores(repoDir);
  problems.push(...scan.problems);
  const names = listStoreFolders(repoDir, scan);
  for (const [i, name] of names.entries()) {
    const { files: existing, problems: unreadable } = inspectFolder(repoDir, storeDir(name));
    problems.push(...unreadable);
    const specFile = storeSpecPath(name);
    // A store folder holds store.yaml and manifests/ (what Argo CD applies) and nothing else.
    const where = (path: string) =>
      path === specFile || path.startsWith(`${manifestsDir(name)}/`) ? `${path}: unexpected file` : `${path}: unexpected file outside manifests/`;
    const text = existing.get(specFile);
    if (text === undefined) {
      problems.push(`${storeDir(name)}: store folder without store.yaml`);
    } else {
      try {
        const spec = parseStoreSpec(text, specFile, platform.config, name);
        const { files } = renderStore({ spec, platform, existing });
        renderFixes += compareFiles(existing, files, problems, where);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        problems.push(...err.issues.map(formatIssue));
      }
    }
    progress?.(i + 1, names.length);
  }
  const { files: platformExisting, problems: platformUnreadable } = inspectFolder(repoDir, PLATFORM_DIR, isPlatformManifest);
  problems.push(...platformUnreadable);
  try {
    const platformFiles = renderPlatformDeployment(platform, platformExisting);
    if (platformFiles) renderFixes += compareFiles(platformExisting, platformFiles, problems);
    else for (const path of platformExisting.keys()) problems.push(`${path}: unexpected file (platform.yaml has no storefleet: section)`);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    problems.push(...err.issues.map(formatIssue));
  }
  return { stores: names.length, problems, renderFixes };
}
