// Pull-request mode: one pull request per create/delete/restore/backup/rollback. Reads (platform.yaml, which
// stores exist, folder trees) come from the local mirror fetched over Git; the change itself is
// one commit made through GitHub's Git data API (trees → commit → ref) on a branch
// storefleet/<action>-<name>, then a pull request against the base branch. The rules are the
// store service's (api/stores/): this transport reads its base (branch + open pull requests) and writes.
import type { ResolvedPlatform } from '../../generator/platform.ts';
import { storeDir } from '../../generator/layout.ts';
import { parseStoreSpec, storeSpecYaml, type StoreSpec } from '../../generator/spec.ts';
import { ValidationError } from '../../generator/errors.ts';
import { markMessage, NEVER_RAN, removalNote, restoreMessage } from '../git/direct-writer.ts';
import { StoreLifetimes } from '../git/lifetimes.ts';
import type { Mirror } from '../git/mirror.ts';
import type { RepoState, Snapshot } from '../git/repo-state.ts';
import { trailerBlock } from '../git/trailers.ts';
import type { PushHook } from '../git/types.ts';
import { PlatformInvalid, StoreBusy, TransportUnavailable } from '../stores/errors.ts';
import type { ChangeSet, Decide, GitTransport, PendingChange, StoreView } from '../stores/port.ts';
import type { WriteRequest, WriteResult } from '../stores/types.ts';
import { appCredentialsDetail } from './app-auth.ts';
import type { GitHubClient } from './octokit.ts';

export interface PullRequestWriterOptions {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  base: string;
  mirror: Mirror;
  state: RepoState;
  /** How long the open pull request list is cached. */
  cacheMs?: number;
  log?: { warn(obj: object, msg: string): void };
}

type TreeEntry = { path: string; mode: '100644' | '040000'; type: 'blob' | 'tree'; content?: string; sha?: string | null };

// `remove`: phase 2 of a two-phase delete, opened by the API itself; `force-delete`: an admin's.
const BRANCH = /^storefleet\/(create|delete|restore|remove|force-delete|backup|rollback)-([a-z0-9-]+)$/;
const SPEC_BLOCK = /```yaml\n([\s\S]*?)```/;
/** Who asked and under which key, in the description (pulls.list has no commit messages): what a replay matches. */
const REQUEST_LINE = /<!-- storefleet-request: (\S+) (\S+) (\S+) -->/;
const requestLine = (by: string, key: string | undefined, digest: string) =>
  `<!-- storefleet-request: ${encodeURIComponent(by)} ${encodeURIComponent(key ?? '-')} ${encodeURIComponent(digest)} -->`;

export class PullRequestWriter implements GitTransport {
  readonly mode = 'pull-request' as const;
  private readonly o: PullRequestWriterOptions;
  private readonly lifetimes: StoreLifetimes;
  private prCache?: { at: number; value: Map<string, PendingChange> };

  constructor(opts: PullRequestWriterOptions) {
    this.o = opts;
    this.lifetimes = new StoreLifetimes(opts.mirror);
  }

