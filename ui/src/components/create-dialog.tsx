// New store: live name validation mirroring the server, then the one-time admin login.
import { useRef, useState } from 'preact/hooks';
import { ApiError, type Api } from '../lib/api.ts';
import { storeNameProblem } from '../lib/store-name.ts';
import { storeUrlsOf, type CreateResult, type EngineInfo, type PlanSize } from '../lib/types.ts';
import { Dialog } from './dialog.tsx';
import { ErrorBox } from './error-box.tsx';
import { AdminLoginPanel } from './admin-login.tsx';

interface Props {
  api: Api;
  /** The engines the platform offers (GET /api/platform). */
  engines: EngineInfo[];
  plans: string[];
  /** What each plan gives, when the API says. */
  planSizes?: Record<string, PlanSize>;
  defaultPlan?: string;
  /** Names already in the list: said while typing (the server still has the last word). */
  taken?: ReadonlySet<string>;
  /** A member at the store limit: said before the form is sent. */
  atLimit?: { owned: number; limit: number };
  onClose: () => void;
  onCreated: (result: CreateResult) => void;
}

/** The server's word on the name, from a 409 or from a 422's errors[]. */
function serverNameError(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const p = error.problem;
  const field = p.errors?.find((f) => f.field === 'name' || f.field.endsWith('.name') || f.field === '/name');
  if (field) return field.reason;
  if (p.status === 409) return p.detail ?? p.title;
  return undefined;
}

export function CreateDialog({ api, engines, plans, planSizes = {}, defaultPlan, taken, atLimit, onClose, onCreated }: Props) {
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [chosenEngine, setEngine] = useState<string>();
  // Until the person picks one: the first engine offered (the list may arrive after the dialog opens).
  const engine = chosenEngine ?? engines[0]?.id ?? '';
  const [plan, setPlan] = useState(defaultPlan ?? plans[0] ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [submittedName, setSubmittedName] = useState<string>();
  const [result, setResult] = useState<CreateResult>();
  const [nudged, setNudged] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);

  const clientProblem = name === '' ? undefined : (storeNameProblem(name) ?? (taken?.has(name) ? `a store named "${name}" already exists` : undefined));
  // The engine's own URL pattern from GET /api/platform (the registry says where each engine's admin is).
  const preview = name && !clientProblem ? storeUrlsOf(engines.find((e) => e.id === engine), name) : undefined;
  // A server verdict applies only to the name it was given; typing clears it.
  const serverProblem = submittedName === name ? serverNameError(error) : undefined;
  const nameMessage = serverProblem ?? clientProblem;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setSubmittedName(name);
    try {
      // The server has the last word: even a name the client doubts is sent, so its exact
      // message is what the person sees.
      const body = { name, engine, ...(plan ? { plan } : {}), ...(displayName.trim() ? { displayName: displayName.trim() } : {}) };
      const created = await api.createStore(body);
      setResult(created);
      onCreated(created);
    } catch (err) {
      setError(err);
      // The name is what to fix: take the person there (the error is its description).
      if (serverNameError(err)) nameInput.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    return (
      // Guarded: Escape and × must not lose a password that cannot be shown again.
      <Dialog title={`Store “${result.store.name}” created`} guarded={Boolean(result.adminLogin)} onClose={result.adminLogin ? () => setNudged(true) : onClose}>
        <AdminLoginPanel result={result} nudged={nudged} onDone={onClose} />
      </Dialog>
    );
  }

  return (
    <Dialog title="New store" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="store-name">Name</label>
          <input
            id="store-name"
            ref={nameInput}
            name="name"
            autoComplete="off"
            spellcheck={false}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            aria-invalid={nameMessage ? 'true' : 'false'}
            aria-describedby="store-name-help store-name-error"
            autofocus
          />
          <p id="store-name-help" class="help">
            Lowercase letters, digits and hyphens; starts with a letter; at most 40. It becomes the store's address
            {preview ? (
              <>
                : <code data-testid="address-preview">{preview.storefront}</code> (admin <code>{preview.admin}</code>)
              </>
            ) : (
              '.'
            )}
          </p>
          <p id="store-name-error" class="field-error" aria-live="polite">
            {serverProblem ? <span class="server-error">Server: {serverProblem}</span> : clientProblem}
          </p>
        </div>
        <div class="field">
          <label for="store-display-name">Display name (optional)</label>
          <input id="store-display-name" value={displayName} maxLength={80} onInput={(e) => setDisplayName(e.currentTarget.value)} />
        </div>
        <fieldset class="field">
          <legend>Engine</legend>
          {engines.length === 0 && <p class="help">Loading the engines this platform offers…</p>}
          {engines.map((e) => (
            <div key={e.id}>
              <label class="choice">
                <input type="radio" name="engine" value={e.id} checked={engine === e.id} onChange={() => setEngine(e.id)} aria-describedby={`engine-${e.id}-help`} />
                {e.label}
              </label>
              <p id={`engine-${e.id}-help`} class="help">
                {e.description}
              </p>
            </div>
          ))}
        </fieldset>
        {plans.length > 0 && (
          <div class="field">
            <label for="store-plan">Plan</label>
            <select id="store-plan" value={plan} onChange={(e) => setPlan(e.currentTarget.value)}>
              {plans.map((p) => (
                <option key={p} value={p}>
                  {planSizes[p] ? `${p} — up to ${planSizes[p].cpu} CPU, ${planSizes[p].memory} memory, ${planSizes[p].storage} storage` : p}
                </option>
              ))}
            </select>
          </div>
        )}
        {atLimit && (
          <p class="notice" data-testid="store-limit">
            You own {atLimit.owned} stores, the most a member may own (limits.storesPerOwner in platform.yaml): the server will refuse
            another one. Delete a store you no longer need first, or ask an admin.
          </p>
        )}
        {error !== undefined && !serverProblem && <ErrorBox error={error} />}
        <div class="actions">
          <button type="button" class="secondary" onClick={onClose}>
            Cancel
          </button>
          {/* aria-disabled, not disabled: a disabled button drops keyboard focus to <body>. */}
          <button type="submit" aria-disabled={busy ? 'true' : undefined}>
            {busy ? 'Creating…' : 'Create store'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
