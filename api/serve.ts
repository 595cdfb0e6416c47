// `storefleet serve` / `npm start`: loads the configuration, starts the API and dashboard, and
// prints where to find them (never the token itself: the path of the file holding it).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { asksForHelp } from '../generator/args.ts';
import { loadSealingKeyCommands } from '../generator/sealing.ts';
import { commandHelp } from '../generator/usage.ts';
import { ConfigError, loadConfig, OPTIONS } from './config.ts';
import { startServer, type RunningServer } from './server.ts';

/** Where `npm run cluster:up` writes the dev cluster's settings (`cluster:down` removes the folder). */
export function clusterEnvFile(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.STOREFLEET_CACHE ?? join(homedir(), '.cache', 'storefleet');
  return join(env.STOREFLEET_CLUSTER_DIR ?? join(cache, 'cluster'), 'storefleet.env');
}

/**
 * The environment with a running dev cluster's settings underneath it (Git remote, Argo CD URL,
 * token, webhooks), so `npm start` shows real Argo CD status after `npm run cluster:up`. Real
 * environment variables win; STOREFLEET_CLUSTER_ENV=off ignores the file.
 */
export function withClusterEnv(env: NodeJS.ProcessEnv = process.env): { env: NodeJS.ProcessEnv; file?: string } {
  const file = clusterEnvFile(env);
  if (env.STOREFLEET_CLUSTER_ENV === 'off' || !existsSync(file)) return { env };
  const known = new Set(OPTIONS.map((o) => o.env));
  const fromFile = Object.fromEntries(Object.entries(parseEnv(readFileSync(file, 'utf8'))).filter(([k]) => known.has(k)));
  return { env: { ...fromFile, ...env }, file };
}

export async function serveCommand(argv: string[]): Promise<number> {
  if (asksForHelp(argv)) {
    console.log(commandHelp('serve'));
    return 0;
  }
  let config;
  const cluster = withClusterEnv();
  try {
    config = loadConfig(argv, cluster.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`storefleet serve: ${err.message}\nRun "storefleet serve --help" for usage.`);
      return 2;
    }
    throw err;
  }
  // Listening for a stop before anything starts: a SIGTERM during the start (or right after the
  // message below) shuts down cleanly, local backup target included, instead of killing the process.
  const stopRequested = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (err) {
    console.error(`storefleet serve: ${(err as Error).message}`);
    // A setting found wrong at start (e.g. an unreadable github.privateKeyFile) exits like a config error.
    return err instanceof ConfigError ? 2 : 1;
  }
  const url = config.publicUrl ?? server.url;
  const lines = [`Storefleet is running: ${url}`];
  if (cluster.file) lines.push(`  Dev cluster settings: ${cluster.file} (from npm run cluster:up; STOREFLEET_CLUSTER_ENV=off ignores them)`);
  if (!server.embedded && !config.tokensFile) lines.push(`  Admin token: in ${join(config.dataDir, 'admin-token')}`);
  if (server.embedded) {
    lines.push(
      `  GitOps repository: ${server.embedded.repo} (embedded default; set STOREFLEET_GIT_REMOTE to use your own)`,
      `  Admin token: in ${server.embedded.adminTokenFile} (cat it and paste it into the sign-in page)`,
      `  Dev sealing key: ${server.embedded.sealingCert} and tls.key; load into a cluster (docs/operations.md, step 3) with: ${loadSealingKeyCommands(server.embedded.sealingCert, server.embedded.sealingKey).join(' && ')}`,
    );
    if (server.backupNote) lines.push(`  Backups: ${server.backupNote}`);
  }
  console.log(lines.join('\n'));
  await stopRequested;
  await server.close();
  return 0;
}
