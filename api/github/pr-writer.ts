// Pull-request mode: one pull request per create/delete/restore. Reads (platform.yaml, which
// stores exist, folder trees) come from the local mirror fetched over Git; the change itself is
// one commit made through GitHub's Git data API (trees → commit → ref) on a branch
// storefleet/<action>-<name>, then a pull request against the base branch.
import { ValidationError, issuesFromZod } from '../../generator/errors.ts';
import { storeDir } from '../../generator/layout.ts';
import { renderStore } from '../../generator/render.ts';
import { newStoreSpec, parseStoreSpec, storeSpecYaml, type StoreSpec } from '../../generator/spec.ts';
import type { PendingPullRequest } from '../app.ts';
import { RemoteUnavailableError, type Mirror } from '../git/mirror.ts';
import type { RepoState } from '../git/repo-state.ts';
import { trailerBlock, type WriteTrailers } from '../git/trailers.ts';
import type { PushHook, StoreWriter, WriteRequest, WriteResult } from '../git/types.ts';
import { ApiProblem, unavailableProblem, validationProblem } from '../problem.ts';
import { appCredentialsDetail } from './app-auth.ts';
import type { GitHubClient } from './octokit.ts';

export interface PullRequestWriterOptions {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  base: string;
  mirror: Mirror;
  state: RepoState;
  retryAfterSeconds?: number;
  /** How long the open pull request list is cached. */
  cacheMs?: number;
}

type TreeEntry = { path: string; mode: '100644' | '040000'; type: 'blob' | 'tree'; content?: string; sha?: string | null };

const BRANCH = /^storefleet\/(create|delete|restore)-([a-z0-9-]+)$/;
const SPEC_BLOCK = /```yaml\n([\s\S]*?)```/;

export class PullRequestWriter implements StoreWriter {
  readonly mode = 'pull-request' as const;
  private readonly o: PullRequestWriterOptions;
  private prCache?: { at: number; value: Map<string, PendingPullRequest> };

  constructor(opts: PullRequestWriterOptions) {
    this.o = opts;
  }

  onPush(_hook: PushHook): void {
    // Nothing is pushed to the watched branch: merging the pull request is the push (GitHub sends its own webhook).
  }

