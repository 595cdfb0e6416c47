// The two Git transports as test setups over one seeded remote: direct mode (the real remote) and
// pull-request mode (the GitHub stand-in over the same remote's history). Used by the transport
// contract suite and the store-rule tests; everything started here is closed by `close()`.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from '../git/exec.ts';
import type { RunningServer, ServerOptions } from '../server.ts';
import { startGitHubMock, type GitHubMock } from './github-mock.ts';
import { seededRemote, startApi, type Remote } from './harness.ts';

export type TransportKind = 'direct' | 'pull-request';

export interface TransportSetup {
  kind: TransportKind;
  remote: Remote;
  api: RunningServer;
  gh?: GitHubMock;
  close(): Promise<void>;
}

/** Commits `edit(platform.yaml)` to the remote's main branch (as a person would). */
export async function editPlatformYaml(remote: Remote, edit: (text: string) => string): Promise<void> {
  const w = join(mkdtempSync(join(tmpdir(), 'sf-edit-')), 'w');
  await runGit(tmpdir(), ['clone', '--quiet', remote.dir, w]);
  writeFileSync(join(w, 'platform.yaml'), edit(readFileSync(join(w, 'platform.yaml'), 'utf8')));
  await runGit(w, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-am', 'Edit platform.yaml']);
  await runGit(w, ['push', '--quiet', 'origin', 'HEAD:main']);
}

/**
 * A remote prepared by `seed` (an API in direct mode on it), then an API of the `kind` asked for.
 * Pull-request mode starts the GitHub stand-in at the seeded tip.
 */
export async function startTransport(kind: TransportKind, seed?: (direct: RunningServer, remote: Remote) => Promise<void>, opts: ServerOptions = {}): Promise<TransportSetup> {
  const remote = await seededRemote();
  if (seed) {
    const direct = await startApi(remote.fileUrl);
    try {
      await seed(direct, remote);
    } finally {
      await direct.close();
    }
  }
  if (kind === 'direct') {
    const api = await startApi(remote.fileUrl, {}, opts);
    return { kind, remote, api, close: () => api.close() };
  }
  const main = (await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim();
  const gh = await startGitHubMock('acme', 'gitops', 'main', main);
  const api = await startApi(remote.fileUrl, {
    STOREFLEET_GITHUB_OWNER: 'acme',
    STOREFLEET_GITHUB_REPO: 'gitops',
    STOREFLEET_GITHUB_TOKEN: 'ghp_testtoken',
    STOREFLEET_GITHUB_API_URL: gh.url,
  }, opts);
  return {
    kind,
    remote,
    api,
    gh,
    async close() {
      await api.close();
      await gh.close();
    },
  };
}
