// An admin's way out when a store's final backup failed: remove it anyway. The name is typed out
// and the dialog says plainly that the data since the last backup is lost.
import type { Api } from '../lib/api.ts';
import { Dialog } from './dialog.tsx';
import { ErrorBox } from './error-box.tsx';
import { useTypedConfirmation } from './typed-confirmation.ts';

interface Props {
  api: Api;
  name: string;
  /** Why the final backup failed (the store's status reason). */
  reason?: string;
  onClose: () => void;
  onDeleted: (result: unknown) => void;
}

export function ForceDeleteDialog({ api, name, reason, onClose, onDeleted }: Props) {
  const { typed, setTyped, busy, error, confirmed, submit } = useTypedConfirmation(name, (typed) => api.forceDeleteStore(name, typed), onDeleted);
  return (
    <Dialog title={`Force delete ${name}?`} onClose={onClose}>
      <form onSubmit={submit}>
        <p>
          The final backup of <strong>{name}</strong> did not succeed{reason ? ` (${reason})` : ''}.
        </p>
        <p class="data-loss">
          Force delete removes the store without a final backup: <strong>its data will be lost</strong> — every order, customer and product since its
          last successful backup. This cannot be undone.
        </p>
        <div class="field">
          <label for="force-confirm-name">
            Type <strong>{name}</strong> to confirm that its data will be lost
          </label>
          <input id="force-confirm-name" autoComplete="off" spellcheck={false} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} autofocus />
        </div>
        <ErrorBox error={error} />
        <div class="actions">
          <button type="button" class="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="danger" disabled={!confirmed} aria-disabled={busy ? 'true' : undefined}>
            {busy ? 'Deleting…' : 'Force delete, losing its data'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
