// Reading and writing a GitOps repo checkout (a plain folder). The API reads the same layout from
// Git trees through resolvePlatform(), which takes a file-reading callback.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

function readIfFile(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

export function loadPlatform(repoDir: string): ResolvedPlatform {
  const text = readIfFile(join(repoDir, PLATFORM_FILE));
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

/** The store folders under stores/ and everything there that does not follow the layout. */
export function scanStores(repoDir: string): StoresScan {
  const folders: FoundStore[] = [];
  const problems: string[] = [];
  const dir = join(repoDir, STORES_DIR);
  if (!existsSync(dir)) return { folders, problems };
  // Sorted: `storefleet check` reports in the same order on every filesystem.
  const entries = (path: string) => readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const add = (found: FoundStore) => {
    folders.push(found);
    if (found.problem) problems.push(found.problem);
  };
  for (const top of entries(dir)) {
    if (!top.isDirectory()) {
      if (top.name !== '.gitkeep') problems.push(`${STORES_DIR}/${top.name}: unexpected file (${STORES_DIR}/ holds only shard folders)`);
    } else if (!SHARD_PATTERN.test(top.name)) {
      add(foundStore(top.name));
    } else {
      for (const store of entries(join(dir, top.name))) {
        if (store.isDirectory()) add(foundStore(top.name, store.name));
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

/** Every file below a repo-relative folder (repo-relative path → content), sorted. */
export function readFolderFiles(repoDir: string, folder: string, keep: (path: string) => boolean = () => true): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = join(repoDir, rel);
    if (!existsSync(abs)) return;
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
  for (const [rel, content] of files) {
    const abs = join(repoDir, rel);
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
