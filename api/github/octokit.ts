// GitHub client for pull-request mode: @octokit/rest with GitHub's documented retry and
// rate-limit behaviour (plugin-retry, plugin-throttling), authenticated with a token or as a
// GitHub App installation (@octokit/auth-app: it signs a JWT with the App's key, exchanges it
// for an installation token and mints a new one before the old one expires).
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

const StorefleetOctokit = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof StorefleetOctokit>;

/** What a GitHub App installation needs; the key is the PEM text (read from github.privateKeyFile). */
export interface GitHubAppCredentials {
  appId: number | string;
  installationId: number;
  privateKey: string;
}

export function createGitHubClient(opts: { token?: string; app?: GitHubAppCredentials; baseUrl: string; userAgent?: string; retries?: number }): GitHubClient {
  return new StorefleetOctokit({
    // Every request then carries an installation token (`authorization: token ghs_…`), minted with
    // POST /app/installations/{installation_id}/access_tokens and cached until shortly before expiry.
    ...(opts.app
      ? { authStrategy: createAppAuth, auth: { appId: opts.app.appId, privateKey: opts.app.privateKey, installationId: opts.app.installationId } }
      : { auth: opts.token }),
    baseUrl: opts.baseUrl,
    userAgent: opts.userAgent ?? 'storefleet',
    // Not `request.retries`: plugin-retry then retries every failure, 4xx included (422 three more times).
    retry: { retries: opts.retries ?? 3 },
    // Expected 4xx answers (e.g. 422 "Reference already exists") are handled by the caller, not logged as errors.
    log: { debug: () => {}, info: () => {}, warn: (m: string) => console.warn(m), error: () => {} },
    throttle: {
      // Retry a primary or secondary rate limit twice, then let the request fail (→ 503 to the caller).
      onRateLimit: (_after: number, _options: object, _octokit: unknown, retryCount: number) => retryCount < 2,
      onSecondaryRateLimit: (_after: number, _options: object, _octokit: unknown, retryCount: number) => retryCount < 2,
    },
  });
}

/**
 * The Git URL of a repository on the GitHub that `apiUrl` belongs to: api.github.com →
 * https://github.com, GitHub Enterprise https://<host>/api/v3 → https://<host>. With a token
 * the URL carries it (`x-access-token:<token>@`); a GitHub App's token is supplied by
 * InstallationTokenMirror instead.
 */
export function githubGitUrl(apiUrl: string, owner: string, repo: string, token?: string): string {
  const api = new URL(apiUrl);
  const web = api.hostname === 'api.github.com' ? new URL('https://github.com') : new URL(api.href.replace(/\/api\/v3\/?$/, '/'));
  const url = new URL(`${web.pathname.replace(/\/$/, '')}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}.git`, web.origin);
  if (token) {
    url.username = 'x-access-token';
    url.password = token;
  }
  return url.href;
}
