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

describe('kwok stages: smoke tests of fail-* stores fail', () => {
  const out = withFailingSmokeTests([stage('pod-ready'), stage('pod-complete')]).map((t) => parse(t));
  const byName = (n: string) => out.find((s) => s.metadata.name === n);

  it("narrows kwok's pod-complete so it never completes a fail-* store's pods, and leaves the others alone", () => {
    expect(byName('pod-complete').spec.selector.matchExpressions).toContainEqual({ key: '.metadata.namespace | startswith("store-fail-")', operator: 'NotIn', values: ['true'] });
    expect(byName('pod-complete').spec.next.statusTemplate).toBe('phase: Succeeded\n');
    expect(byName('pod-ready')).toEqual(parse(stage('pod-ready')));
  });

  it('adds a stage that ends exactly those smoke-test Job pods Failed with exit code 1', () => {
    const fail = byName('storefleet-dev-smoke-test-fails');
    expect(fail.spec.selector.matchExpressions).toEqual(expect.arrayContaining([
      { key: '.metadata.namespace | startswith("store-fail-")', operator: 'In', values: ['true'] },
      { key: '.metadata.labels["app.kubernetes.io/component"]', operator: 'In', values: ['smoke-test'] },
      { key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['Job'] },
    ]));
    expect(fail.spec.next.statusTemplate).toMatch(/phase: Failed/);
    expect(fail.spec.next.statusTemplate).toMatch(/exitCode: 1/);
  });

  it("refuses stages without kwok's pod-complete (both stages would then race for the pod)", () => {
    expect(() => withFailingSmokeTests([stage('pod-ready')])).toThrow(/pod-complete/);
  });
});
