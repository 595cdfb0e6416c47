// `storefleet token`: users and tokens without hand-hashing, picked up by a running API (real
// HTTP on 127.0.0.1, real Git remote) without a restart.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashToken } from './auth.ts';
import { loadConfig } from './config.ts';
import { startServer, type RunningServer } from './server.ts';
import { seededRemote, tmp } from './test-support/harness.ts';
import { tokenCommand } from './token-cli.ts';

async function token(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await tokenCommand(argv, { log: (l) => out.push(l), error: (l) => err.push(l) }, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const dirs: string[] = [];
let server: RunningServer;
let dataDir: string;

beforeAll(async () => {
  const remote = await seededRemote();
  dataDir = tmp('sf-token-cli-');
  dirs.push(dataDir, remote.dir);
  const config = loadConfig([], { STOREFLEET_DATA_DIR: dataDir, STOREFLEET_GIT_REMOTE: remote.fileUrl, STOREFLEET_PORT: '0', STOREFLEET_UI: 'false', STOREFLEET_LOG_LEVEL: 'silent' });
  server = await startServer(config);
}, 60_000);

afterAll(async () => {
  await server?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const status = async (t: string) => (await fetch(`${server.url}/api/stores`, { headers: { authorization: `Bearer ${t}` } })).status;

describe('storefleet token', () => {
  it('creates a user a running API accepts, lists it, and revokes it so the API refuses it', async () => {
    const created = await token('create', 'alice', '--role', 'member', '--name', 'Alice Example', '--data-dir', dataDir);
    expect(created.code).toBe(0);
    const alice = created.out.trim();
    expect(alice).toMatch(/^sf_[A-Za-z0-9_-]{43}$/); // stdout is the token alone
    expect(created.err).toContain('shown once');
    const file = readFileSync(join(dataDir, 'tokens.yaml'), 'utf8');
    expect(file).not.toContain(alice);
    expect(file).toContain(hashToken(alice));
    expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]); // the temp file was renamed

    await vi.waitFor(async () => expect(await status(alice)).toBe(200), { timeout: 10_000, interval: 200 });

    const listed = await token('list', '--data-dir', dataDir);
    expect(listed.code).toBe(0);
    expect(listed.out.split('\n')).toEqual(['admin\tadmin\tStorefleet admin', 'alice\tmember\tAlice Example']);
    expect(listed.out).not.toMatch(/[0-9a-f]{64}/);

    const revoked = await token('revoke', 'alice', '--data-dir', dataDir);
    expect(revoked.code).toBe(0);
    await vi.waitFor(async () => expect(await status(alice)).toBe(401), { timeout: 10_000, interval: 200 });
    const admin = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    expect(await status(admin)).toBe(200);
  }, 60_000);

  it('changes nothing on a mistake and says why', async () => {
    const before = readFileSync(join(dataDir, 'tokens.yaml'), 'utf8');
    const again = await token('create', 'admin', '--role', 'admin', '--data-dir', dataDir);
    expect(again).toMatchObject({ code: 1, out: '' });
    expect(again.err).toContain('user "admin" already has a token; revoke it first');
    expect((await token('create', 'Bad User', '--role', 'member', '--data-dir', dataDir)).err).toContain('owner is a user id');
    expect((await token('create', 'carol', '--role', 'owner', '--data-dir', dataDir)).code).toBe(2);
    expect((await token('revoke', 'nobody', '--data-dir', dataDir)).err).toContain('user "nobody" has no token');
    expect((await token('list', '--data-dir', dataDir, '--tokens-file', 'x')).code).toBe(2);
    expect(readFileSync(join(dataDir, 'tokens.yaml'), 'utf8')).toBe(before);

    const empty = tmp('sf-token-empty-');
    dirs.push(empty);
    const none = await token('create', 'carol', '--role', 'member', '--data-dir', empty);
    expect(none.code).toBe(1);
    expect(none.err).toContain(`no tokens file at ${join(empty, 'tokens.yaml')}: start the API once`);
    expect(existsSync(join(empty, 'tokens.yaml'))).toBe(false); // serve would then skip the admin token

    const broken = join(empty, 'broken.yaml');
    writeFileSync(broken, 'tokens:\n  - user: x\n    role: admin\n    sha256: not-a-digest\n');
    const bad = await token('revoke', 'x', '--tokens-file', broken);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('is not a valid tokens file (tokens.0.sha256: expected the hex SHA-256 of the token)');
  });

  it('starts a tokens file for a deployed platform when it is named with --tokens-file', async () => {
    const dir = tmp('sf-token-file-');
    dirs.push(dir);
    const file = join(dir, 'tokens.yaml');
    const r = await token('create', 'ops', '--role', 'admin', '--tokens-file', file);
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain(`sha256: ${hashToken(r.out.trim())}`);
  });
});
