// Sign-in gate, navigation and the live data every page shares.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createApi, type Fetch } from './lib/api.ts';
import { useLive } from './lib/live.ts';
import { enginesOf, planSizesOf, plansOf } from './lib/plans.ts';
import { href, useRoute } from './lib/router.ts';
import { rememberEngines, type Platform } from './lib/types.ts';
import { ConnectionBanner } from './components/connection-banner.tsx';
import { CreateDialog } from './components/create-dialog.tsx';
import { ErrorBox, OfflineBanner } from './components/error-box.tsx';
import { FirstRunBanner } from './components/first-run-banner.tsx';
import { atStoreLimit, platformFacts } from './lib/platform-facts.ts';
import { DeletedPage } from './pages/deleted-page.tsx';
import { PlatformPage } from './pages/platform-page.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { StoreList } from './pages/store-list.tsx';
import { StorePage } from './pages/store-page.tsx';

const TOKEN_KEY = 'storefleet.token';

export function App({ fetch }: { fetch?: Fetch }) {
  const [token, setToken] = useState(() => localStorage.getItem(TOKEN_KEY) ?? '');
  const [notice, setNotice] = useState<string>();
  const signIn = (t: string) => {
    localStorage.setItem(TOKEN_KEY, t);
    setNotice(undefined);
    setToken(t);
  };
  const signOut = useCallback((why?: string) => {
    localStorage.removeItem(TOKEN_KEY);
    setNotice(why);
    setToken('');
  }, []);
  if (!token) return <SignIn onSignedIn={signIn} notice={notice} fetch={fetch} />;
  return <Dashboard token={token} fetch={fetch} signOut={signOut} />;
}

function Dashboard({ token, fetch, signOut }: { token: string; fetch?: Fetch; signOut: (why?: string) => void }) {
  const api = useMemo(() => createApi({ token, fetch }), [token, fetch]);
  const expired = useCallback(() => signOut('The API no longer accepts your token. Sign in again.'), [signOut]);
  const live = useLive(api, expired);
  const route = useRoute();
  const [creating, setCreating] = useState(false);
  const [platform, setPlatform] = useState<Platform>();
  useEffect(() => {
    api.platform().then(setPlatform, () => undefined); // only for plan names; the platform page shows errors
  }, [api]);
  const { plans, defaultPlan } = plansOf(platform);
  const facts = platformFacts(platform);
  // What a delete or restore did, said once after it (cleared on navigation or by the person).
  const [flash, setFlash] = useState<string>();
  const changed = useCallback(
    (message?: string) => {
      if (message) setFlash(message);
      live.changed();
    },
    [live.changed],
  );
  const engines = enginesOf(platform);
  rememberEngines(engines);
  // After navigation, move focus to the new content so keyboard and screen-reader users start there.
  const routeKey = JSON.stringify(route);
  const firstRoute = useRef(routeKey);
  useEffect(() => {
    if (routeKey !== firstRoute.current) document.getElementById('main')?.focus();
    setFlash(undefined);
  }, [routeKey]);
  const deletedCount = live.stores?.filter((s) => s.status === 'deleted').length ?? 0;

  const nav = (page: 'stores' | 'deleted' | 'platform', text: string) => {
    const active = route.page === page || (page === 'stores' && route.page === 'store');
    return (
      <a href={href({ page })} aria-current={active ? 'page' : undefined}>
        {text}
      </a>
    );
  };

  let main;
  if (route.page === 'store') {
    main = (
      <StorePage
        api={api}
        name={route.name}
        revision={live.revision}
        summary={live.stores?.find((s) => s.name === route.name)}
        facts={facts}
        onChanged={changed}
      />
    );
  } else if (route.page === 'platform') {
    main = <PlatformPage api={api} revision={live.revision} />;
  } else if (!live.stores) {
    main =
      live.connection === 'offline' ? <p class="muted">Waiting for the API…</p> : live.error ? <ErrorBox error={live.error} /> : <p class="muted">Loading stores…</p>;
  } else if (route.page === 'deleted') {
    main = <DeletedPage api={api} stores={live.stores} facts={facts} onChanged={changed} />;
  } else {
    main = <StoreList stores={live.stores} facts={facts} engines={engines} onCreate={() => setCreating(true)} />;
  }

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href({ page: 'stores' })}>
          Storefleet
        </a>
        <nav aria-label="Main">
          {nav('stores', 'Stores')}
          {nav('deleted', deletedCount ? `Deleted (${deletedCount})` : 'Deleted')}
          {nav('platform', 'Platform')}
        </nav>
        <button type="button" class="secondary" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <ConnectionBanner connection={live.connection} />
      <OfflineBanner.Provider value={live.connection === 'offline'}>
        <main id="main" tabIndex={-1}>
          {facts.argocd === false && <FirstRunBanner remote={typeof platform?.remote === 'string' ? platform.remote : undefined} />}
          {flash && (
            <div class="flash" role="status">
              <p>{flash}</p>
              <button type="button" class="dialog-close" aria-label="Dismiss message" onClick={() => setFlash(undefined)}>
                ×
              </button>
            </div>
          )}
          {live.stores && live.error !== undefined && <ErrorBox error={live.error} title="The list may be out of date." />}
          {main}
        </main>
      </OfflineBanner.Provider>
      {creating && (
        <CreateDialog
          api={api}
          engines={engines}
          plans={plans}
          planSizes={planSizesOf(platform)}
          defaultPlan={defaultPlan}
          taken={new Set(live.stores?.filter((s) => s.status !== 'deleted').map((s) => s.name))}
          atLimit={atStoreLimit(facts, live.stores ?? [])}
          onClose={() => setCreating(false)}
          onCreated={() => void live.refresh()}
        />
      )}
    </>
  );
}
