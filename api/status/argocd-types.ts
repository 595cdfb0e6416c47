// The subset of Argo CD's REST/JSON shapes Storefleet reads. Field names and optionality follow
// Argo CD v3.2 `pkg/apis/application/v1alpha1/types.go` (json tags; `omitempty` → optional) and
// `server/application/application.proto` (List, Get, ResourceTree, ListResourceEvents, Watch).
// Everything coming over the wire is treated as untrusted: readers tolerate missing fields.

/** health.HealthStatusCode (gitops-engine pkg/health). */
export type HealthStatusCode = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
/** SyncStatusCode. */
export type SyncStatusCode = 'Synced' | 'OutOfSync' | 'Unknown';
/** synccommon.OperationPhase (gitops-engine pkg/sync/common). */
export type OperationPhase = 'Running' | 'Terminating' | 'Failed' | 'Error' | 'Succeeded';
/** synccommon.ResultCode. */
export type ResultCode = 'Synced' | 'SyncFailed' | 'Pruned' | 'PruneSkipped';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

export interface HealthStatus {
  status?: HealthStatusCode;
  message?: string;
  lastTransitionTime?: string;
}

export interface SyncStatus {
  status: SyncStatusCode;
  /** Commit SHA the app was last compared to (for a branch target: the branch tip at that time). */
  revision?: string;
  revisions?: string[];
}

export interface ResourceStatus {
  group?: string;
  version?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  status?: SyncStatusCode;
  /** Since 3.0 only filled in by the API server from the resource tree (Get, Watch), not by List. */
  health?: HealthStatus;
  hook?: boolean;
  requiresPruning?: boolean;
}

export interface ApplicationCondition {
  /** DeletionError | InvalidSpecError | ComparisonError | SyncError | UnknownError | *Warning */
  type: string;
  message: string;
  lastTransitionTime?: string;
}

export interface ResourceResult {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  status?: ResultCode;
  message?: string;
  hookType?: string;
  hookPhase?: OperationPhase;
  syncPhase?: string;
}

export interface SyncOperationResult {
  resources?: ResourceResult[];
  revision: string;
}

export interface OperationState {
  operation: { sync?: { revision?: string }; initiatedBy?: { username?: string; automated?: boolean } };
  phase: OperationPhase;
  message?: string;
  syncResult?: SyncOperationResult;
  startedAt: string;
  finishedAt?: string;
  retryCount?: number;
}

export interface RevisionHistory {
  revision?: string;
  deployedAt: string;
  id: number;
  deployStartedAt?: string;
  initiatedBy?: { username?: string; automated?: boolean };
}

export interface ApplicationStatus {
  resources?: ResourceStatus[];
  sync?: SyncStatus;
  health?: HealthStatus;
  history?: RevisionHistory[];
  conditions?: ApplicationCondition[];
  reconciledAt?: string;
  operationState?: OperationState;
  summary?: { externalURLs?: string[]; images?: string[] };
  resourceHealthSource?: string;
}

export interface Application {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: {
    project?: string;
    source?: { repoURL?: string; path?: string; targetRevision?: string };
    destination?: { server?: string; name?: string; namespace?: string };
  };
  status?: ApplicationStatus;
  operation?: unknown;
}

export interface ApplicationList {
  metadata?: { resourceVersion?: string };
  items?: Application[] | null;
}

/** ApplicationWatchEvent; on the wire each SSE `data:` is `{"result": ApplicationWatchEvent}`. */
export interface ApplicationWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  application: Application;
}

export interface ResourceRef {
  group?: string;
  version?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
}

export interface ResourceNode extends ResourceRef {
  parentRefs?: ResourceRef[];
  info?: { name: string; value: string }[];
  resourceVersion?: string;
  images?: string[];
  health?: HealthStatus;
  createdAt?: string;
}

export interface ApplicationTree {
  nodes?: ResourceNode[];
  orphanedNodes?: ResourceNode[];
}

/** k8s.io/api/core/v1 Event (the fields Storefleet shows). */
export interface KubeEvent {
  metadata?: ObjectMeta;
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
}

export interface EventList {
  items?: KubeEvent[] | null;
}
