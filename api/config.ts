// `storefleet serve` configuration: defaults < config file < STOREFLEET_* environment < flags.
// One table describes every option; docs/configuration.md is checked against it by a test.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ParseArgsOptionsConfig } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseCommand, UsageError } from '../generator/args.ts';
import { isTrustedProxyEntry } from './trusted-proxies.ts';

type Kind = 'string' | 'int' | 'list' | 'bool';

export interface OptionDoc {
  /** Dotted key in the config file. */
  key: string;
  flag?: string;
  env: string;
  kind: Kind;
  default?: string | number | boolean | string[];
  doc: string;
}

export const OPTIONS: OptionDoc[] = [
  { key: 'dataDir', flag: '--data-dir', env: 'STOREFLEET_DATA_DIR', kind: 'string', default: '.storefleet-data', doc: 'Folder for the embedded default (bare repo, sealing key pair, admin token, tokens file) and the local Git mirror.' },
  { key: 'host', flag: '--host', env: 'STOREFLEET_HOST', kind: 'string', default: '127.0.0.1', doc: 'Address to listen on. Use 0.0.0.0 in a container.' },
  { key: 'port', flag: '--port', env: 'STOREFLEET_PORT', kind: 'int', default: 3000, doc: 'TCP port (0 picks a free one).' },
  { key: 'publicUrl', env: 'STOREFLEET_PUBLIC_URL', kind: 'string', doc: 'URL people use to reach the dashboard (printed at start; default http://<host>:<port>).' },
  { key: 'git.remote', flag: '--git-remote', env: 'STOREFLEET_GIT_REMOTE', kind: 'string', doc: 'GitOps repository URL (file://, ssh://, https://user:token@…). Unset: the embedded default <data-dir>/gitops.git.' },
  { key: 'git.branch', env: 'STOREFLEET_GIT_BRANCH', kind: 'string', default: 'main', doc: 'Branch Argo CD watches; direct mode pushes here, PR mode opens pull requests against it.' },
  { key: 'git.committerName', env: 'STOREFLEET_GIT_COMMITTER_NAME', kind: 'string', default: 'Storefleet', doc: 'Committer of every commit (the author is the requesting user).' },
  { key: 'git.committerEmail', env: 'STOREFLEET_GIT_COMMITTER_EMAIL', kind: 'string', default: 'storefleet@localhost', doc: 'Committer email.' },
  { key: 'git.fetchIntervalSeconds', env: 'STOREFLEET_GIT_FETCH_INTERVAL_SECONDS', kind: 'int', default: 15, doc: 'How often the mirror fetches other writers\' commits while idle (0 = only on demand).' },
  { key: 'git.timeoutSeconds', env: 'STOREFLEET_GIT_TIMEOUT_SECONDS', kind: 'int', default: 20, doc: 'A fetch or push silent for this long is abandoned (the remote counts as unreachable).' },
  { key: 'git.pushAttempts', env: 'STOREFLEET_GIT_PUSH_ATTEMPTS', kind: 'int', default: 20, doc: 'Attempts per batch when other replicas keep winning the push race.' },
  { key: 'git.maxBatch', env: 'STOREFLEET_GIT_MAX_BATCH', kind: 'int', default: 250, doc: 'Most store changes grouped under one push.' },
  { key: 'github.owner', env: 'STOREFLEET_GITHUB_OWNER', kind: 'string', doc: 'Pull-request mode: repository owner. Setting github.owner and github.repo switches writes to pull requests.' },
  { key: 'github.repo', env: 'STOREFLEET_GITHUB_REPO', kind: 'string', doc: 'Pull-request mode: repository name.' },
  { key: 'github.token', env: 'STOREFLEET_GITHUB_TOKEN', kind: 'string', doc: 'Pull-request mode: token with contents and pull-requests write permission (also used to fetch over https). Set this or github.appId, github.installationId and github.privateKeyFile, not both.' },
  { key: 'github.appId', env: 'STOREFLEET_GITHUB_APP_ID', kind: 'string', doc: 'Pull-request mode with a GitHub App instead of a token: the App\'s ID (numeric) or client ID (Iv…). Needs github.installationId and github.privateKeyFile too.' },
  { key: 'github.installationId', env: 'STOREFLEET_GITHUB_APP_INSTALLATION_ID', kind: 'int', doc: 'GitHub App: ID of the App\'s installation on the GitOps repository\'s owner (the number in …/settings/installations/<id>).' },
  { key: 'github.privateKeyFile', env: 'STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE', kind: 'string', doc: 'GitHub App: path of the App\'s private key (the .pem GitHub lets you download; mode 0600). Read once at start; the key itself never goes into the config or the environment.' },
  { key: 'github.apiUrl', env: 'STOREFLEET_GITHUB_API_URL', kind: 'string', default: 'https://api.github.com', doc: 'GitHub API base URL (GitHub Enterprise: https://<host>/api/v3).' },
  { key: 'tokensFile', env: 'STOREFLEET_TOKENS_FILE', kind: 'string', doc: 'YAML/JSON file of API tokens (hashed). Default <data-dir>/tokens.yaml, created with the admin token.' },
  { key: 'corsOrigins', env: 'STOREFLEET_CORS_ORIGINS', kind: 'list', default: [], doc: 'Origins allowed to call the API from a browser (comma-separated). Empty: CORS off.' },
  { key: 'rateLimit.userWritesPerMinute', env: 'STOREFLEET_RATE_LIMIT_USER_WRITES_PER_MINUTE', kind: 'int', default: 60, doc: 'Writes (POST/DELETE) per user per minute; more get 429 with Retry-After.' },
  { key: 'rateLimit.unauthenticatedPerMinute', env: 'STOREFLEET_RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE', kind: 'int', default: 60, doc: 'Requests without a valid token per client address per minute (their own budget: they never use up a user\'s); more get 429.' },
  { key: 'trustedProxies', env: 'STOREFLEET_TRUSTED_PROXIES', kind: 'list', default: [], doc: 'Reverse proxies whose X-Forwarded-For names the client (comma-separated IPs, CIDRs, or loopback, linklocal, uniquelocal). Empty: the client is the TCP peer and X-Forwarded-For is ignored.' },
  { key: 'events.maxStreamsPerUser', env: 'STOREFLEET_EVENTS_MAX_STREAMS_PER_USER', kind: 'int', default: 10, doc: 'Concurrent GET /api/events streams per user (one per open dashboard tab); more get 429.' },
  { key: 'bodyLimitBytes', env: 'STOREFLEET_BODY_LIMIT_BYTES', kind: 'int', default: 16384, doc: 'Largest request body; larger ones get 413.' },
  { key: 'retryAfterSeconds', env: 'STOREFLEET_RETRY_AFTER_SECONDS', kind: 'int', default: 5, doc: 'Retry-After sent with 503 when the Git remote is unreachable.' },
  { key: 'uiDir', env: 'STOREFLEET_UI_DIR', kind: 'string', doc: 'Built dashboard to serve (default ui/dist of this checkout, built on first start if missing).' },
  { key: 'ui', env: 'STOREFLEET_UI', kind: 'bool', default: true, doc: 'Serve the dashboard (false: API only).' },
  { key: 'logLevel', env: 'STOREFLEET_LOG_LEVEL', kind: 'string', default: 'info', doc: 'pino log level (fatal, error, warn, info, debug, trace, silent).' },
  { key: 'argocd.url', env: 'STOREFLEET_ARGOCD_URL', kind: 'string', doc: 'Argo CD API URL for live store status (unset: status comes from Git alone).' },
  { key: 'argocd.token', env: 'STOREFLEET_ARGOCD_TOKEN', kind: 'string', doc: 'Read-only Argo CD token scoped to the stores project.' },
  { key: 'argocd.project', env: 'STOREFLEET_ARGOCD_PROJECT', kind: 'string', default: 'stores', doc: 'AppProject of the store Applications.' },
  { key: 'argocd.storeLabel', env: 'STOREFLEET_ARGOCD_STORE_LABEL', kind: 'string', default: 'storefleet.dev/store', doc: 'Label the ApplicationSet puts on every store Application (list and stream selector).' },
  { key: 'argocd.uiUrl', env: 'STOREFLEET_ARGOCD_UI_URL', kind: 'string', doc: 'Argo CD web UI base URL for links from the dashboard (default: argocd.url).' },
  { key: 'argocd.webhookUrl', env: 'STOREFLEET_ARGOCD_WEBHOOK_URL', kind: 'string', doc: 'Where to send a signed push event after every push (default: <argocd.url>/api/webhook).' },
  { key: 'argocd.appsetWebhookUrl', env: 'STOREFLEET_ARGOCD_APPSET_WEBHOOK_URL', kind: 'string', doc: 'The ApplicationSet controller\'s webhook (e.g. http://argocd-applicationset-controller.argocd.svc:7000/api/webhook); unset: not notified.' },
  { key: 'argocd.webhookSecret', env: 'STOREFLEET_ARGOCD_WEBHOOK_SECRET', kind: 'string', doc: 'Argo CD\'s webhook.github.secret; push events are signed with it (X-Hub-Signature-256).' },
  { key: 'argocd.repoUrl', env: 'STOREFLEET_ARGOCD_REPO_URL', kind: 'string', doc: 'The GitOps repo URL exactly as the Argo CD Applications spell it (default: the Git remote without credentials).' },
  { key: 'backup.credentialsFile', env: 'STOREFLEET_BACKUP_CREDENTIALS_FILE', kind: 'string', doc: 'File (mode 0600) of AWS_ACCESS_KEY_ID=, AWS_SECRET_ACCESS_KEY= and RESTIC_PASSWORD= lines: the unsealed values of platform.yaml\'s backup.target.credentials, so the API can list backups. Unset: backups are not listed (the embedded default writes its own).' },
  { key: 'backup.localTarget', env: 'STOREFLEET_BACKUP_LOCAL_TARGET', kind: 'bool', default: true, doc: 'Embedded default only: run a local backup target (SeaweedFS on 127.0.0.1) when `weed` is available; a new data dir\'s platform.yaml then backs up every store to it.' },
  { key: 'backup.resticBin', env: 'STOREFLEET_BACKUP_RESTIC_BIN', kind: 'string', doc: 'The restic binary (>= 0.17). Default: the built one in ~/.cache/storefleet/bin, else restic on PATH.' },
  { key: 'backup.cacheSeconds', env: 'STOREFLEET_BACKUP_CACHE_SECONDS', kind: 'int', default: 30, doc: 'How long a store\'s backup list is reused before restic is asked again.' },
  { key: 'backup.timeoutSeconds', env: 'STOREFLEET_BACKUP_TIMEOUT_SECONDS', kind: 'int', default: 30, doc: 'A restic run taking longer is stopped (the target counts as unreachable).' },
  { key: 'backup.concurrency', env: 'STOREFLEET_BACKUP_CONCURRENCY', kind: 'int', default: 4, doc: 'restic runs at most this many at a time.' },
  { key: 'backup.checkIntervalSeconds', env: 'STOREFLEET_BACKUP_CHECK_INTERVAL_SECONDS', kind: 'int', default: 300, doc: 'How often every store\'s backups are checked for warnings and metrics, and expired final backups are forgotten (0 = never).' },
];

