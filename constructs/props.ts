// Props shared by the store constructs. These are plain data: constructs never read files or the
// environment, so the generator validates platform.yaml/store.yaml and hands the result in here.
// The generator's schema types must stay assignable to these interfaces (checked at compile time
// in generator/platform.ts).

export type Engine = 'woocommerce' | 'medusa';

/** Kubernetes quantity strings, e.g. "500m", "2Gi". Validated by the generator. */
export interface ResourceAmounts {
  cpu: string;
  memory: string;
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
}

export interface LimitRangeProps {
  /** Applied to containers that declare nothing (everything we render declares its own). */
  defaultRequest: ResourceAmounts;
  default: ResourceAmounts;
  /** Upper bound for any single container. */
  max: ResourceAmounts;
}

export interface WooCommerceResources {
  wordpress: ContainerResources;
  /** init containers: docker-ensure-installed.sh and the WP-CLI setup script. */
  setup: ContainerResources;
  mariadb: ContainerResources;
  smokeTest: ContainerResources;
}

export interface MedusaResources {
  backend: ContainerResources;
  storefront: ContainerResources;
  /** the db:migrate init container and the bootstrap Job. */
  bootstrap: ContainerResources;
  postgres: ContainerResources;
  redis: ContainerResources;
  smokeTest: ContainerResources;
}

export interface PlanProps {
  quota: QuotaProps;
  limitRange: LimitRangeProps;
  storage: {
    /** MariaDB / Postgres data volume. */
    database: string;
    /** WordPress document root (WooCommerce only). */
    wordpress: string;
  };
  resources: {
    woocommerce: WooCommerceResources;
    medusa: MedusaResources;
  };
}

export interface WooCommerceImages {
  /** e.g. docker.io/library/wordpress:6.9.1-php8.3-apache */
  wordpress: string;
  /** e.g. docker.io/library/wordpress:cli-2.12.0-php8.3 */
  wpCli: string;
  mariadb: string;
  /** WooCommerce plugin version installed by the setup script, e.g. "10.3.5". */
  woocommerceVersion: string;
}

export interface MedusaImages {
  backend: string;
  storefront: string;
  postgres: string;
  redis: string;
}

export interface ImagesProps {
  woocommerce: WooCommerceImages;
  medusa: MedusaImages;
  /** Small image with sh, curl and jq used by the PostSync smoke-test Jobs. */
  smokeTest: string;
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
  engine: Engine;
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

export interface StoreProps {
  store: StoreIdentity;
  site: SiteProps;
  plan: PlanProps;
  images: ImagesProps;
  sealed: SealedData;
}
