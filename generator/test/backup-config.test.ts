// platform.yaml's backup section: optional (a platform.yaml without it is unchanged), strict,
// credentials only as cluster-wide sealed values made by `storefleet seal-backup-credentials`.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parsePlatform } from '../platform.ts';
import { storeBackupProps } from '../backup-config.ts';
import { renderStore } from '../render.ts';
import { parseStoreSpec } from '../spec.ts';
import { manualBackupJobName, rollbackId } from '../../constructs/backup/backup.ts';
import { unsealClusterWide } from '../sealing.ts';
import { checkRepo } from '../check.ts';
import { storeDir } from '../layout.ts';
import { platformErrors, runCli, spec, TEMPLATE_PLATFORM_TEXT, testKeyPair, testPlatform } from './helpers.ts';
import { finalBackupJobName } from '../../constructs/backup/backup.ts';

const F = 'platform.yaml';
const fakeSealed = () => randomBytes(2 + 256 + 40).toString('base64');

const TARGET = () => ({
  target: {
    endpoint: 'http://127.0.0.1:16333',
    bucket: 'storefleet-backups',
    region: 'us-east-1',
    egress: { cidrs: ['127.0.0.1/32'], ports: [16333] },
    credentials: { AWS_ACCESS_KEY_ID: fakeSealed(), AWS_SECRET_ACCESS_KEY: fakeSealed(), RESTIC_PASSWORD: fakeSealed() },
  },
  image: 'docker.io/restic/restic:0.18.1',
  finalBackupRetentionDays: 30,
});
const POLICY = { schedule: '17 3 * * *', keep: { daily: 7, weekly: 4, monthly: 0 } };

/** The template with backups configured for every plan, then `edits` applied (undefined deletes). */
function withBackup(edits: Array<[(string | number)[], unknown]> = [], target: unknown = TARGET()): string {
  const doc = parseDocument(TEMPLATE_PLATFORM_TEXT);
  doc.setIn(['backup'], doc.createNode(target));
  for (const plan of ['small', 'medium', 'large']) doc.setIn(['plans', plan, 'backup'], doc.createNode(POLICY));
  for (const [path, value] of edits) {
    if (value === undefined) doc.deleteIn(path);
    else doc.setIn(path, doc.createNode(value));
  }
  return doc.toString();
}

const MANUAL_DAYS = 'expected a whole number of days from 1 to 3650 (how long a manual backup is kept)';
const errorsOf = (text: string) => platformErrors(text, F);