/** The three settings a GitHub App needs; all or none of them, and never together with github.token. */
const GITHUB_APP_KEYS = ['appId', 'installationId', 'privateKeyFile'] as const;
const optionName = (k: string) => {
  const o = OPTIONS.find((x) => x.key === `github.${k}`);
  return o ? `github.${k} (${o.env})` : `github.${k}`;
};

function checkGitHubCredentials(g: { token?: string; appId?: unknown; installationId?: unknown; privateKeyFile?: unknown }, ctx: z.RefinementCtx): void {
  const set = GITHUB_APP_KEYS.filter((k) => g[k] !== undefined);
  const missing = GITHUB_APP_KEYS.filter((k) => g[k] === undefined);
  if (g.token !== undefined && set.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['token'],
      message: `conflicts with ${set.map(optionName).join(', ')}: pull-request mode authenticates with a token or with GitHub App credentials, not both`,
    });
  } else if (set.length && missing.length) {
    for (const k of missing) {
      ctx.addIssue({
        code: 'custom',
        path: [k],
        message: `missing: GitHub App credentials need github.appId, github.installationId and github.privateKeyFile (set: ${set.map((s) => `github.${s}`).join(', ')})`,
      });
    }
  } else if (g.token === undefined && !set.length) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: `pull-request mode needs credentials: ${optionName('token')}, or GitHub App credentials ${GITHUB_APP_KEYS.map(optionName).join(', ')}`,
    });
  }
}

