// Reading and writing a GitOps repo checkout (a plain folder). The API reads the same layout from
// Git trees through resolvePlatform(), which takes a file-reading callback.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, type Dirent, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { ValidationError } from './errors.ts';
import { parsePlatform, type ResolvedPlatform } from './platform.ts';
import { publicKeyFromCertificate } from './sealing.ts';
import { foundStore, PLATFORM_FILE, SHARD_PATTERN, STORES_DIR, storeDir, type FoundStore } from './layout.ts';

export { PLATFORM_FILE };

/** Validates platform.yaml and reads the sealing certificate it points to. */
export function resolvePlatform(
  text: string,
  readRepoFile: (repoRelPath: string) => string | undefined,
  file = PLATFORM_FILE,
): ResolvedPlatform {
  const config = parsePlatform(text, file);
  let pem = config.sealing.certificate;
  if (pem === undefined) {
    const certPath = config.sealing.certificateFile as string;
    pem = readRepoFile(certPath);
    if (pem === undefined) {
      throw new ValidationError([
        {
          file,
          field: 'sealing.certificateFile',
          reason: `${certPath} not found: put the Sealed Secrets controller's certificate there (kubeseal --fetch-cert > ${certPath}), or create a dev key pair with "storefleet init --dev-keys <dir>"`,
        },
      ]);
    }
  }
  try {
    publicKeyFromCertificate(pem);
  } catch (err) {
    throw new ValidationError([{ file, field: 'sealing', reason: (err as Error).message }]);
  }
  return { config, sealingCertificatePem: pem };
}

