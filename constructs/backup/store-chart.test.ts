// Backups in the store chart: with platform.yaml's backup target every store renders its backup
// CronJob, and the app that first touches the database runs the restore step before installing
// or migrating; without one, nothing about backups is rendered (the golden test holds the bytes).
import { describe, expect, it } from 'vitest';
import { renderStoreObjects } from '../index.ts';
import { ENGINES, PLANS, storeProps } from '../test-props.ts';
import { manifestPolicyViolations } from '../platform/manifest-policy.ts';
import { validateAgainstSchema } from '../platform/testing/kube-schemas.ts';
import { engineOf, registerEngine } from '../engines/index.ts';
import { backupProps, backupSource } from './test-props.ts';
import { finalBackupJobName } from './backup.ts';

type Obj = Record<string, any>;
const FIRST_STEP: Record<string, { app: string; next: string }> = { woocommerce: { app: 'wordpress', next: 'install-wordpress' }, medusa: { app: 'medusa-backend', next: 'migrate' } };

describe.each(ENGINES.flatMap((engine) => PLANS.map((plan) => ({ engine, plan }))))('$engine store on plan $plan with backups', ({ engine, plan }) => {
  const props = { ...storeProps(engine, plan), backup: backupProps() };
  const objects = renderStoreObjects(props) as Obj[];
  const namespace = `store-${props.store.name}`;

  it('validates every object against the schemas and the manifest policy', () => {
    for (const o of objects) expect(() => validateAgainstSchema(o)).not.toThrow();
    expect(manifestPolicyViolations(objects, namespace)).toEqual([]);
  });

  it('renders the backup CronJob, its scripts and the cluster-wide sealed target credentials', () => {
    expect(objects.filter((o) => o.kind === 'CronJob').map((o) => o.metadata.name)).toEqual(['backup']);
    expect(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'backup-scripts')).toBeDefined();
    const sealed = objects.find((o) => o.kind === 'SealedSecret' && o.metadata.name === 'backup-target')!;
    expect(sealed.metadata.annotations['sealedsecrets.bitnami.com/cluster-wide']).toBe('true');
  });

  it('runs the restore step first in the app pod, before it installs or migrates', () => {
    const { app, next } = FIRST_STEP[engine];
    const pod = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app)!.spec.template.spec;
    expect(pod.initContainers.map((c: Obj) => c.name).slice(0, 3)).toEqual(['backup-tools', 'restore', next]);
    const restore = pod.initContainers[1];
    expect(restore.image).toBe(backupSource(props).image);
    expect(restore.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(pod.volumes.map((v: Obj) => v.name)).toEqual(expect.arrayContaining(['backup-scripts', 'backup-tools', 'backup-tmp']));
    // No other workload restores.
    const restoring = objects.filter((o) => o.spec?.template?.spec?.initContainers?.some((c: Obj) => c.name === 'restore'));
    expect(restoring.map((o) => o.metadata.name)).toEqual([app]);
  });

  it('lets the app and the backup pods reach the backup target, nothing else gains egress to it', () => {
    const toTarget = objects.filter((o) => o.kind === 'NetworkPolicy' && o.spec.egress?.some((r: Obj) => r.to?.some((p: Obj) => p.ipBlock?.cidr === '203.0.113.0/24')));
    expect(toTarget.map((o) => o.spec.podSelector.matchLabels['app.kubernetes.io/name']).sort()).toEqual(['backup', FIRST_STEP[engine].app].sort());
  });

  it('renders the same objects twice', () => {
    expect(renderStoreObjects(props)).toEqual(objects);
  });
});

describe.each(ENGINES)('%s store with backup requests', (engine) => {
  const rollback = { snapshot: '4f2a9c1e', requestedAt: '2026-12-05T12:00:00Z' };
  const base = { ...storeProps(engine, 'small'), backup: backupProps() };
  const requested = { ...base, backup: backupProps({ manualBackup: { requestedAt: '2026-12-05T11:00:00Z' }, rollback }) };
  const objects = renderStoreObjects(requested) as Obj[];
  const app = (objs: Obj[]) => objs.find((o) => o.kind === 'Deployment' && o.metadata.name === FIRST_STEP[engine].app)!;

  it('validates every object against the schemas and the manifest policy', () => {
    for (const o of objects) expect(() => validateAgainstSchema(o)).not.toThrow();
    expect(manifestPolicyViolations(objects, `store-${base.store.name}`)).toEqual([]);
  });

  it('renders the manual backup Job next to the CronJob, in the backup component (its network policy applies)', () => {
    const jobs = objects.filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('manual-backup-'));
    expect(jobs).toHaveLength(1);
    expect(jobs[0].spec.template.metadata.labels['app.kubernetes.io/name']).toBe('backup');
  });

  it('a roll-back rolls the app once with Recreate: the old pod is gone before the restore step replaces the database', () => {
    const deployment = app(objects);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'storefleet.dev/rollback': expect.stringMatching(/^[0-9a-f]{16}$/) });
    // Without the request the app rolls as before, and the pod template carries no annotation.
    const plain = app(renderStoreObjects(base) as Obj[]);
    expect(plain.spec.template.metadata.annotations).toBeUndefined();
    if (engine === 'medusa') expect(plain.spec.strategy.type).toBe('RollingUpdate');
    // Rendering the same request again leaves the pod template as it is: no second roll.
    expect(app(renderStoreObjects(requested) as Obj[]).spec.template).toEqual(deployment.spec.template);
  });
});

