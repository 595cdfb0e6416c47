// One store: status, timeline, links, resources, activity, rendered manifests, delete/restore.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Api } from '../lib/api.ts';
import { engineLabel, type ArgoInfo, type StoreDetail, type StoreSummary, type Timeline as TimelineData } from '../lib/types.ts';
import { ActivityLog } from '../components/activity-log.tsx';
import { BackupList } from '../components/backup-list.tsx';
import { BackupNowButton, RestoreBackupButton } from '../components/backup-actions.tsx';
import { DeleteDialog } from '../components/delete-dialog.tsx';
import { ForceDeleteDialog } from '../components/force-delete-dialog.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { ManifestViewer } from '../components/manifest-viewer.tsx';
import { RelativeTime } from '../components/relative-time.tsx';
import { ResourceTree } from '../components/resource-tree.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { Timeline } from '../components/timeline.tsx';
import { href } from '../lib/router.ts';
import type { PlatformFacts } from '../lib/platform-facts.ts';
import { restoredMessage } from './deleted-page.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { ADMIN_SECRET, adminPasswordCommand, storeNamespace } from '../../../generator/store-access.ts';

interface Props {
  api: Api;
  name: string;
  /** Bumped by the event stream: re-read the store. */
  revision: number;
  /** The store's entry in the live list: all there is once a deleted store has no detail. */
  summary?: StoreSummary;
  facts?: PlatformFacts;
  /** After a delete or restore, with what to tell the person. */
  onChanged: (message?: string) => void;
}

function storeLinks(s: StoreSummary & Partial<StoreDetail>): { label: string; url: string }[] {
  const serving = s.status !== 'deleted'; // a deleted store's addresses are dead links
  const links = [
    { label: 'Storefront', url: serving ? s.urls?.storefront : undefined },
    { label: 'Admin', url: serving ? s.urls?.admin : undefined },
    { label: 'Argo CD application', url: s.links?.argocd },
    { label: 'Commit', url: s.links?.commit },
    { label: 'Pull request', url: s.links?.pullRequest ?? s.pullRequest },
  ];
  return links.filter((l): l is { label: string; url: string } => Boolean(l.url));
}

/** What a delete did and what it means, said once after it. */
function deletedMessage(name: string, result: unknown): string {
  const commit = (result as { commit?: unknown } | undefined)?.commit;
  const marked = (result as { store?: { deleting?: unknown } } | undefined)?.store?.deleting;
  const notice = (result as { notice?: unknown } | undefined)?.notice;
  if (marked) {
    return `Deleting ${name}${typeof commit === 'string' ? ` (commit ${commit.slice(0, 7)})` : ''}: its apps stop and a final backup of its database runs; the store is removed once it has completed.`;
  }
  return (
    `Deleted ${name}: its folder is removed from Git${typeof commit === 'string' ? ` (commit ${commit.slice(0, 7)})` : ''}. ` +
    'Argo CD removes its namespace, and its data with it. Deleted stores lists it; a restore brings back its configuration, not its data.' +
    (typeof notice === 'string' ? ` ${notice}` : '')
  );
}

