// The CLI as a person meets it: `--help` on every subcommand, `--version`, and unknown or
// incomplete options named as such. In-process through each command's entry point, plus one run
// of bin/storefleet.js per dispatch path (generator, serve, token), as typed in a shell.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveCommand } from '../../api/serve.ts';
import { tokenCommand } from '../../api/token-cli.ts';
import { closestOption } from '../args.ts';
import { main } from '../cli.ts';
import { COMMAND_USAGE } from '../usage.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const exec = promisify(execFile);

/** bin/storefleet.js in a child process. */
async function shell(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [join(ROOT, 'bin/storefleet.js'), ...args], { cwd: ROOT, env: { ...process.env, STOREFLEET_CLUSTER_ENV: 'off' } });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout, err: err.stderr };
  }
}

afterEach(() => vi.restoreAllMocks());

/** The same dispatch as bin/storefleet.js, in-process, with stdout and stderr captured. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = { log: (l: string) => out.push(l), error: (l: string) => err.push(l), progress: (l: string) => err.push(l) };
  let code: number;
  if (argv[0] === 'serve') {
    vi.spyOn(console, 'log').mockImplementation((l: string) => void out.push(l));
    vi.spyOn(console, 'error').mockImplementation((l: string) => void err.push(l));
    code = await serveCommand(argv.slice(1));
    vi.restoreAllMocks();
  } else if (argv[0] === 'token') code = await tokenCommand(argv.slice(1), o, {});
  else code = await main(argv, o);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('storefleet CLI usage', () => {
  it('prints help and exits 0 for every subcommand, with --help and -h', async () => {
    const commands = Object.keys(COMMAND_USAGE);
    expect(commands).toEqual(expect.arrayContaining(['init', 'new', 'render', 'check', 'bootstrap', 'serve', 'token']));
    for (const command of commands) {
      for (const flag of ['--help', '-h']) {
        const r = await cli(command, flag);
        expect({ command, flag, code: r.code, err: r.err }).toEqual({ command, flag, code: 0, err: '' });
        expect(r.out).toContain(`storefleet ${command}`);
      }
    }
    // --help wins next to a mistake: the person asked how to call the command.
    expect((await cli('new', '--bogus', '--help')).code).toBe(0);
    expect((await cli('token', 'create', '--help')).code).toBe(0);
  });

  it('works the same from a shell: help on each dispatch path, and --version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const [init, serve, token, v] = await Promise.all([shell('init', '--help'), shell('serve', '--help'), shell('token', '--help'), shell('--version')]);
    for (const r of [init, serve, token]) expect([r.code, r.err]).toEqual([0, '']);
    expect(init.out).toContain('storefleet init <repo-dir>');
    expect(serve.out).toContain('storefleet serve [--data-dir <dir>]');
    expect(token.out).toContain('storefleet token create <user>');
    expect(v).toEqual({ code: 0, out: `storefleet ${version}\n`, err: '' });
  }, 60_000);

  it('names an unknown option as unknown, with a hint, on every kind of command', async () => {
    const serve = await cli('serve', '--prot', '3000');
    expect(serve.err).toContain('unknown option --prot for "storefleet serve"; did you mean --port?');
    expect(serve.err).toContain('Run "storefleet serve --help" for usage.');
    expect(serve.err).not.toMatch(/needs a value/);
    // Unknown and without a value: still "unknown", and the next argument is not blamed.
    const serveFirst = await cli('serve', '--bogus', '--port', '3000');
    expect(serveFirst.err).toMatch(/^storefleet serve: unknown option --bogus for "storefleet serve"; its options: /);
    const init = await cli('init', 'repo', '--dev-keyz', 'keys');
    expect(init.err).toContain('storefleet init: unknown option --dev-keyz for "storefleet init"; did you mean --dev-keys?');
    expect(init.err).toContain('Run "storefleet init --help" for usage.');
    const render = await cli('render', 'repo', '--all');
    expect(render.err).toContain('unknown option --all for "storefleet render"; its options: --store, --help');
    const bootstrap = await cli('bootstrap', '--repo', 'https://example.com/x.git', '--outdir', 'x');
    expect(bootstrap.err).toContain('unknown option --outdir for "storefleet bootstrap"; did you mean --out?');
    const token = await cli('token', 'list', '--data', 'x');
    expect(token.err).toContain('did you mean --data-dir?');
    const before = await cli('-x');
    expect(before.err).toContain('unknown option -x; options come after the command');
    for (const r of [serve, serveFirst, init, render, bootstrap, token, before]) {
      expect(r.code).toBe(2);
      expect(r.err).not.toMatch(/To specify a positional argument/); // Node's raw parse error
    }
  });

  it('says a value is missing only when it is', async () => {
    const missing = await cli('new', 'repo', '--name');
    expect(missing.err).toContain('storefleet new: --name needs a value');
    const swallowed = await cli('serve', '--port', '--host', '127.0.0.1');
    expect(swallowed.err).toContain('--port needs a value; the next argument looks like an option');
    const flag = await cli('new', 'repo', '--show-admin-login=yes');
    expect(flag.err).toContain('--show-admin-login takes no value');
    expect([missing.code, swallowed.code, flag.code]).toEqual([2, 2, 2]);
  });

  it('suggests the closest option only for a likely typo', () => {
    expect(closestOption('--prot', ['data-dir', 'host', 'port'])).toBe('--port');
    expect(closestOption('--data', ['data-dir', 'tokens-file'])).toBe('--data-dir');
    expect(closestOption('--verbose', ['data-dir', 'host', 'port'])).toBeUndefined();
  });
});
