import type { Connection } from '../lib/live.ts';

/** Says when live updates stopped and that they resume by themselves. */
export function ConnectionBanner({ connection }: { connection: Connection }) {
  return (
    <div class="connection" role="status" aria-live="polite">
      {connection === 'offline' && (
        <p class="offline">
          Connection to the API lost. Showing the last known state; reconnecting automatically. Check your network or whether the API is
          running.
        </p>
      )}
      {connection === 'degraded' && (
        <p class="degraded">Live updates are unavailable right now (the API's event stream does not answer); retrying. Reload to see the latest state.</p>
      )}
    </div>
  );
}
