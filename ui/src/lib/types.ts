// Shapes of the API's JSON: the API contract (contract/), imported type-only (no server code in
// the bundle); only the dependency-free status list is a value. Optional fields appear only when
// the API has them (Argo CD connected, PR mode); components must render without them.
export { STATUSES, type StoreStatus } from '../../../contract/statuses.ts';
import type { EngineInfo } from '../../../contract/index.ts';

export type {
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
