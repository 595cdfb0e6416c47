import type { Timeline as TimelineData } from '../lib/types.ts';
import { RelativeTime } from './relative-time.tsx';

const STEPS: { key: keyof TimelineData; label: string }[] = [
  { key: 'committedAt', label: 'Committed' },
  { key: 'syncedAt', label: 'Synced by Argo CD' },
  { key: 'readyAt', label: 'Ready' },
];

/** committed → synced → ready; a step without a time has not happened yet. */
export function Timeline({ timeline }: { timeline: TimelineData }) {
  const reached = STEPS.filter((s) => timeline[s.key]).length;
  return (
    <ol class="timeline">
      {STEPS.map((s, i) => {
        const at = timeline[s.key];
        return (
          <li key={s.key} class={at ? 'done' : 'todo'} aria-current={i === reached - 1 ? 'step' : undefined}>
            <span class="step">{s.label}</span> {at ? <RelativeTime iso={at} /> : <span class="muted">not yet</span>}
          </li>
        );
      })}
    </ol>
  );
}
