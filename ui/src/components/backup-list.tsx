// A store's backups on its page: time, kind, size, newest first; the warning when backups need
// attention; what an empty or target-less list means. Actions ("Back up now", "Restore from this
// backup") plug in through `actions` and `renderActions` (components/backup-actions.tsx).
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, type Api } from '../lib/api.ts';
import type { BackupSnapshot, StoreBackups } from '../lib/types.ts';
import { ErrorBox } from './error-box.tsx';
import { RelativeTime } from './relative-time.tsx';

interface Props {
  api: Api;
  store: string;
  /** Bumped by the page (event stream, a write): read the list again. */
  revision?: number;
  deleted?: boolean;
  /** Actions for the whole store (e.g. "Back up now"); `reload` reads the list again. */
  actions?: (reload: () => void, backups: StoreBackups) => ComponentChildren;
  /** Actions for one snapshot (e.g. "Restore from this backup"). */
  renderActions?: (snapshot: BackupSnapshot, reload: () => void) => ComponentChildren;
}

const KIND_LABEL: Record<BackupSnapshot['kind'], string> = { scheduled: 'Scheduled', manual: 'Manual', final: 'Final (on delete)', other: 'Other' };

/** 1234567 → "1.2 MB" (decimal units, as disks and S3 count). */
export function formatBytes(n: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return new Intl.NumberFormat('en', { style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: i === 0 ? 0 : 1 }).format(v);
}

/** "Jan 3, 2027" in UTC: a day people can plan with. */
export function formatDay(iso: string): string {
  return new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso));
}

export function BackupList({ api, store, revision = 0, deleted = false, actions, renderActions }: Props) {
  const [backups, setBackups] = useState<StoreBackups>();
  const [error, setError] = useState<unknown>();
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((n) => n + 1), []);

  useEffect(() => {
    let current = true;
    api.getBackups(store).then(
      (b) => {
        if (!current) return;
        setBackups(b);
        setError(undefined);
      },
      (e) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [api, store, revision, reloads]);

  // No such store (for this person): the page says so; a backup section would only repeat it.
  if (error instanceof ApiError && error.status === 404) return null;
  return (
    <section aria-labelledby="backups-title" class="backups">
      <div class="page-head">
        <h2 id="backups-title">Backups</h2>
        {backups?.target && actions?.(reload, backups)}
      </div>
      {error !== undefined && <ErrorBox error={error} title="Could not read this store's backups." />}
      {!backups ? (
        error === undefined && <p class="muted">Loading backups…</p>
      ) : !backups.target ? (
        <p class="muted">
          No backup target is configured (platform.yaml has no <code>backup</code> section): this store's database is not backed up, and {deleted ? 'a restore starts it empty' : 'deleting the store loses its data'}.
        </p>
      ) : (
        <>
          {backups.warning && (
            <p class="warning" role="status">
              Backups need attention: {backups.warning.reason} (since <RelativeTime iso={backups.warning.since} />)
            </p>
          )}
          {deleted && (
            <p>
              {backups.restorableUntil ? (
                <>
                  Restorable with its data until <time dateTime={backups.restorableUntil}>{formatDay(backups.restorableUntil)}</time>.
                </>
              ) : (
                'No backup is left: a restore starts the store empty.'
              )}
            </p>
          )}
          {backups.backups.length === 0 ? (
            <p class="muted">{deleted ? 'No backups.' : "No backups yet: the first one runs on the plan's backup schedule."}</p>
          ) : (
            <table class="backup-list">
              <thead>
                <tr>
                  <th scope="col">Taken</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Size</th>
                  <th scope="col">Snapshot</th>
                  {renderActions && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {backups.backups.map((b) => (
                  <tr key={b.id} data-snapshot={b.shortId}>
                    <td data-label="Taken">
                      <RelativeTime iso={b.time} />
                    </td>
                    <td data-label="Kind">{KIND_LABEL[b.kind] ?? b.kind}</td>
                    <td data-label="Size">{b.sizeBytes === undefined ? <span class="muted">—</span> : formatBytes(b.sizeBytes)}</td>
                    <td data-label="Snapshot">
                      <code title={b.id}>{b.shortId}</code>
                    </td>
                    {renderActions && <td data-label="Actions">{renderActions(b, reload)}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
