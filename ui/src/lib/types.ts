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

export const ENGINES = ['woocommerce', 'medusa'] as const;
export type Engine = (typeof ENGINES)[number];

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

export function engineLabel(engine: string): string {
  return engine === 'woocommerce' ? 'WooCommerce' : engine === 'medusa' ? 'Medusa' : engine;
}
