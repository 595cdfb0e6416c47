// The store's Ingress: <name>.<domain> → storefront; for Medusa also <name>-admin.<domain> →
// backend (admin at /app, Store and Admin APIs). TLS through cert-manager when configured.
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { StoreProps } from './props.ts';
import { NAMES, storeHosts, storeLabels, storeNamespace, syncWave, WAVE } from './meta.ts';
import { WORDPRESS_PORT } from './woocommerce-app.ts';
import { BACKEND_PORT, STOREFRONT_PORT } from './medusa-app.ts';

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

/** Props: StoreProps (store name, engine; site.domain, ingressClassName, tls). */
export class StoreIngress extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    const hosts = storeHosts(props);
    const rules =
      props.store.engine === 'woocommerce'
        ? [rule(hosts.storefront, NAMES.wordpress, WORDPRESS_PORT)]
        : [rule(hosts.storefront, NAMES.storefront, STOREFRONT_PORT), rule(hosts.admin, NAMES.backend, BACKEND_PORT)];
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
