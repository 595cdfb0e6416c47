import { useMinuteTick } from '../lib/tick.ts';
import { exactTime, relativeTime } from '../lib/time.ts';

/** Relative time; the exact UTC time is the tooltip and the machine-readable value. */
export function RelativeTime({ iso }: { iso?: string }) {
  const now = useMinuteTick();
  if (!iso) return <span>—</span>;
  return (
    <time dateTime={iso} title={exactTime(iso)}>
      {relativeTime(iso, now)}
    </time>
  );
}
