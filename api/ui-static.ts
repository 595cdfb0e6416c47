// Serves the built dashboard (ui/dist) with an SPA fallback. If the build is missing at start it
// is built once with the UI's own build script; if that fails the server refuses to start with a
// message saying how to build it (or to run API-only with STOREFLEET_UI=false).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

export const DEFAULT_UI_DIR = resolve(fileURLToPath(new URL('../ui/dist', import.meta.url)));

export async function ensureUiBuilt(dir: string, log: (msg: string) => void): Promise<void> {
  if (existsSync(join(dir, 'index.html'))) return;
  if (resolve(dir) !== DEFAULT_UI_DIR) throw new Error(`${dir}/index.html not found (STOREFLEET_UI_DIR): build the dashboard there, or set STOREFLEET_UI=false`);
  log('ui/dist is missing: building the dashboard once (npm run build:ui)…');
  try {
    const script = pathToFileURL(fileURLToPath(new URL('../ui/scripts/build.ts', import.meta.url))).href;
    const mod = (await import(script)) as { buildUi: (o: { quiet: boolean }) => Promise<number> };
    await mod.buildUi({ quiet: true });
  } catch (err) {
    throw new Error(`the dashboard could not be built (${(err as Error).message}); run "npm run build:ui", or start API-only with STOREFLEET_UI=false`);
  }
  if (!existsSync(join(dir, 'index.html'))) throw new Error('the dashboard build produced no ui/dist/index.html; run "npm run build:ui"');
}

/** Static files, then index.html for any other GET that is not an API or probe path. */
export function mountUi(app: Express, dir: string): void {
  app.use(express.static(dir, { index: 'index.html', maxAge: '1h', setHeaders: (res, path) => path.endsWith('index.html') && res.setHeader('Cache-Control', 'no-cache') }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/api/') || req.path === '/api') return next();
    if (!(req.headers.accept ?? '').includes('text/html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(dir, 'index.html'));
  });
}
