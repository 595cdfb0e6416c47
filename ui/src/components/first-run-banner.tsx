// Said once, for the whole dashboard, instead of on every row: without Argo CD the stores are
// real commits in a real Git repository, and nothing deploys them.
import { useState } from 'preact/hooks';
import { href } from '../lib/router.ts';

const KEY = 'storefleet.no-argocd-banner-dismissed';

export function FirstRunBanner({ remote }: { remote?: string }) {
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(KEY) === '1');
  if (dismissed) return null;
  return (
    <section class="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">No Argo CD connected: stores are committed, not deployed</h2>
      <p>
        Each store you create is rendered into Kubernetes manifests and committed to the GitOps repository
        {remote ? (
          <>
            {' '}
            (<code>{remote}</code>)
          </>
        ) : null}
        . Nothing deploys them until an Argo CD watches that repository, so stores stay <strong>Committed</strong> and their storefront and
        admin addresses lead nowhere yet.
      </p>
      <p>
        To run them, follow <code>docs/operations.md</code> in the Storefleet checkout (a k3d cluster on this machine, then k3s), or{' '}
        <code>npm run cluster:up</code> for the dev control plane with Argo CD (<code>docs/dev-cluster.md</code>; no containers). {' '}
        <a href={href({ page: 'platform' })}>See what is connected</a>.
      </p>
      <button
        type="button"
        class="secondary"
        onClick={() => {
          localStorage.setItem(KEY, '1');
          setDismissed(true);
        }}
      >
        Got it
      </button>
    </section>
  );
}
