// A stand-in for the GitHub REST API on 127.0.0.1 (GitHub itself cannot be reached from here).
// Responses start from the examples in GitHub's published OpenAPI description (@octokit/openapi)
// with the fields that matter filled in; tests validate every request and response against the
// description's schemas, so the mock cannot drift from GitHub's contract unnoticed.
import { spawn } from 'node:child_process';
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
type Json = Record<string, unknown>;

let spec: Json | undefined;
export function githubOpenApi(): Json {
  spec ??= JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as Json;
  return spec;
}

function example(name: string): Json {
  const ex = (githubOpenApi().components as { examples: Record<string, { value: unknown }> }).examples[name];
  return structuredClone(ex.value) as Json;
}

export interface Recorded {
  method: string;
  path: string;
  /** OpenAPI path template and operation id that matched. */
  template: string;
  operationId: string;
  requestBody?: unknown;
  /** The request's Authorization header as sent. */
  authorization?: string;
  status: number;
  responseBody: unknown;
}

/** One request of a Git client to the smart-HTTP endpoint (not part of the REST contract). */
/**
 * The calls of one pull-request write (create, delete or restore), as `opsSince()` lists them: the
 * base branch and the open pull requests (what the store rules read), then the change.
 */
export const PULL_REQUEST_WRITE_OPS = [
  'GET /repos/{owner}/{repo}/git/ref/{ref} 200',
  'GET /repos/{owner}/{repo}/pulls 200',
  'POST /repos/{owner}/{repo}/git/trees 201',
  'POST /repos/{owner}/{repo}/git/commits 201',
  'POST /repos/{owner}/{repo}/git/refs 201',
  'POST /repos/{owner}/{repo}/pulls 201',
];

/** "METHOD /path/template status" of every request the mock answered since the `from`-th. */
export function opsSince(requests: Recorded[], from: number): string[] {
  return requests.slice(from).map((r) => `${r.method} ${r.template} ${r.status}`);
}

export interface GitRecorded {
  method: string;
  path: string;
  /** The password of `x-access-token:<password>` Basic credentials, if any were sent. */
  token?: string;
  status: number;
}

export interface GitHubMockOptions {
  /**
   * Act as GitHub for one GitHub App installation: POST /app/installations/{installationId}/access_tokens
   * verifies the JWT (RS256, signed with the key `publicKey` belongs to, `iss` = appId, sane
   * `iat`/`exp`) and issues an installation token; every other REST call and Git request must
   * then carry a token it issued and has not revoked, or gets 401 like from GitHub.
   */
  app?: { appId: number | string; installationId: number; publicKey: KeyObject | string };
  /** Serve this bare repository over Git smart HTTP at /<owner>/<repo>.git (`git http-backend`). */
  gitDir?: string;
}

/** Why GitHub would refuse this App JWT, or undefined when it is valid. */
export function jwtProblem(authorization: string | undefined, publicKey: KeyObject | string, appId: number | string, now = Math.floor(Date.now() / 1000)): string | undefined {
  const m = /^bearer (\S+)$/i.exec(authorization ?? '');
  if (!m) return 'no bearer token';
  const parts = m[1].split('.');
  if (parts.length !== 3) return 'not a JWT';
  let header: { alg?: unknown };
  let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as typeof header;
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return 'undecodable JWT';
  }
  if (header.alg !== 'RS256') return `alg ${String(header.alg)}`;
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'))) return 'bad signature';
  if (String(claims.iss) !== String(appId)) return `iss ${String(claims.iss)}`;
  if (!Number.isInteger(claims.iat) || !Number.isInteger(claims.exp)) return 'iat/exp not integers';
  const iat = claims.iat as number;
  const exp = claims.exp as number;
  // GitHub: issued no later than now (60 s clock drift allowed), expiring in the future, at most 10 minutes after iat.
  if (iat > now + 60) return 'iat in the future';
  if (exp <= now) return 'expired';
  if (exp - iat > 600) return 'exp more than 10 minutes after iat';
  return undefined;
}

