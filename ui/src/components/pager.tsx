// Long lists are shown a page at a time. At 10,000 stores a full table took Chromium 7.5 s to show
// after sign-in and 3.8 s per search keystroke on the benchmark machine (docs/ui.md); filtering
// the whole list stays cheap, rendering is what costs.
import { useState } from 'preact/hooks';

export const PAGE_SIZE = 100;

export interface Page<T> {
  items: T[];
  /** 0-based index of the first item shown, and how many there are in all. */
  start: number;
  total: number;
  hasPrevious: boolean;
  hasNext: boolean;
  previous: () => void;
  next: () => void;
}

/**
 * The current page of `items`. A new `resetKey` (the filters) starts again at the first page; a
 * list that shrank under the current page (stores deleted elsewhere) shows its last page.
 */
export function usePage<T>(items: T[], resetKey: string, size = PAGE_SIZE): Page<T> {
  const [state, setState] = useState({ key: resetKey, index: 0 });
  const last = Math.max(0, Math.ceil(items.length / size) - 1);
  const index = Math.min(state.key === resetKey ? state.index : 0, last);
  const go = (to: number) => setState({ key: resetKey, index: Math.max(0, Math.min(to, last)) });
  return {
    items: items.length > size ? items.slice(index * size, (index + 1) * size) : items,
    start: index * size,
    total: items.length,
    hasPrevious: index > 0,
    hasNext: index < last,
    previous: () => go(index - 1),
    next: () => go(index + 1),
  };
}

const fmt = (n: number) => n.toLocaleString('en');

/** Whether `page` is one of several (else it shows the whole list). */
export function isPaged(page: Page<unknown>): boolean {
  return page.hasPrevious || page.hasNext;
}

/** "101–200": the positions of the items shown. */
export function pageRange(page: Page<unknown>): string {
  return `${fmt(page.start + 1)}–${fmt(page.start + page.items.length)}`;
}

/** "101–200 of 9,870" with Previous / Next; nothing when everything fits on one page. */
export function Pager<T>({ page, label }: { page: Page<T>; label: string }) {
  if (!isPaged(page)) return null;
  // aria-disabled, not disabled: a disabled button drops keyboard focus to <body>.
  const button = (text: string, enabled: boolean, go: () => void) => (
    <button type="button" class="secondary" aria-disabled={enabled ? undefined : 'true'} onClick={() => enabled && go()}>
      {text}
    </button>
  );
  return (
    <nav class="pager" aria-label={label}>
      {button('Previous', page.hasPrevious, page.previous)}
      <span>
        {pageRange(page)} of {fmt(page.total)}
      </span>
      {button('Next', page.hasNext, page.next)}
    </nav>
  );
}
