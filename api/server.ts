// Wires a running API from its configuration: Git mirror + writer (direct or pull-request mode),
// tokens, metrics, status provider, the Express app and the HTTP server.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Express } from 'express';
import pino, { type Logger } from 'pino';
import { createApp, type ApiContext } from './app.ts';
import { TokenStore } from './auth.ts';
import type { ServeConfig } from './config.ts';
import { ensureAdminToken, ensureEmbedded, type EmbeddedPaths } from './embedded.ts';
import { DirectWriter } from './git/direct-writer.ts';
import { StoreLifetimes } from './git/lifetimes.ts';
import { installationTokenSource, readAppPrivateKey } from './github/app-auth.ts';
import { InstallationTokenMirror } from './github/installation-mirror.ts';
import { createGitHubClient, githubGitUrl, type GitHubClient } from './github/octokit.ts';
import { PullRequestWriter } from './github/pr-writer.ts';
import { Mirror } from './git/mirror.ts';
import { RepoState } from './git/repo-state.ts';
import type { PushHook } from './git/types.ts';
import { createMetrics } from './metrics.ts';
import { gitOnlyStatus, type StatusProvider } from './status-provider.ts';
import type { GitTransport } from './stores/port.ts';
import { StoreService, type StoreServiceOptions } from './stores/service.ts';
import { FinalDeleteDriver } from './stores/final-delete.ts';
import type { RuleDeps } from './stores/rules.ts';
import { createArgoStatus } from './status/argo-status.ts';
import { createBackupService } from './backups/wiring.ts';
import { localTargetSettings, NO_LOCAL_TARGET, startLocalTarget } from './backups/embedded-target.ts';
import type { LocalS3 } from './backups/local-target.ts';
import { platformTextWithBackupTarget } from './backups/platform-backup.ts';
import { findTool } from './backups/tools.ts';
import { runGit } from './git/exec.ts';
import { DEFAULT_UI_DIR, ensureUiBuilt, mountUi } from './ui-static.ts';

