// The backup construct: scripts shellcheck-clean and shipped unchanged, every value as env data,
// credentials only by reference to a cluster-wide SealedSecret, egress exactly to the target.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { ConfigMap, Pod } from 'kubernetes-models/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { SealedSecret } from '@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1';
import { describe, expect, it } from 'vitest';
import { ENGINES, storeProps } from '../test-props.ts';
import { BACKUP_SCRIPTS, restoreStep, allowBackupTarget, appRestoreStep, manualBackupJobName, repositoryUrl, rollbackId } from './backup.ts';
import { secured } from '../kit/store-workload.ts';
import { backupProps, backupSource, backupTarget, renderBackupObjects } from './test-props.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
const scripts = readdirSync(dir).filter((f) => f.endsWith('.sh')).sort();

const byKind = (objs: Array<Record<string, any>>, kind: string) => objs.filter((o) => o.kind === kind);

describe('backup scripts', () => {
  it('ships every script of the folder', () => {
    expect(scripts).toEqual(Object.keys(BACKUP_SCRIPTS).sort());
  });

  it.each(scripts)('%s is clean under shellcheck (POSIX sh, following the sourced file)', (file) => {
    const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', '--format=gcc', '--external-sources', '--source-path=SCRIPTDIR', `${dir}${file}`], {
      encoding: 'utf8',
    });
    expect(r.error, 'shellcheck is not installed: apt-get install -y shellcheck').toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.each(scripts)('%s parses as POSIX sh and stops on errors', (file) => {
    const text = readFileSync(`${dir}${file}`, 'utf8');
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(text).toMatch(/^set -eu$/m);
    execFileSync('sh', ['-n', `${dir}${file}`]);
  });

  it('refuses a missing or unknown engine before touching anything', () => {
    for (const engine of ['', 'sqlite']) {
      const r = spawnSync('sh', [`${dir}backup.sh`], { encoding: 'utf8', env: { PATH: process.env.PATH, DB_ENGINE: engine } });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('DB_ENGINE must be mariadb or postgres');
    }
  });

  it('refuses an unknown backup kind, and snapshot or roll-back IDs that are not hex, before touching anything', () => {
    const base = { PATH: process.env.PATH, DB_ENGINE: 'postgres', DB_HOST: 'postgres', DB_PORT: '5432', DB_NAME: 'medusa', DB_USER: 'medusa', RESTIC_REPOSITORY: 'x', RESTIC_PASSWORD: 'x', RESTIC_BIN: 'restic' };
    const b = spawnSync('sh', [`${dir}backup.sh`], { encoding: 'utf8', env: { ...base, BACKUP_KIND: 'hourly' } });
    expect(b.status).toBe(1);
    expect(b.stderr).toContain('BACKUP_KIND must be scheduled, manual or final');
    for (const days of [undefined, '', '30d', '1h', '--prune', '-1']) {
      const k = spawnSync('sh', [`${dir}backup.sh`], { encoding: 'utf8', env: { ...base, BACKUP_KIND: 'scheduled', ...(days === undefined ? {} : { KEEP_MANUAL_DAYS: days }) } });
      expect(k.status, String(days)).toBe(1);
      expect(k.stderr).toContain('KEEP_MANUAL_DAYS must be a whole number of days');
    }
    // No database client runs before these checks (DB_HOST does not resolve; RESTIC_BIN does not exist).
    const restore = (env: Record<string, string>) => spawnSync('sh', [`${dir}restore.sh`], { encoding: 'utf8', env: { ...base, ...env } });
    for (const [env, message] of [
      [{ RESTORE_SNAPSHOT: '--password-file=/etc/x' }, 'RESTORE_SNAPSHOT must be "latest" or a snapshot ID'],
      [{ RESTORE_SNAPSHOT: 'abc' }, 'RESTORE_SNAPSHOT must be "latest" or a snapshot ID'],
      [{ ROLLBACK_ID: "1'; DROP TABLE x; --", ROLLBACK_SNAPSHOT: '4f2a9c1e' }, 'ROLLBACK_ID must be 8-64 hex digits'],
      [{ ROLLBACK_ID: '0123456789abcdef', ROLLBACK_SNAPSHOT: 'latest' }, 'ROLLBACK_SNAPSHOT must be a snapshot ID'],
      [{ ROLLBACK_ID: '0123456789abcdef' }, 'ROLLBACK_SNAPSHOT must be a snapshot ID'],
      [{ ROLLBACK_SNAPSHOT: '4f2a9c1e' }, 'ROLLBACK_ID must be 8-64 hex digits'],
      [{ ROLLBACK_ID: '0123456789abcdef', ROLLBACK_SNAPSHOT: 'f'.repeat(65) }, 'ROLLBACK_SNAPSHOT must be a snapshot ID'],
    ] as const) {
      const r = restore(env);
      expect(r.status, JSON.stringify(env)).toBe(1);
      expect(r.stderr).toContain(message);
    }
  });
});

