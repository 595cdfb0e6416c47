// Parses `restic snapshots --json` (restic >= 0.17) into the catalog's entries. The size is the
// snapshot summary's `total_bytes_processed`: the bytes of the database dump as it was streamed in
// (uncompressed, before deduplication) — what a person means by "how big is this backup".
// Snapshots made by restic < 0.17 have no summary and no size.
import type { BackupKind, BackupSnapshot } from './port.ts';

const KINDS: readonly BackupKind[] = ['scheduled', 'manual', 'final'];

interface ResticSnapshot {
  id?: unknown;
  short_id?: unknown;
  time?: unknown;
  hostname?: unknown;
  tags?: unknown;
  summary?: { total_bytes_processed?: unknown };
}

/** The kind tag the backup script sets (`--tag=<kind>`); anything else is `other`. */
function kindOf(tags: unknown): BackupSnapshot['kind'] {
  if (!Array.isArray(tags)) return 'other';
  return KINDS.find((k) => tags.includes(k)) ?? 'other';
}

/**
 * The snapshots of `store` (its host name, as the backup script sets RESTIC_HOST), newest first.
 * Throws on output that is not restic's snapshot list.
 */
export function parseSnapshots(stdout: string, store: string): BackupSnapshot[] {
  const text = stdout.trim();
  const raw: unknown = text === '' || text === 'null' ? [] : JSON.parse(text);
  if (!Array.isArray(raw)) throw new Error('restic snapshots --json did not print a list');
  const out: BackupSnapshot[] = [];
  for (const s of raw as ResticSnapshot[]) {
    if (typeof s?.id !== 'string' || typeof s.time !== 'string') continue;
    // One repository per store; a snapshot of another host would not be this store's data.
    if (typeof s.hostname === 'string' && s.hostname !== store) continue;
    const time = new Date(s.time);
    if (Number.isNaN(time.getTime())) continue;
    const size = s.summary?.total_bytes_processed;
    out.push({
      id: s.id,
      shortId: typeof s.short_id === 'string' ? s.short_id : s.id.slice(0, 8),
      time: time.toISOString(),
      kind: kindOf(s.tags),
      ...(typeof size === 'number' && Number.isFinite(size) && size >= 0 ? { sizeBytes: size } : {}),
    });
  }
  return out.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
}
