// Props shared by the store constructs. These are plain data: constructs never read files or the
// environment, so the generator validates platform.yaml/store.yaml and hands the result in here.
// The generator's schema types must stay assignable to these interfaces (checked at compile time
// in generator/platform.ts).

/** An engine id of the registry (constructs/engines/index.ts). */
export type EngineId = string;

/** Kubernetes quantity strings, e.g. "500m", "2Gi". Validated by the generator. */
export interface ResourceAmounts {
  cpu: string;
  memory: string;
  /**
   * Optional. Omitted: derived per container from what it can write (logs, a writable root,
   * its emptyDirs; docs/constructs.md "Containers"). Set on requests and limits together.
   */
  ephemeralStorage?: string;
}

/** requests + limits of one container. */
export interface ContainerResources {
  requests: ResourceAmounts;
  limits: ResourceAmounts;
}

export interface QuotaProps {
  /** Sum of CPU/memory requests and limits of all pods in the namespace. */
  requestsCpu: string;
  requestsMemory: string;
  limitsCpu: string;
  limitsMemory: string;
  pods: number;
  persistentVolumeClaims: number;
  /** Total requested storage over all PVCs. */
  requestsStorage: string;
  /**
   * Sum of ephemeral-storage requests / limits of all pods. Optional: omitted, twice what the
   * store's containers declare (room for a surge pod and re-run hook Jobs).
   */
  requestsEphemeralStorage?: string;
  limitsEphemeralStorage?: string;
}

export interface LimitRangeProps {
  /** Applied to containers that declare nothing (everything we render declares its own). */
  defaultRequest: ResourceAmounts;
  default: ResourceAmounts;
  /**
   * Upper bound for any single container. Omitted ephemeral-storage values: defaultRequest 64Mi,
   * default 256Mi, max the largest limit among the store's containers.
   */
  max: ResourceAmounts;
}

export interface PlanProps {
  quota: QuotaProps;
  limitRange: LimitRangeProps;
  storage: {
    /** The database's data volume. */
    database: string;
    /** Volumes an engine declares (Engine.storage), e.g. WooCommerce's "wordpress" document root. */
    [volume: string]: string;
  };
  /** Engine id → that engine's container sizes (its Engine.resources schema). */
  resources: Record<string, unknown>;
}

export interface ImagesProps {
  /** Small image with sh, curl and jq used by the PostSync smoke-test Jobs. */
  smokeTest: string;
  /** Engine id → that engine's image pins (its Engine.images schema). */
  [engine: string]: unknown;
}

export type TlsProps = { mode: 'none' } | { mode: 'cert-manager'; clusterIssuer: string; secretName?: string };

/** Everything about the site that is the same for all stores (from platform.yaml). */
export interface SiteProps {
  /** Stores live at <name>.<domain> and <name>-admin.<domain>. */
  domain: string;
  scheme: 'http' | 'https';
  ingressClassName: string;
  tls: TlsProps;
  /** Omitted: the cluster's default StorageClass. */
  storageClassName?: string;
  /** Namespace of the ingress controller pods; network policies admit traffic from there. */
  ingressControllerNamespace: string;
  /** Namespace of kube-dns; DNS egress is allowed there only. */
  dnsNamespace: string;
}

/** Store identity as written in stores/<name>/store.yaml. */
export interface StoreIdentity {
  name: string;
  engine: EngineId;
  plan: string;
  displayName: string;
  owner: string;
  createdAt: string;
}

/**
 * Sealed secret material, already encrypted by the generator:
 * secret name → key → base64 ciphertext (Sealed Secrets format, strict scope).
 */
export type SealedData = Record<string, Record<string, string>>;

/** Scheduled backups and the restore step (platform.yaml `backup`); absent: none are rendered. */
export type { StoreBackupProps } from './backup/backup.ts';
import type { StoreBackupProps } from './backup/backup.ts';

export interface StoreProps {
  store: StoreIdentity;
  site: SiteProps;
  plan: PlanProps;
  images: ImagesProps;
  sealed: SealedData;
  /** Set when platform.yaml has a backup target: the store's backup CronJob and restore step. */
  backup?: StoreBackupProps;
  /**
   * The store is being deleted (store.yaml `deleting`, with a backup target): only its namespace,
   * guardrails, secrets, database and the final-backup Job of this mark are rendered (docs/design.md).
   */
  finalBackup?: { requestedAt: string };
}
