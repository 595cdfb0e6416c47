// Props of the platform's own deployment (the Storefleet API + UI). Plain data, like the store
// props: the generator reads platform.yaml / sealed files and hands the result in here.
import type { ContainerResources, SiteProps } from '../props.ts';

/** Sealed secret material for one Secret: key → base64 ciphertext (Sealed Secrets, strict scope). */
export type SealedKeys = Record<string, string>;

export interface PlatformEgressProps {
  /**
   * Where the Git remote lives. NetworkPolicy cannot match host names, so this is a list of CIDRs
   * (e.g. GitHub's published ranges, or the host network of a local k3d cluster) and ports
   * (443 for HTTPS, 22 for SSH).
   */
  gitRemote: { cidrs: string[]; ports: number[] };
  /** Namespace Argo CD runs in (the API reads its REST API and sends it webhooks). Default "argocd". */
  argocdNamespace?: string;
}

export interface PlatformDeploymentProps {
  site: SiteProps;
  /** Namespace of the platform, e.g. "storefleet". Rendered as a Namespace with pod-security labels. */
  namespace: string;
  /** API+UI image, pinned to a tag or digest (never "latest"). */
  image: string;
  /** Public host of the dashboard, e.g. "storefleet.localtest.me". */
  host: string;
  /** Default 2. Several replicas are fine: Git is the lock. */
  replicas?: number;
  /** Container port the API listens on. Default 3000. */
  port?: number;
  /** Default: requests 100m/256Mi, limits 1 CPU/512Mi. */
  resources?: ContainerResources;
  /** Non-secret configuration (STOREFLEET_* variables, see docs/configuration.md). */
  env?: Record<string, string>;
  /**
   * Credentials, already sealed (strict scope) for <namespace>/<secret name>.
   * git → Secret "storefleet-git", argocd → Secret "storefleet-argocd": every key becomes an
   * environment variable of the API container (envFrom), so keys are STOREFLEET_* names, e.g.
   * STOREFLEET_GIT_REMOTE (a URL that may carry a token), STOREFLEET_GITHUB_TOKEN,
   * STOREFLEET_ARGOCD_TOKEN and the webhook secret (docs/configuration.md).
   * tokens → Secret "storefleet-tokens", the ciphertext of the API's tokens.yaml (SHA-256 digests
   * of the API tokens), mounted as a file so every replica accepts the same tokens.
   */
  sealed: {
    git: SealedKeys;
    argocd: SealedKeys;
    tokens: string;
    /**
     * Pull-request mode with a GitHub App: the ciphertext of the App's private key (.pem) →
     * Secret "storefleet-github-app", mounted as the file STOREFLEET_GITHUB_APP_PRIVATE_KEY_FILE
     * points at (the API reads the key from a file only, never from the environment).
     * STOREFLEET_GITHUB_APP_ID and STOREFLEET_GITHUB_APP_INSTALLATION_ID go into env or sealed.git.
     */
    githubAppPrivateKey?: string;
  };
  egress: PlatformEgressProps;
  /**
   * platform.yaml's backup target, for the API's backup catalog: the same cluster-wide sealed
   * credentials as the stores' (→ Secret "storefleet-backup-target", mounted as a directory that
   * STOREFLEET_BACKUP_CREDENTIALS_FILE names) and where the target is (NetworkPolicy egress).
   */
  backup?: { credentials: Record<string, string>; egress: { cidrs: string[]; ports: number[] } };
  /** Namespace of Prometheus; when set, it may scrape /metrics on the API port. */
  monitoringNamespace?: string;
}

/** Names of the Secrets the Sealed Secrets controller creates in the platform namespace. */
export const PLATFORM_SECRET_NAMES = { git: 'storefleet-git', argocd: 'storefleet-argocd', tokens: 'storefleet-tokens' } as const;
/** The backup target's credentials for the API: its Secret and the directory the pods see it as. */
export const BACKUP_SECRET_NAME = 'storefleet-backup-target';
export const BACKUP_CREDENTIALS_DIR = '/etc/storefleet/backup-target';
/** Where the tokens file is mounted (STOREFLEET_TOKENS_FILE points here). */
export const TOKENS_FILE_PATH = '/etc/storefleet/tokens/tokens.yaml';

/** The optional GitHub App key: its Secret and where the pods see it. */
export const GITHUB_APP_SECRET_NAME = 'storefleet-github-app';
export const GITHUB_APP_KEY_FILE = 'private-key.pem';
export const GITHUB_APP_KEY_PATH = `/etc/storefleet/github-app/${GITHUB_APP_KEY_FILE}`;
