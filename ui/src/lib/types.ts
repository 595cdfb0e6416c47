// Shapes of the API's JSON: the API contract (contract/), imported type-only (no server code in
// the bundle; tools/dependency-rules.test.ts checks it). Optional fields appear only when the API
// has them (Argo CD connected, PR mode); components must render without them.
import type { EngineInfo, StoreStatus } from '../../../contract/index.ts';

/**
 * The status filter's values: a value cannot come type-only, so this list is checked against the
 * contract's at compile time, both ways (no status missing, none unknown).
 */
export const STATUSES = ['pending-review', 'committed', 'provisioning', 'ready', 'failed', 'deleting', 'deleted', 'unknown'] as const satisfies readonly StoreStatus[];
const everyStatusListed: [Exclude<StoreStatus, (typeof STATUSES)[number]>] extends [never] ? true : never = true;
void everyStatusListed;

export type {
  StoreStatus,
  AdminLogin,
  Engine,
  EngineInfo,
  PlanSize,
  ArgoEvent,
  ArgoInfo,
  CreateStoreRequest as CreateRequest,
  FileEntry,
  HistoryEntry,
  PlatformInfo as Platform,
  ResourceEntry,
  StoreDetail,
  StoreLinks,
  StoreSummary,
  StoreUrls,
  Timeline,
  WriteAnswer as CreateResult,
  BackupSnapshot,
  BackupWarning,
  StoreBackups,
} from '../../../contract/index.ts';

/** A store's addresses from its engine's URL pattern; undefined when the API did not send one. */
export function storeUrlsOf(engine: EngineInfo | undefined, name: string): { storefront: string; admin: string } | undefined {
  if (!engine?.urls) return undefined;
  return { storefront: engine.urls.storefront.replaceAll('{name}', name), admin: engine.urls.admin.replaceAll('{name}', name) };
}

const labels = new Map<string, string>();

/** Remembers the labels of the engines the platform describes (called when GET /api/platform arrives). */
export function rememberEngines(engines: readonly EngineInfo[]): void {
  for (const e of engines) labels.set(e.id, e.label);
}

/** The engine's label from the platform, or its id until the platform has been read. */
export function engineLabel(engine: string): string {
  return labels.get(engine) ?? engine;
}
