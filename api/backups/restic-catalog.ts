// The backup catalog over restic: `restic snapshots --json` against the store's repository on the
// platform's S3 target (constructs/backup repositoryUrl(): s3:<endpoint>/<bucket>/<prefix>/<store>).
// Credentials reach restic as environment data only; errors name the store and the failure, never
// a secret. Answers are cached briefly, runs are bounded in number and time, and the listing
// takes no lock (--no-lock), so it never blocks a running backup or prune.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import pLimit from 'p-limit';
import { repositoryUrl, type BackupTargetProps } from '../../constructs/backup/backup.ts';
import { redactCredentials, type BackupCredentials } from './credentials.ts';
import { BackupTargetError, type BackupCatalog, type BackupListing } from './port.ts';
import { parseSnapshots } from './snapshots.ts';

/** Where the repositories are: platform.yaml's `backup.target` without its sealed credentials. */
export type BackupTargetLocation = Pick<BackupTargetProps, 'endpoint' | 'bucket' | 'region' | 'prefix'>;

export interface ResticCatalogOptions {
  /** The target at the current branch tip; undefined when platform.yaml configures none. */
  target: () => Promise<BackupTargetLocation | undefined>;
  /** The unsealed credentials (backup.credentialsFile); undefined: the API cannot read the target. */
  credentials?: BackupCredentials;
  /** The restic binary (>= 0.17 for exit codes and sizes). */
  restic: string;
  cacheMs: number;
  timeoutMs: number;
  concurrency: number;
  now?: () => number;
}

/** A finished restic run. */
export interface ResticRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** restic's documented exit codes (>= 0.17). */
const EXIT_NO_REPOSITORY = 10;
const EXIT_WRONG_PASSWORD = 12;
/** How long one reachability answer of the endpoint stands (a check of many stores asks once). */
const PROBE_TTL_MS = 10_000;

/** restic's own words: the `message` of its JSON exit error (--json), else its last line. */
function resticMessage(stderr: string): string {
  const last = stderr.split('\n').filter((l) => l.trim() !== '').at(-1) ?? '';
  try {
    const m = (JSON.parse(last) as { message?: unknown }).message;
    if (typeof m === 'string') return m.split('\n')[0];
  } catch {
    /* not JSON */
  }
  return last;
}

/** Why a restic run failed, in words that name the store and what to do, never a secret. */
export function classifyFailure(store: string, run: ResticRun, credentials: BackupCredentials): BackupTargetError | 'no-repository' {
  const err = redactCredentials(run.stderr, credentials);
  if (run.timedOut) return new BackupTargetError('timeout', `the backup target did not answer in time for store ${store}: check that the S3 endpoint is reachable from the API`);
  // Refused credentials first: restic then also asks "Is there a repository at the following location?".
  if (/Access Denied|InvalidAccessKeyId|SignatureDoesNotMatch|403 Forbidden/i.test(err)) {
    return new BackupTargetError('failed', `the backup target refused the API's S3 credentials for store ${store}: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the backup credentials file`);
  }
  // restic < 0.17 has no exit code 10: "the specified key does not exist" (the config object) instead.
  if (run.code === EXIT_NO_REPOSITORY || (run.code === 1 && /repository does not exist|The specified key does not exist|NoSuchKey/i.test(err))) return 'no-repository';
  if (run.code === EXIT_WRONG_PASSWORD || /wrong password or no key found/i.test(err)) {
    return new BackupTargetError('wrong-password', `the repository password does not open the backups of store ${store}: the API's RESTIC_PASSWORD differs from the one the backups were made with`);
  }
  if (/connection refused|no such host|dial tcp|i\/o timeout|network is unreachable|connection reset/i.test(err)) {
    return new BackupTargetError('unreachable', `the backup target is unreachable for store ${store}: check the S3 endpoint in platform.yaml and the network between the API and it`);
  }
  // restic's own words ("Fatal: …"), with any credential value removed.
  const fatal = resticMessage(err).slice(0, 300);
  return new BackupTargetError('failed', `listing the backups of store ${store} failed (restic exit ${run.code ?? 'signal'})${fatal ? `: ${fatal}` : ''}`);
}

export class ResticCatalog implements BackupCatalog {
  readonly #o: ResticCatalogOptions;
  readonly #limit: ReturnType<typeof pLimit>;
  readonly #cache = new Map<string, { at: number; answer: Promise<BackupListing> }>();
  readonly #probes = new Map<string, { at: number; ok: Promise<boolean> }>();
  readonly #now: () => number;

