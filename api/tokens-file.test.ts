// tokens.yaml edits on a running API: a file that does not parse, or has one invalid entry, keeps
// the last good tokens as a whole (nothing of the new file applies), logs an error naming the line,
// and /readyz reports it; a good file then applies as a whole.
import { Writable } from 'node:stream';
import { writeFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashToken, tokensYaml } from './auth.ts';
import { parseTokensFile } from './token-store.ts';
import type { RunningServer } from './server.ts';
import { call, seededRemote, startApi, TOKENS } from './test-support/harness.ts';

const WAIT = { timeout: 30_000, interval: 50 };
const CAROL = 'sf_test-carol-token-00000000000000000000';
let api: RunningServer;
let file: string;
const logs: { level: number; msg: string; [k: string]: unknown }[] = [];

beforeAll(async () => {
  const remote = await seededRemote();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  api = await startApi(remote.fileUrl, {}, { logger: pino({ level: 'info' }, sink) });
  file = api.context.config.tokensFile!;
});
afterAll(async () => {
  await api?.close();
});

const status = async (token: string) => (await call(api.url, 'GET', '/api/stores', { token })).status;
const tokensCheck = async () => (await call(api.url, 'GET', '/readyz')).body.checks as { tokens?: { ok: boolean; reason?: string } };

// admin, alice and carol (bob revoked): what a good edit would apply.
const entries = [
  { user: 'admin', role: 'admin' as const, sha256: hashToken(TOKENS.admin) },
  { user: 'alice', role: 'member' as const, sha256: hashToken(TOKENS.alice) },
  { user: 'carol', role: 'member' as const, sha256: hashToken(CAROL) },
];

describe('a broken tokens.yaml', () => {
  it('that does not parse: last good tokens stay, the error names the line, /readyz reports it', async () => {
    expect(await status(TOKENS.bob)).toBe(200);
    const good = tokensYaml({ tokens: entries }).split('\n');
    // A typo further down the file: the last entry's role line indented one space short.
    const at = good.findIndex((l) => l.includes('user: carol')) + 1;
    expect(good[at]).toMatch(/^ {4}role: member$/);
    good[at] = good[at].slice(1);
    writeFileSync(file, good.join('\n'));
    await vi.waitFor(async () => expect((await tokensCheck()).tokens?.ok).toBe(false), WAIT);
    const reason = (await tokensCheck()).tokens!.reason!;
    expect(reason).toContain(file);
    expect(reason).toMatch(new RegExp(`line ${at + 1}\\b`));
    const logged = logs.find((l) => l.level === 50 && String(l.msg).includes('tokens'));
    expect(logged?.msg).toMatch(new RegExp(`line ${at + 1}\\b`));
    // Nothing of the new file applied: bob (dropped) still in, carol (added) not.
    expect(await status(TOKENS.bob)).toBe(200);
    expect(await status(CAROL)).toBe(401);
    expect((await call(api.url, 'GET', '/readyz')).status).toBe(200); // still serving with the last good tokens
  });

  it('with one invalid entry: none of it applies, the error names the entry\'s line', async () => {
    const text = tokensYaml({ tokens: [...entries, { user: 'dave', role: 'owner' as 'admin', sha256: hashToken('sf_test-dave-token-000000000000000000000') }] });
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('role: owner')) + 1;
    await vi.waitFor(async () => expect((await tokensCheck()).tokens?.reason).toMatch(new RegExp(`line ${line}\\b.*role`)), WAIT);
    expect(await status(TOKENS.bob)).toBe(200);
    expect(await status(CAROL)).toBe(401);
  });

  it('a good file applies as a whole and clears the report', async () => {
    writeFileSync(file, tokensYaml({ tokens: entries }));
    await vi.waitFor(async () => expect((await tokensCheck()).tokens).toEqual({ ok: true }), WAIT);
    expect(await status(TOKENS.bob)).toBe(401);
    expect(await status(CAROL)).toBe(200);
    expect(await status(TOKENS.alice)).toBe(200);
  });
});

describe('parseTokensFile', () => {
  const digest = hashToken(TOKENS.admin);
  it('refuses the same digest twice, naming the second entry\'s line', () => {
    const text = tokensYaml({ tokens: [entries[0], { user: 'other', role: 'member', sha256: digest }] });
    const line = text.split('\n').lastIndexOf(`    sha256: ${digest}`) + 1;
    expect(parseTokensFile(text, 't.yaml')).toEqual({ ok: false, error: `t.yaml line ${line}: tokens.1.sha256: the same digest appears twice` });
  });

  it('names the entry of a missing key and never echoes a value (a pasted token stays out of logs)', () => {
    const r = parseTokensFile(`tokens:\n  - user: admin\n    role: admin\n    sha256: ${TOKENS.alice}\n`, 't.yaml');
    expect(r).toEqual({ ok: false, error: 't.yaml line 4: tokens.0.sha256: expected the hex SHA-256 of the token' });
    const missing = parseTokensFile('tokens:\n  - user: admin\n    role: admin\n', 't.yaml');
    expect(missing.ok === false && missing.error).toMatch(/^t\.yaml line 2: tokens\.0\.sha256: /);
  });
});
