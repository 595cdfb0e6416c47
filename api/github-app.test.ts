// Pull-request mode with GitHub App credentials (@octokit/auth-app) against the GitHub stand-in:
// the mock verifies the App's JWT (RS256, iss, iat/exp) before it issues an installation token,
// then accepts REST calls and Git fetches only with a token it issued. Every REST request and
// response is checked against GitHub's published OpenAPI description.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { runGit } from './git/exec.ts';
import { RemoteUnavailableError } from './git/mirror.ts';
import { appCredentialsDetail, installationTokenSource, readAppPrivateKey } from './github/app-auth.ts';
import { InstallationTokenMirror } from './github/installation-mirror.ts';
import { createGitHubClient, githubGitUrl } from './github/octokit.ts';
import { startServer, type RunningServer } from './server.ts';
import { contract, jwtProblem, opsSince, PULL_REQUEST_WRITE_OPS, startGitHubMock, type GitHubMock } from './test-support/github-mock.ts';
import { call, ROOT, seededRemote, startApi, testConfig, tmp, TOKENS, type Remote } from './test-support/harness.ts';

const APP_ID = 424242;
const INSTALLATION_ID = 31337;
const ACCESS_TOKENS = 'POST /app/installations/{installation_id}/access_tokens';
// GitHub hands out App keys as PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"): test with that form.
const rsa = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } });
const appKey = rsa();
const otherKey = rsa();
const keyBody = (pem: string) => pem.split('\n')[2];

let remote: Remote;
let main: string;
let keyDir: string;
let gh: GitHubMock;
let api: RunningServer;
const logs: string[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });

const appEnv = (keyFile: string, apiUrl: string): Record<string, string> => ({
  STOREFLEET_GITHUB_OWNER: 'acme',
  STOREFLEET_GITHUB_REPO: 'gitops',
  STOREFLEET_GITHUB_API_URL: apiUrl,
  STOREFLEET_GITHUB_APP_ID: String(APP_ID),
  STOREFLEET_GITHUB_APP_INSTALLATION_ID: String(INSTALLATION_ID),
  STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE: keyFile,
});
const ops = (from: number) => opsSince(gh.requests, from);

beforeAll(async () => {
  remote = await seededRemote();
  main = (await runGit(remote.dir, ['rev-parse', 'main'])).stdout.trim();
  keyDir = tmp('sf-app-key-');
  writeFileSync(join(keyDir, 'app.pem'), appKey.privateKey, { mode: 0o600 });
  writeFileSync(join(keyDir, 'wrong.pem'), otherKey.privateKey);
  chmodSync(join(keyDir, 'wrong.pem'), 0o644);
  gh = await startGitHubMock('acme', 'gitops', 'main', main, { app: { appId: APP_ID, installationId: INSTALLATION_ID, publicKey: appKey.publicKey }, gitDir: remote.dir });
  // No git.remote: the mirror's URL is derived from github.apiUrl, i.e. the mock's Git endpoint.
  api = await startApi(undefined, appEnv(join(keyDir, 'app.pem'), gh.url), { logger });
}, 120_000);
afterAll(async () => {
  await api?.close();
  await gh?.close();
});

