// Deleting needs the store's name typed out: a slip of the mouse must not remove a shop. The
// dialog says what is kept and for how long: with a backup target the store's database gets a
// final backup first (kept platform.yaml `finalBackupRetentionDays`); without one the data is gone.
import type { Api } from '../lib/api.ts';
import { Dialog } from './dialog.tsx';
import { TypedConfirmFields, useTypedConfirmation } from './typed-confirmation.tsx';

interface Props {
  api: Api;
  name: string;
  onClose: () => void;
  /** With the API's answer (its commit). */
  onDeleted: (result: unknown) => void;
  /** Days the final backup is kept; null: no backup target; undefined: not known (older API). */
  finalBackupDays?: number | null;
  /** Argo CD never synced the store successfully: the API removes it in one commit, without a final backup. */
  neverRan?: boolean;
}

/** What a delete keeps, and for how long. */
export function whatIsKept(finalBackupDays: number | null | undefined, neverRan = false): string {
  if (neverRan && typeof finalBackupDays === 'number') {
    return 'This store never ran: Argo CD never synced it successfully, so it was never ready and no shopper used it. No final backup is taken: Argo CD deletes its namespace, including its database (anything typed into its admin is lost); a restore from Deleted stores brings back its configuration.';
  }
  if (typeof finalBackupDays === 'number') {
    const days = finalBackupDays === 1 ? '1 day' : `${finalBackupDays} days`;
    return `Its apps stop at once; its database stays until a final backup of it has completed, then Argo CD deletes its namespace. The final backup is kept for ${days}: a restore within that time brings the store back with its data. If the final backup fails, the store and its data stay.`;
  }
  if (finalBackupDays === null) return 'No backup target: the data is deleted for good. Argo CD deletes its namespace, including its database; a restore from Deleted stores brings back its configuration, not its data.';
  return 'Argo CD then deletes its namespace, including its database. You can restore the configuration later from Deleted stores, but not the data.';
}

export function DeleteDialog({ api, name, onClose, onDeleted, finalBackupDays, neverRan }: Props) {
  const state = useTypedConfirmation(name, () => api.deleteStore(name), onDeleted);
  return (
    <Dialog title={`Delete ${name}?`} onClose={onClose}>
      <form onSubmit={state.submit}>
        <p>
          This commits the removal of <strong>{name}</strong>.
        </p>
        <p class="kept">{whatIsKept(finalBackupDays, neverRan)}</p>
        <TypedConfirmFields
          inputId="confirm-name"
          state={state}
          onClose={onClose}
          action="Delete store"
        />
      </form>
    </Dialog>
  );
}
