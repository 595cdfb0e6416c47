import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { withFailingSmokeTests } from '../lib/kwok-stages.ts';

const stage = (name: string) => `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: ${name}
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
    - { key: '.status.phase', operator: In, values: [Running] }
  next:
    statusTemplate: |
      phase: Succeeded
`;

const SMOKE = '(.metadata.namespace | startswith("store-fail-")) and .metadata.labels["app.kubernetes.io/component"] == "smoke-test"';
const FINAL = '(.metadata.namespace | startswith("store-keep-")) and ((.metadata.labels["job-name"] // "") | startswith("final-backup-"))';

describe('kwok stages: smoke tests of fail-* stores and final backups of keep-* stores fail', () => {
  const out = withFailingSmokeTests([stage('pod-ready'), stage('pod-complete')]).map((t) => parse(t));
  const byName = (n: string) => out.find((s) => s.metadata.name === n);

  it("narrows kwok's pod-complete so it never completes those pods, and leaves the others alone", () => {
    expect(byName('pod-complete').spec.selector.matchExpressions).toEqual(
      expect.arrayContaining([
        { key: SMOKE, operator: 'NotIn', values: ['true'] },
        { key: FINAL, operator: 'NotIn', values: ['true'] },
      ]),
    );
    expect(byName('pod-complete').spec.next.statusTemplate).toBe('phase: Succeeded\n');
    expect(byName('pod-ready')).toEqual(parse(stage('pod-ready')));
  });

  it.each([
    ['storefleet-dev-smoke-test-fails', SMOKE],
    ['storefleet-dev-final-backup-fails', FINAL],
  ])('adds %s, which ends exactly those Job pods Failed with exit code 1', (name, when) => {
    const fail = byName(name);
    expect(fail.spec.selector.matchExpressions).toEqual(expect.arrayContaining([
      { key: when, operator: 'In', values: ['true'] },
      { key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['Job'] },
    ]));
    expect(fail.spec.next.statusTemplate).toMatch(/phase: Failed/);
    expect(fail.spec.next.statusTemplate).toMatch(/exitCode: 1/);
  });

  it("refuses stages without kwok's pod-complete (both stages would then race for the pod)", () => {
    expect(() => withFailingSmokeTests([stage('pod-ready')])).toThrow(/pod-complete/);
  });
});
