// GET /api/events on the real API: each user may hold only a few streams at once (the next one
// gets 429 with a clear message, other users are unaffected), and when a token is revoked in
// tokens.yaml its open streams end within the reload interval while others keep streaming.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashToken, tokensYaml } from './auth.ts';
import type { RunningServer } from './server.ts';
import { seededRemote, startApi, TOKENS } from './test-support/harness.ts';

const WAIT = { timeout: 30_000, interval: 50 };
let api: RunningServer;
const aborts: AbortController[] = [];

beforeAll(async () => {
  const remote = await seededRemote();
  api = await startApi(remote.fileUrl, { STOREFLEET_EVENTS_MAX_STREAMS_PER_USER: '3' });
});
afterAll(async () => {
  for (const a of aborts) a.abort();
  await api?.close();
});

/** Opens a stream; `ended` turns true when the server closes it. */
async function open(token: string) {
  const ac = new AbortController();
  aborts.push(ac);
  const res = await fetch(`${api.url}/api/events?token=${token}`, { signal: ac.signal });
  const stream = { status: res.status, ended: false, text: '', close: () => ac.abort() };
  if (res.status !== 200) {
    stream.text = await res.text();
    return stream;
  }
  void (async () => {
    try {
      for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) stream.text += Buffer.from(c).toString();
      stream.ended = true;
    } catch {
      // aborted by the test
    }
  })();
  return stream;
}

describe('GET /api/events', () => {
  it('caps concurrent streams per user with 429 and a clear message', async () => {
    const mine = [await open(TOKENS.alice), await open(TOKENS.alice), await open(TOKENS.alice)];
    expect(mine.map((s) => s.status)).toEqual([200, 200, 200]);
    const fourth = await open(TOKENS.alice);
    expect(fourth.status).toBe(429);
    expect(JSON.parse(fourth.text).detail).toMatch(/3 event streams open.*most one user may have/);
    // Other users are not affected.
    expect((await open(TOKENS.bob)).status).toBe(200);
    // A closed stream frees its slot.
    mine[0].close();
    await vi.waitFor(async () => {
      const again = await open(TOKENS.alice);
      if (again.status === 200) again.close();
      expect(again.status).toBe(200);
    }, WAIT);
  });

  it("a revoked token's open streams close within the reload interval; others stay open", async () => {
    const admin = await open(TOKENS.admin);
    const bob = await open(TOKENS.bob);
    expect([admin.status, bob.status]).toEqual([200, 200]);
    writeFileSync(
      api.context.config.tokensFile!,
      tokensYaml({
        tokens: [
          { user: 'admin', role: 'admin', sha256: hashToken(TOKENS.admin) },
          { user: 'alice', role: 'member', sha256: hashToken(TOKENS.alice) },
        ],
      }),
    );
    await vi.waitFor(() => expect(bob.ended).toBe(true), WAIT);
    expect(admin.ended).toBe(false);
    expect((await open(TOKENS.bob)).status).toBe(401);
  });
});
