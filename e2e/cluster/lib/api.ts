// A minimal HTTPS client for the dev cluster's API server (admin client certificate), for the
// long-running harness loop, where spawning kubectl every few seconds would waste CPU.
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST, paths, ports } from './config.ts';

const tls = () => ({
  ca: readFileSync(join(paths.pki, 'ca.crt')),
  cert: readFileSync(join(paths.pki, 'admin.crt')),
  key: readFileSync(join(paths.pki, 'admin.key')),
});

export function kubeApi<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { host: HOST, port: ports.apiserver, method, path, ...tls(), headers: data ? { 'content-type': contentType, 'content-length': Buffer.byteLength(data) } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`));
          else resolve(text ? (JSON.parse(text) as T) : (undefined as T));
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: timeout`)));
    if (data) req.write(data);
    req.end();
  });
}

/**
 * Follows a watch (`path` without `?watch`) and calls `onEvent` for each event as it arrives,
 * reconnecting when the API server ends the stream, until `signal` aborts. Events are stamped by
 * the caller on arrival, which gives millisecond timings where object timestamps have seconds.
 */
export function kubeWatch(path: string, onEvent: (type: string, obj: any) => void, signal: AbortSignal): void {
  const connect = () => {
    if (signal.aborted) return;
    const req = request({ host: HOST, port: ports.apiserver, method: 'GET', path: `${path}${path.includes('?') ? '&' : '?'}watch=1`, ...tls(), signal }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) {
            const ev = JSON.parse(line);
            onEvent(ev.type, ev.object);
          }
        }
      });
      res.on('end', () => setTimeout(connect, 100));
      res.on('error', () => undefined);
    });
    req.on('error', () => { if (!signal.aborted) setTimeout(connect, 500); });
    req.end();
  };
  connect();
}
