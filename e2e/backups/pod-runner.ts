// Runs the containers of a rendered pod spec natively, the way the kubelet would run them, so a
// test executes the exact commands, scripts and environment that are rendered into Git:
//   - volumes become temp dirs (a ConfigMap volume holds the rendered ConfigMap's data; an
//     emptyDir is shared by the pod's containers); command arguments and env values that are
//     paths under a mount are rewritten to that dir, and files of an image (e.g. /usr/bin/restic)
//     to the binary on this machine (paths inside a longer string are not: the rendered pods
//     pass paths as whole arguments and env values);
//   - *_HOST / *_PORT env values that name a Service resolve to the process on 127.0.0.1 (what
//     cluster DNS and the Service do);
//   - secretKeyRef values come from the test's secrets map (what the unsealed Secrets hold).
// Init containers run in order and stop the pod at the first failure, as in Kubernetes.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Obj = Record<string, any>;

export interface PodWorld {
  /** Scratch dir for the pod's volumes. */
  dir: string;
  /** The rendered objects (ConfigMaps are looked up here by name). */
  objects: Obj[];
  /** Files of the container images on this machine: image path → host path. */
  imageFiles: Record<string, string>;
  /** Service name → where it runs here; `port` is the Service port the manifests use. */
  services: Record<string, { port: number; host: string; hostPort: number }>;
  /** "<secret name>/<key>" → value. */
  secrets: Record<string, string>;
}

export interface ContainerRun {
  name: string;
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

function volumeDirs(pod: Obj, world: PodWorld): Map<string, string> {
  const base = mkdtempSync(join(world.dir, 'pod-'));
  const dirs = new Map<string, string>();
  for (const v of pod.volumes ?? []) {
    const dir = join(base, v.name);
    mkdirSync(dir, { recursive: true });
    if (v.configMap) {
      const cm = world.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === v.configMap.name);
      if (!cm) throw new Error(`pod mounts ConfigMap ${v.configMap.name}, which is not among the rendered objects`);
      for (const [file, text] of Object.entries(cm.data as Record<string, string>)) writeFileSync(join(dir, file), text, { mode: 0o444 });
    } else if (!v.emptyDir) {
      throw new Error(`volume ${v.name}: only configMap and emptyDir volumes can run natively`);
    }
    dirs.set(v.name, dir);
  }
  return dirs;
}

function pathMapper(container: Obj, dirs: Map<string, string>, world: PodWorld): (s: string) => string {
  const prefixes: Array<[string, string]> = Object.entries(world.imageFiles);
  for (const m of container.volumeMounts ?? []) {
    const dir = dirs.get(m.name);
    if (!dir) throw new Error(`container ${container.name} mounts unknown volume ${m.name}`);
    prefixes.push([m.mountPath, dir]);
  }
  prefixes.sort((a, b) => b[0].length - a[0].length);
  return (s) => {
    for (const [from, to] of prefixes) if (s === from || s.startsWith(`${from}/`)) return to + s.slice(from.length);
    return s;
  };
}

function environment(container: Obj, map: (s: string) => string, world: PodWorld): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const e of container.env ?? []) {
    if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const value = world.secrets[`${name}/${key}`];
      if (value === undefined) throw new Error(`env ${e.name}: secret ${name}/${key} is not in the test's secrets`);
      env[e.name] = value;
      continue;
    }
    let value = String(e.value);
    // Host and port settings that name a Service resolve to where it runs here (cluster DNS).
    const service = /HOST$/.test(e.name) ? world.services[value] : undefined;
    if (service) value = service.host;
    else if (/PORT$/.test(e.name)) {
      const byPort = Object.values(world.services).find((s) => String(s.port) === value);
      if (byPort) value = String(byPort.hostPort);
    }
    env[e.name] = map(value);
  }
  return env;
}

function runOne(container: Obj, dirs: Map<string, string>, world: PodWorld, extraEnv: Record<string, string>): Promise<ContainerRun> {
  const map = pathMapper(container, dirs, world);
  const [cmd, ...args] = (container.command as string[]).map(map);
  const env = { ...environment(container, map, world), ...extraEnv };
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (status) => resolve({ name: container.name, status, stdout, stderr, seconds: (Date.now() - t0) / 1000 }));
  });
}

/**
 * Runs a pod spec's init containers, then its containers, one after the other. Returns every run
 * so far; stops at the first container that fails. `extraEnv` overrides env of every container
 * (for failure tests only).
 */
export async function runPod(pod: Obj, world: PodWorld, extraEnv: Record<string, string> = {}): Promise<ContainerRun[]> {
  const dirs = volumeDirs(pod, world);
  const runs: ContainerRun[] = [];
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const r = await runOne(c, dirs, world, extraEnv);
    runs.push(r);
    if (r.status !== 0) break;
  }
  return runs;
}

/**
 * The restore step of a rendered store: the init containers of the app workload up to and
 * including "restore" (what runs before the app first touches the database), with the volumes
 * they mount, as a pod spec for runPod().
 */
export function restoreStep(rendered: Obj[]): Obj {
  const app = rendered.find((o) => o.kind === 'Deployment' && o.spec.template.spec.initContainers?.some((c: Obj) => c.name === 'restore'));
  if (!app) throw new Error('no rendered workload runs the restore step: is a backup target configured?');
  const spec = app.spec.template.spec;
  const steps = spec.initContainers.slice(0, spec.initContainers.findIndex((c: Obj) => c.name === 'restore') + 1);
  const mounted = new Set(steps.flatMap((c: Obj) => (c.volumeMounts ?? []).map((m: Obj) => m.name)));
  return { initContainers: steps, containers: [], volumes: spec.volumes.filter((v: Obj) => mounted.has(v.name)) };
}

/** The backup pod of a rendered store: the scheduled backup CronJob's pod spec. */
/** The pod spec of the rendered "Back up now" Job (manual-backup-<hash>). */
export function manualBackupPod(rendered: Obj[]): Obj {
  const jobs = rendered.filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('manual-backup-'));
  if (jobs.length !== 1) throw new Error(`expected one rendered manual-backup Job, found ${jobs.length}: does the store carry a manualBackup request?`);
  return jobs[0].spec.template.spec;
}

export function backupPod(rendered: Obj[]): Obj {
  const cron = rendered.find((o) => o.kind === 'CronJob');
  if (!cron) throw new Error('the rendered store has no backup CronJob: is a backup target configured?');
  return cron.spec.jobTemplate.spec.template.spec;
}

/** The last run, and a readable failure if any run failed. */
export function expectSuccess(runs: ContainerRun[]): ContainerRun {
  const failed = runs.find((r) => r.status !== 0);
  if (failed) throw new Error(`container ${failed.name} exited ${failed.status}:\n${failed.stderr.slice(-2000)}`);
  return runs[runs.length - 1];
}
