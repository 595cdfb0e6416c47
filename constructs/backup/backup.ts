// A store's database backups: a CronJob that streams the engine's own dump (mariadb-dump,
// pg_dump) into restic (transport, encryption, deduplication, retention) on an S3-compatible
// target, the restore step that loads a snapshot into a fresh database before the app starts,
// and the NetworkPolicies that allow exactly the backup target. The scripts are files next to
// this module (shellcheck-clean) and get every value as environment data.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { ContainerResources, StoreProps } from '../props.ts';
import { componentLabels, storeLabels, storeNamespace, syncWave, WAVE } from '../meta.ts';
import { env, POD_DEFAULTS, podSecurityContext, scratch, secretEnv, securityContext } from '../container.ts';
import { boundedResources, emptyDirBytes } from '../kit/bounded.ts';
import { podsOf, StorePolicy, tcp } from '../kit/network-policy.ts';
import type { WorkloadContainer } from '../kit/store-workload.ts';

function load(file: string): string {
  return readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
}

/** The scripts of the backup ConfigMap (database.sh is sourced by the other two). */
export const BACKUP_SCRIPTS = {
  'backup.sh': load('backup.sh'),
  'database.sh': load('database.sh'),
  'restore.sh': load('restore.sh'),
} as const;

/** The pinned restic image platform.yaml names by default in docs and local targets (the API image copies it too). */
export const RESTIC_IMAGE = 'docker.io/restic/restic:0.18.1';

/** Keys of the backup target's SealedSecret: S3 credentials and the restic repository password. */
export const BACKUP_CREDENTIAL_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'RESTIC_PASSWORD'] as const;
export type BackupCredentialKey = (typeof BACKUP_CREDENTIAL_KEYS)[number];

/** The site-wide backup target (platform.yaml `backup.target`). */
export interface BackupTargetProps {
  /** S3 endpoint URL, e.g. "https://s3.eu-central-1.amazonaws.com". */
  endpoint: string;
  bucket: string;
  region: string;
  /** Key prefix in the bucket; a store's restic repository is <prefix>/<store name>. */
  prefix: string;
  /** NetworkPolicy cannot match host names: where the endpoint is, as CIDRs and ports. */
  egress: { cidrs: string[]; ports: number[] };
  /**
   * Ciphertext per key, sealed with cluster-wide scope (one value for every store namespace):
   * the only form in which the credentials appear in Git.
   */
  credentials: Record<BackupCredentialKey, string>;
  /** The restic image, pinned (its static binary is copied into the database image's pod). */
  image: string;
}

/** The store's plan (platform.yaml `plans.<plan>.backup`). */
export interface BackupPolicyProps {
  /** Cron expression, evaluated in UTC. */
  schedule: string;
  /** Scheduled snapshots kept: the last N days, weeks and months with a snapshot. */
  keep: { daily: number; weekly: number; monthly: number };
  resources: ContainerResources;
}

export interface StoreBackupProps {
  target: BackupTargetProps;
  policy: BackupPolicyProps;
  /**
   * Days a manual ("Back up now") snapshot is kept (platform.yaml `backup.manualBackupRetentionDays`):
   * the store's scheduled run forgets older ones. Final snapshots are never forgotten there.
   */
  manualRetentionDays: number;
  /** Snapshot the restore step loads into an empty database: "latest" or a snapshot ID. */
  restoreSnapshot?: string;
  /** "Back up now" (store.yaml `manualBackup`): the latest request, one Job per request time. */
  manualBackup?: { requestedAt: string };
  /**
   * An admin's roll-back of the live store (store.yaml `rollback`): the restore step replaces the
   * database with `snapshot` once per request; the app workload rolls with Recreate.
   */
  rollback?: { snapshot: string; requestedAt: string };
}

/** What the engine tells about its database (the engine's module owns these facts). */
export interface BackupSource {
  engine: 'mariadb' | 'postgres';
  /** The database image: it has the engine's dump and client tools in the server's version. */
  image: string;
  /** The image's own non-root user. */
  uid: number;
  /** Component (selector label) and Service name of the database. */
  service: string;
  port: number;
  database: string;
  user: string;
  /** Secret and key holding the password of `user`. */
  password: { secret: string; key: string };
}

/** Fixed names of the backup objects inside a store namespace. */
export const BACKUP_NAMES = {
  component: 'backup',
  cronJob: 'backup',
  /** Prefix of the Job of a store being deleted (its last snapshot, tag `final`): see finalBackupJobName. */
  finalJob: 'final-backup',
  scripts: 'backup-scripts',
  credentials: 'backup-target',
} as const;

