// One store workload: a Deployment (or a StatefulSet for databases) with its Service, in the
// style of cdk8s-plus — the caller says what runs; the construct adds the scaffolding and the
// secure defaults every store pod has (no service-account token, no service-link env, non-root
// pod and containers with every capability dropped, RuntimeDefault seccomp, read-only root
// filesystem, ephemeral-storage requests and limits, one replica).
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { ContainerResources, StoreProps } from '../props.ts';
import { componentLabels, selectorLabels, storeNamespace, syncWave } from '../meta.ts';
import { POD_DEFAULTS, podSecurityContext, port, securityContext } from '../container.ts';
import { boundedResources, emptyDirBytes, recordEphemeral } from './bounded.ts';

/**
 * A container as the workload runs it: its security context and its k8s resources come from the
 * workload (the plan's sizes, plus ephemeral storage derived from what it can write).
 */
export interface WorkloadContainer extends Omit<k8s.Container, 'securityContext' | 'resources'> {
  /** The plan's sizes (platform.yaml `plans.<plan>.resources.<engine>.<container>`). */
  resources: ContainerResources;
  /**
   * Default true: mount an emptyDir on each path the image writes. false only for images that
   * write next to their own files (docs/constructs.md lists them and why).
   */
  readOnlyRootFilesystem?: boolean;
}

export interface StoreWorkloadProps {
  /** Names the Service and the workload, and is the selector's app.kubernetes.io/name. */
  name: string;
  /** app.kubernetes.io/component: web, api, cache, database. */
  role: string;
  /** Argo CD sync wave of the Service and the workload (meta.ts WAVE). */
  wave: number;
  /** The port the Service exposes, same number in the container. */
  port: { name: string; number: number };
  /** The image's own non-root user: every container's runAsUser/runAsGroup and the pod's fsGroup. */
  uid: number;
  /**
   * How the single replica is replaced: "rolling" (default; a new pod is ready before the old one
   * goes), "recreate" (the old pod goes first: a ReadWriteOnce volume or a cache), "stateful"
   * (StatefulSet with a headless Service: databases).
   */
  rollout?: 'rolling' | 'recreate' | 'stateful';
  /** Annotations of the pod template: a change rolls the workload (a roll-back request does). */
  podAnnotations?: Record<string, string>;
  /** Lets a non-root process bind ports below 1024 (Apache on :80). */
  bindLowPorts?: boolean;
  initContainers?: WorkloadContainer[];
  containers: WorkloadContainer[];
  volumes?: k8s.Volume[];
}

/**
 * The container as it runs in a pod with `volumes`: the workload's security context (non-root uid,
 * nothing escalated or added, read-only root unless it says otherwise) and bounded resources.
 */
export function secured(c: WorkloadContainer, uid: number, volumes?: readonly k8s.Volume[]): k8s.Container {
  const { readOnlyRootFilesystem = true, resources, ...rest } = c;
  return {
    ...rest,
    resources: boundedResources(resources, { writableRoot: !readOnlyRootFilesystem, emptyDirBytes: emptyDirBytes(c.volumeMounts, volumes) }),
    securityContext: securityContext({ uid, readOnlyRootFilesystem }),
  };
}

/** Props: StoreProps (store identity for namespace and labels only) and StoreWorkloadProps. */
export class StoreWorkload extends Construct {
  constructor(scope: Construct, id: string, store: StoreProps, p: StoreWorkloadProps) {
    super(scope, id);
    const rollout = p.rollout ?? 'rolling';
    const namespace = storeNamespace(store.store.name);
    const labels = componentLabels(store, p.name, p.role);
    const selector = selectorLabels(store, p.name);
    const metadata = { name: p.name, namespace, labels, annotations: syncWave(p.wave) };

    new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        ...(rollout === 'stateful' ? { clusterIp: 'None' } : {}),
        selector,
        ports: [{ name: p.port.name, port: p.port.number, targetPort: port(p.port.number) }],
      },
    });

    const initContainers = p.initContainers?.map((c) => secured(c, p.uid, p.volumes));
    const containers = p.containers.map((c) => secured(c, p.uid, p.volumes));
    recordEphemeral(this, [...(initContainers ?? []), ...containers]);
    const template: k8s.PodTemplateSpec = {
      metadata: { labels, ...(p.podAnnotations ? { annotations: p.podAnnotations } : {}) },
      spec: {
        ...POD_DEFAULTS,
        securityContext: podSecurityContext({ fsGroup: p.uid, bindLowPorts: p.bindLowPorts }),
        ...(initContainers ? { initContainers } : {}),
        containers,
        ...(p.volumes ? { volumes: p.volumes } : {}),
      },
    };
    if (rollout === 'stateful') {
      new k8s.KubeStatefulSet(this, 'StatefulSet', {
        metadata,
        spec: { serviceName: p.name, replicas: 1, selector: { matchLabels: selector }, template },
      });
    } else {
      new k8s.KubeDeployment(this, 'Deployment', {
        metadata,
        spec: {
          replicas: 1,
          strategy:
            rollout === 'recreate' ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: port(1), maxUnavailable: port(0) } },
          selector: { matchLabels: selector },
          template,
        },
      });
    }
  }
}
