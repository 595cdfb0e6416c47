// The embedded default's backup target: a local SeaweedFS on 127.0.0.1 when `weed` is available
// (built by `npm run cluster:build -- seaweedfs` into ~/.cache/storefleet/bin, or on PATH). Its
// facts live in <data-dir>/backup-target/: the credentials (generated once, mode 0600, the file
// the API's catalog reads) and the S3 port (chosen once: platform.yaml names it). The seeded
// platform.yaml gets the matching backup section, so stores render their backup CronJobs and the
// dashboard lists backups. Started and stopped by PID with the server.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Starts the local target on its fixed port. */
export function startLocalTarget(s: LocalTargetSettings, weed: string): Promise<LocalS3> {
  return startLocalS3({ weed, dir: s.dir, bucket: s.bucket, accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, port: s.port });
}
