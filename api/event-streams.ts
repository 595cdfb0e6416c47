// Admission for GET /api/events, in front of the status hub (api/status/events-hub.ts):
// - a per-user cap on concurrent streams, so one user cannot take every slot (the hub's global
//   cap answers 503 for everybody once it is full); the next stream gets 429 and says why;
// - streams end when the token that opened them stops being valid: on every tokens-file change
//   each open stream's token digest is looked up again (so within the reload interval).
import type { Request, RequestHandler, Response } from 'express';
import type { Requester } from './stores/types.ts';
import { ApiProblem } from './problem.ts';
import type { TokenStore } from './token-store.ts';

interface OpenStream {
  res: Response;
  user: Requester;
  digest: string;
}

export interface EventStreamsOptions {
  tokens: TokenStore;
  maxPerUser: number;
}

export class EventStreams {
  readonly #o: EventStreamsOptions;
  readonly #open = new Set<OpenStream>();
  readonly #perUser = new Map<string, number>();

  constructor(options: EventStreamsOptions) {
    this.#o = options;
    options.tokens.onChange(() => this.#closeRevoked());
  }

  /** Mount before the hub's handler, after authentication (res.locals.user, res.locals.tokenDigest). */
  readonly admit: RequestHandler = (_req: Request, res: Response, next) => {
    const user = res.locals.user as Requester;
    const count = this.#perUser.get(user.id) ?? 0;
    if (count >= this.#o.maxPerUser) {
      next(
        new ApiProblem(
          429,
          'too-many-event-streams',
          'Too many event streams',
          `You have ${count} event streams open, the most one user may have; close a dashboard tab or window, or end another stream, and try again.`,
          { headers: { 'Retry-After': '10' } },
        ),
      );
      return;
    }
    const stream: OpenStream = { res, user, digest: res.locals.tokenDigest as string };
    this.#open.add(stream);
    this.#perUser.set(user.id, count + 1);
    res.once('close', () => this.#forget(stream));
    next();
  };

  #forget(s: OpenStream): void {
    if (!this.#open.delete(s)) return;
    const left = (this.#perUser.get(s.user.id) ?? 1) - 1;
    if (left > 0) this.#perUser.set(s.user.id, left);
    else this.#perUser.delete(s.user.id);
  }

  #closeRevoked(): void {
    for (const s of [...this.#open]) {
      const now = this.#o.tokens.byDigest(s.digest);
      if (now && now.id === s.user.id && now.role === s.user.role) continue;
      // Ending the response closes the stream; the browser's EventSource reconnects and gets 401.
      s.res.end();
      this.#forget(s);
    }
  }
}
