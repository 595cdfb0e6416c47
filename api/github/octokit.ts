// GitHub client for pull-request mode: @octokit/rest with GitHub's documented retry and
// rate-limit behaviour (plugin-retry, plugin-throttling).
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

const StorefleetOctokit = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof StorefleetOctokit>;

export function createGitHubClient(opts: { token?: string; baseUrl: string; userAgent?: string; retries?: number }): GitHubClient {
  return new StorefleetOctokit({
    auth: opts.token,
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
