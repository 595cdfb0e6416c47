// What each storefleet subcommand takes, printed by `storefleet help`, `storefleet <command> --help`
// and after a usage error. One place, so the overview and each command's help cannot disagree.
import { readFileSync } from 'node:fs';
import { engineIds } from '../constructs/engines/index.ts';

export const EXIT_CODES = 'Exit codes: 0 success, 1 invalid input or differences found, 2 usage error.';

export const COMMAND_USAGE = {
  init: `storefleet init <repo-dir> [--dev-keys <key-dir>]
    Create a GitOps repo folder from the template. --dev-keys writes a development Sealed
    Secrets key pair to <key-dir> (tls.crt, tls.key; keep it outside the repo) and its
    certificate to <repo-dir>/sealing/cert.pem.`,
  new: `storefleet new <repo-dir> --name <name> --engine ${engineIds().join('|')} [--plan <plan>]
               [--owner <id>] [--display-name <text>] [--show-admin-login]
    Write stores/<shard>/<name>/store.yaml and render its manifests (<shard>: the first two
    hex digits of the SHA-256 of <name>).`,
  render: `storefleet render <repo-dir> [--store <name>]
    Re-render every store (or one). Sealed secrets are kept, never regenerated.`,
  check: `storefleet check <repo-dir>
    Exit 1 and list every manifest that differs from the generator's output, every invalid
    store.yaml and every store folder without one.`,
  bootstrap: `storefleet bootstrap --repo <git-url> --out <dir> [options]
    Write the Argo CD bootstrap manifests for a GitOps repo (storefleet bootstrap --help,
    docs/operations.md).`,
  'seal-backup-credentials': `storefleet seal-backup-credentials <repo-dir>
    Print platform.yaml's backup.target.credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
    and RESTIC_PASSWORD, read from the environment (never arguments), sealed with cluster-wide
    scope for the repo's sealing certificate. Keep RESTIC_PASSWORD safe: backups need it.`,
  token: `storefleet token create <user> --role admin|member [--name <text>] [--email <address>]
  storefleet token list
  storefleet token revoke <user>
    (each with [--data-dir <dir> | --tokens-file <file>]; default: the data dir of serve,
    .storefleet-data, or STOREFLEET_DATA_DIR / STOREFLEET_TOKENS_FILE)
    Create a user's API token (printed once; only its SHA-256 is stored), list users, or revoke
    a user's token. A running API picks the change up within a second, without a restart.`,
  serve: `storefleet serve [--data-dir <dir>] [--host 127.0.0.1] [--port 3000] [--config <file>]
                 [--git-remote <url>]
    Start the API and dashboard. Every setting also has a STOREFLEET_* environment variable
    and a config-file key (docs/configuration.md).`,
} as const;

export type CommandName = keyof typeof COMMAND_USAGE;

export function commandHelp(command: CommandName): string {
  return `Usage:\n  ${COMMAND_USAGE[command]}\n\n${EXIT_CODES}`;
}

export const USAGE = `storefleet — GitOps store provisioning

Usage:
${Object.values(COMMAND_USAGE)
  .map((u) => `  ${u}`)
  .join('\n')}
  storefleet --version
  storefleet <command> --help

${EXIT_CODES}
`;

/** The version in package.json. */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
