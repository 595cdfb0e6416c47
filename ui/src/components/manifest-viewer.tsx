// The rendered files of stores/<shard>/<name>/; choosing one loads its YAML text.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../lib/api.ts';
import type { FileEntry } from '../lib/types.ts';
import { ErrorBox } from './error-box.tsx';

/** A path inside the store folder: the API lists `stores/<shard>/<name>/manifests/x.yaml`. */
export function relativePath(path: string): string {
  return path.replace(/^stores\/[0-9a-f]{2}\/[^/]+\//, '');
}

/** The file name the manifests endpoint takes (files directly in manifests/), or undefined. */
export function manifestFile(path: string): string | undefined {
  const m = /^manifests\/([^/]+\.ya?ml)$/.exec(relativePath(path));
  return m?.[1];
}

export function ManifestViewer({ api, store, files }: { api: Api; store: string; files: FileEntry[] }) {
  // Only rendered manifests can be fetched (GET /api/stores/:name/manifests/:file).
  const paths = files.map((f) => manifestFile(f)).filter((p): p is string => p !== undefined);
  const [selected, setSelected] = useState<string>();
  const [text, setText] = useState<string>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (!selected) return;
    let current = true;
    setText(undefined);
    setError(undefined);
    api.manifest(store, selected).then(
      (t) => current && setText(t),
      (e) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [api, store, selected]);

  if (paths.length === 0) return <p class="muted">No rendered files.</p>;
  return (
    <div class="manifests">
      <ul class="files" aria-label="Rendered files">
        {paths.map((p) => (
          <li key={p}>
            <button type="button" class="link" aria-pressed={p === selected} onClick={() => setSelected(p)}>
              {p}
            </button>
          </li>
        ))}
      </ul>
      {selected && (
        <figure class="viewer">
          <figcaption>manifests/{selected}</figcaption>
          <ErrorBox error={error} />
          {text === undefined && !error ? <p class="muted">Loading…</p> : <pre tabIndex={0} aria-label={`Contents of ${selected}`}><code>{text}</code></pre>}
        </figure>
      )}
    </div>
  );
}
