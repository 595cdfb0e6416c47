// One Ingress: host → in-namespace Service port rules, and TLS through cert-manager when asked
// (the issuer annotation plus a tls block for every host of the rules).
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { objectMeta, type Placement } from './placement.ts';

export interface IngressProps {
  placement: Placement;
  /** The Ingress's name. */
  name: string;
  /** spec.ingressClassName (platform.yaml site.ingressClassName). */
  className: string;
  /** host → Service and port (a number, or the Service port's name). */
  routes: ReadonlyArray<{ host: string; service: string; port: number | string }>;
  /** cert-manager: the ClusterIssuer and the Secret it writes the certificate into. Omitted: plain http. */
  tls?: { clusterIssuer: string; secretName: string };
}

export class Ingress extends Construct {
  constructor(scope: Construct, id: string, p: IngressProps) {
    super(scope, id);
    const rules: k8s.IngressRule[] = p.routes.map((r) => ({
      host: r.host,
      http: {
        paths: [
          {
            path: '/',
            pathType: 'Prefix',
            backend: { service: { name: r.service, port: typeof r.port === 'number' ? { number: r.port } : { name: r.port } } },
          },
        ],
      },
    }));
    new k8s.KubeIngress(this, 'Resource', {
      metadata: objectMeta(p.placement, p.name, p.tls ? { 'cert-manager.io/cluster-issuer': p.tls.clusterIssuer } : {}),
      spec: {
        ingressClassName: p.className,
        rules,
        ...(p.tls ? { tls: [{ hosts: p.routes.map((r) => r.host), secretName: p.tls.secretName }] } : {}),
      },
    });
  }
}
