// The storefleet CLI (generator side): init, new, render, check, bootstrap,
// seal-backup-credentials. `serve` lives in api/ and is dispatched by bin/storefleet.js, so the
// generator never imports the API.
// Exit codes: 0 success · 1 invalid input, or `check` found differences · 2 usage error.
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseArgsOptionsConfig } from 'node:util';
import { parseCommand, UsageError } from './args.ts';
import { COMMAND_USAGE, commandHelp, USAGE, version, type CommandName } from './usage.ts';
import { checkRepo } from './check.ts';
import { formatIssue, ValidationError } from './errors.ts';
import { renderStore } from './render.ts';
import { listStoreFolders, loadPlatform, scanStores, readFolderFiles, readStoreFiles, writeFolderFiles, writeStoreFiles } from './repo.ts';
import { isPlatformManifest, PLATFORM_DIR, renderPlatformDeployment } from './platform-deployment.ts';
import { createDevSealingKeyPair, loadSealingKeyCommands, publicKeyFromCertificate, sealClusterWide } from './sealing.ts';
import { BACKUP_CREDENTIAL_KEYS } from '../constructs/backup/backup.ts';
import { newStoreSpec, parseStoreSpec, storeName, type StoreSpec } from './spec.ts';
import { issuesFromZod } from './errors.ts';
import { storeDir, storeSpecPath } from './layout.ts';
import { adminLoginWhere } from './store-access.ts';

export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

const TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../gitops-repo-template');

/** Parses a command's arguments; `null` when --help was asked for (its usage is printed). */
function parse(command: CommandName, argv: string[], options: ParseArgsOptionsConfig, out: Output) {
  const parsed = parseCommand(command, argv, options);
  if (parsed.help) {
    out.log(commandHelp(command));
    return null;
  }
  return parsed;
}

function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected exactly one ${what}`);
  return positionals[0];
}

async function initCommand(argv: string[], out: Output): Promise<number> {
  const parsed = parse('init', argv, { 'dev-keys': { type: 'string' } }, out);
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  const dir = resolve(onePositional(positionals, '<repo-dir>'));
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`${dir} exists and is not empty`);
  cpSync(TEMPLATE_DIR, dir, { recursive: true });
  out.log(`created GitOps repo folder ${dir}`);
  const keyDir = values['dev-keys'] as string | undefined;
  if (keyDir) {
    const absKeys = resolve(keyDir);
    if (absKeys === dir || absKeys.startsWith(dir + '/')) throw new UsageError('--dev-keys must be outside the repo: the private key never goes into Git');
    const pair = await createDevSealingKeyPair();
    mkdirSync(absKeys, { recursive: true, mode: 0o700 });
    writeFileSync(join(absKeys, 'tls.crt'), pair.certificatePem, { mode: 0o644 });
    writeFileSync(join(absKeys, 'tls.key'), pair.privateKeyPem, { mode: 0o600 });
    mkdirSync(join(dir, 'sealing'), { recursive: true });
    writeFileSync(join(dir, 'sealing', 'cert.pem'), pair.certificatePem);
    out.log(`wrote a development sealing key pair to ${absKeys} (tls.key is private: load it into the Sealed Secrets controller, never commit it)`);
    out.log(`load it into a cluster with:\n  ${loadSealingKeyCommands(join(absKeys, 'tls.crt'), join(absKeys, 'tls.key')).join('\n  ')}`);
  }
  return EXIT.ok;
}

async function newCommand(argv: string[], out: Output): Promise<number> {
  const args = parse(
    'new',
    argv,
    {
      name: { type: 'string' },
      engine: { type: 'string' },
      plan: { type: 'string' },
      owner: { type: 'string' },
      'display-name': { type: 'string' },
      'show-admin-login': { type: 'boolean' },
    },
    out,
  );
  if (!args) return EXIT.ok;
  const { values, positionals } = args;
  const repo = resolve(onePositional(positionals, '<repo-dir>'));
  if (values.name === undefined || values.engine === undefined) throw new UsageError('--name and --engine are required');
  const platform = loadPlatform(repo);
  const name = values.name as string;
  const parsed = newStoreSpec(
    { name, engine: values.engine, plan: values.plan, displayName: values['display-name'] },
    { owner: (values.owner as string | undefined) ?? 'cli', defaultPlan: platform.config.defaultPlan },
  );
  const file = storeSpecPath(name);
  if (!parsed.success) throw new ValidationError(issuesFromZod(file, parsed.error));
  const spec: StoreSpec = parsed.data;
  // Anywhere under stores/: a folder in the wrong shard or the old flat layout holds the name too.
  const taken = scanStores(repo).folders.find((f) => f.name === spec.name);
  if (taken) throw new ValidationError([{ file, field: 'name', reason: `store "${spec.name}" already exists (${taken.dir})` }]);
  const result = renderStore({ spec, platform });
  writeStoreFiles(repo, spec.name, result.files);
  out.log(`created ${storeDir(spec.name)}: ${result.files.size} files (${spec.engine}, plan ${spec.plan})`);
  if (result.adminLogin && values['show-admin-login']) {
    out.log(`admin login (shown once): ${result.adminLogin.user} / ${result.adminLogin.password}`);
  } else {
    out.log(adminLoginWhere(spec.name));
  }
  return EXIT.ok;
}

async function renderCommand(argv: string[], out: Output): Promise<number> {
  const parsed = parse('render', argv, { store: { type: 'string' } }, out);
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  const repo = resolve(onePositional(positionals, '<repo-dir>'));
  const platform = loadPlatform(repo);
  let names: string[];
  if (values.store !== undefined) {
    const store = storeName.safeParse(values.store);
    if (!store.success) throw new ValidationError(issuesFromZod('--store', store.error));
    if (!existsSync(join(repo, storeSpecPath(store.data)))) throw new ValidationError([{ file: storeSpecPath(store.data), field: '', reason: 'not found' }]);
    names = [store.data];
  } else names = listStoreFolders(repo);
  let changed = 0;
  const started = Date.now();
  for (const [i, name] of names.entries()) {
    const existing = readStoreFiles(repo, name);
    const specFile = storeSpecPath(name);
    const text = existing.get(specFile);
    if (text === undefined) throw new ValidationError([{ file: specFile, field: '', reason: 'store folder has no store.yaml' }]);
    const spec = parseStoreSpec(text, specFile, platform.config, name);
    const { files } = renderStore({ spec, platform, existing });
    const { written, removed } = writeStoreFiles(repo, name, files);
    if (written + removed > 0) changed++;
    if (names.length >= 100 && ((i + 1) % 100 === 0 || i + 1 === names.length)) {
      out.progress(`rendered ${i + 1}/${names.length} stores (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  }
  if (!values.store) {
    const platformFiles = renderPlatformDeployment(platform, readFolderFiles(repo, PLATFORM_DIR, isPlatformManifest));
    if (platformFiles) {
      const { written, removed } = writeFolderFiles(repo, PLATFORM_DIR, platformFiles, isPlatformManifest);
      out.log(`rendered ${PLATFORM_DIR}/: ${platformFiles.size} files; ${written + removed > 0 ? 'changed' : 'unchanged'}`);
    }
  }
  out.log(`rendered ${names.length} store(s); ${changed} changed`);
  return EXIT.ok;
}