describe('GitHub App credentials: configuration', () => {
  const repo = { STOREFLEET_GITHUB_OWNER: 'acme', STOREFLEET_GITHUB_REPO: 'gitops' };
  const messageOf = (f: () => unknown): string => {
    try {
      f();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('no ConfigError thrown');
  };

  it('all three App settings: App mode, key path resolved against the working directory', () => {
    const dir = tmp();
    const c = loadConfig([], { ...repo, STOREFLEET_GITHUB_APP_ID: '12', STOREFLEET_GITHUB_APP_INSTALLATION_ID: '34', STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE: 'keys/app.pem' }, dir);
    expect(c.github).toMatchObject({ appId: '12', installationId: 34, privateKeyFile: join(dir, 'keys/app.pem') });
    expect(c.github?.token).toBeUndefined();
    // The same from a config file, with a numeric App ID as YAML gives it.
    writeFileSync(join(dir, 'c.yaml'), 'github:\n  owner: acme\n  repo: gitops\n  appId: 12\n  installationId: 34\n  privateKeyFile: /k/app.pem\n');
    expect(loadConfig(['--config', 'c.yaml'], {}, dir).github).toMatchObject({ appId: 12, installationId: 34, privateKeyFile: '/k/app.pem' });
  });

  it('partial App settings are rejected with the missing keys named', () => {
    const msg = messageOf(() => loadConfig([], { ...repo, STOREFLEET_GITHUB_APP_ID: '12' }));
    expect(msg).toContain('github.installationId (STOREFLEET_GITHUB_APP_INSTALLATION_ID): missing');
    expect(msg).toContain('github.privateKeyFile (STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE): missing');
    expect(msg).not.toContain('github.appId (STOREFLEET_GITHUB_APP_ID): missing');
    const msg2 = messageOf(() => loadConfig([], { ...repo, STOREFLEET_GITHUB_APP_INSTALLATION_ID: '34', STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE: '/k.pem' }));
    expect(msg2).toContain('github.appId (STOREFLEET_GITHUB_APP_ID): missing');
    expect(msg2).not.toContain('github.installationId (STOREFLEET_GITHUB_APP_INSTALLATION_ID): missing');
  });

  it('a token and App settings together are rejected', () => {
    const msg = messageOf(() => loadConfig([], { ...repo, STOREFLEET_GITHUB_TOKEN: 'ghp_x', STOREFLEET_GITHUB_APP_ID: '12', STOREFLEET_GITHUB_APP_INSTALLATION_ID: '34', STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE: '/k.pem' }));
    expect(msg).toMatch(/github\.token \(STOREFLEET_GITHUB_TOKEN\): conflicts with github\.appId \(STOREFLEET_GITHUB_APP_ID\), github\.installationId .*, github\.privateKeyFile .*not both/);
  });

  it('pull-request mode without credentials, or App settings without a repository, are rejected', () => {
    expect(messageOf(() => loadConfig([], repo))).toMatch(/github: pull-request mode needs credentials: github\.token \(STOREFLEET_GITHUB_TOKEN\), or GitHub App credentials/);
    // Not silently direct mode: the App settings keep the github section, which then lacks owner/repo.
    expect(messageOf(() => loadConfig([], { STOREFLEET_GITHUB_APP_ID: '12', STOREFLEET_GITHUB_APP_INSTALLATION_ID: '34', STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE: '/k.pem' }))).toMatch(/github\.owner \(STOREFLEET_GITHUB_OWNER\)/);
    expect(messageOf(() => loadConfig([], { ...repo, STOREFLEET_GITHUB_APP_ID: 'twelve', STOREFLEET_GITHUB_APP_INSTALLATION_ID: '34', STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE: '/k.pem' }))).toMatch(/github\.appId \(STOREFLEET_GITHUB_APP_ID\): expected the App ID/);
  });

  it('an unreadable or invalid key file stops the start before anything is created, without echoing the file', async () => {
    const dataDir = tmp();
    const missing = join(keyDir, 'missing.pem');
    await expect(startServer(testConfig(dataDir, undefined, appEnv(missing, 'http://127.0.0.1:9')))).rejects.toThrow(
      new ConfigError(`github.privateKeyFile (STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE): cannot read ${missing} (ENOENT)`),
    );
    const garbage = join(keyDir, 'garbage.pem');
    writeFileSync(garbage, `-----BEGIN RSA PRIVATE KEY-----\n${keyBody(appKey.privateKey).slice(0, 40)}secret-ish\n-----END RSA PRIVATE KEY-----\n`, { mode: 0o600 });
    const err = await startServer(testConfig(dataDir, undefined, appEnv(garbage, 'http://127.0.0.1:9'))).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(`github.privateKeyFile (STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE): ${garbage} is not a PEM private key (use the .pem file GitHub generated for the App)`);
    const ec = join(keyDir, 'ec.pem');
    writeFileSync(ec, generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey);
    await expect(startServer(testConfig(dataDir, undefined, appEnv(ec, 'http://127.0.0.1:9')))).rejects.toThrow(/holds a ec key; GitHub App keys are RSA/);
    expect(existsSync(join(dataDir, 'mirrors'))).toBe(false);
    expect(existsSync(join(dataDir, 'admin-token'))).toBe(false);
  });

  it('storefleet serve exits 2 with the message when the key file cannot be read', async () => {
    const dataDir = join(tmp(), 'never-created');
    const missing = join(keyDir, 'missing.pem');
    const child = spawn(process.execPath, [join(ROOT, 'bin/storefleet.js'), 'serve', '--data-dir', dataDir, '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, ...appEnv(missing, 'http://127.0.0.1:9'), STOREFLEET_CLUSTER_ENV: 'off', STOREFLEET_UI: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.resume();
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(err).toContain(`storefleet serve: github.privateKeyFile (STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE): cannot read ${missing} (ENOENT)`);
    expect(existsSync(dataDir)).toBe(false);
  }, 60_000);
});

describe('GitHub App credentials: helpers', () => {
  it('the Git URL follows github.apiUrl (github.com, GitHub Enterprise) and carries only a static token', () => {
    expect(githubGitUrl('https://api.github.com', 'acme', 'gitops')).toBe('https://github.com/acme/gitops.git');
    expect(githubGitUrl('https://ghe.example/api/v3', 'acme', 'gitops')).toBe('https://ghe.example/acme/gitops.git');
    expect(githubGitUrl('https://api.github.com', 'acme', 'gitops', 'ghp_abc')).toBe('https://x-access-token:ghp_abc@github.com/acme/gitops.git');
  });

  it('flags a key readable by others, or by a group that is not the process\'s own (a Kubernetes Secret file is 0440 for the pod\'s group)', () => {
    const dir = tmp('sf-app-mode-');
    const file = join(dir, 'key.pem');
    writeFileSync(file, appKey.privateKey);
    const flagged = (mode: number) => {
      chmodSync(file, mode);
      return readAppPrivateKey(file).readableByOthers;
    };
    expect(flagged(0o600)).toBe(false);
    expect(flagged(0o440)).toBe(false); // the file's group is the one this process runs with
    expect(flagged(0o604)).toBe(true);
    expect(flagged(0o644)).toBe(true);
  });

  it('only a 4xx answer to the token request counts as refused credentials', () => {
    const err = (status: number, url: string) => ({ status, request: { url }, response: { data: { message: 'Integration not found' } } });
    const tokens = 'https://api.github.com/app/installations/7/access_tokens';
    expect(appCredentialsDetail(err(404, tokens))).toBe('GitHub refused the GitHub App credentials (HTTP 404: Integration not found). Check github.appId, github.installationId and github.privateKeyFile.');
    expect(appCredentialsDetail(err(502, tokens))).toBeUndefined(); // GitHub down, not a bad key
    expect(appCredentialsDetail(err(401, 'https://api.github.com/repos/acme/gitops/pulls'))).toBeUndefined();
    expect(appCredentialsDetail(new Error('socket hang up'))).toBeUndefined();
  });
});

describe('pull-request mode with GitHub App credentials', () => {
  it('start-up: one installation token for a valid JWT, then the mirror fetches over http(s) with it', async () => {
    expect(opsSince(gh.requests, 0)).toEqual([`${ACCESS_TOKENS} 201`]);
    const [tokenRequest] = gh.requests;
    expect(tokenRequest.path).toBe(`/app/installations/${INSTALLATION_ID}/access_tokens`);
    expect(tokenRequest.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(jwtProblem(tokenRequest.authorization, appKey.publicKey, APP_ID)).toBeUndefined();
    // The mock's check can fail: the same JWT is wrong for another key or App.
    expect(jwtProblem(tokenRequest.authorization, otherKey.publicKey, APP_ID)).toBe('bad signature');
    expect(jwtProblem(tokenRequest.authorization, appKey.publicKey, APP_ID + 1)).toBe(`iss ${APP_ID}`);
    expect(gh.issuedTokens).toHaveLength(1);
    const [token] = gh.issuedTokens;
    expect(token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);

    // No credentials in the remote URL or the mirror's config; Git got the token from the helper.
    const mirror = api.context.mirror;
    expect(mirror).toBeInstanceOf(InstallationTokenMirror);
    expect(mirror.url).toBe(`${gh.url}/acme/gitops.git`);
    expect(readFileSync(join(mirror.dir, 'config'), 'utf8')).not.toContain(token);
    expect(mirror.tip).toBe(main);
    const served = gh.gitRequests.filter((r) => r.status === 200);
    expect(served.map((r) => `${r.method} ${r.path.replace(/\?.*/, '')}`)).toContain('POST /acme/gitops.git/git-upload-pack');
    expect(served.every((r) => r.token === token)).toBe(true);
    // Like GitHub, the mock challenges an anonymous request; nothing else was refused.
    expect(gh.gitRequests.filter((r) => r.status !== 200).every((r) => r.status === 401 && r.token === undefined)).toBe(true);
    expect((await call(api.url, 'GET', '/readyz')).status).toBe(200);
  });

  it('create: the pull request flow works and every API request carries the installation token', async () => {
    const n = gh.requests.length;
    const r = await call(api.url, 'POST', '/api/stores', { token: TOKENS.alice, body: { name: 'app-shop', engine: 'medusa' } });
    expect(r.status).toBe(201);
    expect(ops(n)).toEqual(PULL_REQUEST_WRITE_OPS);
    expect(r.body.pullRequest).toBe('https://github.com/acme/gitops/pull/1');
    expect((r.body.store as { status: string }).status).toBe('pending-review');
    const list = await call(api.url, 'GET', '/api/stores', { token: TOKENS.alice });
    expect((list.body.stores as { name: string; status: string }[]).find((s) => s.name === 'app-shop')).toMatchObject({ status: 'pending-review' });
    expect(gh.requests.at(-1)?.operationId).toBe('pulls/list');
    // One token, reused (auth-app caches it), on every call after the exchange.
    expect(gh.issuedTokens).toHaveLength(1);
    const after = gh.requests.slice(n);
    expect(after.length).toBe(PULL_REQUEST_WRITE_OPS.length + 1); // the write, then the list
    expect(after.map((q) => q.authorization)).toEqual(after.map(() => `token ${gh.issuedTokens[0]}`));
  });

  it('a wrong private key: GitHub answers 401, the API answers 503 naming the App settings and keeps running', async () => {
    const n = gh.requests.length;
    const g = gh.gitRequests.length;
    const bad = await startApi(undefined, appEnv(join(keyDir, 'wrong.pem'), gh.url), { logger });
    try {
      expect(ops(n)).toEqual([`${ACCESS_TOKENS} 401`]);
      expect(gh.gitRequests.length).toBe(g); // Git was not even tried without a token
      const refused = 'GitHub refused the GitHub App credentials (HTTP 401: A JSON web token could not be decoded). Check github.appId, github.installationId and github.privateKeyFile.';
      const ready = await call(bad.url, 'GET', '/readyz');
      expect(ready.status).toBe(503);
      expect((ready.body.checks as { git: { reason: string } }).git.reason).toBe(refused);

      const r = await call(bad.url, 'POST', '/api/stores', { token: TOKENS.alice, body: { name: 'bad-shop', engine: 'medusa' } });
      expect(r.status).toBe(503);
      expect(r.contentType).toContain('application/problem+json');
      expect(r.body.detail).toBe(refused);
      // Only token requests, each refused: no repository call went out unauthenticated.
      expect(ops(n)).toEqual([`${ACCESS_TOKENS} 401`, `${ACCESS_TOKENS} 401`]);
      expect((await call(bad.url, 'GET', '/healthz')).status).toBe(200);
      expect(logs.some((l) => l.includes('readable by group or others: chmod 600 it') && l.includes('wrong.pem'))).toBe(true);
    } finally {
      await bad.close();
    }
  });

  it('the access_tokens exchange and every other request and response match GitHub’s OpenAPI description', () => {
    const c = contract();
    expect(gh.requests.filter((r) => r.operationId === 'apps/create-installation-access-token').map((r) => r.status)).toEqual([201, 401, 401]);
    for (const r of gh.requests) {
      expect(r.template, r.path).not.toBe('?');
      const req = c.request(r.template, r.method);
      if (req && r.requestBody !== undefined) expect(req(r.requestBody), `${r.operationId} request: ${JSON.stringify(req.errors)}`).toBe(true);
      else if (req) expect(c.requestBodyRequired(r.template, r.method), `${r.operationId} needs a body`).toBe(false);
      else expect(r.requestBody).toBeUndefined();
      const res = c.response(r.template, r.method, r.status);
      expect(res, `${r.operationId} ${r.status} is a documented response`).toBeDefined();
      expect(res!(r.responseBody), `${r.operationId} response: ${JSON.stringify(res!.errors?.slice(0, 3))}`).toBe(true);
    }
    // The installation-token schema is really applied: a response without the token fails it.
    const v = c.response('/app/installations/{installation_id}/access_tokens', 'POST', 201)!;
    expect(v({ expires_at: '2030-01-01T00:00:00Z' })).toBe(false);
  });

  it('every fetch uses the current installation token: a new one is picked up without a restart', async () => {
    const mock = await startGitHubMock('acme', 'gitops', 'main', main, { app: { appId: APP_ID, installationId: INSTALLATION_ID, publicKey: appKey.publicKey }, gitDir: remote.dir });
    const octokit = createGitHubClient({ baseUrl: mock.url, app: { appId: APP_ID, installationId: INSTALLATION_ID, privateKey: appKey.privateKey } });
    const mirror = new InstallationTokenMirror(join(tmp(), 'mirror.git'), `${mock.url}/acme/gitops.git`, 'main', 10_000, installationTokenSource(octokit));
    await mirror.open();
    const okSince = (from: number) => mock.gitRequests.slice(from).filter((r) => r.status === 200);
    try {
      expect(await mirror.fetch()).toBe(main);
      const [first] = mock.issuedTokens;
      expect(okSince(0).length).toBeGreaterThan(0);
      expect(okSince(0).every((r) => r.token === first)).toBe(true);

      // The token stops working (GitHub expires it after an hour); auth-app still has it cached.
      mock.revokeTokens();
      await expect(mirror.fetch()).rejects.toThrow(RemoteUnavailableError);
      expect(mirror.lastFetchError).not.toContain(first);

      // auth-app mints a new token (on its own 59 minutes after the last one; forced here).
      await octokit.auth({ type: 'installation', refresh: true });
      expect(mock.issuedTokens).toHaveLength(2);
      const second = mock.issuedTokens[1];
      expect(second).not.toBe(first);
      const g = mock.gitRequests.length;
      expect(await mirror.fetch()).toBe(main);
      expect(okSince(g).length).toBeGreaterThan(0);
      expect(okSince(g).every((r) => r.token === second)).toBe(true);
      expect(opsSince(mock.requests, 0)).toEqual([`${ACCESS_TOKENS} 201`, `${ACCESS_TOKENS} 201`]);
    } finally {
      mirror.close();
      await mock.close();
    }
    expect(process.env[mirror.credentialVariable]).toBeUndefined();
  });

  it('no log line carries the private key, a JWT or an installation token', () => {
    expect(logs.length).toBeGreaterThan(0);
    const all = logs.join('\n');
    expect(all).not.toContain(keyBody(appKey.privateKey));
    expect(all).not.toContain(keyBody(otherKey.privateKey));
    for (const t of gh.issuedTokens) expect(all).not.toContain(t);
    for (const r of gh.requests) if (r.authorization) expect(all).not.toContain(r.authorization.split(' ')[1]);
  });
});
