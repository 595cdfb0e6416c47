import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeDir } from '../../generator/layout.ts';
import { StoreHistoryIndex } from './git-history.ts';

let dir: string;
const sha: Record<string, string> = {};
let n = 0;

function git(...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x', GIT_COMMITTER_DATE: `2026-11-23T10:${String(n).padStart(2, '0')}:00Z` },
  }).trim();
}
function write(path: string, text: string) {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}
function commit(label: string) {
  n++;
  git('add', '-A');
  git('commit', '-q', '-m', label);
  sha[label] = git('rev-parse', 'HEAD');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-history-'));
  git('init', '-q', '-b', 'main');
  write('platform.yaml', 'v: 1\n');
  write('stores/.gitkeep', '');
  commit('root');
  write(`${storeDir('a')}/store.yaml`, 'name: a\n');
  write(`${storeDir('a')}/manifests/deploy.yaml`, 'x: 1\n');
  commit('add-a');
  write(`${storeDir('b')}/store.yaml`, 'name: b\n');
  commit('add-b');
  write('platform.yaml', 'v: 2\n');
  commit('platform');
  write(`${storeDir('a')}/manifests/deploy.yaml`, 'x: 2\n');
  commit('update-a');
  // PR mode: a branch adds c, merged with a merge commit.
  git('checkout', '-q', '-b', 'pr-c');
  write(`${storeDir('c')}/store.yaml`, 'name: c\n');
  commit('branch-c');
  git('checkout', '-q', 'main');
  n++;
  git('merge', '-q', '--no-ff', '-m', 'merge-c', 'pr-c');
  sha['merge-c'] = git('rev-parse', 'HEAD');
  git('rm', '-q', '-r', storeDir('b'));
  commit('delete-b');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('StoreHistoryIndex', () => {
  it('finds the latest first-parent commit per store (merge commit for a merged PR, deletion for a removed store)', async () => {
    const idx = new StoreHistoryIndex(dir);
    await idx.update('main');
    expect(idx.tip).toBe(sha['delete-b']);
    expect(idx.latestCommit('a')?.sha).toBe(sha['update-a']);
    expect(idx.latestCommit('b')?.sha).toBe(sha['delete-b']);
    expect(idx.latestCommit('c')?.sha).toBe(sha['merge-c']);
    expect(idx.latestCommit('a')?.committedAt).toMatch(/^2026-11-23T10:05:00/);
    expect(idx.knownStores().sort()).toEqual(['a', 'b', 'c']);
  });

  it('relates the revision Argo CD synced to a store commit along the first-parent chain', async () => {
    const idx = new StoreHistoryIndex(dir);
    await idx.update(sha['delete-b']);
    expect(idx.contains(sha['platform'], sha['add-b'])).toBe(true); // newer tip contains older store commit
    expect(idx.contains(sha['add-b'], sha['add-b'])).toBe(true);
    expect(idx.contains(sha['add-b'], sha['update-a'])).toBe(false); // synced to an older commit
    expect(idx.contains(sha['branch-c'], sha['merge-c'])).toBeUndefined(); // not on the first-parent chain
    expect(idx.contains('f'.repeat(40), sha['add-a'])).toBeUndefined(); // unknown (newer than this mirror)
  });

  it('updates incrementally when the branch moves', async () => {
    const idx = new StoreHistoryIndex(dir);
    await idx.update(sha['update-a']);
    expect(idx.latestCommit('c')).toBeUndefined();
    expect(idx.contains(sha['delete-b'], sha['add-a'])).toBeUndefined();
    await Promise.all([idx.update(sha['delete-b']), idx.update(sha['delete-b'])]);
    expect(idx.latestCommit('c')?.sha).toBe(sha['merge-c']);
    expect(idx.latestCommit('b')?.sha).toBe(sha['delete-b']);
    expect(idx.contains(sha['delete-b'], sha['add-a'])).toBe(true);
  });
});