/** A regular file's text; undefined for anything else, symbolic links included (never followed). */
function readIfFile(path: string): string | undefined {
  try {
    return lstatSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

export function loadPlatform(repoDir: string): ResolvedPlatform {
  const text = readIfFile(join(repoDir, PLATFORM_FILE));
  if (text === undefined && isSymlink(join(repoDir, PLATFORM_FILE))) {
    throw new ValidationError([{ file: PLATFORM_FILE, field: '', reason: 'is a symbolic link: platform.yaml must be a regular file' }]);
  }
  if (text === undefined) {
    throw new ValidationError([{ file: PLATFORM_FILE, field: '', reason: `not found in ${repoDir}: is this a GitOps repo (see "storefleet init")?` }]);
  }
  return resolvePlatform(text, (rel) => readIfFile(join(repoDir, rel)));
}

export interface StoresScan {
  /** Every store folder under stores/, also misplaced ones (with their problem). */
  folders: FoundStore[];
  /** Everything under stores/ that does not follow the layout: files and misplaced folders. */
  problems: string[];
}

/**
 * Why an entry that the layout wants as a folder (`expected`) or a regular file is something else,
 * or undefined when it is what it should be. Symbolic links are never followed: Argo CD's repo
 * server would follow one inside the repository, so a link would apply whatever it points to.
 */
function wrongType(entry: Dirent | Stats, expected: 'folder' | 'file'): string | undefined {
  if (entry.isSymbolicLink()) return `symbolic link (not followed; the generator writes only regular files and folders): replace it with what "storefleet render" writes`;
  if (expected === 'folder' ? entry.isDirectory() : entry.isFile()) return undefined;
  if (entry.isDirectory()) return undefined; // a folder where a file could be: callers walk into it
  const what = entry.isFIFO() ? 'named pipe' : entry.isSocket() ? 'socket' : entry.isCharacterDevice() || entry.isBlockDevice() ? 'device file' : 'special file';
  return `${what}, not a regular ${expected}: remove it`;
}

/** The store folders under stores/ and everything there that does not follow the layout. */
export function scanStores(repoDir: string): StoresScan {
  const folders: FoundStore[] = [];
  const problems: string[] = [];
  const dir = join(repoDir, STORES_DIR);
  if (!existsSync(dir)) return { folders, problems };
  const storesType = wrongType(lstatSync(dir), 'folder');
  if (storesType) return { folders, problems: [`${STORES_DIR}: ${storesType}`] };
  // Sorted: `storefleet check` reports in the same order on every filesystem.
  const entries = (path: string) => readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const add = (found: FoundStore) => {
    folders.push(found);
    if (found.problem) problems.push(found.problem);
  };
  for (const top of entries(dir)) {
    const topType = top.isFile() ? undefined : wrongType(top, 'folder');
    if (topType) problems.push(`${STORES_DIR}/${top.name}: ${topType}`);
    else if (!top.isDirectory()) {
      if (top.name !== '.gitkeep') problems.push(`${STORES_DIR}/${top.name}: unexpected file (${STORES_DIR}/ holds only shard folders)`);
    } else if (!SHARD_PATTERN.test(top.name)) {
      add(foundStore(top.name));
    } else {
      for (const store of entries(join(dir, top.name))) {
        const storeType = store.isFile() ? undefined : wrongType(store, 'folder');
        if (storeType) problems.push(`${STORES_DIR}/${top.name}/${store.name}: ${storeType}`);
        else if (store.isDirectory()) add(foundStore(top.name, store.name));
        else problems.push(`${STORES_DIR}/${top.name}/${store.name}: unexpected file (a shard folder holds only store folders)`);
      }
    }
  }
  return { folders, problems };
}

/** The names of the stores in their shard folders, sorted (from `scan` when the caller has one). */
export function listStoreFolders(repoDir: string, scan = scanStores(repoDir)): string[] {
  return scan.folders
    .filter((f) => !f.problem)
    .map((f) => f.name)
    .sort();
}

/** Every file of one store folder (repo-relative path → content). */
export function readStoreFiles(repoDir: string, name: string): Map<string, string> {
  return readFolderFiles(repoDir, storeDir(name));
}

/**
 * The largest file `check` reads. The largest generated manifest is a few tens of kB (scripts in
 * a ConfigMap); anything far bigger is not generator output and would only cost CI memory.
 */
export const MAX_FILE_BYTES = 512 * 1024;

export interface FolderInspection {
  /** Regular files (repo-relative path → content), sorted; never through a symbolic link. */
  files: Map<string, string>;
  /** Entries that are not regular files or folders, and files too large to be generator output. */
  problems: string[];
}

/**
 * Every regular file below a repo-relative folder, for `storefleet check`: symbolic links (to files
 * or folders), pipes, sockets, devices and oversized files are reported, never read or followed.
 */
export function inspectFolder(repoDir: string, folder: string, keep: (path: string) => boolean = () => true): FolderInspection {
  const files = new Map<string, string>();
  const problems: string[] = [];
  const walk = (rel: string) => {
    const abs = join(repoDir, rel);
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const childRel = `${rel}/${entry.name}`;
      const wrong = wrongType(entry, 'file');
      if (wrong) problems.push(`${childRel}: ${wrong}`);
      else if (entry.isDirectory()) walk(childRel);
      else if (keep(childRel)) {
        const size = lstatSync(join(repoDir, childRel)).size;
        if (size > MAX_FILE_BYTES) problems.push(`${childRel}: ${size} bytes, larger than any generated file (limit ${MAX_FILE_BYTES}): not read`);
        else files.set(childRel, readFileSync(join(repoDir, childRel), 'utf8'));
      }
    }
  };
  let top: Stats | undefined;
  try {
    top = lstatSync(join(repoDir, folder));
  } catch {
    return { files, problems };
  }
  const wrong = wrongType(top, 'folder');
  if (wrong) problems.push(`${folder}: ${wrong}`);
  else if (top.isDirectory()) walk(folder);
  return { files, problems };
}

/** Every regular file below a repo-relative folder (repo-relative path → content), sorted; symbolic links are skipped. */
export function readFolderFiles(repoDir: string, folder: string, keep: (path: string) => boolean = () => true): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = join(repoDir, rel);
    if (!existsSync(abs) || isSymlink(abs)) return;
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const childRel = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(childRel);
      else if (entry.isFile() && keep(childRel)) files.set(childRel, readFileSync(join(repoDir, childRel), 'utf8'));
    }
  };
  walk(folder);
  return files;
}

/** Makes the store folder hold exactly `files`: writes changed files, removes stale ones. */
export function writeStoreFiles(repoDir: string, name: string, files: ReadonlyMap<string, string>): { written: number; removed: number } {
  return writeFolderFiles(repoDir, storeDir(name), files);
}

/** Makes a repo-relative folder hold exactly `files`. */
export function writeFolderFiles(
  repoDir: string,
  folder: string,
  files: ReadonlyMap<string, string>,
  keep: (path: string) => boolean = () => true,
): { written: number; removed: number } {
  let written = 0;
  let removed = 0;
  // Symbolic links on the way (a linked manifests/ or store folder) and in a file's place are
  // removed, never written or deleted through: they may point at another store or outside the repo.
  const unlinkPath = (rel: string) => {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const p = join(repoDir, ...parts.slice(0, i));
      if (isSymlink(p)) rmSync(p);
    }
  };
  unlinkPath(folder);
  for (const [rel, content] of files) {
    const abs = join(repoDir, rel);
    unlinkPath(rel);
    if (readIfFile(abs) === content) continue;
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    written++;
  }
  for (const rel of readFolderFiles(repoDir, folder, keep).keys()) {
    if (!files.has(rel)) {
      rmSync(join(repoDir, rel));
      removed++;
    }
  }
  return { written, removed };
}