describe.each(ENGINES)('backup objects (%s)', (engine) => {
  const props = storeProps(engine, 'small');
  const objs = renderBackupObjects(props);
  const source = backupSource(props);
  const cron = byKind(objs, 'CronJob')[0];
  const pod = cron.spec.jobTemplate.spec.template.spec;

  it('renders deterministically', () => {
    expect(renderBackupObjects(props)).toEqual(objs);
  });

  it('validates every object, and a pod with the restore step, against the Kubernetes schemas', () => {
    const models: Record<string, new (data: any) => { validate(): void }> = { ConfigMap, CronJob, NetworkPolicy, SealedSecret };
    expect(objs.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'CronJob', 'NetworkPolicy', 'NetworkPolicy', 'SealedSecret']);
    for (const o of objs) expect(() => new models[o.kind](o).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
    const step = restoreStep(props, backupProps(), source);
    const chart = new Chart(new App(), 'pod', { disableResourceNameHashes: true });
    new k8s.KubePod(chart, 'app', { metadata: { name: 'app' }, spec: { initContainers: step.initContainers.map((c) => secured(c, 33)), containers: [{ name: 'app', image: 'x:1' }], volumes: step.volumes } });
    const [pod] = chart.toJson();
    expect(() => new Pod(pod).validate()).not.toThrow();
  });

  it('ships the scripts in the ConfigMap unchanged and runs backup.sh from it', () => {
    const cm = byKind(objs, 'ConfigMap')[0];
    for (const f of scripts) expect(cm.data[f]).toBe(readFileSync(`${dir}${f}`, 'utf8'));
    const mount = pod.containers[0].volumeMounts.find((m: any) => m.name === 'backup-scripts');
    expect(pod.containers[0].command).toEqual(['sh', `${mount.mountPath}/backup.sh`]);
    expect(pod.volumes.find((v: any) => v.name === 'backup-scripts').configMap.name).toBe(cm.metadata.name);
  });

  it("dumps with the database's own image and copies restic from the pinned restic image", () => {
    expect(pod.containers[0].image).toBe(source.image);
    expect(pod.initContainers[0].image).toBe('docker.io/restic/restic:0.18.1');
    expect(pod.initContainers[0].command).toEqual(['cp', '/usr/bin/restic', '/backup-tools/restic']);
  });

  it('passes credentials only by reference to the cluster-wide sealed backup target', () => {
    const sealed = byKind(objs, 'SealedSecret')[0];
    expect(sealed.metadata.annotations['sealedsecrets.bitnami.com/cluster-wide']).toBe('true');
    expect(sealed.spec.template.metadata.annotations['sealedsecrets.bitnami.com/cluster-wide']).toBe('true');
    expect(Object.keys(sealed.spec.encryptedData).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'RESTIC_PASSWORD']);
    const envs = pod.containers[0].env as Array<{ name: string; value?: string; valueFrom?: any }>;
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'RESTIC_PASSWORD']) {
      const e = envs.find((x) => x.name === name)!;
      expect(e.value).toBeUndefined();
      expect(e.valueFrom.secretKeyRef).toEqual({ name: sealed.metadata.name, key: name });
    }
    const pw = envs.find((x) => x.name === (engine === 'woocommerce' ? 'MYSQL_PWD' : 'PGPASSWORD'))!;
    expect(pw.valueFrom.secretKeyRef).toEqual({ name: source.password.secret, key: source.password.key });
    // No other env var carries a secret value: every plain value is one of the known settings.
    const plain = envs.filter((e) => e.value !== undefined).map((e) => e.name).sort();
    expect(plain).toEqual(
      [
        'AWS_DEFAULT_REGION', 'BACKUP_KIND', 'DB_ENGINE', 'DB_HOST', 'DB_NAME', 'DB_PORT', 'DB_USER', 'HOME', 'KEEP_DAILY', 'KEEP_MANUAL_DAYS', 'KEEP_MONTHLY', 'KEEP_WEEKLY',
        'RESTIC_BIN', 'RESTIC_CACHE_DIR', 'RESTIC_HOST', 'RESTIC_REPOSITORY',
      ].sort(),
    );
  });

  it('puts each store in its own repository under the prefix', () => {
    const repo = pod.containers[0].env.find((e: any) => e.name === 'RESTIC_REPOSITORY').value;
    expect(repo).toBe(`s3:https://s3.eu-central-1.example.com/storefleet-backups/stores/${props.store.name}`);
    expect(repositoryUrl(backupTarget({ endpoint: 'http://127.0.0.1:8333/' }), 'a')).toBe('s3:http://127.0.0.1:8333/storefleet-backups/stores/a');
  });

  it('runs one backup at a time on the plan schedule, in UTC, non-root with a read-only root filesystem', () => {
    expect(cron.spec.schedule).toBe('17 3 * * *');
    expect(cron.spec.timeZone).toBe('Etc/UTC');
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toMatchObject({ runAsUser: source.uid, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
    }
    const keep = Object.fromEntries(pod.containers[0].env.filter((e: any) => e.name.startsWith('KEEP_')).map((e: any) => [e.name, e.value]));
    expect(keep).toEqual({ KEEP_DAILY: '7', KEEP_WEEKLY: '4', KEEP_MONTHLY: '3', KEEP_MANUAL_DAYS: '30' });
  });

  it('allows backup pods exactly the database port and the backup target, and the database admits them', () => {
    const policies = byKind(objs, 'NetworkPolicy');
    const egress = policies.find((p) => p.spec.podSelector.matchLabels['app.kubernetes.io/name'] === 'backup')!;
    expect(egress.spec.policyTypes).toEqual(['Egress']);
    expect(egress.spec.egress).toEqual([
      { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': source.service, 'app.kubernetes.io/instance': props.store.name } } }], ports: [{ protocol: 'TCP', port: source.port }] },
      { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    const ingress = policies.find((p) => p.spec.podSelector.matchLabels['app.kubernetes.io/name'] === source.service)!;
    expect(ingress.spec.policyTypes).toEqual(['Ingress']);
    expect(ingress.spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'backup', 'app.kubernetes.io/instance': props.store.name } } }]);
  });

  it('manual backup: one Job per request, the backup pod with BACKUP_KIND=manual and no retention, not a hook, no TTL', () => {
    const requestedAt = '2026-12-05T12:00:00Z';
    const withJob = renderBackupObjects(props, backupProps({ manualBackup: { requestedAt } }));
    const jobs = byKind(withJob, 'Job');
    expect(jobs.map((j) => j.metadata.name)).toEqual([manualBackupJobName(requestedAt)]);
    const job = jobs[0];
    expect(job.metadata.name).toMatch(/^manual-backup-[0-9a-f]{10}$/);
    expect(() => new Job(job).validate()).not.toThrow();
    expect(job.metadata.annotations['argocd.argoproj.io/hook']).toBeUndefined();
    // A running or failed manual backup does not make the store provisioning or failed.
    expect(job.metadata.annotations['argocd.argoproj.io/ignore-healthcheck']).toBe('true');
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.BACKUP_KIND).toBe('manual');
    expect(Object.keys(env).filter((k) => k.startsWith('KEEP_'))).toEqual([]);
    // The same pod as the scheduled backup otherwise: labels (network policy), image, credentials by reference.
    const { env: cronEnv, ...cronRest } = pod.containers[0];
    const { env: jobEnv, ...jobRest } = job.spec.template.spec.containers[0];
    expect(jobRest).toEqual(cronRest);
    expect(jobEnv.filter((e: any) => e.name !== 'BACKUP_KIND')).toEqual(cronEnv.filter((e: any) => e.name !== 'BACKUP_KIND' && !e.name.startsWith('KEEP_')));
    expect(job.spec.template.metadata.labels).toEqual(cron.spec.jobTemplate.spec.template.metadata.labels);
    // A new request is a new Job; the same request renders the same one.
    const later = byKind(renderBackupObjects(props, backupProps({ manualBackup: { requestedAt: '2026-12-05T12:00:01Z' } })), 'Job');
    expect(later.map((j) => j.metadata.name)).not.toEqual(jobs.map((j) => j.metadata.name));
    expect(renderBackupObjects(props, backupProps({ manualBackup: { requestedAt } }))).toEqual(withJob);
    // No request, no Job.
    expect(byKind(objs, 'Job')).toEqual([]);
  });

  it('roll-back: the restore step gets the request as hex env data, the app its annotation and Recreate', () => {
    const rollback = { snapshot: '4f2a9c1e', requestedAt: '2026-12-05T12:00:00Z' };
    const step = restoreStep(props, backupProps({ rollback }), source);
    const restore = step.initContainers[1];
    const envOf = (c: typeof restore) => Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    expect(envOf(restore)).toMatchObject({ RESTORE_SNAPSHOT: 'latest', ROLLBACK_SNAPSHOT: '4f2a9c1e', ROLLBACK_ID: rollbackId(rollback) });
    expect(rollbackId(rollback)).toMatch(/^[0-9a-f]{16}$/);
    expect(rollbackId({ ...rollback, requestedAt: '2026-12-05T12:00:01Z' })).not.toBe(rollbackId(rollback));
    expect(restore.command).toEqual(['sh', '/opt/storefleet-backup/restore.sh']);

    const chart = new Chart(new App(), 'app', { disableResourceNameHashes: true });
    const app = appRestoreStep(chart, { ...props, backup: backupProps({ rollback }) }, source, 'wordpress');
    expect(app.podAnnotations).toEqual({ 'storefleet.dev/rollback': rollbackId(rollback) });
    expect(app.rollout).toBe('recreate');
    const plain = appRestoreStep(new Chart(new App(), 'plain'), { ...props, backup: backupProps() }, source, 'wordpress');
    expect(plain.podAnnotations).toBeUndefined();
    expect(plain.rollout).toBeUndefined();
    expect(envOf(plain.initContainers[1]).ROLLBACK_ID).toBeUndefined();
  });

  it('restore step: copies restic, then restores into an empty database only, the latest or a chosen snapshot', () => {
    const latest = restoreStep(props, backupProps(), source);
    expect(latest.initContainers.map((c) => c.name)).toEqual(['backup-tools', 'restore']);
    const restore = latest.initContainers[1];
    expect(restore.command).toEqual(['sh', '/opt/storefleet-backup/restore.sh']);
    const envOf = (c: typeof restore) => Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    expect(envOf(restore)).toMatchObject({ RESTORE_SNAPSHOT: 'latest', DB_ENGINE: source.engine });
    const chosen = restoreStep(props, backupProps({ restoreSnapshot: '4f2a9c1e' }), source);
    expect(envOf(chosen.initContainers[1])).toMatchObject({ RESTORE_SNAPSHOT: '4f2a9c1e' });
    expect(latest.volumes.map((v) => v.name)).toEqual(['backup-scripts', 'backup-tools', 'backup-tmp']);
  });

  it('allowBackupTarget lets the app component (which runs the restore step) reach the target only', () => {
    const app = new App();
    const chart = new Chart(app, 't', { disableResourceNameHashes: true });
    allowBackupTarget(chart, props, backupProps(), 'wordpress');
    const [policy] = chart.toJson() as Array<Record<string, any>>;
    expect(policy.metadata.name).toBe('allow-wordpress-to-backup-target');
    expect(policy.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
  });
});
