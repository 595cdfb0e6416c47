// The GitHub stand-in's Git smart-HTTP endpoint answers from `git http-backend`'s output even when
// the backend does not read the request body (it never does for info/refs): the EPIPE of writing
// into its closed stdin once surfaced as an uncaught exception and failed a whole `npm test` run.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../git/exec.ts';
import { startGitHubMock, type GitHubMock } from './github-mock.ts';
import { seededRemote } from './harness.ts';

let gh: GitHubMock;

beforeAll(async () => {
  const remote = await seededRemote();
  const main = (await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim();
  gh = await startGitHubMock('acme', 'gitops', 'main', main, { gitDir: remote.dir });
});
afterAll(async () => {
  await gh?.close();
});

describe('GitHub stand-in: Git over HTTP', () => {
  it('answers a request whose body http-backend never reads (larger than a pipe buffer)', async () => {
    // A GET with a body (fetch cannot send one): http-backend answers the ref advertisement and exits.
    const body = Buffer.alloc(4 * 1024 * 1024, 'x');
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${gh.url}/acme/gitops.git/info/refs?service=git-upload-pack`, { method: 'GET', headers: { 'content-length': String(body.length) } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('refs/heads/main');
  });
});
