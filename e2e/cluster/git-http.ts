// Serves the dev cluster's GitOps repositories over Git's smart HTTP protocol on 127.0.0.1, by
// handing each request to `git http-backend` (CGI). HTTP rather than `git daemon` because Argo CD
// matches push webhooks only against http(s)/ssh repository URLs: with git:// the API's webhooks
// are ignored ("git://… does not match …") and new stores wait for the 3-minute poll.
// Usage: git-http.ts <project-root> <port> [bind-address] (default 127.0.0.1; the kind e2e run binds
// the kind network's gateway so Argo CD's pods reach it). Push is enabled (http.receivepack in each repo).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';

const [root, portText, host = '127.0.0.1'] = process.argv.slice(2);
if (!root || !portText) {
  console.error('usage: git-http.ts <project-root> <port> [bind-address, default 127.0.0.1]');
  process.exit(2);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const cgi = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      REMOTE_USER: 'storefleet-dev',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const sep = head.indexOf('\r\n\r\n') >= 0 ? head.indexOf('\r\n\r\n') : head.indexOf('\n\n');
    if (sep < 0) return;
    const sepLen = head[sep] === 13 ? 4 : 2;
    let status = 200;
    for (const line of head.subarray(0, sep).toString('latin1').split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i < 0) continue;
      const name = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.statusCode = status;
    headersDone = true;
    const rest = head.subarray(sep + sepLen);
    if (rest.length) res.write(rest);
  });
  cgi.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  cgi.on('close', (code) => {
    if (!headersDone) {
      res.statusCode = 500;
      res.end(`git http-backend exited with ${code}\n`);
    } else {
      res.end();
    }
  });
  cgi.stdin.on('error', () => undefined);
});

server.listen(Number(portText), host, () => console.log(`git smart HTTP for ${root} on http://${host}:${portText}/`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
