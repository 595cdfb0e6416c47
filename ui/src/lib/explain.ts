// Turns any failure into two sentences a person can act on: what went wrong, what to do.
import { ApiError } from './api.ts';

export interface Explanation {
  what: string;
  todo: string;
  fields?: { field: string; reason: string }[];
}

const wait = (s?: number) => (s !== undefined ? `Wait ${s} second${s === 1 ? '' : 's'}` : 'Wait a moment');

export function explain(error: unknown): Explanation {
  if (!(error instanceof ApiError)) {
    return { what: error instanceof Error ? error.message : String(error), todo: 'Reload the page; if it happens again, report it.' };
  }
  const p = error.problem;
  // The server's own words are the best description; the status decides the advice.
  const said = [p.title, p.detail].filter((s, i, a) => s && s !== a[i - 1] && s !== 'network').join(': ');
  const fields = p.errors && p.errors.length > 0 ? p.errors : undefined;
  switch (p.status) {
    case 0:
      return { what: 'The Storefleet API cannot be reached.', todo: 'Check your network or whether the API is running; the dashboard reconnects by itself.' };
    case 400:
    case 422:
      return { what: said || 'The request was not valid.', todo: 'Correct the fields below and try again.', fields };
    case 401:
      return { what: said || 'Your token was not accepted.', todo: 'Sign out and sign in again with a valid token.' };
    case 403:
      return { what: said || 'You are not allowed to do this.', todo: 'Ask a platform admin, or act only on stores you own.' };
    case 404:
      return { what: said || 'Not found.', todo: 'It may have been deleted or renamed; go back to the store list.' };
    case 409:
      return { what: said || 'That conflicts with an existing store.', todo: 'Choose another name.', fields };
    case 413:
      return { what: said || 'The request is too large.', todo: 'Shorten the values you entered.' };
    case 429:
      return { what: said || 'Too many requests or too many stores.', todo: `${wait(error.retryAfter)} and try again, or delete stores you no longer need.` };
    case 503:
      return { what: said || 'The service is temporarily unavailable.', todo: `${wait(error.retryAfter)} and try again; nothing was changed.` };
    default:
      return {
        what: said || `The server answered ${p.status}.`,
        todo: p.status >= 500 ? 'Try again; if it keeps failing, check the API logs.' : 'Check what you entered and try again.',
        fields,
      };
  }
}
