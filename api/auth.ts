// Bearer tokens. The tokens file holds only SHA-256 digests (tokens are 256-bit random values, so
// a fast hash is enough); the plaintext admin token of the embedded default lives in
// <data-dir>/admin-token (0600) and is never logged.
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Requester } from './stores/types.ts';
import { ApiProblem } from './problem.ts';
import { hashToken, type TokenStore } from './token-store.ts';

export { hashToken, TokenStore, tokensFileSchema, tokensYaml, type TokensFile } from './token-store.ts';

export function newToken(): string {
  return `sf_${randomBytes(32).toString('base64url')}`;
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
    const digest = token && TOKEN_SYNTAX.test(token) ? hashToken(token) : undefined;
    const user = digest ? tokens.byDigest(digest) : undefined;
    if (user) {
      res.locals.user = user;
      res.locals.tokenDigest = digest; // event streams re-check it when the tokens file changes
    }
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