describe('platform.yaml backup section', () => {
  it('is optional: the template has none and its stores get no backup props', () => {
    const p = parsePlatform(TEMPLATE_PLATFORM_TEXT);
    expect(p.backup).toBeUndefined();
    expect(storeBackupProps(p, 'small')).toBeUndefined();
  });

  it('gives each plan its schedule and retention, with the target, defaults filled in', () => {
    const p = parsePlatform(withBackup([[['plans', 'large', 'backup', 'schedule'], '0 */6 * * *']]));
    const small = storeBackupProps(p, 'small')!;
    expect(small.target).toMatchObject({ endpoint: 'http://127.0.0.1:16333', bucket: 'storefleet-backups', prefix: 'stores', image: 'docker.io/restic/restic:0.18.1' });
    expect(small.policy).toEqual({ ...POLICY, resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } } });
    expect(storeBackupProps(p, 'large')!.policy.schedule).toBe('0 */6 * * *');
    expect(p.backup!.finalBackupRetentionDays).toBe(30);
    // Manual snapshots are kept 30 days unless platform.yaml says otherwise.
    expect(small.manualRetentionDays).toBe(30);
    expect(storeBackupProps(parsePlatform(withBackup([[['backup', 'manualBackupRetentionDays'], 7]])), 'small')!.manualRetentionDays).toBe(7);
  });

  const bad: Array<[string, Array<[(string | number)[], unknown]>, string]> = [
    ['a plaintext secret key', [[['backup', 'target', 'credentials', 'AWS_SECRET_ACCESS_KEY'], 'PlainSecretKeyNotSealed1234']], `${F}: backup.target.credentials.AWS_SECRET_ACCESS_KEY: too short for a sealed value: seal it with \`storefleet seal-backup-credentials\`, never paste the plain credential`],
    ['a password with spaces', [[['backup', 'target', 'credentials', 'RESTIC_PASSWORD'], 'correct horse battery staple']], `${F}: backup.target.credentials.RESTIC_PASSWORD: expected a sealed value (base64): seal it with \`storefleet seal-backup-credentials\`, never paste the plain credential`],
    ['a missing credential', [[['backup', 'target', 'credentials', 'AWS_ACCESS_KEY_ID'], undefined]], `${F}: backup.target.credentials.AWS_ACCESS_KEY_ID: is required`],
    ['an unknown credential', [[['backup', 'target', 'credentials', 'TOKEN'], fakeSealed()]], `${F}: backup.target.credentials.TOKEN: unknown field`],
    ['a plan without a policy', [[['plans', 'medium', 'backup'], undefined]], `${F}: plans.medium.backup: is required when \`backup\` sets a target (schedule and keep)`],
    ['a bad schedule', [[['plans', 'small', 'backup', 'schedule'], 'daily']], `${F}: plans.small.backup.schedule: expected a cron expression of five fields, e.g. "17 3 * * *" (UTC)`],
    ['keeping nothing', [[['plans', 'small', 'backup', 'keep'], { daily: 0, weekly: 0, monthly: 0 }]], `${F}: plans.small.backup.keep: keep at least one snapshot (daily, weekly or monthly above 0)`],
    ['a bad bucket', [[['backup', 'target', 'bucket'], 'My_Bucket']], `${F}: backup.target.bucket: expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)`],
    ['a bad endpoint', [[['backup', 'target', 'endpoint'], 'ftp://s3.example.com']], `${F}: backup.target.endpoint: expected the S3 endpoint URL, e.g. "https://s3.eu-central-1.amazonaws.com"`],
    ['an egress that is not a CIDR', [[['backup', 'target', 'egress', 'cidrs'], ['s3.example.com']]], `${F}: backup.target.egress.cidrs[0]: expected a CIDR such as "52.219.0.0/16"`],
    ['an unpinned restic image', [[['backup', 'image'], 'docker.io/restic/restic:latest']], `${F}: backup.image: image tag "latest" is not allowed: pin an exact version`],
    ['a manual retention of 0 days', [[['backup', 'manualBackupRetentionDays'], 0]], `${F}: backup.manualBackupRetentionDays: ${MANUAL_DAYS}`],
    ['a manual retention in hours', [[['backup', 'manualBackupRetentionDays'], '48h']], `${F}: backup.manualBackupRetentionDays: ${MANUAL_DAYS}`],
    ['a manual retention of a fraction', [[['backup', 'manualBackupRetentionDays'], 1.5]], `${F}: backup.manualBackupRetentionDays: ${MANUAL_DAYS}`],
    ['a manual retention over ten years', [[['backup', 'manualBackupRetentionDays'], 3651]], `${F}: backup.manualBackupRetentionDays: ${MANUAL_DAYS}`],
    ['a prefix with ..', [[['backup', 'target', 'prefix'], '../other']], `${F}: backup.target.prefix: expected a key prefix such as "stores" (lowercase path segments)`],
  ];
  it.each(bad)('refuses %s with a clear message', (_what, edits, message) => {
    expect(errorsOf(withBackup(edits))).toEqual([message]);
  });

  it('refuses a plan policy without a target', () => {
    const doc = parseDocument(TEMPLATE_PLATFORM_TEXT);
    doc.setIn(['plans', 'small', 'backup'], doc.createNode(POLICY));
    expect(errorsOf(doc.toString())).toEqual([`${F}: plans.small.backup: has no target: add the top-level \`backup\` section`]);
  });

  it('refuses an http target for an https site', () => {
    const text = withBackup([
      [['site', 'scheme'], 'https'],
      [['site', 'tls'], { mode: 'cert-manager', clusterIssuer: 'letsencrypt' }],
    ]);
    expect(errorsOf(text)).toEqual([`${F}: backup.target.endpoint: site scheme is "https": the backup target must be https too`]);
  });
});

