import { exactTime, relativeTime } from '../lib/time.ts';

/** Relative time; the exact UTC time is the tooltip and the machine-readable value. */
export function RelativeTime({ iso }: { iso?: string }) {
  if (!iso) return <span>—</span>;
  return (
    <time dateTime={iso} title={exactTime(iso)}>
      {relativeTime(iso)}
    </time>
  );
}
