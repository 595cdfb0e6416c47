// Rate limits that nobody can turn against somebody else:
// - requests without a valid token are limited per client address on their own budget, so an
//   anonymous flood never consumes an authenticated user's writes;
// - authenticated writes (POST, DELETE) are limited per user, whatever address they come from.
// The client address is the TCP peer, or behind trusted proxies the one they report
// (api/trusted-proxies.ts), so one client behind the Ingress does not block everybody behind it.
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { ServeConfig } from './config.ts';
import type { Requester } from './stores/types.ts';
import { ApiProblem } from './problem.ts';

const WINDOW_MS = 60_000;

export interface RateLimits {
  /** Runs after the token is read (res.locals.user set when valid) and before it is required. */
  unauthenticated: RequestHandler;
  /** Runs after authentication. */
  userWrites: RequestHandler;
}

export function rateLimits(config: Pick<ServeConfig, 'rateLimit'>, send: (req: Request, res: Response, p: ApiProblem) => void): RateLimits {
  const handler = (what: string) => (req: Request, res: Response) => {
    const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
    const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : WINDOW_MS / 1000;
    send(req, res, new ApiProblem(429, 'rate-limited', 'Too many requests', `${what}; retry in ${seconds} s.`, { headers: { 'Retry-After': String(seconds) } }));
  };
  const common = { windowMs: WINDOW_MS, standardHeaders: 'draft-7', legacyHeaders: false } as const;
  return {
    unauthenticated: rateLimit({
      ...common,
      limit: config.rateLimit.unauthenticatedPerMinute,
      skip: (_req, res) => res.locals.user !== undefined,
      keyGenerator: (req) => `anon:${ipKeyGenerator(req.ip ?? 'unknown')}`,
      handler: handler('Too many requests without a valid token from your address'),
    }),
    userWrites: rateLimit({
      ...common,
      limit: config.rateLimit.userWritesPerMinute,
      skip: (req) => req.method !== 'POST' && req.method !== 'DELETE',
      keyGenerator: (_req, res) => `user:${(res.locals.user as Requester).id}`,
      handler: handler('Too many writes'),
    }),
  };
}
