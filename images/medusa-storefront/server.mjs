// Storefleet storefront server: serves the static build (dist/) and proxies the Medusa Store API
// (/store/*) to the in-cluster backend, so the browser only ever talks to the storefront's own
// origin. Store-specific values are read from the environment at start, never built in: one
// image serves every store. No dependencies beyond Node itself.
//
// Env contract (docs/constructs.md, "Medusa storefront image"):
//   MEDUSA_BACKEND_URL      required  http(s) URL of the backend, e.g. http://medusa-backend:9000
//   MEDUSA_PUBLISHABLE_KEY  required  the store's publishable API key (pk_…), sent by this server
//   DEFAULT_REGION          required  two-letter country code of the region to sell in, e.g. dk
//   PORT                    optional  default 8000
//   HOST                    optional  default 0.0.0.0
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Reads and checks the env contract; exits naming every missing or malformed variable. */
function readEnv(env) {
  const problems = [];
  const need = (name, valid, hint) => {
    const value = env[name];
    if (value === undefined || value === '') problems.push(`${name} is not set (${hint})`);
    else if (!valid(value)) problems.push(`${name} is malformed (${hint})`);
    return value;
  };
  const isHttpUrl = (v) => {
    try {
      return ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  };
  const backend = need('MEDUSA_BACKEND_URL', isHttpUrl, 'an http(s) URL of the Medusa backend');
  const key = need('MEDUSA_PUBLISHABLE_KEY', (v) => /^pk_[A-Za-z0-9_-]+$/.test(v), 'a publishable API key, pk_…');
  const country = need('DEFAULT_REGION', (v) => /^[a-z]{2}$/.test(v), 'a lower-case two-letter country code, e.g. dk');
  const port = env.PORT ?? '8000';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) problems.push('PORT is malformed (a TCP port number)');
  if (problems.length > 0) {
    for (const p of problems) console.error(`storefront: ${p}`);
    process.exit(2);
  }
  return { backend: new URL(backend), key, country, port: Number(port), host: env.HOST || '0.0.0.0' };
}

const config = readEnv(process.env);
const DIST = fileURLToPath(new URL('./dist/', import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
};
// The browser learns only what it needs; the key stays on this server (it adds the header).
const publicConfig = JSON.stringify({ country: config.country });
const gzipCache = new Map();

function send(res, status, type, body, extra = {}) {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

function sendJson(res, status, value) {
  send(res, status, 'application/json', JSON.stringify(value), { 'cache-control': 'no-store' });
}

/** /store/* → the backend, with the publishable key added here. */
function proxy(req, res) {
  const target = new URL(req.url, config.backend);
  const headers = { ...req.headers, host: target.host, 'x-publishable-api-key': config.key };
  delete headers.cookie; // the Store API with a publishable key needs no cookies from this origin
  delete headers.connection;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(target, { method: req.method, headers, timeout: 30_000 }, (up) => {
    res.writeHead(up.statusCode ?? 502, { ...up.headers, ...SECURITY_HEADERS });
    up.pipe(res);
  });
  upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
  upstream.on('error', (err) => {
    console.error(`storefront: backend ${config.backend.origin} unreachable: ${err.message}`);
    if (!res.headersSent) sendJson(res, 502, { type: 'backend_unreachable', message: 'The shop backend is unreachable.' });
    else res.destroy();
  });
  req.pipe(upstream);
}

async function serveFile(req, res, path) {
  const file = normalize(join(DIST, path));
  if (!file.startsWith(DIST)) return send(res, 404, 'text/plain', 'not found');
  const info = await stat(file).catch(() => undefined);
  // Unknown paths get the app (it routes by the URL fragment, so this is only a friendly fallback).
  const target = info?.isFile() ? file : join(DIST, 'index.html');
  const type = TYPES[extname(target)] ?? 'application/octet-stream';
  const cache = target.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  let body = await readFile(target);
  const extra = { 'cache-control': cache, vary: 'accept-encoding' };
  if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '') && /text|json|svg/.test(type)) {
    if (!gzipCache.has(target)) gzipCache.set(target, gzipSync(body));
    body = gzipCache.get(target);
    extra['content-encoding'] = 'gzip';
  }
  res.writeHead(info?.isFile() || target.endsWith('index.html') ? 200 : 404, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-length': body.length,
    ...extra,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://storefront').pathname;
  if (path === '/store' || path.startsWith('/store/')) return proxy(req, res);
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed');
  if (path === '/healthz') return send(res, 200, 'text/plain', 'ok', { 'cache-control': 'no-store' });
  if (path === '/config.json') return send(res, 200, 'application/json', publicConfig, { 'cache-control': 'no-store' });
  serveFile(req, res, decodeURIComponent(path)).catch((err) => {
    console.error(`storefront: ${err.message}`);
    if (!res.headersSent) send(res, 500, 'text/plain', 'internal error');
  });
});

server.listen(config.port, config.host, () => {
  console.log(`storefront: listening on ${config.host}:${config.port}, Store API → ${config.backend.origin}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
