import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSnapshots } from './snapshots.ts';
import { classifyFailure, ResticCatalog } from './restic-catalog.ts';
import { parseCredentials, readCredentialsFile } from './credentials.ts';
import { BackupTargetError } from './port.ts';

const creds = { AWS_ACCESS_KEY_ID: 'sfKEYID123', AWS_SECRET_ACCESS_KEY: 'SECRET-s3-xyz', RESTIC_PASSWORD: 'pw-restic-abc' };

// Shape of restic 0.18's `snapshots --json` (fields trimmed to those the catalog reads, plus noise).
const resticOutput = JSON.stringify([
  { time: '2026-12-01T03:17:09.1234+00:00', tree: 't', paths: ['/wordpress.sql'], hostname: 'shop', username: 'u', tags: ['scheduled'], id: 'a'.repeat(64), short_id: 'aaaaaaaa', summary: { total_bytes_processed: 123456, data_added: 10 } },
  { time: '2026-12-03T10:00:00Z', hostname: 'shop', tags: ['final'], id: 'b'.repeat(64), short_id: 'bbbbbbbb', summary: { total_bytes_processed: 2048 } },
  { time: '2026-12-02T10:00:00Z', hostname: 'shop', tags: ['manual'], id: 'c'.repeat(64), short_id: 'cccccccc' },
  { time: '2026-12-02T11:00:00Z', hostname: 'shop', id: 'd'.repeat(64), short_id: 'dddddddd', summary: {} },
  { time: '2026-12-04T11:00:00Z', hostname: 'other-store', tags: ['scheduled'], id: 'e'.repeat(64), short_id: 'eeeeeeee' },
]);

describe('parseSnapshots', () => {
  it('lists the store\'s snapshots newest first with kind and size', () => {
    const s = parseSnapshots(resticOutput, 'shop');
    expect(s.map((x) => [x.shortId, x.kind, x.sizeBytes])).toEqual([
      ['bbbbbbbb', 'final', 2048],
      ['dddddddd', 'other', undefined],
      ['cccccccc', 'manual', undefined],
      ['aaaaaaaa', 'scheduled', 123456],
    ]);
    expect(s[3].time).toBe('2026-12-01T03:17:09.123Z');
    expect(s[0].id).toBe('b'.repeat(64));
  });

  it('reads an empty repository (restic prints [] or null) as no snapshots', () => {
    expect(parseSnapshots('[]\n', 'shop')).toEqual([]);
    expect(parseSnapshots('null', 'shop')).toEqual([]);
    expect(parseSnapshots('', 'shop')).toEqual([]);
  });

  it('refuses output that is not a snapshot list', () => {
    expect(() => parseSnapshots('{"message_type":"error"}', 'shop')).toThrow(/did not print a list/);
    expect(() => parseSnapshots('Fatal: oops', 'shop')).toThrow();
  });
});

