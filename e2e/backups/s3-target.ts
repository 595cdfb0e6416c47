// A local S3-compatible backup target for the backup tier: SeaweedFS on 127.0.0.1 (the same
// starter as the embedded default's, api/backups/local-target.ts), with credentials generated for
// this run only. Built by e2e/cluster/build.sh seaweedfs into the cache; stopped by its PID.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { binary } from '../cluster/lib/config.ts';
import { startLocalS3 } from '../../api/backups/local-target.ts';

export interface S3Target {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  pid: number;
  /** SIGTERM, then SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
}

export interface S3TargetOptions {
  /** Data directory (created; the credentials file lives here with mode 0600). */
  dir: string;
  bucket?: string;
  /** Fixed S3 port (the dev cluster's); default: a free port. */
  port?: number;
}

/** Starts SeaweedFS with an S3 gateway on 127.0.0.1 and one pre-created bucket. */
export async function startS3Target(o: S3TargetOptions): Promise<S3Target> {
  const weed = binary('weed');
  for (const tool of [weed, binary('restic')]) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing: build it with \`bash .ci/setup-backups.sh\` (or npm run cluster:build -- seaweedfs restic)`);
  }
  const accessKeyId = `sf${randomBytes(9).toString('hex')}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const s3 = await startLocalS3({ weed, dir: o.dir, bucket: o.bucket ?? 'storefleet-backups', accessKeyId, secretAccessKey, ...(o.port ? { port: o.port } : {}) });
  return { endpoint: s3.endpoint, bucket: s3.bucket, region: s3.region, accessKeyId, secretAccessKey, pid: s3.pid, stop: s3.stop };
}
