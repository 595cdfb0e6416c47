import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BUDGET_BYTES, checkBudget, measure } from './build.ts';

const dir = mkdtempSync(join(tmpdir(), 'ui-size-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bundle budget', () => {
  it('measures the gzipped size of every .js file, and nothing else', () => {
    mkdirSync(join(dir, 'assets'));
    const js = Buffer.from('export const x = 1;\n'.repeat(500));
    writeFileSync(join(dir, 'assets', 'a.js'), js);
    writeFileSync(join(dir, 'assets', 'a.css'), 'body{}');
    expect(measure(dir)).toEqual([{ file: join('assets', 'a.js'), raw: js.length, gzip: gzipSync(js, { level: 9 }).length }]);
  });

  it('fails above 60 kB gzipped', () => {
    expect(BUDGET_BYTES).toBe(60 * 1024);
    expect(() => checkBudget(BUDGET_BYTES)).not.toThrow();
    expect(() => checkBudget(BUDGET_BYTES + 1)).toThrow(/over the 61440-byte budget/);
    // Incompressible bytes: a real over-budget bundle is caught by measure + checkBudget.
    writeFileSync(join(dir, 'assets', 'big.js'), randomBytes(BUDGET_BYTES + 1024));
    const total = measure(dir).reduce((n, s) => n + s.gzip, 0);
    expect(() => checkBudget(total)).toThrow();
  });
});
