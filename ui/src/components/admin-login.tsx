// The store admin's login, shown exactly once: the API never returns it again.
import type { CreateResult } from '../lib/types.ts';
import { CopyButton } from './copy-button.tsx';

export function AdminLoginPanel({ result, onDone }: { result: CreateResult; onDone: () => void }) {
  const login = result.adminLogin;
  const adminUrl = login?.url ?? result.store.urls?.admin;
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
        </>
      ) : (
        <p>The API returned no admin login for this store.</p>
      )}
      <div class="actions">
        <button type="button" onClick={onDone}>
          I have saved it
        </button>
      </div>
    </div>
  );
}
