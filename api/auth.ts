// Bearer tokens. The tokens file holds only SHA-256 digests (tokens are 256-bit random values, so
// a fast hash is enough); the plaintext admin token of the embedded default lives in
// <data-dir>/admin-token (0600) and is never logged.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { NextFunction, Request, Response } from 'express';
import { parse as parseYaml, stringify } from 'yaml';
import { z } from 'zod';
import { owner as ownerSchema } from '../generator/spec.ts';
import type { Requester } from './stores/types.ts';
import { ApiProblem } from './problem.ts';

export const tokensFileSchema = z.strictObject({
  tokens: z.array(
    z.strictObject({
      user: ownerSchema,
      role: z.enum(['admin', 'member']),
      name: z.string().min(1).max(100).regex(/^[^<>\n\r]+$/).optional(),
      email: z.string().regex(/^[^<>\s@]+@[^<>\s@]+$/).optional(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected the hex SHA-256 of the token' }),
    }),
  ),
});
export type TokensFile = z.infer<typeof tokensFileSchema>;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newToken(): string {
  return `sf_${randomBytes(32).toString('base64url')}`;
}

export function tokensYaml(t: TokensFile): string {
  return (
    '# Storefleet API tokens: only SHA-256 digests are stored.\n' +
    '# Add or revoke users with: storefleet token create <user> --role admin|member; storefleet token revoke <user>\n' +
    stringify(t)
  );
}

export class TokenStore {
  private readonly file: string;
  private byHash = new Map<string, Requester>();
  private mtime = -1;
  private checkedAt = 0;

  constructor(file: string) {
    this.file = file;
    this.reload();
  }

  /** Re-reads the file when it changed (checked at most once a second). */
  private reload(): void {
    const now = Date.now();
    if (now - this.checkedAt < 1000 && this.mtime >= 0) return;
    this.checkedAt = now;
    const m = statSync(this.file).mtimeMs;
    if (m === this.mtime) return;
    const parsed = tokensFileSchema.safeParse(parseYaml(readFileSync(this.file, 'utf8')));
    if (!parsed.success) {
      if (this.mtime < 0) throw new Error(`${this.file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return; // keep the last good set rather than lock everybody out
    }
    this.byHash = new Map(
      parsed.data.tokens.map((t) => [
        t.sha256,
        { id: t.user, role: t.role, name: t.name ?? t.user, email: t.email ?? `${t.user}@users.storefleet.invalid` },
      ]),
    );
    this.mtime = m;
  }

  lookup(token: string): Requester | undefined {
    this.reload();
    const h = hashToken(token);
    const hit = this.byHash.get(h);
    // The map lookup is by digest of the presented token; compare once more in constant time.
    if (hit && timingSafeEqual(Buffer.from(h), Buffer.from(hashToken(token)))) return hit;
    return undefined;
  }
}

const TOKEN_SYNTAX = /^[A-Za-z0-9._~+/=-]{8,200}$/;

export function requester(res: Response): Requester {
  const u = res.locals.user as Requester | undefined;
  if (!u) throw new ApiProblem(401, 'unauthorized', 'Authentication required', 'Send Authorization: Bearer <token>.');
  return u;
}

/** The presented token: Bearer header, or ?token= on GET /api/events (EventSource cannot send headers). */
function presentedToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string') return /^Bearer ([^\s]+)$/i.exec(header.trim())?.[1];
  if (req.method === 'GET' && (req.baseUrl + req.path === '/api/events' || req.path === '/api/events') && typeof req.query.token === 'string') return req.query.token;
  return undefined;
}

/** Sets res.locals.user when the request carries a valid token; never refuses (see requireUser). */
export function identify(tokens: TokenStore) {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = presentedToken(req);
    const user = token && TOKEN_SYNTAX.test(token) ? tokens.lookup(token) : undefined;
    if (user) res.locals.user = user;
    next();
  };
}

/** 401 unless identify() found a valid token. */
export function requireUser(req: Request, res: Response, next: NextFunction): void {
  if (res.locals.user) return next();
  next(
    new ApiProblem(401, 'unauthorized', 'Authentication required', req.headers.authorization ? 'The token is not valid.' : 'Send Authorization: Bearer <token>.', {
      headers: { 'WWW-Authenticate': 'Bearer realm="storefleet"' },
    }),
  );
}

/** Requires a valid bearer token (identify + requireUser). */
export function authenticate(tokens: TokenStore) {
  const who = identify(tokens);
  return (req: Request, res: Response, next: NextFunction) => who(req, res, (err?: unknown) => (err ? next(err) : requireUser(req, res, next)));
}
