// A modal on the native <dialog>: showModal() makes the page behind it inert, keeps Tab inside
// and closes on Escape. Focus goes to the first field on open and back to the opener on close.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}

let counter = 0;

export function Dialog({ title, onClose, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useRef(`dialog-${++counter}`).current;
  // Taken while rendering, before the dialog is in the DOM: by the time an effect runs the
  // browser may already have moved focus to the dialog's autofocus field.
  const opener = useRef<HTMLElement | null | undefined>(undefined);
  if (opener.current === undefined) opener.current = document.activeElement as HTMLElement | null;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const from = opener.current;
    if (typeof dialog.showModal === 'function' && !dialog.open) dialog.showModal();
    else dialog.setAttribute('open', '');
    return () => {
      if (dialog.open && typeof dialog.close === 'function') dialog.close();
      if (from?.isConnected && !dialog.contains(from)) from.focus?.();
    };
  }, []);
  // On open, and whenever the dialog moves to a new step (new title), focus its first control,
  // so focus never falls back to the page behind.
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[autofocus], input, select, textarea, button:not(.dialog-close)')?.focus();
  }, [title]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={id}
      onCancel={(e) => {
        e.preventDefault(); // Escape: let the owner decide (and unmount)
        onClose();
      }}
    >
      <header class="dialog-header">
        <h2 id={id}>{title}</h2>
        <button type="button" class="dialog-close" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {children}
    </dialog>
  );
}
