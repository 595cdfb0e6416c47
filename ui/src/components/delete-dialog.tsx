// Deleting needs the store's name typed out: a slip of the mouse must not remove a shop.
import { useState } from 'preact/hooks';
import type { Api } from '../lib/api.ts';
import { Dialog } from './dialog.tsx';
import { ErrorBox } from './error-box.tsx';

interface Props {
  api: Api;
  name: string;
  onClose: () => void;
  /** With the API's answer (its commit). */
  onDeleted: (result: unknown) => void;
}

export function DeleteDialog({ api, name, onClose, onDeleted }: Props) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const confirmed = typed === name;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!confirmed || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      onDeleted(await api.deleteStore(name));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Delete ${name}?`} onClose={onClose}>
      <form onSubmit={submit}>
        <p>
          This commits the removal of <strong>{name}</strong>. Argo CD then deletes its namespace, including its database. You can restore the
          configuration later from <em>Deleted stores</em>, but not the data.
        </p>
        <div class="field">
          <label for="confirm-name">
            Type <strong>{name}</strong> to confirm
          </label>
          <input id="confirm-name" autoComplete="off" spellcheck={false} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} autofocus />
        </div>
        <ErrorBox error={error} />
        <div class="actions">
          <button type="button" class="secondary" onClick={onClose}>
            Cancel
          </button>
          {/* While busy: aria-disabled, so a failed delete leaves keyboard focus on the button. */}
          <button type="submit" class="danger" disabled={!confirmed} aria-disabled={busy ? 'true' : undefined}>
            {busy ? 'Deleting…' : 'Delete store'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
