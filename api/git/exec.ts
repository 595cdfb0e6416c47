// Runs the real git binary. Hot paths use long-running processes (cat-file) or one process per
// batch (fast-import); this helper is for the occasional one-shot plumbing command.
import { spawn } from 'node:child_process';

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * glibc trims the heap after every large free, so git's per-object zlib streams page-fault fresh
 * memory in again: ~40% of fast-import's and pack-objects' time here was the kernel zeroing pages.
 * A high trim threshold keeps that memory (a few MB per process). Ignored by other libcs.
 */
const MALLOC_TUNABLES = 'glibc.malloc.trim_threshold=268435456:glibc.malloc.top_pad=16777216';

export function withMallocTunables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const own = env.GLIBC_TUNABLES;
  if (own?.includes(MALLOC_TUNABLES)) return env;
  return { ...env, GLIBC_TUNABLES: own ? `${MALLOC_TUNABLES}:${own}` : MALLOC_TUNABLES };
}

/** Environment for every local git child: never prompt, never read the user's global config. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...withMallocTunables(process.env),
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    LC_ALL: 'C',
    ...extra,
  };
}

export function runGit(
  cwd: string,
  args: string[],
  opts: { input?: string | Buffer; env?: Record<string, string>; okCodes?: number[]; signal?: AbortSignal } = {},
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    // `signal`: aborting kills the child and rejects with an AbortError.
    const child = spawn('git', args, { cwd, env: gitEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'], signal: opts.signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.stdin.on('error', () => {}); // the child may exit before reading all input; its exit code tells
    child.on('close', (code) => {
      const res = { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code: code ?? -1 };
      if ((opts.okCodes ?? [0]).includes(res.code)) resolve(res);
      else reject(new GitError(`git ${args[0]} failed (${res.code}): ${res.stderr.trim().split('\n').slice(-3).join(' / ')}`, res));
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

export class GitError extends Error {
  readonly result: GitResult;
  constructor(message: string, result: GitResult) {
    super(message);
    this.name = 'GitError';
    this.result = result;
  }
}
