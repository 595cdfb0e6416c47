// The shared list answer over real HTTP: gzip only for clients that ask for it and bodies worth it,
// compressed once however many clients ask.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedJson, GZIP_MIN_BYTES, sendCachedJson } from './cached-json.ts';

const big = new CachedJson(JSON.stringify({ stores: Array.from({ length: 500 }, (_, i) => ({ name: `shop-${i}`, status: 'committed', reason: 'committed to Git' })) }));
const small = new CachedJson(JSON.stringify({ stores: [] }));
let url: string;
let close: () => void;

beforeAll(async () => {
  const app = express();
  app.get('/big', (req, res) => sendCachedJson(req, res, big));
  app.get('/small', (req, res) => sendCachedJson(req, res, small));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close?.());

function get(path: string, acceptEncoding?: string): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(`${url}${path}`, { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('sendCachedJson', () => {
  it('sends gzip to a client that accepts it, made once for every such client', async () => {
    expect(big.body.length).toBeGreaterThan(GZIP_MIN_BYTES);
    const [a, b] = [await get('/big', 'gzip, deflate, br'), await get('/big', 'br;q=1, gzip;q=0.5')];
    for (const r of [a, b]) {
      expect(r.headers['content-encoding']).toBe('gzip');
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(r.headers.vary).toContain('Accept-Encoding');
      expect(gunzipSync(r.body).equals(big.body)).toBe(true);
      expect(r.body.length * 5).toBeLessThan(big.body.length);
    }
    expect(a.body.equals(b.body)).toBe(true);
    expect(big.gzipped()).toBe(big.gzipped());
  });

  it('sends the JSON as is without Accept-Encoding, when gzip is refused, and for small bodies', async () => {
    for (const [path, enc, entry] of [
      ['/big', undefined, big],
      ['/big', 'identity', big],
      ['/big', 'gzip;q=0, br', big],
      ['/small', 'gzip', small],
    ] as const) {
      const r = await get(path, enc);
      expect(r.headers['content-encoding'], `${path} ${enc}`).toBeUndefined();
      expect(r.headers.vary).toContain('Accept-Encoding');
      expect(r.body.equals(entry.body)).toBe(true);
    }
  });
});
