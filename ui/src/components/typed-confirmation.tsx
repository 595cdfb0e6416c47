// Dialogs whose action needs the store's name typed out: a slip of the mouse must not remove a
// shop (Delete, Force delete) or overwrite its data (Restore from this backup). The state, and the field, error and buttons they share.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ErrorBox } from './error-box.tsx';

export function useTypedConfirmation(name: string, act: (typed: string) => Promise<unknown>, onDone: (result: unknown) => void) {
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
      onDone(await act(typed));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return { name, typed, setTyped, busy, error, confirmed, submit };
}

interface FieldsProps {
  inputId: string;
  /** The label's text, naming the store (default: "Type <name> to confirm"). */
  label?: ComponentChildren;
  state: ReturnType<typeof useTypedConfirmation>;
  onClose: () => void;
  action: string;
  /** What the button says while the request runs. */
  busyLabel?: string;
}

/** The name field, the error and Cancel / the action. */
export function TypedConfirmFields({ inputId, label, state, onClose, action, busyLabel = 'Deleting…' }: FieldsProps) {
  const { name, typed, setTyped, busy, error, confirmed } = state;
  return (
    <>
      <div class="field">
        <label for={inputId}>
          {label ?? (
            <>
              Type <strong>{name}</strong> to confirm
            </>
          )}
        </label>
        <input id={inputId} autoComplete="off" spellcheck={false} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} autofocus />
      </div>
      <ErrorBox error={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={onClose}>
          Cancel
        </button>
        {/* While busy: aria-disabled, so a failed request leaves keyboard focus on the button. */}
        <button type="submit" class="danger" disabled={!confirmed} aria-disabled={busy ? 'true' : undefined}>
          {busy ? busyLabel : action}
        </button>
      </div>
    </>
  );
}
