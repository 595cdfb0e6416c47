// A namespace and its guardrails: Pod Security labels (required), a ResourceQuota that also caps
// LoadBalancer/NodePort Services at 0 and counts ephemeral storage, a LimitRange with
// ephemeral-storage defaults, a default-deny NetworkPolicy and, when asked, DNS egress. Stores and
// the platform both build their namespace from it.
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { port, q } from '../container.ts';
import { DEFAULT_CONTAINER_EPHEMERAL, lazyQuantity, QUOTA_HEADROOM } from './bounded.ts';
import { objectMeta, type Placement } from './placement.ts';

type Amount = string | k8s.Quantity;
const quantity = (a: Amount): k8s.Quantity => (typeof a === 'string' ? q(a) : a);

/** Pod Security: `enforce` blocks, warn and audit always report against "restricted". */
export function podSecurityLabels(enforce: 'baseline' | 'restricted'): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': enforce,
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/warn-version': 'latest',
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/audit-version': 'latest',
  };
}

const ENFORCE = 'pod-security.kubernetes.io/enforce';

export interface NamespaceGuardrailsProps {
  /** The namespace, its objects' labels and annotations. */
  placement: Placement;
  /**
   * Labels of the Namespace object itself. Must enforce Pod Security "baseline" or "restricted"
   * (podSecurityLabels()); the construct refuses anything else.
   */
  namespaceLabels: Record<string, string>;
  /** Annotations of the Namespace object only (e.g. a display name). */
  namespaceAnnotations?: Record<string, string>;
  /** ResourceQuota name and limits (k8s keys: "requests.cpu", "pods", …). LoadBalancer and NodePort Services are always 0. */
  quota: { name: string; hard: Record<string, Amount> };
  /** LimitRange name and per-container amounts (k8s keys: cpu, memory, ephemeral-storage). */
  limitRange: { name: string; defaultRequest: Record<string, Amount>; default: Record<string, Amount>; max: Record<string, Amount> };
  /** When set: the `allow-dns` policy lets every pod reach kube-dns in this namespace (UDP/TCP 53). */
  dnsNamespace?: string;
}

/**
 * Ephemeral storage the quota and limit range do not state is derived from what the chart's kit
 * workloads declare (kit/bounded.ts), so a namespace never leaves disk uncounted.
 */
export class NamespaceGuardrails extends Construct {
  constructor(scope: Construct, id: string, p: NamespaceGuardrailsProps) {
    super(scope, id);
    const enforce = p.namespaceLabels[ENFORCE];
    if (enforce !== 'baseline' && enforce !== 'restricted') {
      throw new Error(`namespace ${p.placement.namespace}: label ${ENFORCE} must be "baseline" or "restricted" (got ${JSON.stringify(enforce)})`);
    }
    const { placement } = p;
    const annotations = { ...placement.annotations, ...p.namespaceAnnotations };
    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: placement.namespace,
        labels: p.namespaceLabels,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
    });

    const hard: Record<string, k8s.Quantity> = {
      'requests.ephemeral-storage': lazyQuantity(this, (use) => use.requests * QUOTA_HEADROOM),
      'limits.ephemeral-storage': lazyQuantity(this, (use) => use.limits * QUOTA_HEADROOM),
    };
    for (const [key, value] of Object.entries(p.quota.hard)) hard[key] = quantity(value);
    hard['services.loadbalancers'] = q('0');
    hard['services.nodeports'] = q('0');
    new k8s.KubeResourceQuota(this, 'Quota', { metadata: objectMeta(placement, p.quota.name), spec: { hard } });

    const amounts = (given: Record<string, Amount>, ephemeral: k8s.Quantity) => {
      const out: Record<string, k8s.Quantity> = { 'ephemeral-storage': ephemeral };
      for (const [key, value] of Object.entries(given)) out[key] = quantity(value);
      return out;
    };
    new k8s.KubeLimitRange(this, 'Limits', {
      metadata: objectMeta(placement, p.limitRange.name),
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: amounts(p.limitRange.defaultRequest, q(DEFAULT_CONTAINER_EPHEMERAL.request)),
            default: amounts(p.limitRange.default, q(DEFAULT_CONTAINER_EPHEMERAL.limit)),
            max: amounts(p.limitRange.max, lazyQuantity(this, (use) => use.maxLimit)),
          },
        ],
      },
    });

    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: objectMeta(placement, 'default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    if (p.dnsNamespace !== undefined) {
      new k8s.KubeNetworkPolicy(this, 'AllowDns', {
        metadata: objectMeta(placement, 'allow-dns'),
        spec: { podSelector: {}, policyTypes: ['Egress'], egress: [dnsEgress(p.dnsNamespace)] },
      });
    }
  }
}

/** Egress to kube-dns in `dnsNamespace`, UDP and TCP 53. */
export function dnsEgress(dnsNamespace: string): k8s.NetworkPolicyEgressRule {
  return {
    to: [
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': dnsNamespace } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      },
    ],
    ports: [
      { protocol: 'UDP', port: port(53) },
      { protocol: 'TCP', port: port(53) },
    ],
  };
}
