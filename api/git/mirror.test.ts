// The mirror's remote timeout counts silence, not duration: a long fetch that keeps reporting
// progress completes; one that says nothing for the whole timeout is abandoned.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit, type SimpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { seededRemote, tmp } from '../test-support/harness.ts';
import { runGit } from './exec.ts';
import { writeCommits } from './fast-import.ts';
import { gitErrorSummary, Mirror } from './mirror.ts';

const TIMEOUT_MS = 4000;
const SLOW_UPLOAD_PACK = fileURLToPath(new URL('../test-support/slow-upload-pack.mjs', import.meta.url));

describe('Mirror', () => {
  it('completes a fetch that lasts longer than the timeout while git reports progress', async () => {
    const remote = await seededRemote();
    // 500 files of random base64, ~390 kB packed. The remote trickles its answer at 64 kB/s at
    // most, so every fetch below lasts over 6 s against a 4 s timeout. git's sideband packets
    // carry up to 64 kB: with progress, the fetch prints a line at least once per packet (~1 s).
    const who = { name: 'T', email: 't@x' };
    const parent = (await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim();
    const changes = Array.from({ length: 500 }, (_, i) => ({ op: 'write' as const, path: `big/f${i}.txt`, content: randomBytes(768).toString('base64') }));
    const [tip] = await writeCommits(remote.dir, parent, [{ author: who, committer: who, time: 1_800_000_000, message: 'Big\n', changes }]);
    await runGit(remote.dir, ['update-ref', 'refs/heads/main', tip]);
    const url = `ext::${process.execPath} ${SLOW_UPLOAD_PACK} ${remote.dir}`;

    const mirror = new Mirror(join(tmp('sf-slow-'), 'm.git'), url, 'main', TIMEOUT_MS);
    await mirror.open();
    await mirror.run(['config', 'protocol.ext.allow', 'always']);
    // Control, at the same time: the same fetch without progress is silent for the whole timeout.
    const quiet = tmp('sf-quiet-');
    await runGit(quiet, ['init', '--bare', '--quiet']);
    await runGit(quiet, ['config', 'protocol.ext.allow', 'always']);
    const git = simpleGit({ baseDir: quiet, timeout: { block: TIMEOUT_MS } });
    const [fetched, control] = await Promise.allSettled([mirror.fetch(), git.raw(['fetch', '--quiet', url, 'refs/heads/main:refs/x'])]);
    mirror.close();
    expect(fetched).toEqual({ status: 'fulfilled', value: tip });
    expect(control.status === 'rejected' && String(control.reason)).toMatch(/block timeout/);
  }, 60_000);

  it('says why a fetch failed without its progress lines or credentials', () => {
    const output = [
      'remote: Enumerating objects: 5, done.',
      'remote: Counting objects:  40% (2/5)\rremote: Counting objects: 100% (5/5), done.',
      'Receiving objects:  60% (3/5)\rReceiving objects: 100% (5/5), done.',
      'fatal: unable to access https://x-access-token:ghp_secret@github.com/acme/gitops.git/: The requested URL returned error: 500',
      'fatal: early EOF',
    ].join('\n');
    const summary = gitErrorSummary(output);
    expect(summary).toBe('fatal: unable to access https://***@github.com/acme/gitops.git/: The requested URL returned error: 500 / fatal: early EOF');
  });

  it('keeps what a fetch brings as a pack: no loose object for maintenance to prune under it', async () => {
    const remote = await seededRemote();
    const mirror = new Mirror(join(tmp('sf-packed-'), 'm.git'), remote.fileUrl, 'main', 20_000);
    await mirror.open();
    await mirror.fetch();
    const who = { name: 'T', email: 't@x' };
    const old = (await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim();
    const [moved] = await writeCommits(remote.dir, old, [{ author: who, committer: who, time: 1_800_000_000, message: 'Small\n', changes: [{ op: 'write', path: 'small.txt', content: 'y\n' }] }]);
    await runGit(remote.dir, ['update-ref', 'refs/heads/main', moved]);
    expect(await mirror.fetch()).toBe(moved);
    mirror.close();
    const counts = Object.fromEntries((await runGit(mirror.dir, ['count-objects', '-v'])).stdout.trim().split('\n').map((l) => l.split(': ')));
    expect(counts.count).toBe('0');
  });

  it('runs fetches one after the other, each starting after its call', async () => {
    const remote = await seededRemote();
    const mirror = new Mirror(join(tmp('sf-serial-'), 'm.git'), remote.fileUrl, 'main', 20_000);
    await mirror.open();
    // Count git fetch processes running at once.
    const git = (mirror as unknown as { git: SimpleGit }).git;
    const raw = git.raw.bind(git);
    let running = 0;
    let most = 0;
    (git as { raw: (args: string[]) => Promise<string> }).raw = async (args: string[]) => {
      running++;
      most = Math.max(most, running);
      try {
        return await raw(args);
      } finally {
        running--;
      }
    };
    const first = mirror.fetch();
    // The remote moves while the first fetch may be under way: a fetch called now must see it.
    const who = { name: 'T', email: 't@x' };
    const old = (await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim();
    const [moved] = await writeCommits(remote.dir, old, [{ author: who, committer: who, time: 1_800_000_000, message: 'Moved\n', changes: [{ op: 'write', path: 'moved.txt', content: 'x\n' }] }]);
    await runGit(remote.dir, ['update-ref', 'refs/heads/main', moved]);
    const later = await Promise.all([mirror.fetch(), mirror.fetch()]);
    await first;
    mirror.close();
    expect(later).toEqual([moved, moved]);
    expect(most).toBe(1);
  });
});
