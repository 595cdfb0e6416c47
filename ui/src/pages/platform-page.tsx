// What this dashboard is connected to: Git remote and mode, head commit, Argo CD, platform.yaml.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../lib/api.ts';
import type { Platform } from '../lib/types.ts';
import { ErrorBox } from '../components/error-box.tsx';

const LABELS: Record<string, string> = {
  mode: 'Mode',
  remote: 'Git remote',
  branch: 'Branch',
  head: 'Head commit',
  reachable: 'Git remote reachable',
  storesPerOwner: 'Stores per owner',
  tls: 'TLS',
  provisioningTimeoutMinutes: 'Provisioning timeout (minutes)',
  defaultPlan: 'Default plan',
  headSha: 'Head commit',
  argocd: 'Argo CD',
  platform: 'platform.yaml',
  summary: 'platform.yaml',
};

const label = (k: string) => LABELS[k] ?? k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

/** Any JSON value as nested definition lists; scalars as text. */
export function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span class="muted">—</span>;
  if (typeof value === 'boolean') return <span>{value ? 'yes' : 'no'}</span>;
  if (typeof value !== 'object') return <span>{String(value)}</span>;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object')) return <span>{value.join(', ')}</span>;
    return (
      <ul>
        {value.map((v, i) => (
          <li key={i}>
            <Value value={v} />
          </li>
        ))}
      </ul>
    );
  }
  return (
    <dl class="facts nested">
      {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
        <>
          <dt key={`${k}-t`}>{label(k)}</dt>
          <dd key={`${k}-d`}>
            <Value value={v} />
          </dd>
        </>
      ))}
    </dl>
  );
}

export function PlatformPage({ api, revision }: { api: Api; revision: number }) {
  const [platform, setPlatform] = useState<Platform>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let current = true;
    api.platform().then(
      (p) => current && (setPlatform(p), setError(undefined)),
      (e) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [api, revision]);
  return (
    <section aria-labelledby="platform-title">
      <h1 id="platform-title">Platform</h1>
      <ErrorBox error={error} />
      {platform ? <Value value={platform} /> : !error && <p class="muted">Loading…</p>}
    </section>
  );
}
