// `storefleet token create|list|revoke`: API users and their tokens without hand-hashing. The
// tokens file keeps only SHA-256 digests (api/auth.ts); a new token is printed once, on stdout
// alone, so `t=$(storefleet token create …)` works. Writes are atomic (temp file + rename), so
// a running API, which re-reads the file when its mtime changes, never sees half a file.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseCommand, UsageError } from '../generator/args.ts';
import { commandHelp } from '../generator/usage.ts';
import { hashToken, newToken, tokensFileSchema, tokensYaml, type TokensFile } from './auth.ts';

export interface TokenOutput {
  /** stdout: only what a script would capture (the new token, the list). */
  log(line: string): void;
  /** stderr: messages for the person. */
  error(line: string): void;
}

const consoleOutput: TokenOutput = {
  log: (l) => process.stdout.write(l + '\n'),
  error: (l) => process.stderr.write(l + '\n'),
};

const LOCATION = {
  'data-dir': { type: 'string' },
  'tokens-file': { type: 'string' },
} as const;

/** A problem with the file or the request (exit 1): nothing was changed. */
class TokenError extends Error {}

interface Target {
  file: string;
  /** Only an explicitly named tokens file may be created; a data dir's is created by `serve`. */
  mayCreate: boolean;
}

/** --tokens-file, else <--data-dir>/tokens.yaml, else the same defaults as `storefleet serve`. */
function target(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): Target {
  const dataDir = values['data-dir'] as string | undefined;
  const tokensFile = values['tokens-file'] as string | undefined;
  if (dataDir && tokensFile) throw new UsageError('give --data-dir or --tokens-file, not both');
  if (tokensFile) return { file: resolve(tokensFile), mayCreate: true };
  if (dataDir) return { file: resolve(dataDir, 'tokens.yaml'), mayCreate: false };
  if (env.STOREFLEET_TOKENS_FILE) return { file: resolve(env.STOREFLEET_TOKENS_FILE), mayCreate: false };
  return { file: resolve(env.STOREFLEET_DATA_DIR || '.storefleet-data', 'tokens.yaml'), mayCreate: false };
}

function read(t: Target, forWrite: boolean): TokensFile {
  if (!existsSync(t.file)) {
    if (forWrite && t.mayCreate) return { tokens: [] };
    throw new TokenError(
      `no tokens file at ${t.file}: start the API once with the same data dir (storefleet serve --data-dir ${dirname(t.file)}) to create it, or name a file with --tokens-file`,
    );
  }
  let data: unknown;
  try {
    data = parseYaml(readFileSync(t.file, 'utf8'));
  } catch (err) {
    throw new TokenError(`${t.file} is not valid YAML (${(err as Error).message.split('\n')[0]}); fix it by hand first, nothing was changed`);
  }
  const parsed = tokensFileSchema.safeParse(data);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new TokenError(`${t.file} is not a valid tokens file (${why}); fix it by hand first, nothing was changed`);
  }
  return parsed.data;
}

/** Writes next to the file, then renames over it: readers see the old file or the new one. */
export function writeTokensFileAtomically(file: string, data: TokensFile): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, tokensYaml(data), { mode: 0o600, flag: 'wx' });
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

function oneUser(positionals: string[], sub: string): string {
  if (positionals.length !== 1) throw new UsageError(`token ${sub} takes exactly one <user>`);
  return positionals[0];
}

function create(argv: string[], env: NodeJS.ProcessEnv, out: TokenOutput): number {
  const { help, values, positionals } = parseCommand('token', argv, {
    ...LOCATION,
    role: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string' },
  });
  if (help) return printHelp(out);
  const user = oneUser(positionals, 'create');
  if (values.role !== 'admin' && values.role !== 'member') throw new UsageError('--role admin or --role member is required');
  const t = target(values, env);
  const file = read(t, true);
  if (file.tokens.some((e) => e.user === user)) throw new TokenError(`user "${user}" already has a token; revoke it first (storefleet token revoke ${user}) to issue a new one`);
  const token = newToken();
  const entry = {
    user,
    role: values.role,
    ...(values.name ? { name: values.name as string } : {}),
    ...(values.email ? { email: values.email as string } : {}),
    sha256: hashToken(token),
  };
  const next = tokensFileSchema.safeParse({ tokens: [...file.tokens, entry] });
  if (!next.success) {
    const why = next.error.issues.map((i) => `${String(i.path.at(-1))}: ${i.message}`).join('; ');
    throw new TokenError(`cannot create a token for "${user}": ${why}`);
  }
  writeTokensFileAtomically(t.file, next.data);
  out.error(`created a ${values.role} token for "${user}" in ${t.file} (only its SHA-256 is stored). It is shown once, below: keep it now.`);
  out.log(token);
  return 0;
}

function list(argv: string[], env: NodeJS.ProcessEnv, out: TokenOutput): number {
  const { help, values, positionals } = parseCommand('token', argv, LOCATION);
  if (help) return printHelp(out);
  if (positionals.length) throw new UsageError(`token list takes no arguments (got "${positionals[0]}")`);
  const t = target(values, env);
  const file = read(t, false);
  out.error(`${file.tokens.length} user(s) in ${t.file}`);
  for (const e of file.tokens) out.log([e.user, e.role, e.name ?? '', e.email ?? ''].join('\t').trimEnd());
  return 0;
}

function revoke(argv: string[], env: NodeJS.ProcessEnv, out: TokenOutput): number {
  const { help, values, positionals } = parseCommand('token', argv, LOCATION);
  if (help) return printHelp(out);
  const user = oneUser(positionals, 'revoke');
  const t = target(values, env);
  const file = read(t, true);
  const kept = file.tokens.filter((e) => e.user !== user);
  if (kept.length === file.tokens.length) throw new TokenError(`user "${user}" has no token in ${t.file} (storefleet token list shows who has one)`);
  writeTokensFileAtomically(t.file, { tokens: kept });
  out.error(`revoked the token of "${user}" in ${t.file}; a running API refuses it within a second`);
  return 0;
}

function printHelp(out: TokenOutput): number {
  out.log(commandHelp('token'));
  return 0;
}

/** Exit codes: 0 done, 1 nothing changed (the message says why), 2 usage error. */
export async function tokenCommand(argv: string[], out: TokenOutput = consoleOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'create':
        return create(rest, env, out);
      case 'list':
        return list(rest, env, out);
      case 'revoke':
        return revoke(rest, env, out);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        printHelp(out);
        return sub === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown token command "${sub}" (create, list or revoke)`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      out.error(`storefleet token: ${err.message}\nRun "storefleet token --help" for usage.`);
      return 2;
    }
    if (err instanceof TokenError) {
      out.error(`storefleet token: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
