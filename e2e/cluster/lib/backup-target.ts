// The dev cluster's backup target: SeaweedFS (`weed mini`, the same arguments as the embedded
// default's and the backup tier's, api/backups/local-target.ts) started detached on 127.0.0.1
// with the cluster's fixed ports, so it outlives `cluster:up` and `cluster:down` stops it by its
// PID file like every other process. Its credentials reach platform.yaml only sealed, through
// `storefleet seal-backup-credentials`.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseDocument } from 'yaml';
import { weedMini } from '../../../api/backups/local-target.ts';
import { RESTIC_IMAGE } from '../../../constructs/backup/backup.ts';
import { binary, HOST, paths, ports, repoRoot } from './config.ts';
import { startProcess, trackedProcesses } from './procs.ts';
import { waitFor } from './wait.ts';

export const FINAL_BACKUP_RETENTION_DAYS = 30;
export const backupEndpoint = `http://${HOST}:${ports.s3}`;

export interface DevBackupTarget {
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Starts SeaweedFS; the generated S3 credentials stay in its 0600 file and this process's memory. */
export async function startBackupTarget(): Promise<DevBackupTarget> {
  const weed = binary('weed');
  if (!existsSync(weed)) throw new Error(`${weed} is missing: npm run cluster:build -- seaweedfs`);
  const target = { dir: paths.backupTarget, bucket: 'storefleet-backups', accessKeyId: `sf${randomBytes(9).toString('hex')}`, secretAccessKey: randomBytes(24).toString('base64url') };
  const args = weedMini(target, {
    s3: ports.s3,
    s3Grpc: ports.s3Grpc,
    master: ports.weedMaster,
    masterGrpc: ports.weedMasterGrpc,
    volume: ports.weedVolume,
    volumeGrpc: ports.weedVolumeGrpc,
    filer: ports.weedFiler,
    filerGrpc: ports.weedFilerGrpc,
    admin: ports.weedAdmin,
    adminGrpc: ports.weedAdminGrpc,
  });
  startProcess('seaweedfs', weed, args, { cwd: target.dir, env: { HOME: target.dir } });
  await waitFor(`SeaweedFS S3 on ${backupEndpoint}`, async () => {
    if (!trackedProcesses().find((p) => p.name === 'seaweedfs')?.alive) throw new Error(`SeaweedFS exited; see ${join(paths.logs, 'seaweedfs.log')}`);
    // Any HTTP answer (403 for an unsigned request) means the gateway is up.
    return (await fetch(`${backupEndpoint}/`, { signal: AbortSignal.timeout(1000) }).then(() => true, () => undefined)) ?? undefined;
  }, 120_000, 250);
  return { bucket: target.bucket, accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey };
}

/**
 * Gives the working copy's platform.yaml a `backup:` section for the target, as an operator
 * would: the credentials and a fresh restic repository password sealed by
 * `storefleet seal-backup-credentials` (values in its environment, never as arguments).
 */
export function configureBackups(work: string, target: DevBackupTarget): void {
  const sealed = execFileSync(process.execPath, [join(repoRoot, 'bin/storefleet.js'), 'seal-backup-credentials', work], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, AWS_ACCESS_KEY_ID: target.accessKeyId, AWS_SECRET_ACCESS_KEY: target.secretAccessKey, RESTIC_PASSWORD: randomBytes(24).toString('base64url') },
  });
  const { credentials } = parseYaml(sealed) as { credentials: Record<string, string> };
  const file = join(work, 'platform.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.setIn(['backup'], doc.createNode({
    target: { endpoint: backupEndpoint, bucket: target.bucket, region: 'us-east-1', egress: { cidrs: [`${HOST}/32`], ports: [ports.s3] }, credentials },
    image: RESTIC_IMAGE,
    finalBackupRetentionDays: FINAL_BACKUP_RETENTION_DAYS,
  }));
  for (const plan of Object.keys((doc.toJS().plans ?? {}) as object)) {
    doc.setIn(['plans', plan, 'backup'], doc.createNode({ schedule: '17 3 * * *', keep: { daily: 7, weekly: 4, monthly: 3 } }));
  }
  writeFileSync(file, doc.toString());
}
