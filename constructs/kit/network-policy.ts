// NetworkPolicy building blocks. The namespace denies everything by default (NamespaceGuardrails);
// each component adds the narrow allows it needs, named after what they allow.
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { StoreProps } from '../props.ts';
import { storePlacement, WAVE, selectorLabels } from '../meta.ts';
import { port } from '../container.ts';
import { objectMeta, type Placement } from './placement.ts';

/**
 * Private, loopback, link-local, carrier-grade NAT and multicast ranges. Internet egress excludes
 * them, so a store cannot reach other stores, cluster services or cloud metadata endpoints.
 */
export const NON_PUBLIC_IPV4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
] as const;

export interface NetworkPolicyProps {
  placement: Placement;
  /** Object name, named after what it allows, e.g. "allow-wordpress-to-mariadb". */
  name: string;
  /** Labels of the pods the policy selects. */
  podSelector: Record<string, string>;
  /** Each given list adds its policy type; an empty list denies that direction. */
  ingress?: k8s.NetworkPolicyIngressRule[];
  egress?: k8s.NetworkPolicyEgressRule[];
}

/** One NetworkPolicy selecting some pods of the namespace. */
export class NetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, p: NetworkPolicyProps) {
    super(scope, id);
    const policyTypes: string[] = [];
    if (p.ingress) policyTypes.push('Ingress');
    if (p.egress) policyTypes.push('Egress');
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: objectMeta(p.placement, p.name),
      spec: {
        podSelector: { matchLabels: p.podSelector },
        policyTypes,
        ...(p.ingress ? { ingress: p.ingress } : {}),
        ...(p.egress ? { egress: p.egress } : {}),
      },
    });
  }
}

export interface PolicyProps {
  /** Object name, e.g. "allow-wordpress-to-mariadb". */
  name: string;
  /** Component the policy selects (its selector labels). */
  component: string;
  ingress?: k8s.NetworkPolicyIngressRule[];
  egress?: k8s.NetworkPolicyEgressRule[];
}

/** A NetworkPolicy of a store: in its namespace, sync wave -1, selecting one component. */
export class StorePolicy extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps, p: PolicyProps) {
    super(scope, id);
    new NetworkPolicy(this, 'Policy', {
      placement: storePlacement(props, WAVE.guardrails),
      name: p.name,
      podSelector: selectorLabels(props, p.component),
      ingress: p.ingress,
      egress: p.egress,
    });
  }
}

/** Peer: every pod of another namespace, by its name. */
export function namespacePeer(namespace: string): k8s.NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } };
}

/** Peer: pods of a component in the same namespace. */
export function podsOf(props: StoreProps, component: string): k8s.NetworkPolicyPeer {
  return { podSelector: { matchLabels: selectorLabels(props, component) } };
}

export function tcp(p: number): k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: port(p) };
}

/** Egress to public addresses only, HTTP(S). */
export function publicInternetEgress(): k8s.NetworkPolicyEgressRule {
  return {
    to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...NON_PUBLIC_IPV4] } }],
    ports: [tcp(80), tcp(443)],
  };
}

/**
 * Traffic between two components: ingress on the server, egress on each client. Both sides are
 * needed because the namespace denies ingress and egress by default.
 */
export function allowConnection(
  scope: Construct,
  props: StoreProps,
  server: string,
  serverPort: number,
  clients: readonly string[],
): void {
  new StorePolicy(scope, `Allow${server}From`, props, {
    name: `allow-to-${server}`,
    component: server,
    ingress: [{ from: clients.map((c) => podsOf(props, c)), ports: [tcp(serverPort)] }],
  });
  for (const client of clients) {
    new StorePolicy(scope, `Allow${client}To${server}`, props, {
      name: `allow-${client}-to-${server}`,
      component: client,
      egress: [{ to: [podsOf(props, server)], ports: [tcp(serverPort)] }],
    });
  }
}