export function StorePage({ api, name, revision, summary, facts = {}, onChanged }: Props) {
  const [store, setStore] = useState<StoreDetail>();
  const [error, setError] = useState<unknown>();
  const [deleting, setDeleting] = useState(false);
  const [forcing, setForcing] = useState(false);
  const [restoreError, setRestoreError] = useState<unknown>();
  const [restoring, setRestoring] = useState(false);
  const [retrying, setRetrying] = useState(false);

  useEffect(() => {
    let current = true;
    api.getStore(name).then(
      (s) => {
        if (!current) return;
        setStore(s);
        setError(undefined);
      },
      (e) => {
        if (!current) return;
        // Gone (deleted): drop the stale detail; the list entry still says what happened.
        if (e instanceof ApiError && e.status === 404) setStore(undefined);
        setError(e);
      },
    );
    return () => {
      current = false;
    };
  }, [api, name, revision]);

  // Delete again after a failed final backup: a new mark, so a new Job runs (no typed
  // confirmation: the store stays until that backup completed, nothing is lost by retrying).
  const retryFinalBackup = async () => {
    setRetrying(true);
    setRestoreError(undefined);
    try {
      await api.deleteStore(name);
      onChanged(`Retrying the final backup of ${name}: a new backup Job runs; the store is removed once it completes.`);
    } catch (e) {
      setRestoreError(e);
    } finally {
      setRetrying(false);
    }
  };

  const restore = async () => {
    setRestoring(true);
    setRestoreError(undefined);
    try {
      await api.restoreStore(name);
      onChanged(restoredMessage(name, Boolean(summary?.restorableUntil)));
    } catch (e) {
      setRestoreError(e);
    } finally {
      setRestoring(false);
    }
  };

  const shown: (StoreSummary & Partial<StoreDetail>) | undefined = store ?? summary;
  if (!shown) {
    return (
      <section>
        <p>
          <a href={href({ page: 'stores' })}>← All stores</a>
        </p>
        <h1>{name}</h1>
        {error ? <ErrorBox error={error} /> : <p class="muted">Loading…</p>}
      </section>
    );
  }
  const goneButListed = !store && error instanceof ApiError && error.status === 404;

  const spec = { ...shown, ...shown.spec };
  const deleted = shown.status === 'deleted';
  const timeline = shown.timeline ?? { committedAt: shown.history?.at(-1)?.date ?? spec.createdAt };
  const links = storeLinks(shown);
  // Marked for deletion (two-phase delete): its final backup runs, or failed and the store stays.
  const marked = Boolean(spec.deleting);
  const finalBackupFailed = marked && shown.status === 'failed';
  const admin = facts.user?.role === 'admin';

  return (
    <article aria-labelledby="store-title" class="store-page">
      <p>
        <a href={href({ page: 'stores' })}>← All stores</a>
      </p>
      <div class="page-head">
        <div>
          <h1 id="store-title">{shown.name}</h1>
          {spec.displayName && spec.displayName !== shown.name && <p class="muted">{spec.displayName}</p>}
        </div>
        {deleted ? (
          <button type="button" onClick={restore} disabled={restoring}>
            {restoring ? 'Restoring…' : 'Restore store'}
          </button>
        ) : finalBackupFailed ? (
          <div class="actions">
            <button type="button" onClick={retryFinalBackup} disabled={retrying}>
              {retrying ? 'Retrying…' : 'Retry final backup'}
            </button>
            {admin && (
              <button type="button" class="danger" onClick={() => setForcing(true)}>
                Force delete
              </button>
            )}
          </div>
        ) : (
          <button type="button" class="danger" onClick={() => setDeleting(true)} disabled={shown.status === 'deleting' || marked}>
            Delete store
          </button>
        )}
      </div>
      {finalBackupFailed && (
        <p class="notice final-backup-failed">
          The final backup failed: the store and its data are kept.{' '}
          {admin
            ? 'Fix the cause and retry the final backup (a new backup Job runs), or force the delete: its data will be lost.'
            : 'Fix the cause (or ask an admin) and retry the final backup: a new backup Job runs. Only an admin can force the delete.'}
        </p>
      )}
      {goneButListed ? (
        <p class="notice">{deleted ? 'This store is deleted. Restore it to bring it back.' : 'The API has no details for this store.'}</p>
      ) : (
        error !== undefined && <ErrorBox error={error} title="Showing the last known state." />
      )}
      <ErrorBox error={restoreError} />
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={shown.status} reason={facts.argocd === false && shown.status === 'committed' ? 'committed to Git; no Argo CD is connected to deploy it' : shown.reason} />
        </dd>
        <dt>Engine</dt>
        <dd>{engineLabel(spec.engine)}</dd>
        <dt>Plan</dt>
        <dd>{spec.plan}</dd>
        <dt>Owner</dt>
        <dd>{spec.owner}</dd>
        <dt>Created</dt>
        <dd>
          <RelativeTime iso={spec.createdAt} />
        </dd>
        {!deleted && (shown.urls?.storefront || shown.urls?.admin) && (
          <>
            <dt>Addresses</dt>
            <dd>
              <ul class="plain">
                {[shown.urls?.storefront, shown.urls?.admin].filter(Boolean).map((u) => (
                  <li key={u}>
                    <code>{u}</code>
                  </li>
                ))}
              </ul>
              {shown.status !== 'ready' && (
                <span class="not-live">
                  {facts.argocd === false ? 'Not live: no Argo CD is connected to deploy this store.' : 'Not live yet: the store is not ready.'}
                </span>
              )}
            </dd>
          </>
        )}
        <dt>Namespace</dt>
        <dd>
          <code>{storeNamespace(shown.name)}</code>
        </dd>
        {!deleted && (
          <>
            <dt>Admin login</dt>
            <dd class="admin-login-fact">
              Shown once when the store was created; kept in the Secret <code>{ADMIN_SECRET}</code> of that namespace. With access to the cluster:{' '}
              <code class="command">{adminPasswordCommand(shown.name)}</code> <CopyButton text={adminPasswordCommand(shown.name)} label="Copy command" />
            </dd>
          </>
        )}
      </dl>

      <section aria-labelledby="links-title">
        <h2 id="links-title">Links</h2>
        {links.length ? (
          <ul class="links">
            {links.map((l) => (
              <li key={l.label}>
                <a href={l.url} target="_blank" rel="noreferrer">
                  {l.label}
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">No links yet.</p>
        )}
      </section>

      {shown.status !== 'pending-review' && (
        <BackupList
          api={api}
          store={shown.name}
          revision={revision}
          deleted={deleted}
          // A live store: "Back up now" (owner or admin) above the list; admins roll it back to a snapshot.
          actions={
            deleted
              ? undefined
              : (reload) => (
                  <BackupNowButton
                    api={api}
                    name={shown.name}
                    disabled={shown.status === 'deleting'}
                    onRequested={(message) => {
                      reload();
                      onChanged(message);
                    }}
                  />
                )
          }
          renderActions={
            deleted || facts.user?.role !== 'admin'
              ? undefined
              : (snapshot) => <RestoreBackupButton api={api} name={shown.name} snapshot={snapshot.id} takenAt={snapshot.time} onRequested={onChanged} />
          }
        />
      )}

      {store && <StoreDetails api={api} store={store} timeline={timeline} />}

      {forcing && (
        <ForceDeleteDialog
          api={api}
          name={shown.name}
          reason={shown.reason}
          onClose={() => setForcing(false)}
          onDeleted={(result) => {
            setForcing(false);
            onChanged(deletedMessage(shown.name, result));
          }}
        />
      )}
      {deleting && (
        <DeleteDialog
          api={api}
          name={shown.name}
          finalBackupDays={facts.finalBackupDays}
          neverRan={Boolean(store?.argocd?.neverSynced)}
          onClose={() => setDeleting(false)}
          onDeleted={(result) => {
            setDeleting(false);
            onChanged(deletedMessage(shown.name, result));
          }}
        />
      )}
    </article>
  );
}

/** The parts a store's detail has: timeline, resources, activity, manifests (a deleted store: activity only). */
function StoreDetails({ api, store, timeline }: { api: Api; store: StoreDetail; timeline: TimelineData }) {
  // A deleted store has no rollout: "✓ Committed" would say the opposite of what happened.
  const deleted = store.status === 'deleted';
  return (
    <>
      {!deleted && (
        <>
          <section aria-labelledby="timeline-title">
            <h2 id="timeline-title">Status timeline</h2>
            <Timeline timeline={timeline} />
          </section>

          {store.argocd?.lastOperation && <LastOperation op={store.argocd.lastOperation} />}
          {store.argocd?.errors?.length ? (
            <p class="notice">Argo CD did not answer every question, so parts of this page may be missing: {store.argocd.errors.join('; ')}</p>
          ) : null}

          <section aria-labelledby="resources-title">
            <h2 id="resources-title">Resources</h2>
            {store.resources?.length ? (
              <ResourceTree resources={store.resources} />
            ) : (
              <p class="muted">No resource data: Argo CD is not connected or has not deployed this store yet.</p>
            )}
          </section>
        </>
      )}

      <section aria-labelledby="activity-title">
        <h2 id="activity-title">Activity</h2>
        <ActivityLog history={store.history} events={store.events} />
      </section>

      <section aria-labelledby="manifests-title">
        <h2 id="manifests-title">Rendered manifests</h2>
        {deleted ? (
          <p class="muted">A deleted store's manifests live on in Git history only; restore the store to browse them here.</p>
        ) : (
          <ManifestViewer api={api} store={store.name} files={store.files ?? []} />
        )}
      </section>
    </>
  );
}

function LastOperation({ op }: { op: NonNullable<ArgoInfo['lastOperation']> }) {
  return (
    <p class="last-operation">
      Last Argo CD sync: <strong>{op.phase}</strong>
      {op.finishedAt ? (
        <>
          {' '}
          (<RelativeTime iso={op.finishedAt} />)
        </>
      ) : null}
      {op.message ? `: ${op.message}` : ''}
      {op.retryCount ? ` (retried ${op.retryCount}×)` : ''}
    </p>
  );
}
