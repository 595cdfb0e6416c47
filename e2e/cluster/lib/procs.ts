// Starts the cluster's processes detached, one PID file each, and stops exactly those.
// A PID file holds "<pid> <start-time>" (field 22 of /proc/<pid>/stat), so a recycled PID
// never gets a signal meant for a process that has already exited.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from './config.ts';

function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces; fields after the closing paren are space-separated.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export interface Started {
  name: string;
  pid: number;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  cwd?: string;
}

export function startProcess(name: string, cmd: string, args: string[], opts: SpawnOptions = {}): Started {
  mkdirSync(paths.pids, { recursive: true });
  mkdirSync(paths.logs, { recursive: true });
  const log = openSync(join(paths.logs, `${name}.log`), 'a');
  const child = spawn(cmd, args, {
    detached: true, // own process group: survives the `up` script, and ^C on it
    stdio: ['ignore', log, log],
    env: { ...process.env, ...opts.env },
    cwd: opts.cwd ?? paths.state,
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${cmd}`);
  child.unref();
  writeFileSync(join(paths.pids, `${name}.pid`), `${child.pid} ${startTime(child.pid) ?? ''}\n`);
  return { name, pid: child.pid };
}

export interface Tracked {
  name: string;
  pid: number;
  alive: boolean;
}

/** Every process a PID file names (in start order), and whether it is still the process we started. */
export function trackedProcesses(): Tracked[] {
  if (!existsSync(paths.pids)) return [];
  return readdirSync(paths.pids)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => ({ f, t: statSync(join(paths.pids, f)).mtimeMs }))
    .sort((a, b) => a.t - b.t)
    .map(({ f }) => {
      const [pidText, started] = readFileSync(join(paths.pids, f), 'utf8').trim().split(' ');
      const pid = Number(pidText);
      const alive = Number.isInteger(pid) && pid > 0 && started !== undefined && startTime(pid) === started;
      return { name: f.slice(0, -4), pid, alive };
    });
}

export function isRunning(name: string): boolean {
  return trackedProcesses().some((p) => p.name === name && p.alive);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM every tracked process (reverse start order), SIGKILL what is left after a grace period. */
export async function stopAll(log: (msg: string) => void = console.log, graceMs = 10_000): Promise<void> {
  const procs = trackedProcesses().reverse();
  for (const p of procs) {
    if (!p.alive) continue;
    try {
      process.kill(p.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + graceMs;
  for (const p of procs) {
    if (!p.alive) {
      rmSync(join(paths.pids, `${p.name}.pid`), { force: true });
      continue;
    }
    while (Date.now() < deadline && trackedProcesses().find((t) => t.name === p.name)?.alive) await sleep(100);
    if (trackedProcesses().find((t) => t.name === p.name)?.alive) {
      process.kill(p.pid, 'SIGKILL');
      log(`  ${p.name} (pid ${p.pid}): killed after ${graceMs / 1000}s`);
    } else {
      log(`  ${p.name} (pid ${p.pid}): stopped`);
    }
    rmSync(join(paths.pids, `${p.name}.pid`), { force: true });
  }
}