  constructor(o: ResticCatalogOptions) {
    this.#o = o;
    this.#limit = pLimit(o.concurrency);
    this.#now = o.now ?? Date.now;
  }

  list(store: string): Promise<BackupListing> {
    const now = this.#now();
    const hit = this.#cache.get(store);
    if (hit && now - hit.at < this.#o.cacheMs) return hit.answer;
    const answer = this.#read(store);
    this.#cache.set(store, { at: now, answer });
    // Keep the cache bounded: expired entries go on the next miss.
    if (this.#cache.size > 1024) for (const [k, v] of this.#cache) if (now - v.at >= this.#o.cacheMs) this.#cache.delete(k);
    return answer;
  }

  /** Drops the cached answer (after a write changed the store's snapshots). */
  invalidate(store: string): void {
    this.#cache.delete(store);
  }

  async #read(store: string): Promise<BackupListing> {
    const target = await this.#o.target();
    if (!target) return { target: false };
    const credentials = this.#o.credentials;
    if (!credentials) {
      throw new BackupTargetError('failed', 'platform.yaml configures a backup target but the API has no credentials for it: set backup.credentialsFile (STOREFLEET_BACKUP_CREDENTIALS_FILE)');
    }
    // restic retries a refused connection for many minutes: ask the endpoint first.
    if (!(await this.#reachable(target.endpoint))) {
      throw new BackupTargetError('unreachable', `the backup target is unreachable for store ${store}: check the S3 endpoint in platform.yaml and the network between the API and it`);
    }
    const run = await this.#limit(() => this.run(['snapshots', '--json', '--no-lock', '--no-cache'], target, store, credentials));
    if (run.code !== 0 || run.timedOut) {
      const failure = classifyFailure(store, run, credentials);
      if (failure === 'no-repository') return { target: true, snapshots: [] };
      throw failure;
    }
    try {
      return { target: true, snapshots: parseSnapshots(run.stdout, store) };
    } catch (err) {
      throw new BackupTargetError('failed', `restic printed no snapshot list for store ${store}: ${(err as Error).message}`);
    }
  }

  /** Whether the endpoint answers HTTP at all (any status); remembered for a few seconds. */
  #reachable(endpoint: string): Promise<boolean> {
    const now = this.#now();
    const hit = this.#probes.get(endpoint);
    if (hit && now - hit.at < PROBE_TTL_MS) return hit.ok;
    const ok = fetch(endpoint, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(Math.min(this.#o.timeoutMs, 5000)) }).then(
      () => true,
      () => false,
    );
    this.#probes.set(endpoint, { at: now, ok });
    return ok;
  }

  /** Forgets snapshots by ID and prunes their data (retention of deleted stores' backups). */
  async forget(store: string, ids: string[]): Promise<void> {
    const target = await this.#o.target();
    const credentials = this.#o.credentials;
    if (!target || !credentials || !ids.length) return;
    if (!(await this.#reachable(target.endpoint))) throw new BackupTargetError('unreachable', `the backup target is unreachable for store ${store}`);
    const run = await this.#limit(() => this.run(['forget', '--prune', '--no-cache', '--', ...ids], target, store, credentials));
    if (run.code !== 0 || run.timedOut) {
      const failure = classifyFailure(store, run, credentials);
      if (failure !== 'no-repository') throw failure;
    }
  }

  /** Runs restic on the store's repository; every value is environment data, the arguments are fixed. */
  run(args: string[], target: BackupTargetLocation, store: string, credentials: BackupCredentials): Promise<ResticRun> {
    const env = {
      RESTIC_REPOSITORY: repositoryUrl(target, store),
      ...credentials,
      AWS_DEFAULT_REGION: target.region,
      HOME: tmpdir(),
      PATH: process.env.PATH ?? '/usr/bin:/bin',
    };
    return new Promise((resolve) => {
      execFile(this.#o.restic, args, { env, timeout: this.#o.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 32 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
        if (e && typeof e.code === 'string') {
          // The binary itself could not run (ENOENT, EACCES).
          resolve({ code: null, stdout: '', stderr: `cannot run restic (${this.#o.restic}): ${e.code}; install restic >= 0.17 or set backup.resticBin`, timedOut: false });
          return;
        }
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr, timedOut: Boolean(e?.killed) });
      });
    });
  }
}
