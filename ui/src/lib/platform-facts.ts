// What GET /api/platform says about the parts a person must know of: is an Argo CD configured
// (without one nothing deploys the stores) and which write mode is on. Undefined while unknown.
import { STATUSES, type Platform, type StoreStatus } from './types.ts';

export interface PlatformFacts {
  /** false: no Argo CD configured; stores are committed to Git and nothing deploys them. */
  argocd?: boolean;
  mode?: 'direct' | 'pull-request';
}

export function platformFacts(platform?: Platform): PlatformFacts {
  const argo = platform?.argocd as { configured?: unknown } | undefined;
  const mode = platform?.mode;
  return {
    ...(typeof argo?.configured === 'boolean' ? { argocd: argo.configured } : {}),
    ...(mode === 'direct' || mode === 'pull-request' ? { mode } : {}),
  };
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
