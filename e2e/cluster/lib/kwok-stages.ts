// kwok stages of the dev cluster beyond kwok's own defaults.
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { FAILING_STORE_PREFIX } from './config.ts';

/**
 * A rollout that fails, on demand: the smoke-test Job pods of stores named `fail-*` end Failed
 * (exit code 1) instead of Succeeded, so the PostSync hook fails as a broken image or a failed
 * order would, and the failure path (Argo CD's failed sync → `failed` in the dashboard) can be
 * tested. kwok's own pod-complete stage is narrowed so the two never compete.
 */
const failingSmokeTest = `.metadata.namespace | startswith("store-${FAILING_STORE_PREFIX}")`;

export function withFailingSmokeTests(stages: string[]): string[] {
  let narrowed = false;
  const out = stages.map((text) => {
    const stage = parseYaml(text) as { metadata: { name: string }; spec: { selector: { matchExpressions: unknown[] } } };
    if (stage.metadata.name !== 'pod-complete') return text;
    stage.spec.selector.matchExpressions.push({ key: failingSmokeTest, operator: 'NotIn', values: ['true'] });
    narrowed = true;
    return stringifyYaml(stage);
  });
  // Without it both stages would match a fail-* smoke test and kwok would pick one at random.
  if (!narrowed) throw new Error("kwok's pod-complete stage was not found among the default stages: check the kwok version's kustomize/stage/pod/fast");
  out.push(`apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: storefleet-dev-smoke-test-fails
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
    - { key: '.metadata.deletionTimestamp', operator: DoesNotExist }
    - { key: '.status.phase', operator: In, values: [Running] }
    - { key: '.metadata.ownerReferences.[].kind', operator: In, values: [Job] }
    - { key: '.metadata.labels["app.kubernetes.io/component"]', operator: In, values: [smoke-test] }
    - { key: '${failingSmokeTest}', operator: In, values: ['true'] }
  next:
    statusTemplate: |
      {{ $now := Now }}
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        restartCount: 0
        started: false
        state:
          terminated:
            exitCode: 1
            reason: Error
            message: "dev cluster: the smoke test of a fail-* store fails on purpose"
            startedAt: {{ $now | Quote }}
            finishedAt: {{ $now | Quote }}
      {{ end }}
      phase: Failed
`);
  return out;
}

