import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { ApiError } from '../lib/api.ts';
import { explain } from '../lib/explain.ts';

/** True while the connection banner says the API is unreachable: network errors are said there, once. */
export const OfflineBanner = createContext(false);

/** An API failure as "what went wrong" and "what to do" (`todo` replaces the advice); never raw JSON. */
export function ErrorBox({ error, title, todo: advice }: { error: unknown; title?: string; todo?: string }) {
  const bannerUp = useContext(OfflineBanner);
  if (error === undefined || error === null) return null;
  if (bannerUp && error instanceof ApiError && error.status === 0) return null;
  const explained = explain(error);
  const { what, fields } = explained;
  const todo = advice ?? explained.todo;
  return (
    <div class="error-box" role="alert">
      {title && <strong>{title} </strong>}
      <p class="what">{what}</p>
      {fields && (
        <ul>
          {fields.map((f) => (
            <li key={f.field + f.reason}>
              {f.field ? <code>{f.field}</code> : null} {f.reason}
            </li>
          ))}
        </ul>
      )}
      <p class="todo">{todo}</p>
    </div>
  );
}
