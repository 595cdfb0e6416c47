// An admin's way out when a store's final backup failed: remove it anyway. The name is typed out
// and the dialog says plainly that the data since the last backup is lost.
import type { Api } from '../lib/api.ts';
import { Dialog } from './dialog.tsx';
import { TypedConfirmFields, useTypedConfirmation } from './typed-confirmation.tsx';

interface Props {
  api: Api;
  name: string;
  /** Why the final backup failed (the store's status reason). */
  reason?: string;
  onClose: () => void;
  onDeleted: (result: unknown) => void;
}

export function ForceDeleteDialog({ api, name, reason, onClose, onDeleted }: Props) {
  const state = useTypedConfirmation(name, (typed) => api.forceDeleteStore(name, typed), onDeleted);
  return (
    <Dialog title={`Force delete ${name}?`} onClose={onClose}>
      <form onSubmit={state.submit}>
        <p>
          The final backup of <strong>{name}</strong> did not succeed{reason ? ` (${reason})` : ''}.
        </p>
        <p class="data-loss">
          Force delete removes the store without a final backup: <strong>its data will be lost</strong> — every order, customer and product since its
          last successful backup. This cannot be undone.
        </p>
        <TypedConfirmFields
          inputId="force-confirm-name"
          label={
            <>
              Type <strong>{name}</strong> to confirm that its data will be lost
            </>
          }
          state={state}
          onClose={onClose}
          action="Force delete, losing its data"
        />
      </form>
    </Dialog>
  );
}