/** Suggests `render` only for what it can fix: it rewrites generated files, never store.yaml or folders. */
export function checkAdvice(problems: number, renderFixes: number): string {
  if (renderFixes === 0) return 'fix the files named above by hand ("storefleet render" does not change store.yaml, platform.yaml or folder names)';
  if (renderFixes === problems) return 'run "storefleet render" to regenerate the generated files';
  return `${renderFixes} of them are generated files "storefleet render" regenerates; fix the other ${problems - renderFixes} by hand first (render stops at an invalid store.yaml)`;
}

async function checkCommand(argv: string[], out: Output): Promise<number> {
  const parsed = parse('check', argv, {}, out);
  if (!parsed) return EXIT.ok;
  const { positionals } = parsed;
  const repo = resolve(onePositional(positionals, '<repo-dir>'));
  const report = checkRepo(repo, (done, total) => {
    if (total >= 100 && (done % 100 === 0 || done === total)) out.progress(`checked ${done}/${total} stores`);
  });
  for (const line of report.problems) out.error(line);
  if (report.problems.length > 0) {
    out.error(`check failed: ${report.problems.length} problem(s) in ${report.stores} store(s); ${checkAdvice(report.problems.length, report.renderFixes)}`);
    return EXIT.invalid;
  }
  out.log(`check passed: ${report.stores} store(s) match the generator`);
  return EXIT.ok;
}

function sealBackupCredentialsCommand(argv: string[], out: Output, env: NodeJS.ProcessEnv = process.env): number {
  const parsed = parse('seal-backup-credentials', argv, {}, out);
  if (!parsed) return EXIT.ok;
  const repo = resolve(onePositional(parsed.positionals, '<repo-dir>'));
  // Values come from the environment only: command-line arguments end up in shell history and ps.
  const missing = BACKUP_CREDENTIAL_KEYS.filter((k) => !env[k]);
  if (missing.length > 0) throw new UsageError(`set ${missing.join(', ')} in the environment (never as arguments)`);
  const key = publicKeyFromCertificate(loadPlatform(repo).sealingCertificatePem);
  out.log('# platform.yaml backup.target.credentials (sealed, cluster-wide scope)');
  out.log('credentials:');
  for (const k of BACKUP_CREDENTIAL_KEYS) out.log(`  ${k}: ${sealClusterWide(key, env[k] as string)}`);
  return EXIT.ok;
}

export interface Output {
  log(line: string): void;
  error(line: string): void;
  progress(line: string): void;
}

const consoleOutput: Output = {
  log: (l) => process.stdout.write(l + '\n'),
  error: (l) => process.stderr.write(l + '\n'),
  progress: (l) => process.stderr.write(l + '\n'),
};

export async function main(argv: string[], out: Output = consoleOutput): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'init':
        return await initCommand(rest, out);
      case 'new':
        return await newCommand(rest, out);
      case 'render':
        return await renderCommand(rest, out);
      case 'check':
        return await checkCommand(rest, out);
      case 'seal-backup-credentials':
        return sealBackupCredentialsCommand(rest, out);
      case 'bootstrap': {
        const { bootstrapCommand } = await import('./bootstrap.ts');
        return await bootstrapCommand(rest, out);
      }
      case '--version':
      case '-V':
      case 'version':
        out.log(`storefleet ${version()}`);
        return EXIT.ok;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out.log(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(command.startsWith('-') ? `unknown option ${command}; options come after the command (storefleet <command> ${command})` : `unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      const usage = command && command in COMMAND_USAGE ? `storefleet ${command} --help` : 'storefleet help';
      out.error(`storefleet${command && command in COMMAND_USAGE ? ' ' + command : ''}: ${err.message}\nRun "${usage}" for usage.`);
      return EXIT.usage;
    }
    if (err instanceof ValidationError) {
      for (const issue of err.issues) out.error(formatIssue(issue));
      return EXIT.invalid;
    }
    throw err;
  }
}