describe('classifyFailure', () => {
  const run = (code: number | null, stderr: string, timedOut = false) => ({ code, stdout: '', stderr, timedOut });

  it('a missing repository is no backups, not an error (exit 10, or restic < 0.17\'s question)', () => {
    expect(classifyFailure('shop', run(10, 'Fatal: repository does not exist'), creds)).toBe('no-repository');
    expect(classifyFailure('shop', run(1, 'Fatal: unable to open config file: Stat: The specified key does not exist.\nIs there a repository at the following location?\ns3:http://x/b/stores/shop'), creds)).toBe('no-repository');
    expect(classifyFailure('shop', run(1, 'Fatal: unable to open config file: context canceled\nIs there a repository at the following location?'), creds)).not.toBe('no-repository');
  });

  it('refused S3 credentials are an error, although restic then asks whether there is a repository (restic 0.18.1 against SeaweedFS)', () => {
    const stderr = 'Stat(<config/>) failed: Stat: Access Denied.\n{"message_type":"exit_error","code":1,"message":"Fatal: unable to open config file: Stat: Access Denied.\\nIs there a repository at the following location?\\ns3:http://127.0.0.1:44319/bkt/stores/x"}\n';
    const e = classifyFailure('shop', run(1, stderr), creds) as BackupTargetError;
    expect(e).toBeInstanceOf(BackupTargetError);
    expect(e.message).toMatch(/refused the API's S3 credentials for store shop/);
    const missing = '{"message_type":"exit_error","code":10,"message":"Fatal: repository does not exist: unable to open config file: Stat: The specified key does not exist.\\nIs there a repository at the following location?\\ns3:http://127.0.0.1:44319/bkt/stores/x"}\n';
    expect(classifyFailure('shop', run(10, missing), creds)).toBe('no-repository');
    // restic's JSON exit error: its message is quoted, not the JSON.
    const odd = '{"message_type":"exit_error","code":1,"message":"Fatal: something else\\nmore"}\n';
    expect((classifyFailure('shop', run(1, odd), creds) as BackupTargetError).message).toBe('listing the backups of store shop failed (restic exit 1): Fatal: something else');
  });

  it('names the failure and never a secret', () => {
    const cases: Array<[ReturnType<typeof run>, string, RegExp]> = [
      [run(12, `Fatal: wrong password or no key found (password ${creds.RESTIC_PASSWORD})`), 'wrong-password', /repository password does not open the backups of store shop/],
      [run(1, 'Fatal: unable to open config file: Get "http://127.0.0.1:1/b/?location=": dial tcp 127.0.0.1:1: connect: connection refused'), 'unreachable', /unreachable for store shop/],
      [run(1, `Fatal: Access Denied. key ${creds.AWS_ACCESS_KEY_ID}`), 'failed', /refused the API's S3 credentials/],
      [run(null, '', true), 'timeout', /did not answer in time/],
      [run(1, `Fatal: something odd with ${creds.AWS_SECRET_ACCESS_KEY}`), 'failed', /restic exit 1\): Fatal: something odd with \[redacted\]/],
    ];
    for (const [r, failure, message] of cases) {
      const e = classifyFailure('shop', r, creds) as BackupTargetError;
      expect(e).toBeInstanceOf(BackupTargetError);
      expect(e.failure).toBe(failure);
      expect(e.message).toMatch(message);
      for (const v of Object.values(creds)) expect(e.message).not.toContain(v);
    }
  });
});

describe('ResticCatalog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
  // A stand-in restic (a script) that records how it was called: arguments and environment. The
  // endpoint is a real HTTP server on loopback (the catalog asks it before running restic).
  const fake = join(dir, 'restic');
  let server: Server;
  let endpoint = '';
  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(403).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(fake, `#!/bin/sh\necho "$@" >> "${dir}/calls"\nenv >> "${dir}/env"\nif [ "$RESTIC_REPOSITORY" = s3:${endpoint}/bkt/stores/none ]; then echo "Fatal: repository does not exist" >&2; exit 10; fi\nprintf '%s' '${resticOutput}'\n`);
    chmodSync(fake, 0o755);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const target = () => ({ endpoint: `${endpoint}/`, bucket: 'bkt', region: 'us-east-1', prefix: 'stores' });
  const catalog = (o: Partial<ConstructorParameters<typeof ResticCatalog>[0]> = {}) =>
    new ResticCatalog({ target: async () => target(), credentials: creds, restic: fake, cacheMs: 60_000, timeoutMs: 10_000, concurrency: 2, ...o });

  it('runs restic with values as environment data only, and caches briefly', async () => {
    const c = catalog();
    const first = await c.list('shop');
    expect(first).toMatchObject({ target: true });
    expect(first.target && first.snapshots.map((s) => s.kind)).toEqual(['final', 'other', 'manual', 'scheduled']);
    await c.list('shop'); // cached: no second run
    const calls = readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
    expect(calls).toEqual(['snapshots --json --no-lock --no-cache']);
    const env = readFileSync(join(dir, 'env'), 'utf8');
    expect(env).toContain(`RESTIC_REPOSITORY=s3:${endpoint}/bkt/stores/shop\n`);
    expect(env).toContain(`RESTIC_PASSWORD=${creds.RESTIC_PASSWORD}\n`);
    for (const v of Object.values(creds)) expect(calls.join(' ')).not.toContain(v);
  });

  it('a store without a repository has no backups; no target means target: false', async () => {
    expect(await catalog().list('none')).toEqual({ target: true, snapshots: [] });
    expect(await catalog({ target: async () => undefined }).list('shop')).toEqual({ target: false });
  });

  it('an endpoint nobody answers at is unreachable at once, without running restic', async () => {
    const port = await new Promise<number>((r) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => r(p));
      });
    });
    const before = readFileSync(join(dir, 'calls'), 'utf8');
    const c = catalog({ target: async () => ({ ...target(), endpoint: `http://127.0.0.1:${port}` }) });
    await expect(c.list('shop')).rejects.toThrow(/the backup target is unreachable for store shop/);
    expect(readFileSync(join(dir, 'calls'), 'utf8')).toBe(before);
  });

  it('a target without credentials is a clear error; a missing binary too', async () => {
    await expect(catalog({ credentials: undefined }).list('shop')).rejects.toThrow(/no credentials for it: set backup.credentialsFile/);
    await expect(catalog({ restic: join(dir, 'nope') }).list('shop')).rejects.toThrow(/cannot run restic .*ENOENT/);
  });
});