describe('rendering with a backup target', () => {
  it.each(['woocommerce', 'medusa'])('a %s store gets its backup CronJob and the sealed target; the template renders none', async (engine) => {
    const platform = await testPlatform();
    const withTarget = { ...platform, config: parsePlatform(withBackup()) };
    const files = [...renderStore({ spec: spec({ engine }), platform: withTarget }).files.keys()].map((f) => f.split('/').pop());
    expect(files).toEqual(expect.arrayContaining(['cronjob-backup.yaml', 'configmap-backup-scripts.yaml', 'sealedsecret-backup-target.yaml']));
    const plain = [...renderStore({ spec: spec({ engine }), platform }).files.keys()].join('\n');
    expect(plain).not.toContain('backup');
  });

  it('writes the schedule and retention of the store\'s plan, and only ciphertext', async () => {
    const platform = await testPlatform();
    const config = parsePlatform(withBackup([[['plans', 'medium', 'backup', 'schedule'], '5 1 * * *']]));
    const { files } = renderStore({ spec: spec({ plan: 'medium' }), platform: { ...platform, config } });
    const cron = [...files].find(([f]) => f.endsWith('/cronjob-backup.yaml'))![1];
    expect(cron).toContain("schedule: 5 1 * * *");
    expect(cron).toMatch(/- name: KEEP_MANUAL_DAYS\n\s+value: '30'\n/);
    const sealed = [...files].find(([f]) => f.endsWith('/sealedsecret-backup-target.yaml'))![1];
    for (const v of Object.values(config.backup!.target.credentials)) expect(sealed).toContain(v);
  });
});

describe('a store marked for deletion (store.yaml `deleting`)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const deleting = { requestedAt: '2026-12-05T12:00:00Z', by: 'alice' };

  it('renders only the database and the final-backup Job with a target; as before without one', async () => {
    const platform = await testPlatform();
    const config = parsePlatform(withBackup());
    const marked = renderStore({ spec: spec({ engine: 'woocommerce', deleting }), platform: { ...platform, config } }).files;
    const names = [...marked.keys()].map((f) => f.split('/').pop());
    expect(names).toContain(`job-${finalBackupJobName(deleting.requestedAt)}.yaml`);
    expect(names.filter((n) => /^(deployment|ingress|cronjob)-/.test(n!))).toEqual([]);
    expect(names).toContain('statefulset-mariadb.yaml');
    expect([...marked].find(([f]) => f.endsWith('/store.yaml'))![1]).toContain('deleting:\n  requestedAt: "2026-12-05T12:00:00Z"\n  by: "alice"\n');
    // Without a target nothing waits for a backup: the mark changes store.yaml only.
    const plain = renderStore({ spec: spec({ engine: 'woocommerce', deleting }), platform }).files;
    const unmarked = renderStore({ spec: spec({ engine: 'woocommerce' }), platform }).files;
    expect([...plain.keys()]).toEqual([...unmarked.keys()]);
  });

  it('passes `storefleet check` once rendered; a hand-added mark without a render does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-final-'));
    dirs.push(dir);
    const r = join(dir, 'gitops');
    expect((await runCli('init', r)).code).toBe(0);
    writeFileSync(join(r, 'sealing', 'cert.pem'), (await testKeyPair()).certificatePem);
    writeFileSync(join(r, 'platform.yaml'), withBackup());
    expect((await runCli('new', r, '--name', 'going', '--engine', 'medusa')).code).toBe(0);
    const file = join(r, storeDir('going'), 'store.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}deleting:\n  requestedAt: "2026-12-05T12:00:00Z"\n  by: "alice"\n`);
    expect(checkRepo(r).problems.length).toBeGreaterThan(0);
    expect((await runCli('render', r)).code).toBe(0);
    expect(checkRepo(r).problems).toEqual([]);
    expect(readdirSync(join(r, storeDir('going'), 'manifests'))).toContain(`job-${finalBackupJobName('2026-12-05T12:00:00Z')}.yaml`);
  });
});

