// A local S3-compatible backup target: SeaweedFS (`weed mini`, Apache-2.0) as one process on
// 127.0.0.1 with one bucket and one identity, started and stopped by its PID. The embedded
// default runs one (api/backups/embedded-target.ts); the backup tier runs one per test file.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const HOST = '127.0.0.1';

export interface LocalS3Options {
  /** The weed binary. */
  weed: string;
  /** Data directory (created); the identities file lives here with mode 0600. */
  dir: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The S3 port (fixed when platform.yaml names it); default: a free one. */
  port?: number;
  /** How long to wait for the S3 endpoint. */
  startTimeoutMs?: number;
}

export interface LocalS3 {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  bucket: string;
  region: string;
  pid: number;
  log: string;
  /** SIGTERM to its process group, SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, HOST, () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

// Ports every listener of `weed mini` needs. gRPC ports are given explicitly: its default is
// port + 10000, which may be taken or out of range for a kernel-chosen port.
async function ports(s3?: number): Promise<Record<string, number>> {
  const names = ['master', 'masterGrpc', 'volume', 'volumeGrpc', 'filer', 'filerGrpc', 's3Grpc', 'admin', 'adminGrpc'];
  const out: Record<string, number> = { s3: s3 ?? (await freeLoopbackPort()) };
  for (const n of names) out[n] = await freeLoopbackPort();
  return out;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function waitForHttp(url: string, child: ChildProcess, log: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited(child)) throw new Error(`SeaweedFS exited (${child.exitCode ?? child.signalCode}) before its S3 endpoint answered; see ${log}`);
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

/** The ports `weed mini` listens on (every one on 127.0.0.1). */
export type WeedPorts = Record<'s3' | 'master' | 'masterGrpc' | 'volume' | 'volumeGrpc' | 'filer' | 'filerGrpc' | 's3Grpc' | 'admin' | 'adminGrpc', number>;

/**
 * Writes the identities file (0600) and answers the `weed mini` arguments for a target in
 * `o.dir`: what startLocalS3 runs, and what the dev cluster starts detached under its own PID
 * files (e2e/cluster/lib/backup-target.ts).
 */
export function weedMini(o: Pick<LocalS3Options, 'dir' | 'bucket' | 'accessKeyId' | 'secretAccessKey'>, p: WeedPorts): string[] {
  mkdirSync(join(o.dir, 'data'), { recursive: true, mode: 0o700 });
  const config = join(o.dir, 's3.json');
  // SeaweedFS reads identities from this file; only the owner may read it.
  writeFileSync(
    config,
    JSON.stringify({
      identities: [{ name: 'storefleet', credentials: [{ accessKey: o.accessKeyId, secretKey: o.secretAccessKey }], actions: ['Admin', 'Read', 'List', 'Tagging', 'Write'] }],
    }),
    { mode: 0o600 },
  );
  return [
    'mini',
    `-dir=${join(o.dir, 'data')}`,
    `-ip=${HOST}`,
    `-ip.bind=${HOST}`,
    `-bucket=${o.bucket}`,
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
}

/** Starts SeaweedFS with an S3 gateway on 127.0.0.1 and the bucket pre-created. */
export async function startLocalS3(o: LocalS3Options): Promise<LocalS3> {
  const p = (await ports(o.port)) as WeedPorts;
  const args = weedMini(o, p);
  const log = join(o.dir, 'seaweedfs.log');
  const fd = openSync(log, 'a', 0o600);
  // Its own process group, so whatever it starts stops with it.
  const child = spawn(o.weed, args, { cwd: o.dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: o.dir }, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${o.weed}`);
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => undefined); // reported by waitForHttp (exit code)
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (exited(child)) return;
      const signal = (s: NodeJS.Signals) => {
        try {
          process.kill(-pid, s);
        } catch {
          /* already gone */
        }
      };
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    })());
  const endpoint = `http://${HOST}:${p.s3}`;
  try {
    await waitForHttp(`${endpoint}/`, child, log, o.startTimeoutMs ?? 120_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, bucket: o.bucket, region: 'us-east-1', pid, log, stop };
}
