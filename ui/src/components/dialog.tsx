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
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    if (typeof dialog.showModal === 'function' && !dialog.open) dialog.showModal();
    else dialog.setAttribute('open', '');
    return () => {
      if (dialog.open && typeof dialog.close === 'function') dialog.close();
      opener?.focus?.();
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