/** Pod-template annotation naming the roll-back request: a new request rolls the app once. */
export const ROLLBACK_ANNOTATION = 'storefleet.dev/rollback';

const SCRIPTS_DIR = '/opt/storefleet-backup';
const TOOLS_DIR = '/backup-tools';
const CLUSTER_WIDE = { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } as const;

/** The store's restic repository URL (restic's S3 syntax). */
export function repositoryUrl(target: Pick<BackupTargetProps, 'endpoint' | 'bucket' | 'prefix'>, store: string): string {
  return `s3:${target.endpoint.replace(/\/+$/, '')}/${target.bucket}/${target.prefix}/${store}`;
}

const shortHash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/** The manual backup Job of a request: a new request time is a new Job (Argo CD prunes the old one). */
export function manualBackupJobName(requestedAt: string): string {
  return `manual-backup-${shortHash(requestedAt, 10)}`;
}

/**
 * The final-backup Job of a deletion mark (store.yaml `deleting.requestedAt`): a new mark (a retry
 * after a failed final backup) is a new Job, run afresh; Argo CD prunes the failed one.
 */
export function finalBackupJobName(requestedAt: string): string {
  return `${BACKUP_NAMES.finalJob}-${shortHash(requestedAt, 10)}`;
}

/** The ID a roll-back request is recorded under in the database (hex: it goes into SQL as data). */
export function rollbackId(r: { snapshot: string; requestedAt: string }): string {
  return shortHash(`${r.requestedAt} ${r.snapshot}`, 16);
}

/** Environment shared by backup and restore: connection, repository and credentials (by reference). */
function backupEnv(props: StoreProps, b: StoreBackupProps, s: BackupSource): k8s.EnvVar[] {
  // The password goes in the clients' own variable: it never appears on a command line.
  const password = secretEnv(s.engine === 'mariadb' ? 'MYSQL_PWD' : 'PGPASSWORD', s.password.secret, s.password.key);
  return [
    env('DB_ENGINE', s.engine),
    env('DB_HOST', s.service),
    env('DB_PORT', String(s.port)),
    env('DB_NAME', s.database),
    env('DB_USER', s.user),
    password,
    env('RESTIC_BIN', `${TOOLS_DIR}/restic`),
    env('RESTIC_REPOSITORY', repositoryUrl(b.target, props.store.name)),
    // Snapshots carry the store's name, not the pod's random host name.
    env('RESTIC_HOST', props.store.name),
    env('RESTIC_CACHE_DIR', '/tmp/restic-cache'),
    env('AWS_DEFAULT_REGION', b.target.region),
    ...BACKUP_CREDENTIAL_KEYS.map((k) => secretEnv(k, BACKUP_NAMES.credentials, k)),
    env('HOME', '/tmp'),
  ];
}

