// `storefleet serve` on a port it cannot have exits non-zero with a message saying why and what
// to do (before: it printed EADDRINUSE and kept running, serving nothing, so `npm start` hung).
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, seededRemote, tmp, writeTokens } from './test-support/harness.ts';

let busy: Server;
let port: number;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  port = (busy.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => busy.close(() => resolve()));
});

/** Runs the CLI; resolves with its exit code and output, or with code null if it is still running after 90 s (a loaded machine starts slowly). */
function serve(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/storefleet.js'), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, STOREFLEET_UI: 'false', STOREFLEET_LOG_LEVEL: 'warn', STOREFLEET_BACKUP_LOCAL_TARGET: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      process.kill(child.pid!, 'SIGKILL');
      resolve({ code: null, out });
    }, 90_000);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
  });
}

describe('storefleet serve cannot listen', () => {
  it('exits 1 with the address, the reason and what to do when the port is taken', async () => {
    const remote = await seededRemote();
    const dataDir = tmp('sf-busy-');
    const r = await serve({ STOREFLEET_DATA_DIR: dataDir, STOREFLEET_TOKENS_FILE: writeTokens(dataDir), STOREFLEET_GIT_REMOTE: remote.fileUrl, STOREFLEET_PORT: String(port) });
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(`storefleet serve: cannot listen on 127.0.0.1:${port}: the address is already in use`);
    expect(r.out).toMatch(/--port|STOREFLEET_PORT/);
    expect(r.out).not.toContain('Storefleet is running');
  }, 120_000);
});
