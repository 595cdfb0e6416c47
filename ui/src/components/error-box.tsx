import { explain } from '../lib/explain.ts';

/** An API failure as "what went wrong" and "what to do"; never raw JSON. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (error === undefined || error === null) return null;
  const { what, todo, fields } = explain(error);
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
