// @vitest-environment happy-dom
// useLive with a scripted EventSource: events and reconnects trigger re-reads, and the connection
// state tells "API unreachable" from "only the stream is down".
import { act, cleanup, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionBanner } from '../components/connection-banner.tsx';
import { createApi } from './api.ts';
import { useLive } from './live.ts';
import { fakeFetch } from '../test-support.ts';

class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static last: FakeEventSource;
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: (() => void) | null = null;
  listeners = new Map<string, (() => void)[]>();
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeEventSource.last = this;
  }
  addEventListener(name: string, fn: () => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
  open() {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.();
  }
  fail(state = FakeEventSource.CONNECTING) {
    this.readyState = state;
    this.onerror?.();
  }
  emit(name: string) {
    for (const fn of this.listeners.get(name) ?? []) fn();
  }
}

let up = true;
let listCalls = 0;
const api = fakeFetch(({ url }) => {
  if (url.pathname === '/api/stores') listCalls++;
  return { body: { stores: [] } };
});
const flaky = (async (input: RequestInfo | URL, init?: RequestInit) => {
  if (!up) throw new TypeError('Failed to fetch');
  return api.fetch(input, init);
}) as typeof fetch;
const client = createApi({ token: 'tok en', fetch: flaky });

function Probe() {
  const live = useLive(client, () => {});
  return (
    <>
      <ConnectionBanner connection={live.connection} />
      <span data-testid="state">{`${live.connection} r${live.revision}`}</span>
    </>
  );
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('EventSource', FakeEventSource);
  up = true;
  listCalls = 0;
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const settle = () => act(async () => void (await vi.advanceTimersByTimeAsync(200)));
const state = () => screen.getByTestId('state').textContent;

describe('useLive', () => {
  it('opens the stream with the token in the query and re-reads on every event', async () => {
    render(<Probe />);
    await settle();
    expect(FakeEventSource.last.url).toBe('/api/events?token=tok%20en');
    act(() => FakeEventSource.last.open());
    expect(state()).toBe('online r0');
    const before = listCalls;
    act(() => {
      FakeEventSource.last.emit('store-status');
      FakeEventSource.last.emit('commit');
    });
    await settle();
    expect(listCalls).toBe(before + 1); // a burst is one re-read
    expect(state()).toBe('online r1');
  });

  it('re-reads at least once a second while events keep coming faster than the quiet period', async () => {
    render(<Probe />);
    await settle();
    act(() => FakeEventSource.last.open());
    const before = listCalls;
    // An event every 100 ms for 3 s: never 150 ms of quiet.
    for (let i = 0; i < 30; i++) {
      act(() => FakeEventSource.last.emit('store-status'));
      await act(async () => void (await vi.advanceTimersByTimeAsync(100)));
    }
    expect(listCalls - before).toBeGreaterThanOrEqual(3);
    expect(listCalls - before).toBeLessThanOrEqual(4);
    await settle();
    expect(listCalls - before).toBeLessThanOrEqual(4); // and once more after the last at most
  });

  it('shows network loss and recovers when the stream reopens', async () => {
    render(<Probe />);
    await settle();
    act(() => FakeEventSource.last.open());
    up = false;
    act(() => FakeEventSource.last.fail());
    await settle();
    expect(state()).toMatch(/^offline/);
    expect(screen.getByRole('status').textContent).toContain('Connection to the API lost');
    up = true;
    act(() => FakeEventSource.last.open());
    await settle();
    expect(state()).toMatch(/^online/);
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it('tells a dead stream from a dead API, and reopens a closed stream with back-off', async () => {
    render(<Probe />);
    await settle();
    const first = FakeEventSource.last;
    act(() => first.fail(FakeEventSource.CLOSED)); // e.g. the endpoint answered 503
    await settle();
    expect(state()).toMatch(/^degraded/);
    expect(screen.getByRole('status').textContent).toContain('Live updates are unavailable');
    await act(async () => void (await vi.advanceTimersByTimeAsync(1000)));
    expect(FakeEventSource.last).not.toBe(first);
  });
});
