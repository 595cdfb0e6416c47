// The platform image cannot be built in this sandbox, so this checks the Dockerfile against the
// code it has to run: every file `storefleet serve` can load at runtime is copied into the final
// stage, and every package it imports at runtime is a production dependency (the image installs
// `npm ci --omit=dev`).
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RESTIC_IMAGE } from '../backup/backup.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

/** Sources COPY'd from the build context into the last stage (not --from=… stages). */
function finalStageCopies(): string[] {
  const stages = dockerfile.split(/^FROM /m);
  const last = stages[stages.length - 1];
  return [...last.matchAll(/^COPY (?!--from)(?:--\S+ )*(\S+) \S+$/gm)].map((m) => m[1].replace(/\/$/, ''));
}

/** Relative and package imports of one file; `import type` and type-only exports are erased at runtime. */
function importsOf(file: string): { relative: string[]; packages: string[] } {
  const text = readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '');
  const specs = [
    ...[...text.matchAll(/^\s*import\s+(?!type\s)(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]),
    ...[...text.matchAll(/^\s*export\s+(?!type\s)[^'"]*?\s+from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]),
    ...[...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]),
  ];
  return {
    relative: specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s)),
    packages: specs.filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s)),
  };
}

function runtimeGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (files.has(f) || !/\.(ts|js)$/.test(f) || !existsSync(f)) continue;
    files.add(f);
    const { relative: rel, packages: pk } = importsOf(f);
    todo.push(...rel);
    for (const p of pk) packages.add(p.startsWith('@') ? p.split('/').slice(0, 2).join('/') : p.split('/')[0]);
  }
  return { files, packages };
}

describe('Dockerfile', () => {
  const graph = runtimeGraph(join(root, 'bin/storefleet.js'));

  it('copies every file the CLI and `serve` load at runtime into the final stage', () => {
    const copied = finalStageCopies();
    expect(graph.files.size).toBeGreaterThan(5);
    expect([...graph.files].map((f) => relative(root, f))).toEqual(expect.arrayContaining(['api/serve.ts', 'generator/cli.ts', 'generator/bootstrap.ts', 'constructs/index.ts']));
    const missing = [...graph.files].map((f) => relative(root, f)).filter((f) => !copied.some((c) => f === c || f.startsWith(c + '/')));
    expect(missing).toEqual([]);
  });

  it('needs only production dependencies at runtime', () => {
    const notProd = [...graph.packages].filter((p) => !(p in pkg.dependencies));
    expect(notProd).toEqual([]);
  });

  it('runs as the unprivileged node user on Node 24 with the built UI and no dev dependencies', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24\.\d+\.\d+-alpine$/m);
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(dockerfile).toContain('COPY --from=ui /src/ui/dist ./ui/dist');
    expect(dockerfile).toContain(`node:${pkg.devDependencies.node}-alpine`);
  });

  it('has restic for the backup catalog, from the image the store pods pin', () => {
    expect(dockerfile).toContain(`ARG RESTIC_IMAGE=${RESTIC_IMAGE}\n`);
    expect(dockerfile).toMatch(/^FROM \$\{RESTIC_IMAGE\} AS restic$/m);
    expect(dockerfile).toMatch(/^COPY --from=restic \/usr\/bin\/restic \/usr\/local\/bin\/restic$/m);
  });
});
