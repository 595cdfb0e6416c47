// Polling helpers with a deadline and a message that says what was awaited.
import { connect } from 'node:net';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message.split('\n')[0]}` : '';
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

export function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
    s.setTimeout(1000, () => { s.destroy(); resolve(false); });
  });
}

/** Prints "<step> … <seconds>s" around an async step and returns its result. */
export async function step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = Date.now();
  process.stdout.write(`• ${name} …`);
  try {
    const v = await fn();
    process.stdout.write(` ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
    return v;
  } catch (err) {
    process.stdout.write(` FAILED after ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
    throw err;
  }
}