/** Volumes of a backup or restore container: scripts, the copied restic binary, scratch /tmp. */
function backupVolumes(): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[]; tools: k8s.VolumeMount } {
  const tmp = scratch('backup-tmp', '/tmp');
  const tools = { name: 'backup-tools', mountPath: TOOLS_DIR };
  return {
    volumes: [
      { name: 'backup-scripts', configMap: { name: BACKUP_NAMES.scripts, defaultMode: 0o444 } },
      { name: 'backup-tools', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
      tmp.volume,
    ],
    mounts: [{ name: 'backup-scripts', mountPath: SCRIPTS_DIR, readOnly: true }, { ...tools, readOnly: true }, tmp.mount],
    tools,
  };
}

/** Init container that copies restic's static binary from the pinned image into a shared emptyDir. */
function toolsContainer(b: StoreBackupProps, tools: k8s.VolumeMount): WorkloadContainer {
  return {
    name: 'backup-tools',
    image: b.target.image,
    command: ['cp', '/usr/bin/restic', `${TOOLS_DIR}/restic`],
    resources: b.policy.resources,
    volumeMounts: [tools],
  };
}

/** A backup container as the CronJob's pod runs it: non-root, read-only root, bounded resources. */
function podContainer(c: WorkloadContainer, uid: number, volumes: k8s.Volume[]): k8s.Container {
  const { resources, ...rest } = c;
  return {
    ...rest,
    resources: boundedResources(resources, { writableRoot: false, emptyDirBytes: emptyDirBytes(c.volumeMounts, volumes) }),
    securityContext: securityContext({ uid, readOnlyRootFilesystem: true }),
  };
}

/** The egress rule to the backup target (S3 over its CIDRs and ports, nothing else). */
export function backupTargetEgress(target: BackupTargetProps): k8s.NetworkPolicyEgressRule {
  return {
    to: target.egress.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
    ports: target.egress.ports.map((p) => tcp(p)),
  };
}

/** Allows the pods of `component` to reach the backup target (the restore step runs in them). */
export function allowBackupTarget(scope: Construct, props: StoreProps, b: StoreBackupProps, component: string): void {
  new StorePolicy(scope, `Allow${component}ToBackupTarget`, props, {
    name: `allow-${component}-to-backup-target`,
    component,
    egress: [backupTargetEgress(b.target)],
  });
}

/** What the app workload takes from the restore step: its init containers and volumes, and for a roll-back its pod annotation and rollout. */
export interface AppRestoreStep {
  initContainers: WorkloadContainer[];
  volumes: k8s.Volume[];
  podAnnotations?: Record<string, string>;
  /**
   * 'recreate' while the store carries a roll-back request: the old pod is gone before the new
   * one's restore step replaces the database, so the app never writes during the replace.
   */
  rollout?: 'recreate';
}

/**
 * The restore step of the app workload that first touches the database, and the egress it needs;
 * empty when the store has no backups.
 */
export function appRestoreStep(scope: Construct, props: StoreProps, source: BackupSource, component: string): AppRestoreStep {
  if (!props.backup) return { initContainers: [], volumes: [] };
  allowBackupTarget(scope, props, props.backup, component);
  const step = restoreStep(props, props.backup, source);
  const rollback = props.backup.rollback;
  if (!rollback) return step;
  return { ...step, podAnnotations: { [ROLLBACK_ANNOTATION]: rollbackId(rollback) }, rollout: 'recreate' };
}

/**
 * The backup CronJob of one store (or, `final`, the Job of its final backup), its scripts and
 * credentials, and the NetworkPolicies for it: backup pods → database, backup pods → backup target.
 */
export class StoreBackup extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps, b: StoreBackupProps, s: BackupSource, opts: { final?: { requestedAt: string } } = {}) {
    super(scope, id);
    const namespace = storeNamespace(props.store.name);
    const labels = storeLabels(props);
    const guardrails = syncWave(WAVE.guardrails);

