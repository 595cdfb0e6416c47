// Deleted stores stay in Git history; restoring reverts the delete commit.
import { useState } from 'preact/hooks';
import type { Api } from '../lib/api.ts';
import type { PlatformFacts } from '../lib/platform-facts.ts';
import type { StoreSummary } from '../lib/types.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { Pager, usePage } from '../components/pager.tsx';
import { StoreTable } from './store-list.tsx';

/** What a restore brings back, and what it does not: said after every restore. */
export function restoredMessage(name: string, withData = false): string {
  return (
    `Restored ${name}: its configuration is back in Git (a revert of the delete). ` +
    (withData ? 'Its data comes back from its latest backup when it starts. ' : 'Its data is not coming back: once deployed again it starts empty. ') +
    'Its admin login is the one shown when it was created (the same sealed Secret is restored).'
  );
}

interface Props {
  api: Api;
  stores: StoreSummary[];
  facts?: PlatformFacts;
  onChanged: (message?: string) => void;
}

export function DeletedPage({ api, stores, facts = {}, onChanged }: Props) {
  const deleted = stores.filter((s) => s.status === 'deleted');
  const page = usePage(deleted, '');
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<{ name: string; error: unknown }>();
  const restore = async (name: string) => {
    setBusy(name);
    setError(undefined);
    try {
      await api.restoreStore(name);
      onChanged(restoredMessage(name, Boolean(deleted.find((s) => s.name === name)?.restorableUntil)));
    } catch (e) {
      setError({ name, error: e });
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <section aria-labelledby="deleted-title">
      <h1 id="deleted-title">Deleted stores</h1>
      {error && <ErrorBox error={error.error} title={`Could not restore ${error.name}.`} />}
      {deleted.length === 0 ? (
        <div class="empty">
          <p>
            No deleted stores. Stores you delete appear here and can be restored:{' '}
            {facts.backupTarget ? 'with their data while a backup is kept.' : 'their configuration, not their data (no backup target is configured).'}
          </p>
        </div>
      ) : (
        <>
          <StoreTable
            stores={page.items}
            facts={facts}
            deleted
            actions={(s) => (
              <button type="button" class="secondary" onClick={() => restore(s.name)} disabled={busy === s.name}>
                {busy === s.name ? 'Restoring…' : 'Restore'}
                <span class="sr-only"> {s.name}</span>
              </button>
            )}
          />
          <Pager page={page} label="Pages of deleted stores" />
        </>
      )}
    </section>
  );
}
