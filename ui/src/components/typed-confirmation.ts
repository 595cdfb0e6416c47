// The state of a dialog whose action needs the store's name typed out: a slip of the mouse must
// not remove a shop (Delete, Force delete).
import { useState } from 'preact/hooks';

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
  return { typed, setTyped, busy, error, confirmed, submit };
}
