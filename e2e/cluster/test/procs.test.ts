// PID-file bookkeeping of the dev cluster: `down` must stop exactly what `up` started, and never
// signal a process whose PID merely matches a stale PID file.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'storefleet-procs-'));
process.env.STOREFLEET_CLUSTER_DIR = dir;
const { startProcess, stopAll, trackedProcesses } = await import('../lib/procs.ts');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('dev cluster process tracking', () => {
  let unrelated: ReturnType<typeof spawn>;
  beforeAll(() => {
    unrelated = spawn('sleep', ['60'], { stdio: 'ignore' });
  });
  afterAll(() => {
    unrelated.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('records started processes and stops them by PID file', async () => {
    const a = startProcess('sleeper-a', 'sleep', ['60']);
    const b = startProcess('sleeper-b', 'sleep', ['60']);
    expect(trackedProcesses().filter((p) => p.alive).map((p) => p.name).sort()).toEqual(['sleeper-a', 'sleeper-b']);
    await stopAll(() => undefined, 5000);
    // detached children are reaped by init only eventually; poll briefly for them to disappear
    for (let i = 0; i < 50 && (alive(a.pid) || alive(b.pid)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(trackedProcesses()).toEqual([]);
    expect(readdirSync(join(dir, 'pids'))).toEqual([]);
  });

  it('treats a PID file whose start time does not match as not running and leaves that process alone', async () => {
    const pid = unrelated.pid!;
    writeFileSync(join(dir, 'pids', 'stale.pid'), `${pid} 1\n`);
    expect(trackedProcesses()).toEqual([{ name: 'stale', pid, alive: false }]);
    await stopAll(() => undefined, 1000);
    expect(alive(pid)).toBe(true);
    expect(readdirSync(join(dir, 'pids'))).toEqual([]);
  });
});
