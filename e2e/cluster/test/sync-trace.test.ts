import { describe, expect, it } from 'vitest';
import { segments, timeline, type ArgoTrace, type ObjectTrace } from '../lib/sync-trace.ts';

// One store's sync as the bench stamps it (ms after POST): a Namespace and a SealedSecret in
// wave -1, a StatefulSet with its pod in wave 0, a PostSync Job with its pod.
const t = (o: Partial<ObjectTrace> & Pick<ObjectTrace, 'kind' | 'name' | 'added'>): ObjectTrace => ({ tracked: true, wave: 0, ...o });
const objs: ObjectTrace[] = [
  t({ kind: 'Namespace', name: 'store-a', wave: -1, added: 500, healthy: 500 }),
  t({ kind: 'SealedSecret', name: 'db', wave: -1, added: 1500, healthy: 1600 }),
  t({ kind: 'ConfigMap', name: 'kube-root-ca.crt', tracked: false, added: 510, healthy: 510 }),
  t({ kind: 'StatefulSet', name: 'mariadb', added: 1800, healthy: 2500 }),
  t({ kind: 'Pod', name: 'mariadb-0', tracked: false, owner: 'StatefulSet/mariadb', added: 1850, scheduled: 2300, running: 2400, healthy: 2400 }),
  t({ kind: 'Job', name: 'smoke-test', hook: 'PostSync', added: 2700, healthy: 3800 }),
  t({ kind: 'Pod', name: 'smoke-test-x', tracked: false, owner: 'Job/smoke-test', added: 2710, scheduled: 2720, running: 2780, healthy: 2780 }),
];
const argo: ArgoTrace = { created: 300, syncStarted: 400, argoReady: 4000, messages: [{ at: 900, phase: 'Running', message: 'waiting for healthy state of /Namespace/store-a' }] };

describe('segments', () => {
  const parts = segments(0, 4200, argo, objs);

  it('split POST → Ready into consecutive stretches that add up to the whole', () => {
    expect(parts.reduce((a, p) => a + p.ms, 0)).toBe(4200);
    expect(parts.every((p) => p.ms >= 0)).toBe(true);
  });

  it('order the steps by wave, hook phases last, and name the object each step waited for', () => {
    const labels = parts.map((p) => p.label);
    expect(labels.findIndex((l) => l.startsWith('wave -1'))).toBeLessThan(labels.findIndex((l) => l.startsWith('wave 0')));
    expect(labels.findIndex((l) => l.startsWith('wave 0'))).toBeLessThan(labels.findIndex((l) => l.startsWith('PostSync')));
    expect(labels).toContain('wave -1: Namespace created → the rest applied (Argo CD: a dry run of every resource, the next pass)');
    expect(parts.find((p) => p.label.startsWith('wave -1: Namespace'))!.ms).toBe(1000);
    expect(labels).toContain('wave 0 (StatefulSet/mariadb): healthy → PostSync applied (Argo CD)');
    expect(parts.find((p) => p.label === 'PostSync (Job/smoke-test): pod running or complete → healthy (controllers)')!.ms).toBe(1020);
  });

  it("count only pod scheduled → running as kwok's (the containers' start)", () => {
    expect(parts.filter((p) => p.kwok).map((p) => p.ms)).toEqual([100, 60]);
  });

  it('key a stretch without its object name, so stores of one engine line up', () => {
    const part = parts.find((p) => p.label.startsWith('wave 0 (StatefulSet/mariadb): last applied'))!;
    expect(part.key).toBe('wave 0: last applied → pod scheduled (controllers, scheduler, volume binding)');
  });
});

describe('timeline', () => {
  it('lists every stamped moment in order, relative to POST', () => {
    const lines = timeline(0, argo, objs);
    expect(lines[0]).toBe('  0.30s Argo CD: Application created');
    expect(lines.at(-1)).toBe('  4.00s Argo CD: Synced + Healthy + Succeeded');
    expect(lines).toContain('  2.30s Pod/mariadb-0 scheduled');
  });
});