  private async gh<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      // GitHub App mode: the installation token request was refused (wrong key, App or installation ID).
      const refused = appCredentialsDetail(err);
      if (refused) throw unavailableProblem(refused, this.o.retryAfterSeconds ?? 30);
      const status = (err as { status?: number }).status;
      if (status === undefined || status >= 500 || status === 401 || status === 403 || status === 429) {
        throw unavailableProblem(`GitHub did not accept the request${status ? ` (HTTP ${status})` : ''}.`, this.o.retryAfterSeconds ?? 30);
      }
      throw err;
    }
  }

  async write(req: WriteRequest): Promise<WriteResult> {
    const { octokit, owner, repo, base, mirror, state } = this.o;
    const who = req.requester;
    const name = req.action === 'create' ? req.input.name : req.name;
    const branch = `storefleet/${req.action}-${name}`;

    const ref = await this.gh(() => octokit.rest.git.getRef({ owner, repo, ref: `heads/${base}` }));
    const baseSha = ref.data.object.sha;
    try {
      if (mirror.tip !== baseSha) await mirror.fetch();
    } catch (err) {
      if (err instanceof RemoteUnavailableError) throw unavailableProblem(`The Git remote cannot be reached: ${err.message}`, this.o.retryAfterSeconds ?? 30);
      throw err;
    }
    const tip = mirror.tip!;
    const snap = await state.snapshot(tip);
    const baseTree = (await mirror.cat.read(`${baseSha}^{tree}`))?.sha ?? (await this.gh(() => octokit.rest.git.getCommit({ owner, repo, commit_sha: baseSha }))).data.tree.sha;

    const trailers: WriteTrailers = { action: req.action, store: name, requestedBy: who.id, idempotencyKey: req.idempotencyKey, digest: req.digest };
    let tree: TreeEntry[];
    let title: string;
    let spec: StoreSpec | undefined;
    let adminLogin: WriteResult['adminLogin'];
    const notFound = () => new ApiProblem(404, 'store-not-found', 'Store not found', `There is no store named "${name}".`);

    if (req.action === 'create') {
      if (snap.stores.has(name)) throw new ApiProblem(409, 'store-exists', 'Store exists', `A store named "${name}" already exists.`);
      const platform = await state.platform(tip);
      const parsed = newStoreSpec({ ...req.input, name }, { owner: who.id, defaultPlan: platform.config.defaultPlan });
      if (!parsed.success) throw validationProblem(issuesFromZod('request', parsed.error));
      spec = parsed.data;
      if (who.role !== 'admin' && (snap.ownerCounts().get(who.id) ?? 0) >= platform.config.limits.storesPerOwner) {
        throw new ApiProblem(403, 'store-limit', 'Store limit reached', `You own ${platform.config.limits.storesPerOwner} stores, the limit set in platform.yaml (limits.storesPerOwner).`);
      }
      let rendered;
      try {
        rendered = renderStore({ spec, platform });
      } catch (err) {
        if (err instanceof ValidationError) throw validationProblem(err.issues);
        throw err;
      }
      adminLogin = rendered.adminLogin;
      tree = [...rendered.files].map(([path, content]) => ({ path, mode: '100644', type: 'blob', content }));
      title = `Create store ${name}`;
    } else if (req.action === 'delete') {
      const entry = snap.stores.get(name);
      if (!entry || (who.role !== 'admin' && entry.spec?.owner !== who.id)) throw notFound();
      spec = entry.spec;
      const files = await mirror.run(['ls-tree', '-r', '--name-only', tip, '--', `${entry.dir}/`]);
      tree = files.stdout
        .split('\n')
        .filter(Boolean)
        .map((path) => ({ path, mode: '100644', type: 'blob', sha: null }));
      title = `Delete store ${name}`;
    } else {
      if (snap.stores.has(name)) throw new ApiProblem(409, 'store-exists', 'Store exists', `"${name}" exists; nothing to restore.`);
      const log = await mirror.run(['log', '-1', '--diff-filter=D', '--format=%H', tip, '--', `${storeDir(name)}/store.yaml`]);
      const del = log.stdout.trim();
      const folder = del ? await mirror.cat.read(`${del}^:${storeDir(name)}`) : undefined;
      const text = del ? await mirror.cat.readText(`${del}^:${storeDir(name)}/store.yaml`) : undefined;
      if (!folder || text === undefined) throw notFound();
      try {
        spec = parseStoreSpec(text, `${storeDir(name)}/store.yaml`, undefined, name);
      } catch {
        spec = undefined;
      }
      if (who.role !== 'admin' && spec?.owner !== who.id) throw notFound();
      tree = [{ path: storeDir(name), mode: '040000', type: 'tree', sha: folder.sha }];
      title = `Restore store ${name}`;
    }

    const message = `${title}\n\nRequested through Storefleet by ${who.name}.\n\n${trailerBlock(trailers)}`;
    const newTree = await this.gh(() => octokit.rest.git.createTree({ owner, repo, base_tree: baseTree, tree }));
    const commit = await this.gh(() =>
      octokit.rest.git.createCommit({
        owner,
        repo,
        message,
        tree: newTree.data.sha,
        parents: [baseSha],
        author: { name: who.name, email: who.email, date: new Date().toISOString() },
      }),
    );
    try {
      await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: commit.data.sha });
    } catch (err) {
      if ((err as { status?: number }).status !== 422) return this.gh(() => Promise.reject(err));
      // The branch exists: the same request again (replay), or another one still open (409).
      const open = (await this.pendingPullRequests(true)).get(name);
      const existing = await this.gh(() => octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` }));
      const head = await this.gh(() => octokit.rest.git.getCommit({ owner, repo, commit_sha: existing.data.object.sha }));
      const sameKey = req.idempotencyKey && head.data.message.includes(`Idempotency-Key: ${req.idempotencyKey}\n`) && head.data.message.includes(`Request-Digest: ${req.digest}\n`);
      if (sameKey && open) return { action: req.action, name, commit: head.data.sha, pullRequest: open.url, spec: open.spec ?? spec, replayed: true };
      throw new ApiProblem(409, 'pull-request-open', 'A pull request is already open', `Branch ${branch} exists${open ? `: ${open.url}` : ''}. Merge or close it first.`);
    }
    const body = [
      `${title}, requested by **${who.name}** (\`${who.id}\`) through Storefleet.`,
      '',
      req.action === 'create'
        ? 'Merging adds the rendered store folder; Argo CD then provisions it.'
        : req.action === 'delete'
          ? 'Merging removes the store folder; Argo CD then deletes the store namespace. Restorable by reverting.'
          : 'Merging puts the store folder back exactly as it was before its deletion.',
      '',
      ...(spec ? ['```yaml', storeSpecYaml(spec).trimEnd(), '```'] : []),
    ].join('\n');
    const pr = await this.gh(() => octokit.rest.pulls.create({ owner, repo, title, head: branch, base, body }));
    this.prCache = undefined;
    return { action: req.action, name, commit: commit.data.sha, pullRequest: pr.data.html_url, spec, adminLogin, replayed: false };
  }

  /** Open Storefleet pull requests by store name (cached briefly; the list is one paginated call). */
  async pendingPullRequests(fresh = false): Promise<Map<string, PendingPullRequest>> {
    const now = Date.now();
    if (!fresh && this.prCache && now - this.prCache.at < (this.o.cacheMs ?? 15_000)) return this.prCache.value;
    const { octokit, owner, repo, base } = this.o;
    const prs = await octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: 'open', base, per_page: 100 });
    const out = new Map<string, PendingPullRequest>();
    for (const pr of prs) {
      const m = BRANCH.exec(pr.head.ref);
      if (!m) continue;
      const [, action, name] = m;
      let spec: StoreSpec | undefined;
      const block = pr.body ? SPEC_BLOCK.exec(pr.body) : null;
      if (block) {
        try {
          spec = parseStoreSpec(block[1], `pull request #${pr.number}`, undefined, name);
        } catch {
          spec = undefined;
        }
      }
      out.set(name, { number: pr.number, url: pr.html_url, openedAt: pr.created_at, action: action as PendingPullRequest['action'], spec });
    }
    this.prCache = { at: now, value: out };
    return out;
  }
}
