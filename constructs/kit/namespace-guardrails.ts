// The store namespace and its guardrails: pod-security and platform labels, quota, limit range,
// default-deny network policies and DNS egress.
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { StoreProps } from '../props.ts';
import { NAMES, storeLabels, storeNamespace, syncWave, WAVE } from '../meta.ts';
import { port, q } from '../container.ts';
import { DEFAULT_CONTAINER_EPHEMERAL, lazyQuantity, QUOTA_HEADROOM } from './bounded.ts';

/** Labels of the Namespace: Pod Security (enforce baseline, warn/audit restricted) + platform. */
export function namespaceLabels(props: StoreProps): Record<string, string> {
  return {
    ...storeLabels(props),
    'pod-security.kubernetes.io/enforce': 'baseline',
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/warn-version': 'latest',
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/audit-version': 'latest',
  };
}

/**
 * Props: the whole StoreProps; uses store identity (names, labels), plan.quota, plan.limitRange,
 * site.dnsNamespace. The Namespace carries the display name as an annotation only.
 */
export class StoreNamespace extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    const namespace = storeNamespace(props.store.name);
    const labels = storeLabels(props);
    const annotations = syncWave(WAVE.guardrails);
    const { quota, limitRange } = props.plan;

    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: namespace,
        labels: namespaceLabels(props),
        annotations: {
          ...annotations,
          'storefleet.dev/display-name': props.store.displayName,
          'storefleet.dev/plan': props.store.plan,
          'storefleet.dev/created-at': props.store.createdAt,
        },
      },
    });

    new k8s.KubeResourceQuota(this, 'Quota', {
      metadata: { name: NAMES.quota, namespace, labels, annotations },
      spec: {
        hard: {
          'requests.cpu': q(quota.requestsCpu),
          'requests.memory': q(quota.requestsMemory),
          'limits.cpu': q(quota.limitsCpu),
          'limits.memory': q(quota.limitsMemory),
          pods: q(String(quota.pods)),
          persistentvolumeclaims: q(String(quota.persistentVolumeClaims)),
          'requests.storage': q(quota.requestsStorage),
          // Counted so one store cannot fill a node's disk; derived from what the store's
          // containers declare unless the plan says (kit/bounded.ts).
          'requests.ephemeral-storage': quota.requestsEphemeralStorage
            ? q(quota.requestsEphemeralStorage)
            : lazyQuantity(this, (use) => use.requests * QUOTA_HEADROOM),
          'limits.ephemeral-storage': quota.limitsEphemeralStorage
            ? q(quota.limitsEphemeralStorage)
            : lazyQuantity(this, (use) => use.limits * QUOTA_HEADROOM),
          'services.loadbalancers': q('0'),
          'services.nodeports': q('0'),
        },
      },
    });

    new k8s.KubeLimitRange(this, 'Limits', {
      metadata: { name: NAMES.limits, namespace, labels, annotations },
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: {
              cpu: q(limitRange.defaultRequest.cpu),
              memory: q(limitRange.defaultRequest.memory),
              'ephemeral-storage': q(limitRange.defaultRequest.ephemeralStorage ?? DEFAULT_CONTAINER_EPHEMERAL.request),
            },
            default: {
              cpu: q(limitRange.default.cpu),
              memory: q(limitRange.default.memory),
              'ephemeral-storage': q(limitRange.default.ephemeralStorage ?? DEFAULT_CONTAINER_EPHEMERAL.limit),
            },
            max: {
              cpu: q(limitRange.max.cpu),
              memory: q(limitRange.max.memory),
              'ephemeral-storage': limitRange.max.ephemeralStorage ? q(limitRange.max.ephemeralStorage) : lazyQuantity(this, (use) => use.maxLimit),
            },
          },
        ],
      },
    });

    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny', namespace, labels, annotations },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    new k8s.KubeNetworkPolicy(this, 'AllowDns', {
      metadata: { name: 'allow-dns', namespace, labels, annotations },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.site.dnsNamespace } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: port(53) },
              { protocol: 'TCP', port: port(53) },
            ],
          },
        ],
      },
    });
  }
}
