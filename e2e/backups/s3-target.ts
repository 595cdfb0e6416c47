// A local S3-compatible backup target: SeaweedFS (`weed mini`, Apache-2.0) as one process on
// 127.0.0.1, with credentials generated for this run only. Built by e2e/cluster/build.sh seaweedfs
// into the cache; started by PID and stopped by that PID.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binary } from '../cluster/lib/config.ts';
import { freePort } from '../../ui/e2e/harness.ts';
import { start, stop as stopProc, type Proc } from '../engines/lib/procs.ts';

const HOST = '127.0.0.1';

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

// Ports every listener of `weed mini` needs. gRPC ports are given explicitly: its default is
// port + 10000, which may be taken or out of range for a kernel-chosen port.
async function ports(s3?: number): Promise<Record<string, number>> {
  const names = ['master', 'masterGrpc', 'volume', 'volumeGrpc', 'filer', 'filerGrpc', 's3Grpc', 'admin', 'adminGrpc'];
  const out: Record<string, number> = { s3: s3 ?? (await freePort()) };
  for (const n of names) out[n] = await freePort();
  return out;
}

async function waitForHttp(url: string, proc: Proc, log: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`SeaweedFS exited (${proc.child.exitCode ?? proc.child.signalCode}) before its S3 endpoint answered; see ${log}`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return; // any HTTP answer (403 for an unsigned request) means the gateway is up
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`SeaweedFS S3 endpoint ${url} did not answer within ${timeoutMs / 1000}s; see ${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Starts SeaweedFS with an S3 gateway on 127.0.0.1 and one pre-created bucket. */
export async function startS3Target(o: S3TargetOptions): Promise<S3Target> {
  const weed = binary('weed');
  for (const tool of [weed, binary('restic')]) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing: build it with \`bash .ci/setup-backups.sh\` (or npm run cluster:build -- seaweedfs restic)`);
  }
  mkdirSync(join(o.dir, 'data'), { recursive: true });
  const bucket = o.bucket ?? 'storefleet-backups';
  const accessKeyId = `sf${randomBytes(9).toString('hex')}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const config = join(o.dir, 's3.json');
  // SeaweedFS reads identities from this file; only the owner may read it.
  writeFileSync(
    config,
    JSON.stringify({
      identities: [{ name: 'storefleet', credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }], actions: ['Admin', 'Read', 'List', 'Tagging', 'Write'] }],
    }),
    { mode: 0o600 },
  );
  const p = await ports(o.port);
  const log = join(o.dir, 'seaweedfs.log');
  const args = [
    'mini',
    `-dir=${join(o.dir, 'data')}`,
    `-ip=${HOST}`,
    `-ip.bind=${HOST}`,
    `-bucket=${bucket}`,
    `-s3.config=${config}`,
    `-master.port=${p.master}`,
    `-master.port.grpc=${p.masterGrpc}`,
    `-volume.port=${p.volume}`,
    `-volume.port.grpc=${p.volumeGrpc}`,
    `-filer.port=${p.filer}`,
    `-filer.port.grpc=${p.filerGrpc}`,
    `-filer.localSocket=${join(o.dir, 'filer.sock')}`,
    `-s3.port=${p.s3}`,
    `-s3.port.grpc=${p.s3Grpc}`,
    `-s3.localSocket=${join(o.dir, 's3.sock')}`,
    // Nothing beyond the S3 gateway where it can be turned off: no WebDAV, admin UI, Iceberg or
    // Lance listeners, and no anonymous usage report to the project's telemetry server (on by default).
    '-webdav=false',
    '-admin.ui=false',
    // The admin server runs even without its UI (unauthenticated, loopback only): kernel-chosen
    // ports instead of its fixed defaults, and no legacy second port.
    `-admin.port=${p.admin}`,
    `-admin.port.grpc=${p.adminGrpc}`,
    '-admin.port.legacy=0',
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
    '-master.telemetry=false',
  ];
  const proc = start('seaweedfs', weed, args, { cwd: o.dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: o.dir }, log });
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= stopProc(proc, 10_000));
  const endpoint = `http://${HOST}:${p.s3}`;
  try {
    await waitForHttp(`${endpoint}/`, proc, log, 120_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, bucket, region: 'us-east-1', accessKeyId, secretAccessKey, pid: proc.pid, stop };
}

