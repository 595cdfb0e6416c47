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
