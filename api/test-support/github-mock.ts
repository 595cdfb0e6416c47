// A stand-in for the GitHub REST API on 127.0.0.1 (GitHub itself cannot be reached from here).
// Responses start from the examples in GitHub's published OpenAPI description (@octokit/openapi)
// with the fields that matter filled in; tests validate every request and response against the
// description's schemas, so the mock cannot drift from GitHub's contract unnoticed.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
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
  status: number;
  responseBody: unknown;
}

const ROUTES: { method: string; template: string; re: RegExp }[] = [
  { method: 'GET', template: '/repos/{owner}/{repo}/git/ref/{ref}', re: /^\/repos\/[^/]+\/[^/]+\/git\/ref\/(.+)$/ },
  { method: 'GET', template: '/repos/{owner}/{repo}/git/commits/{commit_sha}', re: /^\/repos\/[^/]+\/[^/]+\/git\/commits\/([0-9a-f]{40})$/ },
  { method: 'POST', template: '/repos/{owner}/{repo}/git/trees', re: /^\/repos\/[^/]+\/[^/]+\/git\/trees$/ },
  { method: 'POST', template: '/repos/{owner}/{repo}/git/commits', re: /^\/repos\/[^/]+\/[^/]+\/git\/commits$/ },
  { method: 'POST', template: '/repos/{owner}/{repo}/git/refs', re: /^\/repos\/[^/]+\/[^/]+\/git\/refs$/ },
  { method: 'POST', template: '/repos/{owner}/{repo}/pulls', re: /^\/repos\/[^/]+\/[^/]+\/pulls$/ },
  { method: 'GET', template: '/repos/{owner}/{repo}/pulls', re: /^\/repos\/[^/]+\/[^/]+\/pulls$/ },
];

const sha = () => randomBytes(20).toString('hex');

export interface GitHubMock {
  url: string;
  requests: Recorded[];
  refs: Map<string, string>;
  close(): Promise<void>;
}

export async function startGitHubMock(owner: string, repo: string, baseBranch: string, baseSha: string): Promise<GitHubMock> {
  const paths = githubOpenApi().paths as Record<string, Record<string, { operationId: string }>>;
  const refs = new Map<string, string>([[`refs/heads/${baseBranch}`, baseSha]]);
  const commits = new Map<string, Json>();
  const pulls: Json[] = [];
  const requests: Recorded[] = [];
  let base = '';

  const handle = (method: string, path: string, body: Json | undefined): [number, unknown] => {
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

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const method = req.method ?? 'GET';
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Json) : undefined;
      const route = ROUTES.find((r) => r.method === method && r.re.test(url.pathname));
      const [status, out] = handle(method, url.pathname, body);
      requests.push({
        method,
        path: url.pathname + url.search,
        template: route?.template ?? '?',
        operationId: route ? paths[route.template][method.toLowerCase()].operationId : '?',
        requestBody: body,
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
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Validators for an operation's request body and response bodies, from GitHub's OpenAPI description. */
export function contract(): { request(template: string, method: string): ValidateFunction | undefined; response(template: string, method: string, status: number): ValidateFunction | undefined } {
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
