// The API's answers and event-stream events, as the server builds them (api/app.ts) and the
// dashboard reads them (ui/, type-only). Optional fields appear only when the API has them
// (Argo CD connected, pull-request mode); clients must work without them.
import type { StoreSpec } from '../generator/spec.ts';
import type { StoreStatus } from './statuses.ts';

/** An engine id; the engines a platform offers come from GET /api/platform (the registry is constructs/engines/). */
export type Engine = StoreSpec['engine'];

/** One engine as GET /api/platform describes it. */
export interface EngineInfo {
  id: string;
  label: string;
  description: string;
  /** The engine's addresses with `{name}` where the store name goes (the registry's `urls`). */
  urls?: { storefront: string; admin: string };
}

/** What a plan gives a store (GET /api/platform planSizes). */
export interface PlanSize {
  cpu: string;
  memory: string;
  storage: string;
}

export interface StoreUrls {
  storefront: string;
  admin: string;
}

/** A store's status and why (every status but `ready` has a reason). */
export interface StoreStatusView {
  status: StoreStatus;
  reason?: string;
}

/** One row of GET /api/stores. */
export interface StoreSummary extends StoreSpec, StoreStatusView {
  urls?: StoreUrls;
  /** Latest commit touching the store (or, for a deleted store, the deleting commit). */
  commit?: string;
  /** Pull-request mode: the open pull request changing this store. */
  pullRequest?: string;
  /** Deleted stores: when the delete was committed and who asked for it. */
  deletedAt?: string;
  deletedBy?: string;
  /** A backup target is configured and this store's backups need attention (a warning, not a status). */
  backupWarning?: BackupWarning;
  /** Deleted stores with a backup target: until when a restore brings the data back (absent: restores empty). */
  restorableUntil?: string;
}

export interface StoreList {
  stores: StoreSummary[];
  /** The branch tip the list was read from. */
  head: string;
}

/** One commit of a store's lifetime (newest first). */
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
  count?: number;
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

/** A file of the rendered folder (repo-relative path). */
export type FileEntry = string;

export interface ArgoInfo {
  lastOperation?: { phase: string; message?: string; revision?: string; startedAt?: string; finishedAt?: string; retryCount?: number };
  /** Argo CD calls that failed while the API built this answer. */
  errors?: string[];
  /** The Application is there and never synced successfully: a Delete takes no final backup (docs/design.md). */
  neverSynced?: true;
  [extra: string]: unknown;
}

/** Live extras of GET /api/stores/{name} (Argo CD connected). */
export interface StoreLiveDetail {
  argocd?: ArgoInfo;
  resources?: ResourceEntry[];
  events?: ArgoEvent[];
  timeline?: Timeline;
  links?: StoreLinks;
}

/** GET /api/stores/{name}. */
export interface StoreDetail extends StoreSummary, StoreLiveDetail {
  spec: StoreSpec;
  /** The commits of this store's lifetime: since the create commit that began it, its owner's only. */
  history: HistoryEntry[];
  files: FileEntry[];
}

export interface AdminLogin {
  user: string;
  password: string;
  url?: string;
}

/** POST /api/stores, DELETE /api/stores/{name}, POST /api/stores/{name}/restore. */
export interface WriteAnswer {
  store: StoreSummary | { name: string };
  /** The commit on the branch (direct mode) or on the pull request's branch. */
  commit: string;
  pullRequest?: string;
  /** Only in the answer of the create that generated it. */
  adminLogin?: AdminLogin;
  /** What the person who asked should know about the write (e.g. a delete that took no final backup because the store never ran). */
  notice?: string;
  replayed?: true;
}

/** GET /api/platform. `remote` is shown to admins only. */
export interface PlatformInfo {
  mode: 'direct' | 'pull-request';
  /** Who is asking (the dashboard hints at a member's store limit before a create is refused). */
  user: { id: string; role: 'admin' | 'member' };
  remote?: string;
  branch: string;
  head: string | null;
  reachable: boolean;
  argocd: { configured: boolean; connected: boolean; url?: string; reason?: string };
  platform: {
    domain: string;
    scheme: string;
    tls: string;
    engines: EngineInfo[];
    plans: string[];
    planSizes: Record<string, PlanSize>;
    defaultPlan: string;
    limits: { storesPerOwner: number };
    provisioningTimeoutMinutes: number;
    /** platform.yaml has a backup target (absent from older APIs). */
    backupTarget?: boolean;
    /** How long a deleted store's final backup is kept (with a backup target). */
    finalBackupRetentionDays?: number;
  } | null;
}

/** GET /api/events (server-sent events). */
export type StoreEvent =
  | { event: 'snapshot'; data: { argocd?: unknown; stores: (StoreStatusView & { name: string })[] } }
  | { event: 'store-status'; data: (StoreStatusView & { name: string; owner?: string }) | Record<string, never> }
  | { event: 'commit'; data: { sha: string; stores: string[] } };

/** The kind of a backup: the tag the backup Job gives its restic snapshot. */
export type BackupKind = 'scheduled' | 'manual' | 'final';

/** One snapshot of a store's database (GET /api/stores/{name}/backups). */
export interface BackupSnapshot {
  /** restic snapshot ID (what a restore names). */
  id: string;
  shortId: string;
  /** When the backup was taken (ISO 8601). */
  time: string;
  /** `other` for a snapshot without a kind tag (made by hand with restic). */
  kind: BackupKind | 'other';
  /** Bytes of the database dump (restic >= 0.17 snapshot summary `total_bytes_processed`). */
  sizeBytes?: number;
}

/** Why a store's backups need attention, and since when. */
export interface BackupWarning {
  reason: string;
  since: string;
}

/** GET /api/stores/{name}/backups. */
export interface StoreBackups {
  /** Whether platform.yaml configures a backup target (and the API can read it). */
  target: boolean;
  /** Newest first. */
  backups: BackupSnapshot[];
  /** The newest snapshot's time. */
  lastSuccessAt?: string;
  warning?: BackupWarning;
  /** Deleted stores: until when a restore brings the data back. */
  restorableUntil?: string;
}
