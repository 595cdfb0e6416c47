// One Argo CD hook Job of a store (bootstrap, smoke test): one container, never restarted in
// place, with the same secure pod and container defaults (and disk bounds) as StoreWorkload.
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { StoreProps } from '../props.ts';
import { componentLabels, hookAnnotations, storeNamespace } from '../meta.ts';
import { POD_DEFAULTS, podSecurityContext } from '../container.ts';
import { secured, type WorkloadContainer } from './store-workload.ts';
import { recordEphemeral } from './bounded.ts';

export interface StoreJobProps {
  /** The Job's name and its pods' app.kubernetes.io/name. */
  name: string;
  /** app.kubernetes.io/component. */
  role: string;
  /** The Argo CD hook that runs it; `wave` orders Sync hooks among the sync waves. */
  hook: 'Sync' | 'PostSync';
  wave?: number;
  /** Retries before the Job fails, and its deadline in seconds. */
  backoffLimit: number;
  activeDeadlineSeconds: number;
  /** The image's own non-root user. */
  uid: number;
  container: WorkloadContainer;
  volumes?: k8s.Volume[];
}

/** Props: StoreProps (store identity for namespace and labels only) and StoreJobProps. */
export class StoreJob extends Construct {
  constructor(scope: Construct, id: string, store: StoreProps, p: StoreJobProps) {
    super(scope, id);
    const labels = componentLabels(store, p.name, p.role);
    const container = secured(p.container, p.uid, p.volumes);
    recordEphemeral(this, [container]);
    new k8s.KubeJob(this, 'Resource', {
      metadata: { name: p.name, namespace: storeNamespace(store.store.name), labels, annotations: hookAnnotations(p.hook, p.wave) },
      spec: {
        backoffLimit: p.backoffLimit,
        activeDeadlineSeconds: p.activeDeadlineSeconds,
        template: {
          metadata: { labels },
          spec: {
            ...POD_DEFAULTS,
            restartPolicy: 'Never',
            securityContext: podSecurityContext({ fsGroup: p.uid }),
            containers: [container],
            ...(p.volumes ? { volumes: p.volumes } : {}),
          },
        },
      },
    });
  }
}
