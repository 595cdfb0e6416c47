// The store admin's login, shown exactly once: the API never returns it again. The dialog holding
// it stays until the person says they saved it or explicitly discards it.
import { useState } from 'preact/hooks';
import { adminLoginWhere } from '../../../generator/store-access.ts';
import type { CreateResult } from '../lib/types.ts';
import { CopyButton } from './copy-button.tsx';

interface Props {
  result: CreateResult;
  /** The person tried to close the dialog (Escape, ×) while the login is still unsaved. */
  nudged?: boolean;
  onDone: () => void;
}

export function AdminLoginPanel({ result, nudged = false, onDone }: Props) {
  const [discarding, setDiscarding] = useState(false);
  const login = result.adminLogin;
  const adminUrl = login?.url ?? ('urls' in result.store ? result.store.urls?.admin : undefined);
  const change = result.pullRequest ?? result.commit;
  return (
    <div class="admin-login">
      {change && (
        <p>
          {result.pullRequest ? 'Pull request opened: ' : 'Committed as '}
          {result.pullRequest ? <a href={result.pullRequest}>{result.pullRequest}</a> : <code>{change.slice(0, 12)}</code>}
        </p>
      )}
      {login ? (
        <>
          <p class="warning" role="alert">
            Save this login now. It is shown only this once and cannot be shown again.
          </p>
          <dl class="login">
            <dt>Admin user</dt>
            <dd>
              <code data-testid="admin-user">{login.user}</code>
            </dd>
            <dt>Password</dt>
            <dd>
              <code data-testid="admin-password">{login.password}</code>
            </dd>
            {adminUrl && (
              <>
                <dt>Admin</dt>
                <dd>
                  <a href={adminUrl} target="_blank" rel="noreferrer">
                    {adminUrl}
                  </a>
                </dd>
              </>
            )}
          </dl>
          <CopyButton text={`user: ${login.user}\npassword: ${login.password}`} label="Copy login" />
          <p class="help">
            Afterwards only the cluster has it: <code class="command">{adminLoginWhere(result.store.name)}</code>
          </p>
        </>
      ) : (
        <p>The API returned no admin login for this store.</p>
      )}
      {login && nudged && !discarding && (
        <p class="notice" role="alert" data-testid="unsaved-login">
          The login is not saved yet. Choose “I have saved it”, or “Discard it” to close without it.
        </p>
      )}
      {discarding ? (
        <div class="confirm-discard" role="group" aria-labelledby="discard-question">
          <p id="discard-question">Discard the login? This page cannot show it again; only someone with access to the cluster can read it from the Secret.</p>
          <div class="actions">
            <button type="button" class="secondary" onClick={() => setDiscarding(false)} autofocus>
              Keep it
            </button>
            <button type="button" class="danger" onClick={onDone}>
              Discard the login
            </button>
          </div>
        </div>
      ) : (
        <div class="actions">
          {login && (
            <button type="button" class="secondary" onClick={() => setDiscarding(true)}>
              Discard it
            </button>
          )}
          <button type="button" onClick={onDone}>
            I have saved it
          </button>
        </div>
      )}
    </div>
  );
}