  refresh(): Promise<string> {
    return this.o.mirror.fetch();
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
      if (refused) throw new TransportUnavailable(refused);
      const status = (err as { status?: number }).status;
      if (status === undefined || status >= 500 || status === 401 || status === 403 || status === 429) {
        throw new TransportUnavailable(`GitHub did not accept the request${status ? ` (HTTP ${status})` : ''}.`);
      }
      throw err;
    }
  }

  /** Reads the base branch and the open pull requests, lets the rules decide, opens a pull request. */
  async apply(req: WriteRequest, decide: Decide): Promise<WriteResult> {
    const { octokit, owner, repo, base, mirror, state } = this.o;
    const ref = await this.gh(() => octokit.rest.git.getRef({ owner, repo, ref: `heads/${base}` }));
    const baseSha = ref.data.object.sha;
    if (mirror.tip !== baseSha) await mirror.fetch();
    const tip = mirror.tip!;
    const [snap, pending, platform] = await Promise.all([
      state.snapshot(tip),
      // Fresh: the limit counts open pull requests, also those another replica opened a moment ago.
      this.gh(() => this.pendingChanges(true)),
      state.platform(tip).then(
        (p) => ({ p }),
        (err: unknown) => ({ err }),
      ),
      state.catchUp(tip),
    ]);
    const decision = await decide(this.viewOf(tip, snap, pending, platform));
    if ('replay' in decision) return decision.replay;
    const change = decision.change;
    const { name } = change;
    const who = req.requester;
    // Phase 2 and a forced delete get branches of their own: the mark's branch may still exist after its merge.
    const branch = `storefleet/${change.action === 'delete' && (change.why === 'remove' || change.why === 'force-delete') ? change.why : change.action === 'mark' ? 'delete' : change.action}-${name}`;
    const baseTree = (await mirror.cat.read(`${baseSha}^{tree}`))?.sha ?? (await this.gh(() => octokit.rest.git.getCommit({ owner, repo, commit_sha: baseSha }))).data.tree.sha;
    const { tree, title, detail } = await this.treeOf(change, snap, tip);
    const spec = change.spec;
    const adminLogin = change.action === 'create' ? change.adminLogin : undefined;

    const message = `${title}\n\n${detail ? `${detail}\n\n` : ''}Requested through Storefleet by ${who.name}.\n\n${trailerBlock(change.trailers)}`;
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
      // The branch exists: a pull request opened since the list above was read (another replica),
      // or a branch left behind by a closed one.
      const open = (await this.gh(() => this.pendingChanges(true))).get(name);
      if (open?.url) throw new StoreBusy(name, open.url);
      throw new StoreBusy(name, undefined, `Branch ${branch} exists without an open pull request; delete it on GitHub, then retry.`);
    }
    const body = [
      `${title}, requested by **${who.name}** (\`${who.id}\`) through Storefleet.`,
      '',
      change.action === 'create'
        ? 'Merging adds the rendered store folder; Argo CD then provisions it.'
        : change.action === 'mark'
          ? "Merging marks the store deleting: its apps stop and the Job final-backup backs up its database. Once Argo CD reports the Job complete, Storefleet opens the pull request that removes the folder; if the Job fails, the store and its data stay."
          : change.action === 'delete'
            ? `Merging removes the store folder; Argo CD then deletes the store namespace. Restorable by reverting.${removalNote(change.why).replace(/\n/g, ' ')}`
            : change.action === 'backup'
              ? 'Merging renders a manual-backup Job; Argo CD then runs it once (a snapshot tagged `manual`).'
              : change.action === 'rollback'
                ? `**Merging overwrites the store's current data** with snapshot \`${change.spec.rollback?.snapshot}\`: the app restarts and its restore step replaces the database once.`
                : 'Merging puts the store folder back exactly as it was before its deletion.',
      '',
      ...(spec ? ['```yaml', storeSpecYaml(spec).trimEnd(), '```'] : []),
      '',
      requestLine(who.id, req.idempotencyKey, req.digest),
    ].join('\n');
    const pr = await this.gh(() => octokit.rest.pulls.create({ owner, repo, title, head: branch, base, body }));
    this.prCache = undefined;
    const action = change.action === 'mark' ? 'delete' : change.action;
    return { action, name, commit: commit.data.sha, pullRequest: pr.data.html_url, spec, adminLogin, ...(change.action === 'mark' ? { marked: true } : {}), ...(change.action === 'delete' && change.why === 'never-ran' ? { notice: NEVER_RAN } : {}), replayed: false };
  }

  /** The base branch plus the open pull requests, as the rules see it. */
  private viewOf(tip: string, snap: Snapshot, pending: Map<string, PendingChange>, platform: { p: ResolvedPlatform } | { err: unknown }): StoreView {
    const { state } = this.o;
    return {
      tip,
      platform: () => {
        if ('p' in platform) return platform.p;
        throw new PlatformInvalid(platform.err instanceof ValidationError ? platform.err.message : 'platform.yaml cannot be read');
      },
      store: (name) => {
        const e = snap.stores.get(name);
        return e && { spec: e.spec };
      },
      pending: (name) => pending.get(name),
      ownerCount: (owner) => {
        let n = snap.ownerCounts().get(owner) ?? 0;
        for (const [name, p] of pending) if (p.action !== 'delete' && p.spec?.owner === owner && !snap.stores.has(name)) n++;
        return n;
      },
      findKey: (by, key) => {
        const merged = state.findKey(by, key);
        if (merged) return merged;
        for (const [store, p] of pending) {
          if (p.requestedBy === by && p.idempotencyKey === key && p.commit) return { sha: p.commit, action: p.action, store, digest: p.digest, pullRequest: p.url };
        }
        return undefined;
      },
      deletion: (name, owner) => this.lifetimes.deletion(tip, name, owner),
      storeFiles: async (name) => {
        const e = snap.stores.get(name);
        return e ? this.lifetimes.contents(tip, e.dir, name) : new Map();
      },
    };
  }

  /** The pull request's tree entries: the rendered folder, every file of the folder removed, or the folder as it was. */
  private async treeOf(change: ChangeSet, snap: Snapshot, tip: string): Promise<{ tree: TreeEntry[]; title: string; detail?: string }> {
    const { name } = change;
    const blobs = (files: ReadonlyMap<string, string>) => [...files].map(([path, content]): TreeEntry => ({ path, mode: '100644', type: 'blob', content }));
    const removed = async (keep: ReadonlyMap<string, string> = new Map()) => {
      const dir = snap.stores.get(name)!.dir; // the rules found it on this base
      const files = await this.o.mirror.run(['ls-tree', '-r', '--name-only', tip, '--', `${dir}/`]);
      return files.stdout
        .split('\n')
        .filter((path) => path && !keep.has(path))
        .map((path): TreeEntry => ({ path, mode: '100644', type: 'blob', sha: null }));
    };
    if (change.action === 'create') return { tree: blobs(change.files), title: `Create store ${name}` };
    if (change.action === 'mark') {
      // The marked folder: its files written, the app manifests it no longer renders removed.
      const [title, detail] = markMessage(name).split('\n\n');
      return { tree: [...(await removed(change.files)), ...blobs(change.files)], title, detail };
    }
    if (change.action === 'delete') return { tree: await removed(), title: `Delete store ${name}`, detail: removalNote(change.why).trim() || undefined };
    // The rendered folder; files it no longer has (an older manual-backup Job) are removed.
    if (change.action === 'backup' || change.action === 'rollback') return { tree: [...(await removed(change.files)), ...blobs(change.files)], title: change.title };
    const detail = restoreMessage(change.from).split('\n\n')[1];
    return { tree: [{ path: storeDir(name), mode: '040000', type: 'tree', sha: change.from.folderTree }], title: `Restore store ${name}`, detail };
  }

  /** Open Storefleet pull requests by store name (cached briefly; the list is one paginated call). */
  readonly pendingChanges = async (fresh = false): Promise<Map<string, PendingChange>> => {
    const now = Date.now();
    if (!fresh && this.prCache && now - this.prCache.at < (this.o.cacheMs ?? 15_000)) return this.prCache.value;
    const { octokit, owner, repo, base } = this.o;
    const prs = await octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: 'open', base, per_page: 100 });
    const out = new Map<string, PendingChange>();
    for (const pr of prs) {
      const m = BRANCH.exec(pr.head.ref);
      if (!m) continue;
      const [, branchAction, name] = m;
      const action = branchAction === 'remove' || branchAction === 'force-delete' ? 'delete' : branchAction;
      let spec: StoreSpec | undefined;
      const block = pr.body ? SPEC_BLOCK.exec(pr.body) : null;
      if (block) {
        try {
          spec = parseStoreSpec(block[1], `pull request #${pr.number}`, undefined, name);
        } catch (err) {
          this.o.log?.warn({ err: { message: (err as Error).message }, pullRequest: pr.html_url }, 'pull request: its store.yaml block does not parse; listed without a spec');
          spec = undefined;
        }
      }
      const asked = pr.body ? REQUEST_LINE.exec(pr.body) : null;
      const [by, key, digest] = asked ? asked.slice(1).map((v) => decodeURIComponent(v)) : [];
      out.set(name, {
        number: pr.number,
        url: pr.html_url,
        openedAt: pr.created_at,
        action: action as PendingChange['action'],
        spec,
        commit: pr.head.sha,
        ...(by ? { requestedBy: by, digest, ...(key !== '-' ? { idempotencyKey: key } : {}) } : {}),
      });
    }
    this.prCache = { at: now, value: out };
    return out;
  };
}
