// Builds the dashboard (ui/ → ui/dist) and prints the gzipped size of its JavaScript; fails
// above the budget. `--if-stale` skips the build when ui/dist is newer than every source file.
// Run on Node 24 (type stripping): `npm run build:ui`.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 60 * 1024;
const ui = fileURLToPath(new URL('..', import.meta.url));
const dist = join(ui, 'dist');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

function isStale(): boolean {
  const built = join(dist, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const sources = [...files(join(ui, 'src')), join(ui, 'index.html'), join(ui, 'vite.config.ts')];
  return sources.some((f) => statSync(f).mtimeMs > builtAt);
}

/** Gzipped bytes of every .js file in ui/dist (level 9, as a server would send it). */
export function measure(dir = dist): { file: string; raw: number; gzip: number }[] {
  return files(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => {
      const data = readFileSync(f);
      return { file: f.slice(dir.length + 1), raw: data.length, gzip: gzipSync(data, { level: 9 }).length };
    });
}

export function checkBudget(gzipBytes: number, budget = BUDGET_BYTES): void {
  if (gzipBytes > budget) throw new Error(`dashboard JavaScript is ${gzipBytes} bytes gzipped, over the ${budget}-byte budget`);
}

export async function buildUi({ ifStale = false, quiet = false } = {}): Promise<number> {
  if (!ifStale || isStale()) {
    const { build } = await import('vite');
    // Build next to ui/dist and swap it in, so a server (or a second build: tests may start
    // several) never sees a half-written folder.
    const next = `${dist}.next-${process.pid}`;
    await build({ configFile: join(ui, 'vite.config.ts'), logLevel: quiet ? 'warn' : 'info', build: { outDir: next, emptyOutDir: true } });
    const old = `${dist}.old-${process.pid}`;
    const code = (e: unknown) => (e as NodeJS.ErrnoException).code;
    try {
      renameSync(dist, old);
    } catch (e) {
      if (code(e) !== 'ENOENT') throw e;
    }
    try {
      renameSync(next, dist);
    } catch (e) {
      // A concurrent build installed its (identical) output first: keep that one.
      if (code(e) !== 'ENOTEMPTY' && code(e) !== 'EEXIST') throw e;
      rmSync(next, { recursive: true, force: true });
    }
    rmSync(old, { recursive: true, force: true });
  }
  const sizes = measure();
  const total = sizes.reduce((n, s) => n + s.gzip, 0);
  if (!quiet) {
    for (const s of sizes) console.log(`ui/dist/${s.file}: ${(s.raw / 1024).toFixed(1)} kB, ${(s.gzip / 1024).toFixed(1)} kB gzipped`);
  }
  console.log(`dashboard JavaScript: ${(total / 1024).toFixed(1)} kB gzipped (budget ${BUDGET_BYTES / 1024} kB)`);
  checkBudget(total);
  return total;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildUi({ ifStale: process.argv.includes('--if-stale') }).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