const positive = z.int().min(0);
export const configSchema = z.strictObject({
  dataDir: z.string().min(1),
  host: z.string().min(1),
  port: z.int().min(0).max(65535),
  publicUrl: z.url().optional(),
  git: z.strictObject({
    remote: z.string().min(1).optional(),
    branch: z.string().regex(/^[A-Za-z0-9._/-]+$/),
    committerName: z.string().min(1),
    committerEmail: z.string().min(3),
    fetchIntervalSeconds: positive,
    timeoutSeconds: z.int().min(1),
    pushAttempts: z.int().min(1).max(50),
    maxBatch: z.int().min(1).max(5000),
  }),
  github: z
    .strictObject({
      owner: z.string().min(1),
      repo: z.string().min(1),
      token: z.string().min(1).optional(),
      appId: z.union([z.int().min(1), z.string().regex(/^(\d+|Iv[0-9A-Za-z._-]+)$/, 'expected the App ID (digits) or its client ID (Iv…)')]).optional(),
      installationId: z.int().min(1).optional(),
      privateKeyFile: z.string().min(1).optional(),
      apiUrl: z.url(),
    })
    .superRefine(checkGitHubCredentials)
    .optional(),
  tokensFile: z.string().min(1).optional(),
  corsOrigins: z.array(z.string().min(1)),
  rateLimit: z.strictObject({ userWritesPerMinute: z.int().min(1), unauthenticatedPerMinute: z.int().min(1) }),
  trustedProxies: z.array(z.string().refine(isTrustedProxyEntry, { error: 'expected an IP address, a CIDR (address/prefix), loopback, linklocal or uniquelocal' })),
  events: z.strictObject({ maxStreamsPerUser: z.int().min(1) }),
  bodyLimitBytes: z.int().min(256),
  retryAfterSeconds: z.int().min(1),
  uiDir: z.string().optional(),
  ui: z.boolean(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  argocd: z
    .strictObject({
      url: z.url().optional(),
      token: z.string().optional(),
      project: z.string().min(1),
      storeLabel: z.string().min(1),
      uiUrl: z.url().optional(),
      webhookUrl: z.url().optional(),
      appsetWebhookUrl: z.url().optional(),
      webhookSecret: z.string().min(1).optional(),
      repoUrl: z.string().min(1).optional(),
    })
    .optional(),
  backup: z.strictObject({
    credentialsFile: z.string().min(1).optional(),
    localTarget: z.boolean(),
    resticBin: z.string().min(1).optional(),
    cacheSeconds: positive,
    timeoutSeconds: z.int().min(1),
    concurrency: z.int().min(1).max(64),
    checkIntervalSeconds: positive,
  }),
});

export type ServeConfig = z.infer<typeof configSchema>;

function setPath(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[parts[parts.length - 1]] = value;
}

function coerce(opt: OptionDoc, raw: string): unknown {
  switch (opt.kind) {
    case 'int':
      return /^\d+$/.test(raw) ? Number(raw) : raw;
    case 'bool':
      return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase()) ? true : ['0', 'false', 'no', 'off'].includes(raw.toLowerCase()) ? false : raw;
    case 'list':
      return raw.split(',').map((s) => s.trim()).filter(Boolean);
    default:
      return raw;
  }
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The flags of `storefleet serve` (every option with a flag, and --config), as parseArgs options. */
export const SERVE_FLAGS: ParseArgsOptionsConfig = Object.fromEntries(
  [...OPTIONS.flatMap((o) => (o.flag ? [o.flag] : [])), '--config'].map((f) => [f.slice(2), { type: 'string' as const }]),
);

function parseFlags(argv: string[]): Map<string, string> {
  try {
    const { values } = parseCommand('serve', argv, SERVE_FLAGS, false);
    return new Map(Object.entries(values).flatMap(([k, v]) => (typeof v === 'string' ? [[`--${k}`, v]] : [])));
  } catch (err) {
    if (err instanceof UsageError) throw new ConfigError(err.message);
    throw err;
  }
}

/** Options that existed once: a file or environment that still sets one gets a message saying what replaced it. */
const RETIRED: Record<string, { env: string; why: string }> = {
  'rateLimit.ipWritesPerMinute': {
    env: 'STOREFLEET_RATE_LIMIT_IP_WRITES_PER_MINUTE',
    why: 'removed: one client address could spend everybody\'s write budget behind a proxy. Writes are limited per user (rateLimit.userWritesPerMinute) and requests without a valid token per client address on their own budget (rateLimit.unauthenticatedPerMinute); delete this setting',
  },
};

/** Builds the configuration from flags (`argv`), environment and an optional config file. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServeConfig {
  const flags = parseFlags(argv);
  const merged: Record<string, unknown> = {};
  for (const o of OPTIONS) if (o.default !== undefined) setPath(merged, o.key, o.default);
  const file = flags.get('--config') ?? env.STOREFLEET_CONFIG;
  if (file) {
    let data: unknown;
    try {
      data = parseYaml(readFileSync(resolve(cwd, file), 'utf8'));
    } catch (err) {
      throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
    }
    if (data !== null && data !== undefined) {
      if (typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`${file}: expected a mapping`);
      const keys = new Set(OPTIONS.map((o) => o.key));
      const walk = (obj: Record<string, unknown>, prefix: string) => {
        for (const [k, v] of Object.entries(obj)) {
          const key = prefix + k;
          if (keys.has(key)) setPath(merged, key, v);
          else if (RETIRED[key]) throw new ConfigError(`${file}: "${key}" was ${RETIRED[key].why}`);
          else if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, key + '.');
          else throw new ConfigError(`${file}: unknown option "${key}" (see docs/configuration.md)`);
        }
      };
      walk(data as Record<string, unknown>, '');
    }
  }
  for (const [key, r] of Object.entries(RETIRED)) {
    if (env[r.env] !== undefined) throw new ConfigError(`${r.env} (${key}) was ${r.why}`);
  }
  for (const o of OPTIONS) {
    const raw = env[o.env];
    if (raw !== undefined && raw !== '') setPath(merged, o.key, coerce(o, raw));
  }
  for (const o of OPTIONS) {
    const raw = o.flag ? flags.get(o.flag) : undefined;
    if (raw !== undefined) setPath(merged, o.key, coerce(o, raw));
  }
  // github.apiUrl has a default: drop the section when nothing else of it is set.
  const gh = merged.github as Record<string, unknown> | undefined;
  if (gh && Object.keys(gh).every((k) => k === 'apiUrl')) delete merged.github;
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const msgs = result.error.issues.map((i) => {
      const key = i.path.join('.');
      const opt = OPTIONS.find((o) => o.key === key || key.startsWith(`${o.key}.`)); // list entries: key.<index>
      return `${key}${opt ? ` (${opt.flag ?? opt.env})` : ''}: ${i.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${msgs.join('\n  ')}`);
  }
  const cfg = result.data;
  cfg.dataDir = resolve(cwd, cfg.dataDir);
  if (cfg.tokensFile) cfg.tokensFile = resolve(cwd, cfg.tokensFile);
  if (cfg.github?.privateKeyFile) cfg.github.privateKeyFile = resolve(cwd, cfg.github.privateKeyFile);
  if (cfg.backup.credentialsFile) cfg.backup.credentialsFile = resolve(cwd, cfg.backup.credentialsFile);
  return cfg;
}
