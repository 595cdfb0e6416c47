// Mirror maintenance on a real mirror: packs left by fast-import batches are rolled up and a
// commit-graph appears, while writes keep working.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRemote, tmp } from '../test-support/harness.ts';
import { runGit } from './exec.ts';
import { writeCommits, type CommitPlan } from './fast-import.ts';
import { MirrorMaintenance } from './maintenance.ts';
import { Mirror } from './mirror.ts';

// fast-import turns a batch of fewer than 100 objects into loose objects instead of a pack: 120 files each.
const commitOf = (path: string): CommitPlan => ({
  author: { name: 'A', email: 'a@x' },
  committer: { name: 'C', email: 'c@x' },
  time: 1_800_000_000,
  message: `Write ${path}\n`,
  changes: Array.from({ length: 120 }, (_, i) => ({ op: 'write' as const, path: `${path}.d/${i}`, content: `${path} ${i}\n` })).concat([{ op: 'write', path, content: `${path}\n` }]),
});

describe('MirrorMaintenance', () => {
  it('rolls up the packs of many batches and writes a commit-graph; later batches still work', async () => {
    const remote = await seededRemote();
    const mirror = new Mirror(join(tmp('sf-maint-'), 'm.git'), remote.fileUrl, 'main', 5000);
    await mirror.open();
    let tip = await mirror.fetch();
    await mirror.maintenance.idle(); // the first fetch runs it once (a fresh clone has no commit-graph)
    expect(existsSync(join(mirror.dir, 'objects', 'info', 'commit-graphs'))).toBe(true);
    const maintenance = new MirrorMaintenance(mirror.dir, mirror.importer, { every: 1000, maxPacks: 6 });
    for (let i = 0; i < 8; i++) [tip] = await mirror.importer.write(tip, [commitOf(`f${i}.txt`)]);
    expect(maintenance.packCount()).toBeGreaterThan(6);
    maintenance.poke();
    await maintenance.idle();
    expect(maintenance.runs).toBe(1);
    expect(maintenance.packCount()).toBeLessThanOrEqual(3);
    [tip] = await mirror.importer.write(tip, [commitOf('after.txt')]);
    await runGit(mirror.dir, ['fsck', '--no-progress', '--connectivity-only', tip]);
    expect((await runGit(mirror.dir, ['show', `${tip}:f3.txt`])).stdout).toBe('f3.txt\n');
    mirror.close();
  });

  it('does nothing until a run is due', async () => {
    const dir = tmp('sf-maint-');
    await runGit(dir, ['init', '--bare', '--quiet']);
    await writeCommits(dir, '', [commitOf('a.txt')]);
    const { FastImporter } = await import('./fast-import.ts');
    const m = new MirrorMaintenance(dir, new FastImporter(dir), { every: 3, maxPacks: 100 });
    m.poke(); // the first poke always runs
    await m.idle();
    m.poke();
    m.poke();
    await m.idle();
    expect(m.runs).toBe(1);
    m.poke();
    await m.idle();
    expect(m.runs).toBe(2);
  });

  it('a failing run is logged as a warning, and a later poke tries again', async () => {
    const dir = tmp('sf-maint-'); // not a repository: repack fails
    const { FastImporter } = await import('./fast-import.ts');
    const warnings: string[] = [];
    const m = new MirrorMaintenance(dir, new FastImporter(dir), { every: 1, log: { warn: (_obj, msg) => warnings.push(msg) } });
    m.poke();
    await m.idle();
    expect(m.runs).toBe(0);
    expect(warnings).toEqual(['mirror maintenance failed (the next run tries again)']);
    m.poke();
    await m.idle();
    expect(warnings).toHaveLength(2);
  });
});
