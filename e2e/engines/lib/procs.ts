// Processes of the engine tier: each started with its own log file and stopped by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';

export interface Proc {
  name: string;
  pid: number;
  child: ChildProcess;
  log: string;
  exited: Promise<number | null>;
}

export interface StartOptions {
  cwd?: string;
  env: Record<string, string>;
  log: string;
  uid?: number;
  gid?: number;
}

/** Starts a long-running process (own process group, so its children stop with it). */
export function start(name: string, cmd: string, args: string[], o: StartOptions): Proc {
  const fd = openSync(o.log, 'a');
  const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', fd, fd], detached: true, uid: o.uid, gid: o.gid });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${cmd}`);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, pid: child.pid, child, log: o.log, exited };
}

/** SIGTERM to the process group led by this PID, SIGKILL after the grace period. */
export async function stop(p: Proc, graceMs = 15_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-p.pid, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

export interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a command to completion, capturing stdout+stderr (the caller decides what to print). */
export function run(cmd: string, args: string[], o: { cwd?: string; env: Record<string, string>; uid?: number; gid?: number; input?: string }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ['pipe', 'pipe', 'pipe'], uid: o.uid, gid: o.gid });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.on('error', () => {}); // a command that never reads its stdin (EPIPE)
    child.stdin.end(o.input ?? '');
  });
}
