// What GET /api/platform says about the parts a person must know of: is an Argo CD configured
// (without one nothing deploys the stores) and which write mode is on. Undefined while unknown.
import type { Site } from '../../../generator/store-access.ts';
import { STATUSES, type Platform, type StoreStatus } from './types.ts';

export interface PlatformFacts {
  /** false: no Argo CD configured; stores are committed to Git and nothing deploys them. */
  argocd?: boolean;
  mode?: 'direct' | 'pull-request';
  /** Where stores are served (platform.yaml `site`), for the create form's address preview. */
  site?: Site;
  /** Who is signed in, and the most stores a member may own. */
  user?: { id: string; role: string };
  storesPerOwner?: number;
  /** platform.yaml has a backup target: restores bring data back, deletes keep a final backup. */
  backupTarget?: boolean;
  /**
   * Days a deleted store's final backup is kept (deletes wait for it: a backup target, and an
   * Argo CD that reports the Job); null: no backup target, a delete loses the data.
   */
  finalBackupDays?: number | null;
}

/** Without a target a delete loses the data; with one (and an Argo CD to report the Job) the final backup is kept. */
function finalBackupDays(target: unknown, days: unknown, argocd: unknown): Pick<PlatformFacts, 'finalBackupDays'> {
  if (target === false) return { finalBackupDays: null };
  return target === true && typeof days === 'number' && argocd !== false ? { finalBackupDays: days } : {};
}

/** Read defensively: an older or newer API may send less (every field is checked before use). */
export function platformFacts(platform?: { [K in keyof Platform]?: unknown }): PlatformFacts {
  const argo = platform?.argocd as { configured?: unknown } | undefined;
  const mode = platform?.mode;
  const summary = platform?.platform as { domain?: unknown; scheme?: unknown; limits?: { storesPerOwner?: unknown }; backupTarget?: unknown; finalBackupRetentionDays?: unknown } | null | undefined;
  const user = platform?.user as { id?: unknown; role?: unknown } | undefined;
  return {
    ...(typeof argo?.configured === 'boolean' ? { argocd: argo.configured } : {}),
    ...(mode === 'direct' || mode === 'pull-request' ? { mode } : {}),
    ...(typeof summary?.domain === 'string' && typeof summary.scheme === 'string' ? { site: { domain: summary.domain, scheme: summary.scheme } } : {}),
    ...(typeof user?.id === 'string' && typeof user.role === 'string' ? { user: { id: user.id, role: user.role } } : {}),
    ...(typeof summary?.limits?.storesPerOwner === 'number' ? { storesPerOwner: summary.limits.storesPerOwner } : {}),
    ...(typeof summary?.backupTarget === 'boolean' ? { backupTarget: summary.backupTarget } : {}),
    ...finalBackupDays(summary?.backupTarget, summary?.finalBackupRetentionDays, argo?.configured),
  };
}

/** A member who owns as many live stores as allowed: the server will refuse the next create. */
export function atStoreLimit(facts: PlatformFacts, stores: { owner: string; status: string }[]): { owned: number; limit: number } | undefined {
  if (facts.user?.role !== 'member' || facts.storesPerOwner === undefined) return undefined;
  const owned = stores.filter((s) => s.owner === facts.user!.id && s.status !== 'deleted').length;
  return owned >= facts.storesPerOwner ? { owned, limit: facts.storesPerOwner } : undefined;
}

/** The statuses a live store can have in this mode (the status filter offers only these). */
export function possibleStatuses(facts: PlatformFacts): StoreStatus[] {
  return STATUSES.filter((s) => {
    if (s === 'deleted') return false; // listed on their own page
    if (s === 'pending-review') return facts.mode !== 'direct';
    if (facts.argocd === false) return s === 'committed'; // nothing but Git reports on them
    return true;
  });
}
