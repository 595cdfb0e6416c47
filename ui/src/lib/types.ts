// Shapes of the API's JSON (issue 3). Optional fields appear only when the API has them
// (Argo CD connected, PR mode); components must render without them.

export const STATUSES = [
  'pending-review',
  'committed',
  'provisioning',
  'ready',
  'failed',
  'deleting',
  'deleted',
  'unknown',
] as const;
export type StoreStatus = (typeof STATUSES)[number];

/** An engine id; the engines a platform offers come from GET /api/platform (never a list here). */
export type Engine = string;

/** One engine as GET /api/platform describes it. */
export interface EngineInfo {
  id: string;
  label: string;
  description: string;
  /** The engine's addresses with `{name}` where the store name goes (the registry's `urls`). */
  urls?: { storefront: string; admin: string };
}

/** A store's addresses from its engine's URL pattern; undefined when the API did not send one. */
export function storeUrlsOf(engine: EngineInfo | undefined, name: string): { storefront: string; admin: string } | undefined {
  if (!engine?.urls) return undefined;
  return { storefront: engine.urls.storefront.replaceAll('{name}', name), admin: engine.urls.admin.replaceAll('{name}', name) };
}

/** What a plan gives a store (GET /api/platform planSizes). */
export interface PlanSize {
  cpu: string;
  memory: string;
  storage: string;
}

export interface StoreUrls {
  storefront?: string;
  admin?: string;
}

export interface StoreSummary {
  name: string;
  engine: Engine;
  plan: string;
  displayName: string;
  owner: string;
  createdAt: string;
  status: StoreStatus;
  reason?: string;
  urls?: StoreUrls;
  commit?: string;
  pullRequest?: string;
  /** Deleted stores: when the delete was committed and who asked for it. */
  deletedAt?: string;
  deletedBy?: string;
}

export interface HistoryEntry {
  sha: string;
  author: string;
  date: string;
  message: string;
  requestedBy?: string;
}

export interface ResourceEntry {
  kind: string;
  name: string;
  namespace?: string;
  health?: string;
  status?: string;
  message?: string;
  parent?: string;
}

export interface ArgoEvent {
  type?: string;
  reason?: string;
  message?: string;
  time?: string;
  lastTimestamp?: string;
  firstTimestamp?: string;
  involvedObject?: { kind?: string; name?: string };
}

export interface Timeline {
  committedAt?: string;
  syncedAt?: string;
  readyAt?: string;
}

export interface StoreLinks {
  argocd?: string;
  commit?: string;
  pullRequest?: string;
}

/** A file of the rendered folder: the API may send plain paths or objects. */
export type FileEntry = string | { path?: string; name?: string; file?: string };

export interface ArgoInfo {
  lastOperation?: { phase: string; message?: string; revision?: string; startedAt?: string; finishedAt?: string; retryCount?: number };
  /** Argo CD calls that failed while the API built this answer. */
  errors?: string[];
}

export interface StoreDetail extends StoreSummary {
  argocd?: ArgoInfo;
  spec?: Partial<StoreSummary> & Record<string, unknown>;
  history?: HistoryEntry[];
  files?: FileEntry[];
  resources?: ResourceEntry[];
  events?: ArgoEvent[];
  timeline?: Timeline;
  links?: StoreLinks;
}

export interface AdminLogin {
  user: string;
  password: string;
  url?: string;
}

export interface CreateResult {
  store: StoreSummary;
  commit?: string;
  pullRequest?: string;
  adminLogin?: AdminLogin;
}

export interface CreateRequest {
  name: string;
  engine: Engine;
  plan?: string;
  displayName?: string;
}

export type Platform = Record<string, unknown>;

const labels = new Map<string, string>();

/** Remembers the labels of the engines the platform describes (called when GET /api/platform arrives). */
export function rememberEngines(engines: readonly EngineInfo[]): void {
  for (const e of engines) labels.set(e.id, e.label);
}

/** The engine's label from the platform, or its id until the platform has been read. */
export function engineLabel(engine: string): string {
  return labels.get(engine) ?? engine;
}