describe('backups in the store chart', () => {
  it.each(ENGINES)('%s without a backup target: no backup objects, no restore step', (engine) => {
    const objects = renderStoreObjects(storeProps(engine, 'small')) as Obj[];
    const text = JSON.stringify(objects);
    expect(objects.some((o) => o.kind === 'CronJob')).toBe(false);
    expect(text).not.toContain('backup-');
    expect(text).not.toContain('restic');
  });

  it('refuses backups for an engine without a database to back up', () => {
    const base = engineOf('woocommerce');
    const { backup: _none, ...noDatabase } = base;
    registerEngine({ ...noDatabase, id: 'no-database-probe', build: () => {} });
    const props = { ...storeProps('woocommerce', 'small'), backup: backupProps() };
    expect(() => renderStoreObjects({ ...props, store: { ...props.store, engine: 'no-database-probe' } })).toThrow(
      'engine no-database-probe has no database to back up, but platform.yaml configures backups',
    );
  });
});

describe.each(ENGINES)('%s store being deleted (store.yaml `deleting`, final backup)', (engine) => {
  const props = { ...storeProps(engine, 'small'), backup: backupProps(), finalBackup: { requestedAt: '2026-01-02T03:04:05.000Z' } };
  const objects = renderStoreObjects(props) as Obj[];
  const full = renderStoreObjects({ ...props, finalBackup: undefined }) as Obj[];
  const jobName = finalBackupJobName(props.finalBackup.requestedAt);
  const key = (o: Obj) => `${o.kind}/${o.metadata.name}`;
  const source = backupSource(props);

  it('keeps the namespace, guardrails, secrets and database as they were; the apps, ingress, CronJob and smoke test go', () => {
    // The quota and limit range are derived from the containers rendered (docs/constructs.md): they shrink.
    const kept = objects.filter((o) => !(o.kind === 'Job' && o.metadata.name === jobName) && !['ResourceQuota', 'LimitRange'].includes(o.kind));
    // Unchanged for what stays: Argo CD changes nothing about the database while it backs up.
    for (const o of kept) expect(full.find((f) => key(f) === key(o))).toEqual(o);
    const kinds = new Set(objects.map((o) => o.kind));
    for (const gone of ['Deployment', 'Ingress', 'CronJob']) expect(kinds.has(gone)).toBe(false);
    expect(objects.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata.name)).toEqual([source.service]);
    for (const must of ['Namespace', 'ResourceQuota', 'LimitRange', 'SealedSecret', 'PersistentVolumeClaim', 'Service']) expect(kinds.has(must)).toBe(true);
    expect(objects.some((o) => o.metadata.annotations?.['argocd.argoproj.io/hook'])).toBe(false);
  });

  it('names the Job after its mark: a new mark (a retry) is a new Job', () => {
    expect(jobName).toMatch(/^final-backup-[0-9a-f]{10}$/);
    const again = renderStoreObjects({ ...props, finalBackup: { requestedAt: '2026-01-02T04:00:00.000Z' } }) as Obj[];
    const jobs = again.filter((o) => o.kind === 'Job').map((o) => o.metadata.name);
    expect(jobs).toEqual([finalBackupJobName('2026-01-02T04:00:00.000Z')]);
    expect(jobs).not.toContain(jobName);
  });

  it('renders the Job final-backup-<hash>: the backup pod with BACKUP_KIND=final, no retention of its own, no TTL', () => {
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === jobName)!;
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    const c = job.spec.template.spec.containers[0];
    const envOf = (n: string) => c.env.find((e: Obj) => e.name === n)?.value;
    expect(envOf('BACKUP_KIND')).toBe('final');
    expect(envOf('KEEP_DAILY')).toBeUndefined();
    expect(envOf('KEEP_MANUAL_DAYS')).toBeUndefined();
    expect(c.image).toBe(source.image);
    const cron = full.find((o) => o.kind === 'CronJob')!.spec.jobTemplate.spec.template.spec;
    expect(job.spec.template.spec.initContainers).toEqual(cron.initContainers);
    expect(c.env.filter((e: Obj) => !['BACKUP_KIND', 'KEEP_DAILY', 'KEEP_WEEKLY', 'KEEP_MONTHLY', 'KEEP_MANUAL_DAYS'].includes(e.name))).toEqual(
      cron.containers[0].env.filter((e: Obj) => !['BACKUP_KIND', 'KEEP_DAILY', 'KEEP_WEEKLY', 'KEEP_MONTHLY', 'KEEP_MANUAL_DAYS'].includes(e.name)),
    );
  });

  it('passes the schemas and the manifest policy', () => {
    for (const o of objects) expect(() => validateAgainstSchema(o)).not.toThrow();
    expect(manifestPolicyViolations(objects, `store-${props.store.name}`)).toEqual([]);
  });
});
