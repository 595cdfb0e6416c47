// Where the backup tools are: a configured path, else the build cache the dev tooling fills
// (e2e/cluster/build.sh puts restic and weed into $STOREFLEET_CACHE/bin, default
// ~/.cache/storefleet/bin, version-suffixed),
// else the PATH. The cache comes first: Debian's restic may be older than 0.17.
import { accessSync, constants, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export function toolCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.STOREFLEET_CACHE ?? join(homedir(), '.cache', 'storefleet'), 'bin');
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The path of `name`, or undefined when it is nowhere. */
export function findTool(name: string, o: { configured?: string; env?: NodeJS.ProcessEnv } = {}): string | undefined {
  if (o.configured) return o.configured;
  const env = o.env ?? process.env;
  const cache = toolCacheDir(env);
  let cached: string[] = [];
  try {
    cached = readdirSync(cache).filter((f) => f.startsWith(`${name}-v`)).sort();
  } catch {
    /* no cache */
  }
  for (const f of cached.reverse()) if (executable(join(cache, f))) return join(cache, f);
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir && executable(join(dir, name))) return join(dir, name);
  return undefined;
}
