// The dashboard is served from a built folder with an SPA fallback that never shadows the API.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from './server.ts';
import { seededRemote, startApi, tmp } from './test-support/harness.ts';
import { ensureUiBuilt } from './ui-static.ts';

let api: RunningServer;
const dist = tmp('sf-ui-');

beforeAll(async () => {
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Storefleet</title><div id="app"></div>');
  writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
  const remote = await seededRemote();
  api = await startApi(remote.fileUrl, { STOREFLEET_UI: 'true', STOREFLEET_UI_DIR: dist });
});
afterAll(async () => {
  await api?.close();
});

it('serves files, falls back to index.html for app routes, keeps API 404s as problems', async () => {
  const root = await fetch(`${api.url}/`, { headers: { accept: 'text/html' } });
  expect(root.status).toBe(200);
  expect(await root.text()).toContain('<title>Storefleet</title>');
  const asset = await fetch(`${api.url}/assets/app.js`);
  expect(asset.status).toBe(200);
  expect(asset.headers.get('content-type')).toContain('javascript');
  const deep = await fetch(`${api.url}/stores/some-shop`, { headers: { accept: 'text/html' } });
  expect(deep.status).toBe(200);
  expect(await deep.text()).toContain('id="app"');
  const api404 = await fetch(`${api.url}/api/nothing-here`, { headers: { accept: 'text/html' } });
  expect(api404.status).toBe(401); // behind authentication like every /api route
  const missingAsset = await fetch(`${api.url}/assets/missing.js`);
  expect(missingAsset.status).toBe(404);
  expect(missingAsset.headers.get('content-type')).toContain('application/problem+json');
});

it('refuses to start with a clear message when a configured UI folder has no build', async () => {
  await expect(ensureUiBuilt(tmp('sf-empty-ui-'), () => {})).rejects.toThrow(/STOREFLEET_UI=false/);
});
