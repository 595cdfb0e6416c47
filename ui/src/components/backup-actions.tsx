// "Back up now" (owner or admin) and "Restore from this backup" (admins): each a request committed
// to Git that runs once Argo CD has synced it. Rolling a live store back overwrites its data, so
// the dialog says so and needs the store's name typed out.
import { useState } from 'preact/hooks';
import type { Api } from '../lib/api.ts';
import { Dialog } from './dialog.tsx';
import { ErrorBox } from './error-box.tsx';
import { TypedConfirmFields, useTypedConfirmation } from './typed-confirmation.tsx';

const commitOf = (result: unknown) => {
  const commit = (result as { commit?: unknown } | undefined)?.commit;
  return typeof commit === 'string' ? ` (commit ${commit.slice(0, 7)})` : '';
};
const reviewOf = (result: unknown) => {
  const pr = (result as { pullRequest?: unknown } | undefined)?.pullRequest;
  return typeof pr === 'string' ? ` It waits for review: ${pr}.` : '';
};

/** What a "Back up now" did and what happens next, said once after it. */
export function backupRequestedMessage(name: string, result: unknown): string {
  return `Backup of ${name} requested${commitOf(result)}.${reviewOf(result)} It runs once Argo CD has synced the commit and is listed as a manual backup when done.`;
}

/** What a roll-back request did and what happens next. */
export function rollbackRequestedMessage(name: string, snapshot: string, result: unknown): string {
  return (
    `Roll-back of ${name} to backup ${snapshot.slice(0, 8)} requested${commitOf(result)}.${reviewOf(result)} ` +
    "Once Argo CD has synced it, the store restarts and its database is replaced with the backup's data."
  );
}

interface BackupNowProps {
  api: Api;
  name: string;
  disabled?: boolean;
  /** With what to tell the person (the list may re-read itself). */
  onRequested: (message: string) => void;
}

export function BackupNowButton({ api, name, disabled = false, onRequested }: BackupNowProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const request = async () => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      onRequested(backupRequestedMessage(name, await api.backupNow(name)));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="backup-now">
      {/* While busy: aria-disabled, so a failed request leaves keyboard focus on the button. */}
      <button type="button" onClick={request} disabled={disabled} aria-disabled={busy ? 'true' : undefined}>
        {busy ? 'Requesting backup…' : 'Back up now'}
      </button>
      <ErrorBox error={error} />
    </div>
  );
}

interface RestoreProps {
  api: Api;
  name: string;
  /** The snapshot ID (restic's, full or short). */
  snapshot: string;
  /** When it was taken, as shown in the list (for the dialog's text). */
  takenAt?: string;
  onRequested: (message: string) => void;
}

/** "Restore from this backup": opens the confirmation dialog. */
export function RestoreBackupButton(props: RestoreProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="secondary" onClick={() => setOpen(true)}>
        Restore from this backup
      </button>
      {open && (
        <RestoreBackupDialog
          {...props}
          onClose={() => setOpen(false)}
          onRequested={(message) => {
            setOpen(false);
            props.onRequested(message);
          }}
        />
      )}
    </>
  );
}

export function RestoreBackupDialog({ api, name, snapshot, takenAt, onClose, onRequested }: RestoreProps & { onClose: () => void }) {
  const short = snapshot.slice(0, 8);
  const state = useTypedConfirmation(name, (typed) => api.rollbackStore(name, snapshot, typed), (result) => onRequested(rollbackRequestedMessage(name, snapshot, result)));
  return (
    <Dialog title={`Restore ${name} from backup ${short}?`} onClose={onClose}>
      <form onSubmit={state.submit}>
        <p>
          <strong>The store's current data will be overwritten</strong> with backup <code>{short}</code>
          {takenAt ? ` (taken ${new Date(takenAt).toUTCString()})` : ''}: orders, customers and products changed since then are lost.
        </p>
        <p>
          This commits the request to Git. Once Argo CD has synced it, the store restarts and is unavailable while its database is
          replaced. Take a backup first ("Back up now") if you may need today's data.
        </p>
        <TypedConfirmFields
          inputId="confirm-restore-name"
          state={state}
          onClose={onClose}
          action="Overwrite with this backup"
          busyLabel="Requesting…"
        />
      </form>
    </Dialog>
  );
}