describe('rendering backup requests of store.yaml', () => {
  const requests = { manualBackup: { requestedAt: '2026-12-05T11:00:00Z', by: 'alice' }, rollback: { snapshot: '4f2a9c1e', requestedAt: '2026-12-05T12:00:00Z', by: 'root' } };

  it('"Back up now" renders one manual-backup Job; a roll-back annotates the app pod; store.yaml keeps both', async () => {
    const platform = await testPlatform();
    const withTarget = { ...platform, config: parsePlatform(withBackup()) };
    const { files } = renderStore({ spec: spec({ engine: 'medusa', ...requests }), platform: withTarget });
    const names = [...files.keys()].map((f) => f.split('/').pop()!);
    expect(names.filter((n) => n.startsWith('job-manual-backup-'))).toEqual([`job-${manualBackupJobName(requests.manualBackup.requestedAt)}.yaml`]);
    const backend = [...files].find(([f]) => f.endsWith('/deployment-medusa-backend.yaml'))![1];
    expect(backend).toContain(`storefleet.dev/rollback: ${rollbackId(requests.rollback)}`);
    expect(backend).toContain('type: Recreate');
    const storeYaml = [...files].find(([f]) => f.endsWith('/store.yaml'))![1];
    expect(parseStoreSpec(storeYaml, 'store.yaml')).toEqual(spec({ engine: 'medusa', ...requests }));
    // The requests are not part of the store's identity: nothing else of the store changes.
    const plain = renderStore({ spec: spec({ engine: 'medusa' }), platform: withTarget, existing: files }).files;
    const changed = [...files.keys()].filter((f) => plain.get(f) !== files.get(f)).map((f) => f.split('/').pop());
    expect(changed.sort()).toEqual(['deployment-medusa-backend.yaml', names.find((n) => n.startsWith('job-manual-backup-')), 'store.yaml'].sort());
  });

  it('without a backup target the requests render nothing (there is nothing to run them against)', async () => {
    const platform = await testPlatform();
    const files = [...renderStore({ spec: spec(requests), platform }).files];
    expect(files.filter(([f]) => !f.endsWith('/store.yaml')).map(([, text]) => text).join('\n')).not.toMatch(/manual-backup|storefleet\.dev\/rollback|ROLLBACK/);
  });
});

describe('storefleet seal-backup-credentials', () => {
  const dirs: string[] = [];
  const saved = { ...process.env };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'RESTIC_PASSWORD']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  const run = runCli;

  async function repo(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'sf-seal-'));
    dirs.push(dir);
    const r = join(dir, 'gitops');
    expect((await run('init', r)).code).toBe(0);
    writeFileSync(join(r, 'sealing', 'cert.pem'), (await testKeyPair()).certificatePem);
    return r;
  }

  it('seals the values from the environment cluster-wide; the output parses in platform.yaml and holds no plaintext', async () => {
    const plain = { AWS_ACCESS_KEY_ID: `AK${randomBytes(8).toString('hex')}`, AWS_SECRET_ACCESS_KEY: randomBytes(24).toString('base64'), RESTIC_PASSWORD: randomBytes(16).toString('hex') };
    Object.assign(process.env, plain);
    const r = await run('seal-backup-credentials', await repo());
    expect(r.code).toBe(0);
    for (const v of Object.values(plain)) expect(r.out + r.err).not.toContain(v);
    const credentials = parseDocument(r.out).toJS().credentials as Record<string, string>;
    const p = parsePlatform(withBackup([], { ...TARGET(), target: { ...TARGET().target, credentials } }));
    const { privateKeyPem } = await testKeyPair();
    for (const [k, v] of Object.entries(plain)) expect(unsealClusterWide(privateKeyPem, p.backup!.target.credentials[k as keyof typeof plain])).toBe(v);
  });

  it('takes values from the environment only and names what is missing', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.RESTIC_PASSWORD;
    process.env.AWS_SECRET_ACCESS_KEY = 'x';
    const r = await run('seal-backup-credentials', await repo());
    expect(r.code).toBe(2);
    expect(r.err).toContain('set AWS_ACCESS_KEY_ID, RESTIC_PASSWORD in the environment (never as arguments)');
    expect(r.out).toBe('');
  });
});