    const encryptedData: Record<string, string> = {};
    for (const key of BACKUP_CREDENTIAL_KEYS) encryptedData[key] = b.target.credentials[key];
    new ApiObject(this, 'Credentials', {
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: BACKUP_NAMES.credentials, namespace, labels, annotations: { ...guardrails, ...CLUSTER_WIDE } },
      spec: {
        encryptedData,
        template: { type: 'Opaque', metadata: { name: BACKUP_NAMES.credentials, namespace, labels, annotations: CLUSTER_WIDE } },
      },
    });

    new k8s.KubeConfigMap(this, 'Scripts', {
      metadata: { name: BACKUP_NAMES.scripts, namespace, labels, annotations: guardrails },
      data: { ...BACKUP_SCRIPTS },
    });

    const podLabels = componentLabels(props, BACKUP_NAMES.component, 'backup');
    const pod = (kind: 'scheduled' | 'manual' | 'final'): k8s.PodTemplateSpec => {
      const v = backupVolumes();
      // Only the scheduled backup forgets (scheduled and manual snapshots): final snapshots stay.
      const keep = kind === 'scheduled'
        ? [
            env('KEEP_DAILY', String(b.policy.keep.daily)),
            env('KEEP_WEEKLY', String(b.policy.keep.weekly)),
            env('KEEP_MONTHLY', String(b.policy.keep.monthly)),
            env('KEEP_MANUAL_DAYS', String(b.manualRetentionDays)),
          ]
        : [];
      return {
        metadata: { labels: podLabels },
        spec: {
          ...POD_DEFAULTS,
          restartPolicy: 'Never',
          securityContext: podSecurityContext({ fsGroup: s.uid }),
          initContainers: [podContainer(toolsContainer(b, v.tools), s.uid, v.volumes)],
          containers: [
            podContainer({
              name: 'backup',
              image: s.image,
              command: ['sh', `${SCRIPTS_DIR}/backup.sh`],
              env: [...backupEnv(props, b, s), env('BACKUP_KIND', kind), ...keep],
              resources: b.policy.resources,
              volumeMounts: v.mounts,
            }, s.uid, v.volumes),
          ],
          volumes: v.volumes,
        },
      };
    };
    if (opts.final) {
      // No ttlSecondsAfterFinished: Argo CD would re-create a Job that disappears, and the API
      // reads its completion (Argo CD's health of the Job) before it removes the store's folder.
      new k8s.KubeJob(this, 'FinalJob', {
        metadata: { name: finalBackupJobName(opts.final.requestedAt), namespace, labels: podLabels, annotations: syncWave(WAVE.app) },
        // One retry for a passing S3 hiccup; a failure after that keeps the store (`failed`).
        spec: { backoffLimit: 1, activeDeadlineSeconds: 4 * 3600, template: pod('final') },
      });
    } else {
      new k8s.KubeCronJob(this, 'CronJob', {
        metadata: { name: BACKUP_NAMES.cronJob, namespace, labels: podLabels, annotations: syncWave(WAVE.app) },
        spec: {
          schedule: b.policy.schedule,
          timeZone: 'Etc/UTC',
          // One backup at a time; a missed run is made up within the hour, not piled up.
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 3600,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            metadata: { labels: podLabels },
            spec: { backoffLimit: 2, activeDeadlineSeconds: 4 * 3600, template: pod('scheduled') },
          },
        },
      });
      if (b.manualBackup) {
        // "Back up now": a plain resource, not a hook (a hook would run again on every sync). No
        // ttlSecondsAfterFinished: Argo CD would re-create a Job that disappears and back up again.
        // The next request renders a Job of another name; Argo CD prunes this one. Its health stays
        // out of the store's: a running backup is not a rollout, a failed one is not a broken shop
        // (the backup list shows no new manual snapshot; the Job shows Degraded in the resource tree).
        new k8s.KubeJob(this, 'ManualJob', {
          metadata: {
            name: manualBackupJobName(b.manualBackup.requestedAt),
            namespace,
            labels: podLabels,
            annotations: { ...syncWave(WAVE.app), 'argocd.argoproj.io/ignore-healthcheck': 'true', 'storefleet.dev/requested-at': b.manualBackup.requestedAt },
          },
          spec: { backoffLimit: 2, activeDeadlineSeconds: 4 * 3600, template: pod('manual') },
        });
      }
    }

    // The namespace denies everything by default: backup pods may reach the database and the
    // backup target, and the database admits them.
    new StorePolicy(this, 'AllowBackupToDatabase', props, {
      name: `allow-backup-to-${s.service}`,
      component: BACKUP_NAMES.component,
      egress: [{ to: [podsOf(props, s.service)], ports: [tcp(s.port)] }, backupTargetEgress(b.target)],
    });
    new StorePolicy(this, 'AllowDatabaseFromBackup', props, {
      name: `allow-${s.service}-from-backup`,
      component: s.service,
      ingress: [{ from: [podsOf(props, BACKUP_NAMES.component)], ports: [tcp(s.port)] }],
    });
  }
}

/**
 * The restore step for the app's workload, first among its init containers (before anything that
 * installs or migrates): loads `restoreSnapshot` (default: the latest) into the database if it has
 * no tables yet. A store without backups starts empty. With `rollback`, a database with tables is
 * replaced by that snapshot once (restore.sh records the request in the database). The workload runs the containers as its
 * own user with a read-only root filesystem (they write only /tmp). The app's component also
 * needs allowBackupTarget().
 */
export function restoreStep(props: StoreProps, b: StoreBackupProps, s: BackupSource): { initContainers: WorkloadContainer[]; volumes: k8s.Volume[] } {
  const v = backupVolumes();
  return {
    initContainers: [
      toolsContainer(b, v.tools),
      {
        name: 'restore',
        image: s.image,
        command: ['sh', `${SCRIPTS_DIR}/restore.sh`],
        env: [
          ...backupEnv(props, b, s),
          env('RESTORE_SNAPSHOT', b.restoreSnapshot ?? 'latest'),
          ...(b.rollback ? [env('ROLLBACK_ID', rollbackId(b.rollback)), env('ROLLBACK_SNAPSHOT', b.rollback.snapshot)] : []),
        ],
        resources: b.policy.resources,
        volumeMounts: v.mounts,
      },
    ],
    volumes: v.volumes,
  };
}
