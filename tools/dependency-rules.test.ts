// The one-way import rule (.dependency-cruiser.cjs): constructs never import generator or api;
// generator never imports api or Express; the dashboard imports no server code. Checked over the
// whole repository, tests and benchmarks included, and proven to bite on a throwaway tree.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const LAYERS = ['constructs', 'generator', 'api', 'ui', 'bench', 'e2e', 'bin', 'argocd', 'tools'];

/** Runs dependency-cruiser in `cwd`; resolves with its exit code and report. */
async function cruise(cwd: string, dirs: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [DEPCRUISE, '--config', CONFIG, '--output-type', 'err', ...dirs], { cwd });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const temp: string[] = [];
afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the one-way import rule', () => {
  it('holds for the whole repository, tests and benchmarks included', async () => {
    const { code, out } = await cruise(ROOT, LAYERS);
    expect(out).toContain('no dependency violations found');
    expect(code).toBe(0);
  });

  it('fails on a bad import of each kind (a throwaway tree, same config)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layers-'));
    temp.push(dir);
    const files: Record<string, string> = {
      'api/app.ts': 'export const app = 1;\n',
      'generator/render.ts': "import { app } from '../api/app.ts';\nexport const render = app;\n",
      'generator/cli.ts': "import express from 'express';\nexport const e = express;\n",
      'constructs/index.ts': "import { render } from '../generator/render.ts';\nexport const c = render;\n",
      'ui/src/app.tsx': "import { c } from '../../constructs/index.ts';\nexport const u = c;\n",
      'api/stores/service.ts': "import { app } from '../app.ts';\nimport { run } from '../git/exec.ts';\nexport const s = [app, run];\n",
      'api/git/exec.ts': 'export const run = 1;\n',
      'api/github/pr-writer.ts': "import { app } from '../app.ts';\nexport const w = app;\n",
      'node_modules/express/package.json': '{"name":"express","main":"index.js"}',
      'node_modules/express/index.js': 'module.exports = 1;\n',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const { code, out } = await cruise(dir, ['api', 'generator', 'constructs', 'ui']);
    expect(out).toContain('store-rules-without-transport: api/stores/service.ts → api/app.ts');
    expect(out).toContain('store-rules-without-transport: api/stores/service.ts → api/git/exec.ts');
    expect(out).toContain('transports-without-routes: api/github/pr-writer.ts → api/app.ts');
    expect(code).not.toBe(0);
    expect(out).toContain('generator-without-api: generator/render.ts → api/app.ts');
    expect(out).toContain('generator-without-api: generator/cli.ts → node_modules/express/index.js');
    expect(out).toContain('constructs-stay-pure: constructs/index.ts → generator/render.ts');
    expect(out).toContain('ui-without-server-code: ui/src/app.tsx → constructs/index.ts');
  });

  // contract/ may reach the dashboard as types only. dependency-cruiser parses TypeScript with swc
  // here (its TypeScript parser does not support TypeScript 7), which does not tell `import type`
  // apart, so this part of the rule is checked by text.
  it('the dashboard imports contract/ as types only', () => {
    expect(runtimeContractImports('ui/src/x.ts', "import type { A } from '../../contract/a.ts';")).toEqual([]);
    expect(runtimeContractImports('ui/src/x.ts', "import { A } from '../../contract/a.ts';")).toHaveLength(1);
    const src = join(ROOT, 'ui', 'src');
    const bad = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.tsx?$/.test(f))
      .flatMap((f) => runtimeContractImports(`ui/src/${f}`, readFileSync(join(src, f), 'utf8')));
    expect(bad).toEqual([]);
  });
});

/** Imports of contract/ in a file (repo-relative path) that are not `import type`. */
function runtimeContractImports(file: string, text: string): string[] {
  return [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'/gm)]
    .filter((m) => !m[2] && relative(ROOT, resolve(ROOT, dirname(file), m[3])).split(sep)[0] === 'contract')
    .map((m) => `${file}: ${m[0].trim()}`);
}