const ROUTES: { method: string; template: string; re: RegExp }[] = [
  { method: 'GET', template: '/repos/{owner}/{repo}/git/ref/{ref}', re: /^\/repos\/[^/]+\/[^/]+\/git\/ref\/(.+)$/ },
  { method: 'GET', template: '/repos/{owner}/{repo}/git/commits/{commit_sha}', re: /^\/repos\/[^/]+\/[^/]+\/git\/commits\/([0-9a-f]{40})$/ },
  { method: 'POST', template: '/repos/{owner}/{repo}/git/trees', re: /^\/repos\/[^/]+\/[^/]+\/git\/trees$/ },
  { method: 'POST', template: '/repos/{owner}/{repo}/git/commits', re: /^\/repos\/[^/]+\/[^/]+\/git\/commits$/ },
  { method: 'POST', template: '/repos/{owner}/{repo}/git/refs', re: /^\/repos\/[^/]+\/[^/]+\/git\/refs$/ },
  { method: 'POST', template: '/repos/{owner}/{repo}/pulls', re: /^\/repos\/[^/]+\/[^/]+\/pulls$/ },
  { method: 'GET', template: '/repos/{owner}/{repo}/pulls', re: /^\/repos\/[^/]+\/[^/]+\/pulls$/ },
  { method: 'POST', template: '/app/installations/{installation_id}/access_tokens', re: /^\/app\/installations\/(\d+)\/access_tokens$/ },
];

const sha = () => randomBytes(20).toString('hex');

export interface GitHubMock {
  url: string;
  requests: Recorded[];
  refs: Map<string, string>;
  /** Installation tokens issued so far (app mode), oldest first. */
  issuedTokens: string[];
  /** Git smart-HTTP requests (with `gitDir`). */
  gitRequests: GitRecorded[];
  /** Makes every issued installation token invalid (as when it expires). */
  revokeTokens(): void;
  /** From now on GET pulls answers 422 as GitHub does for a bad query (not retried by Octokit); `false` heals it. */
  failPullList(fail: boolean): void;
  close(): Promise<void>;
}