describe('credentials file', () => {
  it('reads KEY=value lines and says which line is wrong without echoing it', () => {
    expect(parseCredentials(`# backup target\nAWS_ACCESS_KEY_ID=a\nAWS_SECRET_ACCESS_KEY=b=c\n\nRESTIC_PASSWORD=d\n`, 'f')).toEqual({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b=c', RESTIC_PASSWORD: 'd' });
    expect(() => parseCredentials('AWS_ACCESS_KEY_ID=a\nhunter2\n', 'f')).toThrow(/^f:2: expected KEY=value/);
    try {
      parseCredentials('AWS_ACCESS_KEY_ID=a\nhunter2\n', 'f');
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
    expect(() => parseCredentials('AWS_ACCESS_KEY_ID=a\n', 'f')).toThrow(/missing AWS_SECRET_ACCESS_KEY, RESTIC_PASSWORD/);
    expect(() => parseCredentials('RESTIC_PASSWORD=a\nRESTIC_PASSWORD=b\n', 'f')).toThrow(/set twice/);
  });

  it('reads a directory of one file per key (a mounted Secret)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'creds-dir-'));
    writeFileSync(join(dir, 'AWS_ACCESS_KEY_ID'), 'a');
    writeFileSync(join(dir, 'AWS_SECRET_ACCESS_KEY'), 'b\n');
    writeFileSync(join(dir, 'RESTIC_PASSWORD'), 'c');
    expect(readCredentialsFile(dir)).toEqual({ credentials: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', RESTIC_PASSWORD: 'c' }, readableByOthers: false });
  });

  it('tells when the file is readable by others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'creds-'));
    const f = join(dir, 'c');
    writeFileSync(f, 'AWS_ACCESS_KEY_ID=a\nAWS_SECRET_ACCESS_KEY=b\nRESTIC_PASSWORD=c\n', { mode: 0o644 });
    chmodSync(f, 0o644);
    expect(readCredentialsFile(f).readableByOthers).toBe(true);
    chmodSync(f, 0o600);
    expect(readCredentialsFile(f).readableByOthers).toBe(false);
    expect(() => readCredentialsFile(join(dir, 'missing'))).toThrow(/cannot read the backup credentials file .*ENOENT/);
  });
});
