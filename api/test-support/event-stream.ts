// Reads GET /api/events as a browser's EventSource would (token in the query), collecting the
// events as they arrive. Abort every returned controller at the end of the test.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export async function subscribe(base: string, token: string): Promise<{ events: EventSourceMessage[]; status: number; abort: AbortController }> {
  const abort = new AbortController();
  const res = await fetch(`${base}/api/events?token=${token}`, { signal: abort.signal });
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e) });
  void (async () => {
    const d = new TextDecoder();
    try {
      for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(d.decode(c, { stream: true }));
    } catch {
      // aborted at the end
    }
  })();
  return { events, status: res.status, abort };
}
