// kwok stages of the dev cluster beyond kwok's own defaults.
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { FAILING_BACKUP_PREFIX, FAILING_STORE_PREFIX } from './config.ts';

/**
 * Job pods that fail, on demand, so the failure paths can be tested: the smoke-test Job pods of
 * stores named `fail-*` (the PostSync hook fails as a broken image or a failed order would:
 * Argo CD's failed sync → `failed` in the dashboard), and the final-backup Job pods of stores
 * named `keep-*` (their delete stops at a failed final backup: the store stays, `failed`). Each
 * is one jq condition on the pod; kwok's own pod-complete stage is narrowed by the same
 * conditions so the two never compete.
 */
const FAILING = [
  {
    name: 'storefleet-dev-smoke-test-fails',
    when: `(.metadata.namespace | startswith("store-${FAILING_STORE_PREFIX}")) and .metadata.labels["app.kubernetes.io/component"] == "smoke-test"`,
    message: 'dev cluster: the smoke test of a fail-* store fails on purpose',
  },
  {
    name: 'storefleet-dev-final-backup-fails',
    when: `(.metadata.namespace | startswith("store-${FAILING_BACKUP_PREFIX}")) and ((.metadata.labels["job-name"] // "") | startswith("final-backup-"))`,
    message: 'dev cluster: the final backup of a keep-* store fails on purpose',
  },
];

function failingStage(f: (typeof FAILING)[number]): string {
  return `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: ${f.name}
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
    - { key: '.metadata.deletionTimestamp', operator: DoesNotExist }
    - { key: '.status.phase', operator: In, values: [Running] }
    - { key: '.metadata.ownerReferences.[].kind', operator: In, values: [Job] }
    - { key: '${f.when}', operator: In, values: ['true'] }
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
            message: ${JSON.stringify(f.message)}
            startedAt: {{ $now | Quote }}
            finishedAt: {{ $now | Quote }}
      {{ end }}
      phase: Failed
`;
}

export function withFailingSmokeTests(stages: string[]): string[] {
  let narrowed = false;
  const out = stages.map((text) => {
    const stage = parseYaml(text) as { metadata: { name: string }; spec: { selector: { matchExpressions: unknown[] } } };
    if (stage.metadata.name !== 'pod-complete') return text;
    for (const f of FAILING) stage.spec.selector.matchExpressions.push({ key: f.when, operator: 'NotIn', values: ['true'] });
    narrowed = true;
    return stringifyYaml(stage);
  });
  // Without it both stages would match a failing pod and kwok would pick one at random.
  if (!narrowed) throw new Error("kwok's pod-complete stage was not found among the default stages: check the kwok version's kustomize/stage/pod/fast");
  for (const f of FAILING) out.push(failingStage(f));
  return out;
}
