// A test fixture engine (never in the production registry): nginx serving its default page, with
// its own smoke test. It shows the least an engine is — one folder and one registerEngine() line —
// and e2e/extra-engine.test.ts proves that is enough (docs/engines.md walks through it).
import { Construct } from 'constructs';
import { z } from 'zod';
import { env, httpProbe, scratch, tcpProbe } from '../../../container.ts';
import { NAMES, storeHosts, WAVE } from '../../../meta.ts';
import { allowConnection, namespacePeer, StorePolicy, tcp } from '../../../kit/network-policy.ts';
import { StoreWorkload } from '../../../kit/store-workload.ts';
import { containerResources, image } from '../../schema.ts';
import type { Engine, EngineStoreProps } from '../../engine.ts';

const ID = 'static-site';
const WEB = 'web';
const PORT = 8080;
/** nginx-unprivileged's own user. */
const NGINX_UID = 101;

const images = z.strictObject({ nginx: image });
const sizes = z.strictObject({ web: containerResources, smokeTest: containerResources });
type Props = EngineStoreProps<typeof ID, z.infer<typeof images>, z.infer<typeof sizes>>;

class StaticSite extends Construct {
  constructor(scope: Construct, id: string, props: Props) {
    super(scope, id);
    const tmp = scratch('tmp', '/tmp');
    new StoreWorkload(this, 'Web', props, {
      name: WEB,
      role: 'web',
      wave: WAVE.app,
      port: { name: 'http', number: PORT },
      uid: NGINX_UID,
      containers: [
        {
          name: 'nginx',
          image: props.images[ID].nginx,
          ports: [{ name: 'http', containerPort: PORT }],
          resources: props.plan.resources[ID].web,
          readinessProbe: httpProbe('/', PORT, { period: 10, failures: 3 }),
          livenessProbe: tcpProbe(PORT, { period: 20, failures: 6 }),
          volumeMounts: [tmp.mount],
        },
      ],
      volumes: [tmp.volume],
    });
    allowConnection(this, props, WEB, PORT, [NAMES.smokeTest]);
    new StorePolicy(this, 'AllowIngressController', props, {
      name: 'allow-ingress-to-web',
      component: WEB,
      ingress: [{ from: [namespacePeer(props.site.ingressControllerNamespace)], ports: [tcp(PORT)] }],
    });
  }
}

export const staticSite: Engine<z.infer<typeof images>, z.infer<typeof sizes>> = {
  id: ID,
  label: 'Static site',
  description: 'nginx serving a static page (a test fixture engine).',
  folder: new URL('./', import.meta.url),
  imageSources: [],
  secrets: { 'store-admin': ['ADMIN_USER', 'ADMIN_PASSWORD'] },
  adminLogin: { secret: 'store-admin', userKey: 'ADMIN_USER', passwordKey: 'ADMIN_PASSWORD' },
  images,
  resources: sizes,
  storage: [],
  scripts: ['static-site-smoke-test.sh'],
  urls(name, site) {
    const storefront = `${site.scheme}://${name}.${site.domain}`;
    return { storefront, admin: storefront };
  },
  routes(props) {
    return [{ host: storeHosts(props).storefront, service: WEB, port: PORT }];
  },
  smokeTest(props) {
    return {
      script: 'static-site-smoke-test.sh',
      env: [env('SITE_URL', `http://${WEB}:${PORT}`), env('STORE_HOST', storeHosts(props).storefront)],
      resources: (props as Props).plan.resources[ID].smokeTest,
    };
  },
  build(scope, props) {
    new StaticSite(scope, 'static-site', props as Props);
  },
};
