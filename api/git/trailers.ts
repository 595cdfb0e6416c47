// Commit trailers: the audit record of every write (who, what, which request). Read back from
// history, they make Idempotency-Key survive restarts without a database.
export const ACTION = 'Storefleet-Action';
export const STORE = 'Store';
export const REQUESTED_BY = 'Requested-by';
export const IDEMPOTENCY_KEY = 'Idempotency-Key';
export const REQUEST_DIGEST = 'Request-Digest';

/** backup: "Back up now"; rollback: a live store's roll-back to a snapshot (both rewrite the store's folder). */
export type StoreAction = 'create' | 'delete' | 'restore' | 'backup' | 'rollback';

export interface WriteTrailers {
  action: StoreAction;
  store: string;
  requestedBy: string;
  idempotencyKey?: string;
  digest: string;
}

export function trailerBlock(t: WriteTrailers): string {
  const lines = [`${ACTION}: ${t.action}`, `${STORE}: ${t.store}`, `${REQUESTED_BY}: ${t.requestedBy}`];
  if (t.idempotencyKey) lines.push(`${IDEMPOTENCY_KEY}: ${t.idempotencyKey}`);
  lines.push(`${REQUEST_DIGEST}: ${t.digest}`);
  return lines.join('\n') + '\n';
}

/** `git log --format` fields: sha, then each trailer's value (one line). */
export const LOG_FORMAT =
  ['%H', '%cI', ...[ACTION, STORE, REQUESTED_BY, IDEMPOTENCY_KEY, REQUEST_DIGEST].map((k) => `%(trailers:key=${k},valueonly,separator=%x2C)`)].join(
    '%x1f',
  ) + '%x1e';

export interface LoggedWrite extends Partial<WriteTrailers> {
  sha: string;
  /** Committer date, ISO 8601. */
  time?: string;
}

export function parseLog(stdout: string): LoggedWrite[] {
  const out: LoggedWrite[] = [];
  for (const rec of stdout.split('\x1e')) {
    const f = rec.replace(/^\n/, '').split('\x1f');
    if (f.length < 7 || !/^[0-9a-f]{40}$/.test(f[0])) continue;
    const v = (s: string) => s.trim() || undefined;
    out.push({
      sha: f[0],
      time: v(f[1]),
      action: v(f[2]) as StoreAction | undefined,
      store: v(f[3]),
      requestedBy: v(f[4]),
      idempotencyKey: v(f[5]),
      digest: v(f[6]),
    });
  }
  return out;
}
