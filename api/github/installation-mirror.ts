// Git over https with GitHub App credentials. An App has no long-lived token to put into the
// remote URL (that is what token mode does), and an installation token expires after one hour,
// while the mirror keeps fetching for as long as the process runs. So the remote URL stays free
// of credentials and Git asks for them:
// - open() gives the mirror's own Git config a credential helper, scoped to the remote's origin,
//   that answers `username=x-access-token`, `password=$<variable>` (an empty helper entry first,
//   so no system or user helper is asked, or told to store the token);
// - before every fetch, push and ls-remote, <variable> in this process's environment, which
//   simple-git's Git children inherit, is set to the current installation token
//   (@octokit/auth-app reuses it for 59 minutes and then mints a new one).
// The token is never written to disk, never part of the URL, and never in Git's messages.
import { createHash } from 'node:crypto';
import type { MaintenanceOptions } from '../git/maintenance.ts';
import { Mirror, RemoteUnavailableError } from '../git/mirror.ts';

export class InstallationTokenMirror extends Mirror {
  /** Name of the environment variable the credential helper reads (one per mirror). */
  readonly credentialVariable: string;
  private readonly token: () => Promise<string>;

  /** True for the remotes this applies to: http(s) URLs without credentials of their own. */
  static suits(url: string): boolean {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
  }

  /** `token` returns a currently valid installation token; its error message is what callers see. */
  constructor(dir: string, url: string, branch: string, timeoutMs: number, token: () => Promise<string>, log?: MaintenanceOptions['log']) {
    super(dir, url, branch, timeoutMs, log);
    if (!InstallationTokenMirror.suits(url)) throw new Error('InstallationTokenMirror needs an http(s) remote URL without credentials');
    this.token = token;
    this.credentialVariable = `STOREFLEET_GIT_INSTALLATION_TOKEN_${createHash('sha256').update(dir).digest('hex').slice(0, 12).toUpperCase()}`;
  }

  override async open(): Promise<void> {
    await super.open();
    const key = `credential.${new URL(this.url).origin}.helper`;
    await this.run(['config', '--unset-all', key], [0, 5]);
    await this.run(['config', '--add', key, '']);
    await this.run(['config', '--add', key, `!f() { test "$1" = get || return 0; echo username=x-access-token; echo "password=$${this.credentialVariable}"; }; f`]);
  }

  /** Puts a current installation token where the credential helper reads it. */
  private async refreshCredential(): Promise<void> {
    try {
      process.env[this.credentialVariable] = await this.token();
    } catch (err) {
      const e = new RemoteUnavailableError((err as Error).message);
      this.lastFetchError = e.message;
      throw e;
    }
  }

  override async fetch(): Promise<string> {
    await this.refreshCredential();
    return super.fetch();
  }

  override async push(sha: string): Promise<'ok' | 'rejected'> {
    await this.refreshCredential();
    return super.push(sha);
  }

  override async lsRemote(): Promise<string | undefined> {
    await this.refreshCredential();
    return super.lsRemote();
  }

  override close(): void {
    delete process.env[this.credentialVariable];
    super.close();
  }
}
