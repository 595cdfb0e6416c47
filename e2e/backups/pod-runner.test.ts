// The pod runner of the backup tier runs what is rendered, with Kubernetes' semantics where the
// tier relies on them: ConfigMap and emptyDir volumes, init containers in order and stopping at
// the first failure, Service host/port resolution, secrets by reference.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPod, type PodWorld } from './pod-runner.ts';

const dir = mkdtempSync(join(tmpdir(), 'sf-pod-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const world = (o: Partial<PodWorld> = {}): PodWorld => ({
  dir,
  objects: [{ kind: 'ConfigMap', metadata: { name: 'scripts' }, data: { 'hello.sh': 'echo "hello $WHO from $DB_HOST:$DB_PORT"\n' } }],
  imageFiles: { '/usr/bin/tool': '/bin/echo' },
  services: { db: { port: 5432, host: '127.0.0.1', hostPort: 40001 } },
  secrets: { 'creds/WHO': 'secret-who' },
  ...o,
});

const pod = (commands: string[][], extra: Record<string, unknown> = {}) => ({
  initContainers: commands.slice(0, -1).map((command, i) => ({ name: `init-${i}`, command, volumeMounts: [{ name: 'shared', mountPath: '/shared' }] })),
  containers: [
    {
      name: 'main',
      command: commands.at(-1),
      env: [
        { name: 'WHO', valueFrom: { secretKeyRef: { name: 'creds', key: 'WHO' } } },
        { name: 'DB_HOST', value: 'db' },
        { name: 'DB_PORT', value: '5432' },
        { name: 'DB_ENGINE', value: 'db' }, // not a host setting: stays as it is
        { name: 'OUT', value: '/shared/out' },
      ],
      volumeMounts: [
        { name: 'scripts', mountPath: '/opt/scripts', readOnly: true },
        { name: 'shared', mountPath: '/shared' },
      ],
    },
  ],
  volumes: [{ name: 'scripts', configMap: { name: 'scripts' } }, { name: 'shared', emptyDir: {} }],
  ...extra,
});

describe('pod runner', () => {
  it('runs a ConfigMap script with secrets and services resolved', async () => {
    const runs = await runPod(pod([['sh', '/opt/scripts/hello.sh']]), world());
    expect(runs.map((r) => [r.name, r.status, r.stdout])).toEqual([['main', 0, 'hello secret-who from 127.0.0.1:40001\n']]);
  });

  it('shares emptyDirs between init containers and containers, and maps image files', async () => {
    // Paths are mapped where they are whole arguments or env values (as the rendered pods use them).
    const runs = await runPod(pod([['/usr/bin/tool', 'copied'], ['sh', '-c', 'echo from-init > "$0"', '/shared/f'], ['sh', '-c', 'cat "$0"; echo "$DB_ENGINE"', '/shared/f']]), world());
    expect(runs.map((r) => r.stdout)).toEqual(['copied\n', '', 'from-init\ndb\n']);
  });

  it('stops at the first failing init container', async () => {
    const runs = await runPod(pod([['sh', '-c', 'exit 3'], ['sh', '-c', 'echo never']]), world());
    expect(runs.map((r) => [r.name, r.status])).toEqual([['init-0', 3]]);
  });

  it('refuses a secret the test did not provide, and volumes it cannot run', async () => {
    await expect(runPod(pod([['true']]), world({ secrets: {} }))).rejects.toThrow('env WHO: secret creds/WHO is not in the test\'s secrets');
    await expect(runPod(pod([['true']], { volumes: [{ name: 'scripts', persistentVolumeClaim: { claimName: 'x' } }] }), world())).rejects.toThrow('only configMap and emptyDir volumes');
  });
});
