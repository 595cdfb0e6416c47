// After every push: a signed GitHub-format push event to Argo CD's `/api/webhook` (API server) and to
// the ApplicationSet controller's `/api/webhook` (its own listener, `--webhook-addr`, default :7000),
// so a change starts syncing in seconds instead of at the next 3-minute poll.
//
// What Argo CD v3.2 reads (util/webhook/webhook.go, applicationset/webhook/webhook.go, and
// go-playground/webhooks v6.4.0 github.Parse):
// - POST with `X-GitHub-Event: push`; when `webhook.github.secret` is set, `X-Hub-Signature-256:
//   sha256=<hex HMAC-SHA256 of the raw body>` (the only signature header v6.4 checks); JSON body.
// - `repository.html_url` is the only URL used to match Applications/generators: its host and path
//   must equal the repoURL's (scheme http/https/ssh, optional port, optional `.git`). A `file://` or
//   `git://` repoURL can never match, so webhooks only help with http(s)/ssh remotes.
// - `ref` (refs/heads/<branch>), `repository.default_branch` (a push to it "touches HEAD", which
//   matters for targetRevision HEAD), `before`/`after`, and `commits[].added/modified/removed`
//   (an empty list means "refresh every app of the repo"; with the annotation
//   `argocd.argoproj.io/manifest-generate-paths` only apps whose paths changed are refreshed).
// A failed notification is logged and counted; it never fails the write (Argo CD still polls).
import { createHmac, randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { StatusMetrics } from './metrics.ts';

// The writer's description of a pushed commit is already in GitHub's push-event shape.
import type { PushedCommit } from '../git/types.ts';
export type { PushedCommit };

export interface PushNotice {
  /** Branch name (`main`) or full ref (`refs/heads/main`). */
  branch: string;
  /** The branch tip before the push; '' when not known for sure (another replica may have pushed). */
  before: string;
  after: string;
  /** Oldest first, as GitHub lists them. */
  commits: PushedCommit[];
  pusher?: { name: string; email: string };
}

export interface WebhookTarget {
  /** Metric label: `argocd` or `applicationset`. */
  name: string;
  url: string;
}

export interface WebhookNotifierOptions {
  /** The GitOps repo URL exactly as Argo CD's Applications and the ApplicationSet use it. */
  repoURL: string;
  defaultBranch?: string;
  targets: WebhookTarget[];
  /** Argo CD's `webhook.github.secret`. Without it the events are sent unsigned. */
  secret?: string;
  timeoutMs?: number;
  /** Bodies above this are sent without file lists (Argo CD then refreshes every app of the repo). */
  maxBodyBytes?: number;
  fetch?: typeof fetch;
  logger?: Logger;
  metrics?: StatusMetrics;
}

export interface NotifyResult {
  target: string;
  ok: boolean;
  status?: number;
  error?: string;
}

const ZERO_SHA = '0000000000000000000000000000000000000000';

/**
 * The web URL Argo CD matches against repoURLs: credentials and `.git` dropped, ssh forms turned into
 * https (Argo's regex accepts any scheme in front of the same host and path).
 */
export function webURLOf(repoURL: string): string {
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(repoURL); // git@host:org/repo.git
  if (scp && !repoURL.includes('://')) return `https://${scp[1]}/${scp[2].replace(/\.git$/, '')}`;
  try {
    const u = new URL(repoURL);
    u.username = '';
    u.password = '';
    const scheme = u.protocol === 'ssh:' ? 'https:' : u.protocol;
    return `${scheme}//${u.host}${u.pathname.replace(/\/+$/, '').replace(/\.git$/, '')}`;
  } catch {
    return repoURL.replace(/\.git$/, '');
  }
}

/** The GitHub push event (https://docs.github.com/webhooks/webhook-events-and-payloads#push), the fields Argo CD reads and a few more for humans. */
export function buildGitHubPushPayload(repoURL: string, push: PushNotice, defaultBranch = 'main', withFiles = true): Record<string, unknown> {
  const htmlURL = webURLOf(repoURL);
  const path = new URL(htmlURL.includes('://') ? htmlURL : `https://${htmlURL}`).pathname.replace(/^\//, '');
  const name = path.split('/').pop() || 'gitops';
  const owner = path.split('/').slice(-2, -1)[0] ?? '';
  const ref = push.branch.startsWith('refs/') ? push.branch : `refs/heads/${push.branch}`;
  const commit = (c: PushedCommit) => ({
    id: c.sha,
    distinct: true,
    message: c.message,
    timestamp: c.timestamp,
    url: `${htmlURL}/commit/${c.sha}`,
    author: { name: c.author.name, email: c.author.email, username: '' },
    committer: { name: c.author.name, email: c.author.email, username: '' },
    added: withFiles ? c.added : [],
    removed: withFiles ? c.removed : [],
    modified: withFiles ? c.modified : [],
  });
  const pusher = push.pusher ?? push.commits.at(-1)?.author ?? { name: 'storefleet', email: '' };
  return {
    ref,
    // Empty when unknown: Argo CD then skips moving its manifest cache from `before` to `after`.
    before: push.before,
    after: push.after,
    created: push.before === ZERO_SHA,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: push.before ? `${htmlURL}/compare/${push.before.slice(0, 12)}...${push.after.slice(0, 12)}` : '',
    commits: push.commits.map(commit),
    head_commit: push.commits.length ? commit(push.commits[push.commits.length - 1]) : null,
    repository: {
      name,
      full_name: owner ? `${owner}/${name}` : name,
      owner: { login: owner, name: owner },
      private: true,
      html_url: htmlURL,
      url: htmlURL,
      clone_url: repoURL.includes('://') ? repoURL.replace(/\/\/[^@/]*@/, '//') : repoURL,
      ssh_url: repoURL.includes('://') ? '' : repoURL,
      default_branch: defaultBranch,
      master_branch: defaultBranch,
    },
    pusher: { name: pusher.name, email: pusher.email },
    sender: { login: 'storefleet' },
  };
}

/** GitHub's `X-Hub-Signature-256` value: `sha256=` + hex HMAC-SHA256 of the exact body bytes. */
export function signBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class ArgoWebhookNotifier {
  readonly #o: WebhookNotifierOptions;
  readonly #fetch: typeof fetch;
  readonly #log: Logger;

  constructor(options: WebhookNotifierOptions) {
    this.#o = options;
    this.#fetch = options.fetch ?? fetch;
    this.#log = options.logger ?? pino({ level: 'silent' });
  }

  /** Sends the push event to every target in parallel. Never throws; resolves when all answered or timed out. */
  async notifyPush(push: PushNotice): Promise<NotifyResult[]> {
    if (this.#o.targets.length === 0) return [];
    let body: string;
    try {
      const max = this.#o.maxBodyBytes ?? 20 * 1024 * 1024; // Argo CD's default limit is 50 MB
      body = JSON.stringify(buildGitHubPushPayload(this.#o.repoURL, push, this.#o.defaultBranch));
      if (Buffer.byteLength(body) > max) {
        this.#log.warn({ bytes: Buffer.byteLength(body), max }, 'push event too large: sending it without file lists');
        body = JSON.stringify(buildGitHubPushPayload(this.#o.repoURL, push, this.#o.defaultBranch, false));
      }
    } catch (e) {
      this.#log.error({ err: e }, 'could not build the Argo CD push event');
      return this.#o.targets.map((t) => ({ target: t.name, ok: false, error: 'payload' }));
    }
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'Storefleet-Hookshot/1',
      'X-GitHub-Event': 'push',
      'X-GitHub-Delivery': randomUUID(),
    };
    if (this.#o.secret) headers['X-Hub-Signature-256'] = signBody(body, this.#o.secret);
    return Promise.all(this.#o.targets.map((t) => this.#send(t, body, headers, push.after)));
  }

  async #send(target: WebhookTarget, body: string, headers: Record<string, string>, after: string): Promise<NotifyResult> {
    const m = this.#o.metrics;
    try {
      const res = await this.#fetch(target.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.#o.timeoutMs ?? 5_000),
      });
      const text = res.ok ? '' : (await res.text().catch(() => '')).slice(0, 200);
      await res.body?.cancel().catch(() => undefined);
      if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}${text ? `: ${text.trim()}` : ''}`), { status: res.status });
      m?.webhookNotifications.inc({ target: target.name, outcome: 'ok' });
      this.#log.debug({ target: target.name, after }, 'Argo CD notified of push');
      return { target: target.name, ok: true, status: res.status };
    } catch (e) {
      const status = (e as { status?: number }).status;
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      const error = `${e instanceof Error ? e.message : String(e)}${cause ? ` (${cause})` : ''}`;
      m?.webhookNotifications.inc({ target: target.name, outcome: 'error' });
      m?.webhookFailures.inc({ target: target.name });
      // Logged without headers or body: the signature is derived from the secret.
      this.#log.warn({ target: target.name, url: target.url, after, error }, 'Argo CD webhook notification failed; Argo CD will pick the change up at its next poll');
      return { target: target.name, ok: false, status, error };
    }
  }
}
