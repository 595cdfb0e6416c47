// `storefleet serve` / `npm start`: loads the configuration, starts the API and dashboard, and
// prints where to find them (never the token itself: the path of the file holding it).
import { ConfigError, loadConfig, type ServeConfig } from './config.ts';
import { startServer, type RunningServer, type ServerOptions } from './server.ts';

/**
 * `configure` builds the extra wiring (status provider, push hooks, /api/events) from the loaded
 * configuration; `running()` returns the server once it is up (for late-bound callbacks such as
 * the status reader's `gitFacts`).
 */
export async function serveCommand(
  argv: string[],
  configure?: (config: ServeConfig, running: () => RunningServer | undefined) => Promise<ServerOptions> | ServerOptions,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('usage: storefleet serve [--data-dir DIR] [--host 127.0.0.1] [--port 3000] [--config FILE] [--git-remote URL]\nAll options: docs/configuration.md');
    return 0;
  }
  let config;
  try {
    config = loadConfig(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`storefleet serve: ${err.message}`);
      return 2;
    }
    throw err;
  }
  let server: RunningServer | undefined;
  try {
    const cfg = config;
    const options = configure ? await configure(cfg, () => server) : {};
    server = await startServer(cfg, options);
  } catch (err) {
    console.error(`storefleet serve: ${(err as Error).message}`);
    return 1;
  }
  const url = config.publicUrl ?? server.url;
  const lines = [`Storefleet is running: ${url}`];
  if (server.embedded) {
    lines.push(
      `  GitOps repository: ${server.embedded.repo} (embedded default; set STOREFLEET_GIT_REMOTE to use your own)`,
      `  Admin token: in ${server.embedded.adminTokenFile} (cat it and paste it into the sign-in page)`,
      `  Dev sealing key: ${server.embedded.sealingCert} and tls.key; load into a cluster with: kubectl -n kube-system create secret tls sealed-secrets-dev --cert=${server.embedded.sealingCert} --key=${server.embedded.sealingKey} && kubectl -n kube-system label secret sealed-secrets-dev sealedsecrets.bitnami.com/sealed-secrets-key=active`,
    );
  }
  console.log(lines.join('\n'));
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
