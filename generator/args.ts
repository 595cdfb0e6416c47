// Command-line parsing shared by every storefleet subcommand: node:util parseArgs in strict mode
// with the command's option list, `--help`/`-h` on each, and Node's terse parse errors turned into
// messages that name the offending argument ("unknown option --prot; did you mean --port?").
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** A mistake in how the command was called (exit code 2). The message is complete; `hint` says what to do. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedCommand {
  help: boolean;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Edit distance counting a swap of neighbours as one edit ("--prot" is one typo from "--port"). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known option closest to `given`, if it is close enough to be a typo. */
export function closestOption(given: string, known: string[]): string | undefined {
  const bare = given.replace(/^-+/, '').split('=')[0];
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const prefix = (name.startsWith(bare) || bare.startsWith(name)) && Math.min(bare.length, name.length) >= 3;
    const d = prefix ? 0 : distance(bare, name);
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(1, Math.floor(best.name.length / 3)) ? `--${best.name}` : undefined;
}

/** Node's ERR_PARSE_ARGS_* errors, said in terms of this command. */
function explain(err: Error & { code?: string }, command: string, options: ParseArgsOptionsConfig): string {
  const names = Object.keys(options);
  const listing = names.map((n) => `--${n}`).join(', ');
  const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const guess = closestOption(quoted, names);
      return `unknown option ${quoted} for "storefleet ${command}"; ${guess ? `did you mean ${guess}? ` : ''}its options: ${listing}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = quoted.split(' ')[0];
      if (/does not take an argument/.test(err.message)) return `${flag} takes no value`;
      if (/ambiguous/.test(err.message)) return `${flag} needs a value; the next argument looks like an option (write ${flag}=<value> if the value starts with "-")`;
      return `${flag} needs a value`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${quoted}" for "storefleet ${command}"`;
    default:
      return err.message;
  }
}

/** --help or -h before any `--`: it wins even next to a mistake (the person asked how to call it). */
export function asksForHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * Parses `argv` for `storefleet <command>` with exactly `options` (plus --help/-h). Returns
 * `help: true` when help was asked for, before any other check, so `--help` always works.
 */
export function parseCommand(command: string, argv: string[], options: ParseArgsOptionsConfig, allowPositionals = true): ParsedCommand {
  const all: ParseArgsOptionsConfig = { ...options, help: { type: 'boolean', short: 'h' } };
  if (asksForHelp(argv)) return { help: true, values: {}, positionals: [] };
  try {
    const { values, positionals } = parseArgs({ args: argv, options: all, allowPositionals, strict: true });
    return { help: false, values: values as ParsedCommand['values'], positionals };
  } catch (err) {
    throw new UsageError(explain(err as Error & { code?: string }, command, all));
  }
}
