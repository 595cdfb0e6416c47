import type { ResourceEntry } from '../lib/types.ts';

function healthClass(h?: string): string {
  return `health health-${(h ?? 'unknown').toLowerCase()}`;
}

/** Argo CD's resources, nested under their parent where the API says so, else grouped by kind. */
export function ResourceTree({ resources }: { resources: ResourceEntry[] }) {
  const key = (r: ResourceEntry) => `${r.kind}/${r.name}`;
  const known = new Set(resources.map(key));
  const roots = resources.filter((r) => !r.parent || !known.has(r.parent));
  const children = (r: ResourceEntry) => resources.filter((c) => c.parent === key(r));
  const item = (r: ResourceEntry) => {
    const kids = children(r);
    return (
      <li key={key(r)}>
        <span class="kind">{r.kind}</span> <span class="res-name">{r.name}</span>{' '}
        <span class={healthClass(r.health ?? r.status)}>{r.health ?? r.status ?? 'Unknown'}</span>
        {r.message && <div class="muted">{r.message}</div>}
        {kids.length > 0 && <ul>{kids.map(item)}</ul>}
      </li>
    );
  };
  return <ul class="tree">{roots.map(item)}</ul>;
}
