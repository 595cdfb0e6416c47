// The embedded default's backup target: a local SeaweedFS on 127.0.0.1 when `weed` is available
// (built by `npm run cluster:build -- seaweedfs` into ~/.cache/storefleet/bin, or on PATH). Its
// facts live in <data-dir>/backup-target/: the credentials (generated once, mode 0600, the file
// the API's catalog reads) and the S3 port (chosen once: platform.yaml names it). The seeded
// platform.yaml gets the matching backup section, so stores render their backup CronJobs and the
// dashboard lists backups. Started and stopped by PID with the server.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCredentialsFile } from './credentials.ts';
import { freeLoopbackPort, startLocalS3, type LocalS3 } from './local-target.ts';
import type { LocalBackupTarget } from './platform-backup.ts';

const BUCKET = 'storefleet-backups';

/** What to tell a person whose embedded default has no backup target, and how to get one. */
export const NO_LOCAL_TARGET =
  'no backup target: the embedded default runs without backups (weed, the SeaweedFS server, was not found). ' +
  'To get a local one: `npm run cluster:build -- seaweedfs` (builds it into ~/.cache/storefleet/bin) or put `weed` on PATH, then start again with a new data dir';

export interface LocalTargetSettings extends LocalBackupTarget {
  port: number;
  dir: string;
  credentialsFile: string;
}

/** The local target's settings, created on first use (credentials 0600, a free port). */
export async function localTargetSettings(dataDir: string): Promise<LocalTargetSettings> {
  const dir = join(dataDir, 'backup-target');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const credentialsFile = join(dir, 'credentials');
  const portFile = join(dir, 'port');
  if (!existsSync(credentialsFile)) {
    const lines = [
      '# The embedded default\'s local backup target (SeaweedFS on 127.0.0.1); generated once.',
      `AWS_ACCESS_KEY_ID=sf${randomBytes(9).toString('hex')}`,
      `AWS_SECRET_ACCESS_KEY=${randomBytes(24).toString('base64url')}`,
      `RESTIC_PASSWORD=${randomBytes(24).toString('base64url')}`,
    ];
    writeFileSync(credentialsFile, lines.join('\n') + '\n', { mode: 0o600 });
  }
  if (!existsSync(portFile)) writeFileSync(portFile, `${await freeLoopbackPort()}\n`);
  const port = Number(readFileSync(portFile, 'utf8').trim());
  const { credentials } = readCredentialsFile(credentialsFile);
  return {
    dir,
    port,
    credentialsFile,
    endpoint: `http://127.0.0.1:${port}`,
    bucket: BUCKET,
    region: 'us-east-1',
    accessKeyId: credentials.AWS_ACCESS_KEY_ID,
    secretAccessKey: credentials.AWS_SECRET_ACCESS_KEY,
    resticPassword: credentials.RESTIC_PASSWORD,
  };
}

/**
 * Starts the local target on its fixed port. A target left running by an API that was killed
 * (its PID in <data-dir>/backup-target/weed.pid, its command line naming this data dir) is
 * stopped first, by that PID, so the port is free again.
 */
export async function startLocalTarget(s: LocalTargetSettings, weed: string): Promise<LocalS3> {
  const pidFile = join(s.dir, 'weed.pid');
  await stopLeftover(pidFile, s.dir);
  const target = await startLocalS3({ weed, dir: s.dir, bucket: s.bucket, accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, port: s.port });
  writeFileSync(pidFile, `${target.pid}\n`);
  return {
    ...target,
    stop: async () => {
      await target.stop();
      rmSync(pidFile, { force: true });
    },
  };
}

async function stopLeftover(pidFile: string, dir: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    /* gone (or no /proc): nothing to stop */
  }
  // Only our own SeaweedFS: the PID may have been reused by another process since.
  if (Number.isInteger(pid) && pid > 1 && cmdline.includes(`-dir=${join(dir, 'data')}`)) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    for (let i = 0; i < 100 && running(pid); i++) await new Promise((r) => setTimeout(r, 100));
  }
  rmSync(pidFile, { force: true });
}

/** Alive and not a zombie (an orphan's exit is reaped by whoever adopted it, maybe late). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
