import { useState } from 'preact/hooks';
import { ApiError, createApi, type Fetch } from '../lib/api.ts';
import { ErrorBox } from '../components/error-box.tsx';

interface Props {
  onSignedIn: (token: string) => void;
  /** Why the last session ended, e.g. the token was refused. */
  notice?: string;
  fetch?: Fetch;
}

/** Checks the token against the API before keeping it, so a typo fails here, not later. */
export function SignIn({ onSignedIn, notice, fetch }: Props) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const t = token.trim();
    if (!t) return setError(new ApiError({ title: 'Enter a token.', status: 422, detail: 'The token field is empty.' }));
    setBusy(true);
    setError(undefined);
    try {
      await createApi({ token: t, fetch }).listStores();
      onSignedIn(t);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>Storefleet</h1>
      <form onSubmit={submit} class="card">
        <h2>Sign in</h2>
        {notice && <p class="notice">{notice}</p>}
        <div class="field">
          <label for="token">API token</label>
          <input id="token" type="password" autoComplete="current-password" value={token} onInput={(e) => setToken(e.currentTarget.value)} autofocus />
          <p class="help">
            On a local install the admin token is in <code>&lt;data-dir&gt;/admin-token</code>; <code>npx storefleet serve</code> prints
            where.
          </p>
        </div>
        {/* Not "sign out": nobody is signed in yet. */}
        <ErrorBox
          error={error}
          todo={
            error instanceof ApiError && error.status === 401
              ? 'Check the token: copy it again (on a local install from <data-dir>/admin-token), or ask an admin for one (storefleet token create).'
              : undefined
          }
        />
        {/* aria-disabled, not disabled: a disabled button drops keyboard focus to <body>. */}
        <button type="submit" aria-disabled={busy ? 'true' : undefined}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
