// Builds the API's BackupService from its configuration: the restic catalog over the target that
// platform.yaml names at the branch tip, the credentials file, and the stores Git knows.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ServeConfig } from '../config.ts';
import type { Mirror } from '../git/mirror.ts';
import type { RepoState } from '../git/repo-state.ts';
import { readCredentialsFile, type BackupCredentials } from './credentials.ts';
import { ResticCatalog } from './restic-catalog.ts';
import { BackupService, backupPolicyOf, type BackupServiceOptions, type StoreBackupFacts } from './service.ts';
import { findTool } from './tools.ts';

export function createBackupService(o: {
  config: ServeConfig;
  credentialsFile?: string;
  mirror: Mirror;
  state: RepoState;
  registry: Registry;
  log: Logger;
  cronJobFailure?: BackupServiceOptions['cronJobFailure'];
}): BackupService {
  const { config, mirror, state } = o;
  const log = o.log.child({ component: 'backups' });
  let credentials: BackupCredentials | undefined;
  // backup.credentialsFile, or the embedded default's local target's own file.
  const file = o.credentialsFile ?? config.backup.credentialsFile;
  if (file) {
    const read = readCredentialsFile(file);
    credentials = read.credentials;
    if (read.readableByOthers) log.warn({ file }, 'the backup credentials file is readable by group or others: chmod 600 it');
  }
  const platform = async () => {
    const tip = mirror.tip;
    if (!tip) return undefined;
    try {
      return await state.platform(tip);
    } catch {
      return undefined; // the routes say why platform.yaml cannot be read
    }
  };
  const catalog = new ResticCatalog({
    target: async () => (await platform())?.config.backup?.target,
    credentials,
    restic: findTool('restic', { configured: config.backup.resticBin }) ?? 'restic',
    cacheMs: config.backup.cacheSeconds * 1000,
    timeoutMs: config.backup.timeoutSeconds * 1000,
    concurrency: config.backup.concurrency,
  });
  const stores = async (): Promise<StoreBackupFacts[]> => {
    const tip = mirror.tip;
    if (!tip) return [];
    const snap = await state.snapshot(tip);
    const out: StoreBackupFacts[] = [];
    for (const e of snap.stores.values()) {
      if (!e.spec) continue;
      const last = state.lastWrite.get(e.name);
      out.push({ name: e.name, plan: e.spec.plan, deleted: false, ...(last && last.action !== 'delete' && last.time ? { lifetimeStart: last.time } : {}) });
    }
    // Deleted stores: their plan does not matter, only when they went.
    for (const [name, w] of state.lastWrite) {
      if (w.action === 'delete' && !snap.stores.has(name)) out.push({ name, plan: '', deleted: true, ...(w.time ? { deletedAt: w.time } : {}) });
    }
    return out;
  };
  return new BackupService({
    catalog,
    policy: async () => backupPolicyOf(await platform()),
    stores,
    registry: o.registry,
    log,
    intervalMs: config.backup.checkIntervalSeconds * 1000,
    ...(o.cronJobFailure ? { cronJobFailure: o.cronJobFailure } : {}),
  });
}