const unauthorized = { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' };

export async function startGitHubMock(owner: string, repo: string, baseBranch: string, baseSha: string, options: GitHubMockOptions = {}): Promise<GitHubMock> {
  const paths = githubOpenApi().paths as Record<string, Record<string, { operationId: string }>>;
  const refs = new Map<string, string>([[`refs/heads/${baseBranch}`, baseSha]]);
  let pullListFails = false;
  const commits = new Map<string, Json>();
  const pulls: Json[] = [];
  const requests: Recorded[] = [];
  const gitRequests: GitRecorded[] = [];
  const issuedTokens: string[] = [];
  const validTokens = new Set<string>();
  let base = '';
  const { app } = options;

  const accessToken = (installationId: string, authorization: string | undefined): [number, unknown] => {
    if (!app) return [404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }];
    if (jwtProblem(authorization, app.publicKey, app.appId)) {
      return [401, { message: 'A JSON web token could not be decoded', documentation_url: 'https://docs.github.com/rest', status: '401' }];
    }
    if (Number(installationId) !== app.installationId) {
      return [404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app', status: '404' }];
    }
    const t = example('installation-token');
    const token = `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x')}`;
    issuedTokens.push(token);
    validTokens.add(token);
    const repos = (t.repositories as Json[]).slice(0, 1).map((r) => ({ ...r, name: repo, full_name: `${owner}/${repo}`, html_url: `https://github.com/${owner}/${repo}`, private: true }));
    Object.assign(t, {
      token,
      expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      permissions: { contents: 'write', pull_requests: 'write', metadata: 'read' },
      repository_selection: 'selected',
      repositories: repos,
    });
    return [201, t];
  };

  const handle = (method: string, path: string, body: Json | undefined, authorization: string | undefined): [number, unknown] => {
    const tokenRequest = /^\/app\/installations\/([^/]+)\/access_tokens$/.exec(path);
    if (method === 'POST' && tokenRequest) return accessToken(tokenRequest[1], authorization);
    if (app) {
      const m = /^token (\S+)$/i.exec(authorization ?? '') ?? /^bearer (\S+)$/i.exec(authorization ?? '');
      if (!m || !validTokens.has(m[1])) return [401, unauthorized];
    }
    if (method === 'GET' && path.includes('/git/ref/')) {
      const ref = `refs/${decodeURIComponent(path.split('/git/ref/')[1])}`;
      const s = refs.get(ref);
      if (!s) return [404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }];
      const r = example('git-ref');
      Object.assign(r, { ref, url: `${base}/repos/${owner}/${repo}/git/${ref}`, object: { type: 'commit', sha: s, url: `${base}/repos/${owner}/${repo}/git/commits/${s}` } });
      return [200, r];
    }
    if (method === 'GET' && path.includes('/git/commits/')) {
      const s = path.split('/').pop()!;
      const c = commits.get(s);
      if (!c) {
        const fresh = example('git-commit');
        Object.assign(fresh, { sha: s, tree: { ...(fresh.tree as Json), sha: sha() } });
        return [200, fresh];
      }
      return [200, c];
    }
    if (method === 'POST' && path.endsWith('/git/trees')) {
      const t = example('git-tree');
      const treeSha = sha();
      Object.assign(t, { sha: treeSha, url: `${base}/repos/${owner}/${repo}/git/trees/${treeSha}`, truncated: false });
      return [201, t];
    }
    if (method === 'POST' && path.endsWith('/git/commits')) {
      const c = example('git-commit');
      const s = sha();
      const b = body as { message: string; tree: string; parents: string[]; author?: Json };
      Object.assign(c, {
        sha: s,
        message: b.message,
        tree: { sha: b.tree, url: `${base}/repos/${owner}/${repo}/git/trees/${b.tree}` },
        parents: b.parents.map((p) => ({ sha: p, url: `${base}/repos/${owner}/${repo}/git/commits/${p}`, html_url: `https://github.com/${owner}/${repo}/commit/${p}` })),
        ...(b.author ? { author: b.author, committer: b.author } : {}),
        url: `${base}/repos/${owner}/${repo}/git/commits/${s}`,
        html_url: `https://github.com/${owner}/${repo}/commit/${s}`,
      });
      commits.set(s, c);
      return [201, c];
    }
    if (method === 'POST' && path.endsWith('/git/refs')) {
      const b = body as { ref: string; sha: string };
      if (refs.has(b.ref)) return [422, { message: 'Reference already exists', documentation_url: 'https://docs.github.com/rest/git/refs#create-a-reference', status: '422' }];
      refs.set(b.ref, b.sha);
      const r = example('git-ref');
      Object.assign(r, { ref: b.ref, url: `${base}/repos/${owner}/${repo}/git/${b.ref}`, object: { type: 'commit', sha: b.sha, url: `${base}/repos/${owner}/${repo}/git/commits/${b.sha}` } });
      return [201, r];
    }
    if (method === 'POST' && path.endsWith('/pulls')) {
      const b = body as { title: string; head: string; base: string; body?: string };
      const pr = example('pull-request');
      const number = pulls.length + 1;
      const headSha = refs.get(`refs/heads/${b.head}`) ?? sha();
      Object.assign(pr, {
        number,
        title: b.title,
        body: b.body ?? null,
        state: 'open',
        html_url: `https://github.com/${owner}/${repo}/pull/${number}`,
        url: `${base}/repos/${owner}/${repo}/pulls/${number}`,
        created_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        // GitHub's own example lists teams without the `type` its schema requires: none requested here.
        requested_teams: [],
        requested_reviewers: [],
        head: { ...(pr.head as Json), ref: b.head, sha: headSha, label: `${owner}:${b.head}` },
        base: { ...(pr.base as Json), ref: b.base, label: `${owner}:${b.base}` },
      });
      pulls.push(pr);
      return [201, pr];
    }
    if (method === 'GET' && path.endsWith('/pulls')) {
      if (pullListFails) return [422, { message: 'Validation Failed', documentation_url: 'https://docs.github.com/rest/pulls/pulls#list-pull-requests', status: '422' }];
      const simple = example('pull-request-simple-items') as unknown as Json[];
      const template = (Array.isArray(simple) ? simple[0] : simple) as Json;
      return [
        200,
        pulls.map((p) => ({
          ...structuredClone(template),
          number: p.number,
          title: p.title,
          body: p.body,
          html_url: p.html_url,
          url: p.url,
          state: 'open',
          created_at: p.created_at,
          requested_teams: [],
          requested_reviewers: [],
          head: { ...(template.head as Json), ref: (p.head as Json).ref, sha: (p.head as Json).sha },
          base: { ...(template.base as Json), ref: (p.base as Json).ref },
        })),
      ];
    }
    return [404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }];
  };

  // Git smart HTTP through `git http-backend` (CGI), behind the same installation tokens as the API.
  const gitPrefix = `/${owner}/${repo}.git/`;
  const serveGit = (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => {
    const method = req.method ?? 'GET';
    const basic = /^basic (\S+)$/i.exec(req.headers.authorization ?? '');
    const [user, token] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':') : [];
    const sent = user === 'x-access-token' ? token : undefined;
    const record = (status: number) => gitRequests.push({ method, path: url.pathname + url.search, ...(sent !== undefined ? { token: sent } : {}), status });
    if (app && (sent === undefined || !validTokens.has(sent))) {
      record(401);
      res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
      res.end('Invalid username or token. Password authentication is not supported for Git operations.\n');
      return;
    }
    const gitDir = options.gitDir!;
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GIT_PROJECT_ROOT: dirname(gitDir),
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: `/${basename(gitDir)}/${url.pathname.slice(gitPrefix.length)}`,
        REQUEST_METHOD: method,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: String(body.length),
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    // http-backend need not read all of stdin (a GET never does; a refused request exits early):
    // writing into its closed pipe then fails with EPIPE, which says nothing about the answer (its
    // stdout and exit decide that) and must not surface as an uncaught exception of the test run.
    child.stdin.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
    child.stdin.end(body);
    child.on('close', () => {
      const all = Buffer.concat(out);
      let split = all.indexOf('\r\n\r\n');
      let sep = 4;
      if (split < 0) {
        split = all.indexOf('\n\n');
        sep = 2;
      }
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of all.subarray(0, Math.max(split, 0)).toString('utf8').split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
        else headers[k] = v;
      }
      record(status);
      res.writeHead(status, headers);
      res.end(split < 0 ? all : all.subarray(split + sep));
    });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const method = req.method ?? 'GET';
      if (options.gitDir && url.pathname.startsWith(gitPrefix)) {
        serveGit(req, res, url, Buffer.concat(chunks));
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Json) : undefined;
      const route = ROUTES.find((r) => r.method === method && r.re.test(url.pathname));
      const authorization = req.headers.authorization;
      const [status, out] = handle(method, url.pathname, body, authorization);
      requests.push({
        method,
        path: url.pathname + url.search,
        template: route?.template ?? '?',
        operationId: route ? paths[route.template][method.toLowerCase()].operationId : '?',
        requestBody: body,
        ...(authorization !== undefined ? { authorization } : {}),
        status,
        responseBody: out,
      });
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    url: base,
    requests,
    refs,
    issuedTokens,
    gitRequests,
    revokeTokens: () => validTokens.clear(),
    failPullList: (fail) => {
      pullListFails = fail;
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Validators for an operation's request body and response bodies, from GitHub's OpenAPI description. */
export function contract(): {
  request(template: string, method: string): ValidateFunction | undefined;
  /** Whether the operation requires a request body (some, like access_tokens, take an optional one). */
  requestBodyRequired(template: string, method: string): boolean;
  response(template: string, method: string, status: number): ValidateFunction | undefined;
} {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  ajv.addFormat('repo.nwo', /^[^/]+\/[^/]+$/);
  ajv.addSchema(githubOpenApi(), 'gh');
  const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  const doc = githubOpenApi() as { paths: Record<string, Record<string, { requestBody?: Json; responses: Record<string, Json> }>> };
  const cache = new Map<string, ValidateFunction | undefined>();
  const get = (key: string, pointer: string | undefined) => {
    if (!cache.has(key)) cache.set(key, pointer ? ajv.compile({ $ref: `gh#${pointer}` }) : undefined);
    return cache.get(key);
  };
  return {
    request(template, method) {
      const op = doc.paths[template][method.toLowerCase()];
      return get(`req ${method} ${template}`, op.requestBody ? `/paths/${esc(template)}/${method.toLowerCase()}/requestBody/content/application~1json/schema` : undefined);
    },
    requestBodyRequired(template, method) {
      return (doc.paths[template][method.toLowerCase()].requestBody as { required?: boolean } | undefined)?.required === true;
    },
    response(template, method, status) {
      const op = doc.paths[template][method.toLowerCase()];
      const r = op.responses[String(status)] as { $ref?: string; content?: Json } | undefined;
      if (!r) return undefined;
      if (r.$ref) {
        const name = r.$ref.split('/').pop()!;
        return get(`res ${name}`, `/components/responses/${esc(name)}/content/application~1json/schema`);
      }
      return get(`res ${method} ${template} ${status}`, `/paths/${esc(template)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`);
    },
  };
}
