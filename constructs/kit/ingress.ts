// The store's Ingress: the engine's routes (host → Service port), TLS through cert-manager when
// configured.
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { StoreProps } from '../props.ts';
import { NAMES, storeLabels, storeNamespace, syncWave, WAVE } from '../meta.ts';
import type { IngressRoute } from '../engines/engine.ts';

/** Name of the TLS secret cert-manager fills when platform.yaml does not name one. */
export const DEFAULT_TLS_SECRET = 'store-tls';

function rule(host: string, service: string, servicePort: number): k8s.IngressRule {
  return {
    host,
    http: {
      paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: servicePort } } } }],
    },
  };
}

/** Props: StoreProps (store name and labels; site.ingressClassName, tls) and the engine's routes. */
export class StoreIngress extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps, routes: readonly IngressRoute[]) {
    super(scope, id);
    const rules = routes.map((r) => rule(r.host, r.service, r.port));
    const tls = props.site.tls;
    const annotations: Record<string, string> = { ...syncWave(WAVE.ingress) };
    if (tls.mode === 'cert-manager') annotations['cert-manager.io/cluster-issuer'] = tls.clusterIssuer;

    new k8s.KubeIngress(this, 'Resource', {
      metadata: { name: NAMES.ingress, namespace: storeNamespace(props.store.name), labels: storeLabels(props), annotations },
      spec: {
        ingressClassName: props.site.ingressClassName,
        rules,
        ...(tls.mode === 'cert-manager'
          ? { tls: [{ hosts: rules.map((r) => r.host as string), secretName: tls.secretName ?? DEFAULT_TLS_SECRET }] }
          : {}),
      },
    });
  }
}
