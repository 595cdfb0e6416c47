// One log of who did what and when: Git history (the audit trail) and Argo CD's events.
import type { ArgoEvent, HistoryEntry } from '../lib/types.ts';
import { RelativeTime } from './relative-time.tsx';

interface Entry {
  key: string;
  at: string;
  source: 'git' | 'argocd';
  who: string;
  what: string;
  /** The commit's own subject, when `what` says it differently. */
  subject?: string;
  ref?: string;
}

/**
 * Git's revert subjects said as what they did: deletes and restores are reverts of reverts
 * (`Revert "Revert "Create store x""` is a restore). Other subjects are kept as they are.
 */
export function commitLabel(subject: string): string {
  let depth = 0;
  let rest = subject;
  for (let m; (m = /^(Revert|Reapply) "(.*)"$/.exec(rest)); rest = m[2]) depth += m[1] === 'Reapply' ? 2 : 1;
  const created = /^Create store (\S+)$/.exec(rest);
  if (!created || depth === 0) return subject;
  return `${depth % 2 ? 'Delete' : 'Restore'} store ${created[1]}`;
}

export function activityEntries(history: HistoryEntry[] = [], events: ArgoEvent[] = []): Entry[] {
  const fromGit = history.map<Entry>((h) => ({
    key: `git-${h.sha}`,
    at: h.date,
    source: 'git',
    who: h.requestedBy || h.author,
    what: commitLabel(h.message.split('\n')[0]),
    subject: h.message.split('\n')[0],
    ref: h.sha,
  }));
  const fromArgo = events.map<Entry>((e, i) => ({
    key: `argo-${i}`,
    at: e.lastTimestamp ?? e.time ?? e.firstTimestamp ?? '',
    source: 'argocd',
    who: e.involvedObject ? `${e.involvedObject.kind ?? ''} ${e.involvedObject.name ?? ''}`.trim() : 'Argo CD',
    what: [e.reason, e.message].filter(Boolean).join(': '),
  }));
  return [...fromGit, ...fromArgo].sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0));
}

export function ActivityLog({ history, events }: { history?: HistoryEntry[]; events?: ArgoEvent[] }) {
  const entries = activityEntries(history, events);
  if (entries.length === 0) return <p class="muted">No activity yet.</p>;
  return (
    <ol class="activity">
      {entries.map((e) => (
        <li key={e.key} data-source={e.source}>
          <span class={`source source-${e.source}`}>{e.source === 'git' ? 'Git' : 'Argo CD'}</span> <RelativeTime iso={e.at} />{' '}
          <strong>{e.who}</strong> <span class="what" title={e.subject !== e.what ? e.subject : undefined}>
            {e.what}
          </span> {e.ref && <code title={e.ref}>{e.ref.slice(0, 7)}</code>}
        </li>
      ))}
    </ol>
  );
}
