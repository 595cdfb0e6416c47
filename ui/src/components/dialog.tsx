// A modal on the native <dialog>: showModal() makes the page behind it inert, keeps Tab inside
// and closes on Escape. Focus goes to the first field on open and back to the opener on close.
// A guarded dialog (one holding something that cannot be shown again) never closes by itself:
// Escape and × only call onClose, which asks the person to decide; the owner unmounts it.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  title: string;
  onClose: () => void;
  /** Escape, × and clicks outside never close it; the owner unmounts it when the person decides. */
  guarded?: boolean;
  children: ComponentChildren;
}

let counter = 0;

export function Dialog({ title, onClose, guarded = false, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useRef(`dialog-${++counter}`).current;
  // Taken while rendering, before the dialog is in the DOM: by the time an effect runs the
  // browser may already have moved focus to the dialog's autofocus field.
  const opener = useRef<HTMLElement | null | undefined>(undefined);
  if (opener.current === undefined) opener.current = document.activeElement as HTMLElement | null;
  const mounted = useRef(true);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const from = opener.current;
    if (typeof dialog.showModal === 'function' && !dialog.open) dialog.showModal();
    else dialog.setAttribute('open', '');
    return () => {
      mounted.current = false;
      if (dialog.open && typeof dialog.close === 'function') dialog.close();
      if (from?.isConnected && !dialog.contains(from)) from.focus?.();
    };
  }, []);
  // closedby="none" (Chromium): no close request closes it, not even a second Escape, which
  // Chromium otherwise lets through a cancelled `cancel` event when there was no click between.
  useEffect(() => {
    if (guarded) ref.current?.setAttribute('closedby', 'none');
    else ref.current?.removeAttribute('closedby');
  }, [guarded]);
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
      onKeyDown={(e) => {
        // With closedby="none" Escape fires no `cancel`: tell the owner all the same.
        if (guarded && e.key === 'Escape') {
          e.preventDefault();
          onClose();
        }
      }}
      onClose={(e) => {
        // A browser that closed it anyway (no closedby support): open it again while it is mounted.
        const dialog = e.currentTarget as HTMLDialogElement;
        if (guarded && mounted.current && !dialog.open && typeof dialog.showModal === 'function') dialog.showModal();
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
