// All live stores with search and filters; the filter state lives in the inputs, the visible
// list is derived from it on every render and shown a page at a time (components/pager.tsx).
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { isPaged, Pager, pageRange, usePage } from '../components/pager.tsx';
import { formatDay } from '../components/backup-list.tsx';
import { RelativeTime } from '../components/relative-time.tsx';
import { StatusBadge, statusLabel } from '../components/status-badge.tsx';
import { possibleStatuses, type PlatformFacts } from '../lib/platform-facts.ts';
import { href } from '../lib/router.ts';
import { engineLabel, type EngineInfo, type StoreSummary } from '../lib/types.ts';

interface Props {
  stores: StoreSummary[];
  facts?: PlatformFacts;
  /** The engines the platform offers; the filter also lists engines only existing stores use. */
  engines?: EngineInfo[];
  onCreate: () => void;
}

export function matches(store: StoreSummary, query: string, status: string, engine: string): boolean {
  if (status && store.status !== status) return false;
  if (engine && store.engine !== engine) return false;
  const q = query.trim().toLowerCase();
  return !q || [store.name, store.displayName, store.owner].some((s) => s?.toLowerCase().includes(q));
}

export function StoreList({ stores, facts = {}, engines = [], onCreate }: Props) {
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState('');
  const [engine, setEngine] = useState('');
  const live = useMemo(() => stores.filter((s) => s.status !== 'deleted'), [stores]);
  const shown = useMemo(() => live.filter((s) => matches(s, query, status, engine)), [live, query, status, engine]);
  const filtered = Boolean(query || status || engine);
  const engineIds = useMemo(() => [...new Set([...engines.map((e) => e.id), ...stores.map((s) => s.engine)])], [engines, stores]);
  const page = usePage(shown, JSON.stringify([query, status, engine]));

  return (
    <section aria-labelledby="stores-title">
      <div class="page-head">
        <h1 id="stores-title">Stores</h1>
        <button type="button" onClick={onCreate}>
          New store
        </button>
      </div>
      {live.length === 0 ? (
        <div class="empty">
          <h2>No stores yet</h2>
          <p>
            {facts.argocd === false
              ? 'Create your first store: choose a name and an engine, and Storefleet renders its manifests and commits them to the Git repository. With no Argo CD connected, nothing deploys it yet.'
              : 'Create your first store: choose a name and an engine, and Storefleet commits it to Git for Argo CD to deploy.'}
          </p>
          <button type="button" onClick={onCreate}>
            Create a store
          </button>
        </div>
      ) : (
        <>
          <div class="filters" role="search">
            <label>
              <span>Search</span>
              <input type="search" value={query} placeholder="name, display name, owner" onInput={(e) => setQuery(e.currentTarget.value)} />
            </label>
            <label>
              <span>Status</span>
              <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
                <option value="">All statuses</option>
                {possibleStatuses(facts).map((s) => (
                  <option key={s} value={s}>
                    {statusLabel(s)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span>Engine</span>
              <select value={engine} onChange={(e) => setEngine(e.currentTarget.value)}>
                <option value="">All engines</option>
                {engineIds.map((e) => (
                  <option key={e} value={e}>
                    {engineLabel(e)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <p class="count" aria-live="polite">
            {shown.length.toLocaleString('en')} of {live.length.toLocaleString('en')} store{live.length === 1 ? '' : 's'}
            {isPaged(page) && `, showing ${pageRange(page)}`}
          </p>
          {shown.length === 0 && filtered ? (
            <div class="empty">
              <p>No store matches these filters.</p>
              <button
                type="button"
                class="secondary"
                onClick={() => {
                  setQuery('');
                  setStatus('');
                  setEngine('');
                }}
              >
                Clear filters
              </button>
            </div>
          ) : (
            <>
              <StoreTable stores={page.items} facts={facts} />
              <Pager page={page} label="Pages of stores" />
            </>
          )}
        </>
      )}
    </section>
  );
}

interface TableProps {
  stores: StoreSummary[];
  facts?: PlatformFacts;
  /** The Deleted list: a "Deleted" column (when, by whom) instead of "Created". */
  deleted?: boolean;
  actions?: (s: StoreSummary) => ComponentChildren;
}

export function StoreTable({ stores, facts = {}, deleted = false, actions }: TableProps) {
  // Without Argo CD every live store is "committed" for the same reason: the banner says it once.
  const reasonOf = (s: StoreSummary) => (facts.argocd === false && s.status === 'committed' ? undefined : s.reason);
  return (
    <table class="stores">
      <thead>
        <tr>
          <th scope="col">Store</th>
          <th scope="col">Status</th>
          <th scope="col">Engine</th>
          <th scope="col">URLs</th>
          <th scope="col">Owner</th>
          <th scope="col">{deleted ? 'Deleted' : 'Created'}</th>
          {actions && <th scope="col">Actions</th>}
        </tr>
      </thead>
      <tbody>
        {stores.map((s) => (
          <tr key={s.name} data-store={s.name}>
            <td data-label="Store">
              <a href={href({ page: 'store', name: s.name })} class="store-name">
                {s.name}
              </a>
              {s.displayName && s.displayName !== s.name && <div class="muted">{s.displayName}</div>}
            </td>
            <td data-label="Status">
              <StatusBadge status={s.status} reason={reasonOf(s)} />
              {s.backupWarning && !deleted && (
                <div class="backup-warning" title={s.backupWarning.reason}>
                  ⚠ Backups need attention<span class="sr-only">: {s.backupWarning.reason}</span>
                </div>
              )}
            </td>
            <td data-label="Engine">
              {engineLabel(s.engine)}
              {s.plan && <div class="muted">{s.plan}</div>}
            </td>
            <td data-label="URLs">
              <StoreUrls store={s} />
            </td>
            <td data-label="Owner">{s.owner}</td>
            {deleted ? (
              <td data-label="Deleted">
                {s.deletedAt ? <RelativeTime iso={s.deletedAt} /> : <span class="muted">—</span>}
                {s.deletedBy && <div class="muted">by {s.deletedBy}</div>}
                <div class="restorable">{restorableText(s, facts)}</div>
              </td>
            ) : (
              <td data-label="Created">
                <RelativeTime iso={s.createdAt} />
              </td>
            )}
            {actions && <td data-label="Actions">{actions(s)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What a restore of a deleted store brings back, and until when (its backups, platform.yaml's target). */
export function restorableText(s: StoreSummary, facts: PlatformFacts): string {
  if (s.restorableUntil) return `Restorable with data until ${formatDay(s.restorableUntil)}`;
  if (facts.backupTarget) return 'Restores without data (no backup left)';
  return 'Restores without data (no backup target)';
}

export function StoreUrls({ store }: { store: StoreSummary }) {
  const { storefront, admin } = store.urls ?? {};
  // A deleted store serves nothing: its addresses would be dead links.
  if ((!storefront && !admin) || store.status === 'deleted') return <span class="muted">—</span>;
  // Until the store is ready its addresses answer nothing (or someone else's default page).
  const notLive = store.status !== 'ready' && <span class="not-live"> (not live yet)</span>;
  return (
    <ul class="urls">
      {storefront && (
        <li>
          <a href={storefront} target="_blank" rel="noreferrer">
            Storefront<span class="sr-only"> of {store.name}</span>
          </a>
          {notLive}
        </li>
      )}
      {admin && (
        <li>
          <a href={admin} target="_blank" rel="noreferrer">
            Admin<span class="sr-only"> of {store.name}</span>
          </a>
          {notLive}
        </li>
      )}
    </ul>
  );
}
