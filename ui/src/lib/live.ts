// The store list and the connection state, kept fresh by the API's event stream (no polling):
// every event, and every reconnect after a loss, triggers one re-read of the list. Pages that
// show one store re-read it when `revision` changes.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Api } from './api.ts';
import type { StoreSummary } from './types.ts';

/** offline: requests fail; degraded: requests work but the event stream does not (no live updates). */
export type Connection = 'connecting' | 'online' | 'degraded' | 'offline';

/**
 * Events of api/status/events-hub.ts: `snapshot` comes first on every (re)connection, so it also
 * covers changes missed while disconnected; then `store-status` and `commit`. Unnamed `message`
 * events are handled as well.
 */
export const STREAM_EVENTS = ['snapshot', 'store-status', 'commit'];
const QUIET_MS = 150;
const MAX_WAIT_MS = 1000;

export interface Live {
  stores: StoreSummary[] | undefined;
  error: unknown;
  connection: Connection;
  revision: number;
  refresh: () => Promise<void>;
  /** After this page changed something: re-read the list and the open store. */
  changed: () => Promise<void>;
}

export function useLive(api: Api, onUnauthorized: () => void): Live {
  const [stores, setStores] = useState<StoreSummary[]>();
  const [error, setError] = useState<unknown>();
  const [streamUp, setStreamUp] = useState<boolean | undefined>(undefined);
  const [fetchFailed, setFetchFailed] = useState(false);
  const [revision, setRevision] = useState(0);
  // Whether the API understood ?include=deleted; if it refuses the query, list without it.
  const includeDeleted = useRef(true);
  // Kept in a ref so a new callback identity does not reopen the stream.
  const unauthorized = useRef(onUnauthorized);
  unauthorized.current = onUnauthorized;

  const refresh = useCallback(async () => {
    try {
      let list: StoreSummary[];
      try {
        list = await api.listStores(includeDeleted.current);
      } catch (e) {
        if (!(includeDeleted.current && e instanceof ApiError && (e.status === 400 || e.status === 422))) throw e;
        includeDeleted.current = false;
        list = await api.listStores(false);
      }
      setStores(list);
      setError(undefined);
      setFetchFailed(false);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return unauthorized.current();
      setError(e);
      setFetchFailed(e instanceof ApiError && e.status === 0);
    }
  }, [api]);

  useEffect(() => {
    void refresh();
    if (typeof EventSource === 'undefined') return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let firstPending: number | undefined;
    // Bursts of events (a grouped push) become one re-read, 150 ms after the last one, but at most
    // a second after the first: with thousands of stores rolling out, events can come faster than
    // every 150 ms for minutes, and a plain debounce would never re-read.
    const changed = () => {
      const now = Date.now();
      firstPending ??= now;
      clearTimeout(timer);
      timer = setTimeout(
        () => {
          firstPending = undefined;
          setRevision((r) => r + 1);
          void refresh();
        },
        Math.max(0, Math.min(QUIET_MS, firstPending + MAX_WAIT_MS - now)),
      );
    };
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let wasDown = false;
    let attempts = 0;
    const connect = () => {
      const s = new EventSource(api.eventsUrl());
      source = s;
      s.onopen = () => {
        attempts = 0;
        setStreamUp(true);
        // Changes made while we were disconnected were not streamed: read everything again.
        if (wasDown) changed();
        wasDown = false;
      };
      s.onerror = () => {
        setStreamUp(false);
        wasDown = true;
        // Is the API gone, or only the stream? One request tells (and refreshes the list).
        void refresh();
        // The browser retries network errors itself; an HTTP error closes the stream for good,
        // so open a new one with back-off (1 s, 2 s, … 30 s).
        if (s.readyState === EventSource.CLOSED) {
          s.close();
          retry = setTimeout(connect, Math.min(30_000, 1000 * 2 ** attempts++));
        }
      };
      s.onmessage = changed;
      for (const name of STREAM_EVENTS) s.addEventListener(name, changed);
    };
    connect();
    const online = () => changed();
    addEventListener('online', online);
    return () => {
      clearTimeout(timer);
      clearTimeout(retry);
      source?.close();
      removeEventListener('online', online);
    };
  }, [api, refresh]);

  const changed = useCallback(() => {
    setRevision((r) => r + 1);
    return refresh();
  }, [refresh]);

  const connection: Connection = fetchFailed ? 'offline' : streamUp === false ? 'degraded' : streamUp ? 'online' : 'connecting';
  return { stores, error, connection, revision, refresh, changed };
}