export interface ServerOptions {
  /** Live status (the Argo CD status reader); default: from Git alone. */
  statusProvider?: StatusProvider;
  /** Subscribed to every push (e.g. the Argo CD webhook sender). */
  onPush?: PushHook[];
  /** More routes behind authentication (e.g. GET /api/events). */
  extend?: ApiContext['extend'];
  logger?: Logger;
  /** Render function override (benchmarks of the Git layer alone). */
  render?: StoreServiceOptions['render'];
  /** Deletes wait for a final backup (with a backup target); default: when Argo CD is configured. */
  finalBackups?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  app: Express;
  context: ApiContext;
  embedded?: EmbeddedPaths;
  /** Embedded default: its backup target, or why it has none (printed at start). */
  backupNote?: string;
  close(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function startServer(config: ServeConfig, opts: ServerOptions = {}): Promise<RunningServer> {
  const gh = config.github;
  // First, before anything is created: an unreadable or invalid App key stops the start (ConfigError).
  const appKey = gh?.privateKeyFile ? readAppPrivateKey(gh.privateKeyFile) : undefined;
  const log =
    opts.logger ?? pino({ level: config.logLevel, redact: { paths: ['req.headers.authorization', '*.password', '*.token', '*.privateKey'], censor: '[redacted]' } });
  if (appKey?.readableByOthers) log.warn({ file: gh?.privateKeyFile }, 'the GitHub App private key file is readable by group or others: chmod 600 it');
  const githubApp = appKey && gh?.appId !== undefined && gh.installationId !== undefined ? { appId: appIdClaim(gh.appId), installationId: gh.installationId, privateKey: appKey.privateKey } : undefined;
  const octokit: GitHubClient | undefined = gh ? createGitHubClient({ baseUrl: gh.apiUrl, ...(githubApp ? { app: githubApp } : { token: gh.token }) }) : undefined;
  let embedded: EmbeddedPaths | undefined;
  let remote = config.git.remote;
  if (gh && !remote) remote = githubGitUrl(gh.apiUrl, gh.owner, gh.repo, githubApp ? undefined : gh.token);
  let localTarget: LocalS3 | undefined;
  let backupNote: string | undefined;
  let backupCredentialsFile = config.backup.credentialsFile;
  if (!remote) {
    // The embedded default's backup target: a local SeaweedFS when weed is available (api/backups/embedded-target.ts).
    const weed = config.backup.localTarget ? findTool('weed') : undefined;
    const local = weed ? await localTargetSettings(config.dataDir) : undefined;
    const e = await ensureEmbedded(config.dataDir, {
      branch: config.git.branch,
      ...(local ? { platformText: (text: string, cert: string) => platformTextWithBackupTarget(text, cert, local) } : {}),
    });
    embedded = e.paths;
    remote = pathToFileURL(e.paths.repo).href;
    if (e.created.length) log.info({ created: e.created, dataDir: config.dataDir }, 'embedded default created');
    if (!config.backup.localTarget) {
      backupNote = 'no backup target (backup.localTarget is off)';
    } else if (!weed || !local) {
      backupNote = NO_LOCAL_TARGET; // printed once by `storefleet serve`
    } else if (!(await seededWith(e.paths.repo, config.git.branch, local.endpoint))) {
      backupNote = `no backup target: this data dir's platform.yaml was created without the local one (start with a new data dir to get it; weed is at ${weed})`;
    } else {
      try {
        localTarget = await startLocalTarget(local, weed);
        backupCredentialsFile ??= local.credentialsFile;
        backupNote = `local target ${localTarget.endpoint} (SeaweedFS, PID ${localTarget.pid}; credentials in ${local.credentialsFile})`;
        log.info({ endpoint: localTarget.endpoint, pid: localTarget.pid }, 'local backup target started');
      } catch (err) {
        backupNote = `the local backup target did not start: ${(err as Error).message}`;
        log.warn(backupNote);
      }
    }
  }
  const tokensFile = config.tokensFile ?? embedded?.tokensFile ?? join(config.dataDir, 'tokens.yaml');
  // Own remote, no tokens file configured: the data dir gets an admin token like the embedded default.
  if (!config.tokensFile && !embedded) {
    const paths = { adminTokenFile: join(config.dataDir, 'admin-token'), tokensFile };
    if (ensureAdminToken(paths)) log.info({ adminTokenFile: paths.adminTokenFile }, 'admin token created');
  }
  const tokens = new TokenStore(tokensFile, { log: log.child({ component: 'tokens' }) });

  const uiDir = config.ui ? (config.uiDir ?? DEFAULT_UI_DIR) : undefined;
  if (uiDir) await ensureUiBuilt(uiDir, (m) => log.info(m));

  // One mirror per remote+branch inside the data dir; replicas each have their own data dir.
  const mirrorId = createHash('sha256').update(`${remote}\0${config.git.branch}`).digest('hex').slice(0, 16);
  const mirrorDir = join(config.dataDir, 'mirrors', `${mirrorId}.git`);
  // GitHub App and an http(s) remote without credentials of its own: Git gets a current
  // installation token before every fetch (no token in the URL); see api/github/installation-mirror.ts.
  const mirror =
    githubApp && octokit && InstallationTokenMirror.suits(remote)
      ? new InstallationTokenMirror(mirrorDir, remote, config.git.branch, config.git.timeoutSeconds * 1000, installationTokenSource(octokit), log)
      : new Mirror(mirrorDir, remote, config.git.branch, config.git.timeoutSeconds * 1000, log);
  await mirror.open();
  const state = new RepoState(mirror);
  const metrics = createMetrics();
  // The Git transport: pull requests through GitHub's API when GitHub is configured, else pushes.
  const transport: GitTransport =
    gh && octokit
      ? new PullRequestWriter({ octokit, owner: gh.owner, repo: gh.repo, base: config.git.branch, mirror, state, log })
      : new DirectWriter({
          mirror,
          state,
          committer: { name: config.git.committerName, email: config.git.committerEmail },
          maxAttempts: config.git.pushAttempts,
          maxBatch: config.git.maxBatch,
          metrics,
          log,
        });
  // A delete waits for a final backup (platform.yaml backup target) only where an Argo CD reports the Job.
  const argoConfigured = Boolean(config.argocd?.url && config.argocd?.token);
  // The rules ask the status reader (created below: it reports to the driver, which needs the service).
  const liveFacts: RuleDeps['live'] = (name) => {
    const finalBackup = finalDeletes.lastStatus(name);
    const neverSynced = live.neverSynced?.(name);
    return finalBackup || neverSynced ? { ...(finalBackup ? { finalBackup } : {}), ...(neverSynced ? { neverSynced } : {}) } : undefined;
  };
  const stores = new StoreService(transport, { ...(opts.render ? { render: opts.render } : {}), finalBackups: opts.finalBackups ?? argoConfigured, live: liveFacts });
  for (const h of opts.onPush ?? []) transport.onPush(h);
  const finalDeletes = new FinalDeleteDriver(stores, log.child({ component: 'final-delete' }));
  // Live status from Argo CD, push webhooks and GET /api/events (api/status/, docs/status.md).
  const live = createArgoStatus({ config, mirror, state, registry: metrics.registry, log, onFinalBackup: finalDeletes.observe });
  transport.onPush(live.onPush);

  // One refresh at a time: a fetch can outlast the interval (a slow remote, up to
  // git.timeoutSeconds of silence); refreshes must not queue up behind it (the mirror runs its
  // fetches one after the other).
  let refreshing: Promise<void> | undefined;
  const refresh = () =>
    (refreshing ??= (async () => {
      try {
        const tip = await transport.refresh();
        await state.snapshot(tip);
        await state.catchUp(tip);
      } catch (err) {
        log.warn({ err: { message: (err as Error).message } }, 'Git remote unreachable');
      }
    })().finally(() => (refreshing = undefined)));
  await refresh();

  // Store backups (api/backups/): the catalog reads the target platform.yaml names at the tip.
  const lifetimes = new StoreLifetimes(mirror);
  const status = opts.statusProvider ?? live.provider ?? gitOnlyStatus;
  const backups = createBackupService({
    config,
    credentialsFile: backupCredentialsFile,
    mirror,
    state,
    registry: metrics.registry,
    log,
    cronJobFailure: (name) => status.backupFailure?.(name),
  });
  backups.start();

  const context: ApiContext = {
    config,
    mirror,
    state,
    stores,
    lifetimes,
    tokens,
    metrics,
    status,
    backups,
    log,
    version: VERSION,
    extend: (app, deps) => {
      live.extend(app, deps);
      opts.extend?.(app, deps);
    },
    uiDir,
    mountUi,
  };
  const app = createApp(context);
  let server: Server;
  try {
    server = await new Promise((resolve, reject) => {
      const s = app.listen(config.port, config.host, (err?: Error) => (err ? reject(err) : resolve(s)));
    });
  } catch (err) {
    // Stop what already runs (status polling, timers, the mirror) so the process can exit.
    tokens.close();
    await live.stop();
    await backups.stop();
    await localTarget?.stop();
    mirror.close();
    throw new ListenError(config.host, config.port, err as NodeJS.ErrnoException);
  }
  server.keepAliveTimeout = 65_000;
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  let timer: NodeJS.Timeout | undefined;
  if (config.git.fetchIntervalSeconds > 0) {
    timer = setInterval(() => void refresh(), config.git.fetchIntervalSeconds * 1000);
    timer.unref();
  }
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    app,
    context,
    embedded,
    ...(backupNote ? { backupNote } : {}),
    async close() {
      try {
        if (timer) clearInterval(timer);
        tokens.close();
        await live.stop();
        await backups.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        mirror.close();
      } finally {
        // Whatever failed above, the local backup target (a process of its own) stops with the API.
        await localTarget?.stop();
      }
    },
  };
}

/** Whether the embedded repo's platform.yaml names this local target (seeded with it). */
async function seededWith(repo: string, branch: string, endpoint: string): Promise<boolean> {
  const r = await runGit(repo, ['show', `${branch}:platform.yaml`], { okCodes: [0, 128] });
  return r.stdout.includes(endpoint);
}

/** The server could not listen; the message says why and what to do. */
export class ListenError extends Error {
  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const why: Record<string, string> = {
      EADDRINUSE: 'the address is already in use (another process listens there: stop it, or choose another port with --port / STOREFLEET_PORT)',
      EACCES: 'permission denied (ports below 1024 need privileges: choose a higher port with --port / STOREFLEET_PORT)',
      EADDRNOTAVAIL: 'no network interface has that address (choose one of this machine\'s addresses, 127.0.0.1 or 0.0.0.0, with --host / STOREFLEET_HOST)',
    };
    super(`cannot listen on ${where}: ${why[cause.code ?? ''] ?? cause.message}`, { cause });
    this.name = 'ListenError';
  }
}

/** The JWT's `iss`: a numeric App ID as a number (as GitHub documents it), a client ID (Iv…) as is. */
function appIdClaim(appId: number | string): number | string {
  return typeof appId === 'string' && /^\d+$/.test(appId) ? Number(appId) : appId;
}
