// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { Dialog } from './dialog.tsx';

afterEach(cleanup);

// A browser may focus a dialog's autofocus field before the dialog's effects run; the field
// then stands in for "focus when opened", so the opener must be taken before that.
function Page() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      {open && (
        <Dialog title="Example" onClose={() => setOpen(false)}>
          <input aria-label="Field" ref={(el) => el?.focus()} />
        </Dialog>
      )}
    </>
  );
}

describe('Dialog', () => {
  it('returns focus to the opener even when a field took focus while it mounted', async () => {
    render(<Page />);
    const opener = screen.getByRole('button', { name: 'Open' });
    opener.focus();
    fireEvent.click(opener);
    const field = await screen.findByLabelText('Field');
    await waitFor(() => expect(document.activeElement).toBe(field));
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByLabelText('Field')).toBeNull());
    expect(document.activeElement).toBe(opener);
  });
});
