// GitHub App credentials for pull-request mode: reading the App's private key at start-up, the
// installation token for Git over https, and telling a refused token request from other errors.
// Neither the key nor a token ever goes into an error message or a log line.
import { createPrivateKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { InstallationAccessTokenAuthentication } from '@octokit/auth-app';
import { ConfigError } from '../config.ts';
import type { GitHubClient } from './octokit.ts';

const KEY_OPTION = 'github.privateKeyFile (STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE)';

/**
 * Reads and checks the App's private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8).
 * Throws ConfigError naming the option and the path, never the content.
 */
export function readAppPrivateKey(file: string): { privateKey: string; readableByOthers: boolean } {
  let pem: string;
  let mode: number;
  let gid: number;
  try {
    pem = readFileSync(file, 'utf8');
    ({ mode, gid } = statSync(file));
  } catch (err) {
    throw new ConfigError(`${KEY_OPTION}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let type: string | undefined;
  try {
    type = createPrivateKey(pem).asymmetricKeyType;
  } catch {
    throw new ConfigError(`${KEY_OPTION}: ${file} is not a PEM private key (use the .pem file GitHub generated for the App)`);
  }
  if (type !== 'rsa') throw new ConfigError(`${KEY_OPTION}: ${file} holds a ${type ?? 'unknown'} key; GitHub App keys are RSA`);
  // Group-readable is fine when the group is this process's own: in Kubernetes a Secret file is
  // owned by root and readable by the pod's fsGroup, so a non-root API needs mode 0440.
  const ownGroup = gid === process.getgid?.() || (process.getgroups?.() ?? []).includes(gid);
  return { privateKey: pem, readableByOthers: (mode & 0o007) !== 0 || ((mode & 0o070) !== 0 && !ownGroup) };
}

/**
 * A clear message when `err` is GitHub refusing to mint an installation token (wrong key, App
 * ID or installation ID, suspended installation); undefined for any other error.
 */
export function appCredentialsDetail(err: unknown): string | undefined {
  const e = err as { status?: number; request?: { url?: string }; response?: { data?: unknown } };
  // 4xx only: a 5xx or a network error is GitHub being unavailable, not the credentials being wrong.
  if (typeof e?.status !== 'number' || e.status < 400 || e.status >= 500 || e.status === 429) return undefined;
  if (!/\/app\/installations\/[^/]+\/access_tokens$/.test(e.request?.url ?? '')) return undefined;
  const data = e.response?.data as { message?: unknown } | undefined;
  const said = typeof data?.message === 'string' ? `: ${data.message.slice(0, 200)}` : '';
  return `GitHub refused the GitHub App credentials (HTTP ${e.status}${said}). Check github.appId, github.installationId and github.privateKeyFile.`;
}

/**
 * The current installation token, for Git over https. @octokit/auth-app caches it (59 minutes
 * of its 60) and mints a new one after that, so calling this before every fetch is cheap and
 * never hands Git an expired token.
 */
export function installationTokenSource(octokit: GitHubClient): () => Promise<string> {
  return async () => {
    try {
      const auth = (await octokit.auth({ type: 'installation' })) as InstallationAccessTokenAuthentication;
      return auth.token;
    } catch (err) {
      throw new Error(appCredentialsDetail(err) ?? `GitHub App installation token not available: ${(err as Error).message}`);
    }
  };
}
