// The dev cluster's stand-ins for two controllers a real cluster has and this one does not:
//  - a volume provisioner: every pending PVC of the `storefleet-dev` StorageClass gets a PV
//    pre-bound to it (a hostPath that is never mounted: kwok runs no containers), and released
//    PVs are deleted (reclaim policy Delete, as a dynamic provisioner would);
//  - an ingress controller's status writer: every Ingress gets status.loadBalancer 127.0.0.1,
//    as Traefik/ingress-nginx publish their address, so Argo CD reports it Healthy.
// Acts as soon as a watch reports a PVC, PV or Ingress change, as the real controllers do (a 2 s
// poll alone cost each store 1–2 s per wave with a volume; docs/benchmarks.md), and sweeps every
// 2 s besides; started and stopped by up.ts/down.ts like every other process.
import { kubeApi, kubeWatch } from './lib/api.ts';
import { sleep } from './lib/wait.ts';

export const STORAGE_CLASS = 'storefleet-dev';
export const PROVISIONER = 'storefleet.dev/dev-cluster';

async function provisionVolumes(): Promise<void> {
  const pvcs = await kubeApi<any>('GET', '/api/v1/persistentvolumeclaims');
  for (const pvc of pvcs.items) {
    if (pvc.status?.phase !== 'Pending' || pvc.spec.volumeName) continue;
    if ((pvc.spec.storageClassName ?? STORAGE_CLASS) !== STORAGE_CLASS) continue;
    const name = `pv-${pvc.metadata.uid}`;
    await kubeApi('POST', '/api/v1/persistentvolumes', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER }, labels: { 'storefleet.dev/dev-cluster': 'true' } },
      spec: {
        capacity: { storage: pvc.spec.resources.requests.storage },
        accessModes: pvc.spec.accessModes,
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: STORAGE_CLASS,
        volumeMode: pvc.spec.volumeMode ?? 'Filesystem',
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
        hostPath: { path: `/nonexistent/storefleet-dev/${name}` },
      },
    }).catch((err: Error) => { if (!/ 409 /.test(err.message)) throw err; });
    console.log(`${new Date().toISOString()} provisioned ${name} for ${pvc.metadata.namespace}/${pvc.metadata.name}`);
  }
  const pvs = await kubeApi<any>('GET', '/api/v1/persistentvolumes?labelSelector=storefleet.dev%2Fdev-cluster%3Dtrue');
  for (const pv of pvs.items) {
    if (pv.status?.phase === 'Released' || pv.status?.phase === 'Failed') {
      await kubeApi('DELETE', `/api/v1/persistentvolumes/${pv.metadata.name}`).catch(() => undefined);
      console.log(`${new Date().toISOString()} deleted released ${pv.metadata.name}`);
    }
  }
}

async function publishIngressStatus(): Promise<void> {
  const ingresses = await kubeApi<any>('GET', '/apis/networking.k8s.io/v1/ingresses');
  for (const ing of ingresses.items) {
    if (ing.status?.loadBalancer?.ingress?.length) continue;
    const { namespace, name } = ing.metadata;
    await kubeApi('PATCH', `/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses/${name}/status`,
      { status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } } }, 'application/merge-patch+json');
    console.log(`${new Date().toISOString()} published ingress status for ${namespace}/${name}`);
  }
}

let stopping = false;
const stopWatches = new AbortController();
// A change seen during a sweep makes the next sweep start at once; many changes in a row cost one.
let changed = false;
let wake: (() => void) | undefined;
const kick = () => { changed = true; wake?.(); };
const stop = () => { stopping = true; stopWatches.abort(); kick(); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
for (const path of ['/api/v1/persistentvolumeclaims', '/api/v1/persistentvolumes', '/apis/networking.k8s.io/v1/ingresses']) {
  kubeWatch(path, () => kick(), stopWatches.signal);
}
while (!stopping) {
  changed = false;
  for (const task of [provisionVolumes, publishIngressStatus]) {
    try {
      await task();
    } catch (err) {
      console.error(`${new Date().toISOString()} ${task.name}: ${(err as Error).message}`);
    }
  }
  if (!changed) await Promise.race([sleep(2000), new Promise<void>((resolve) => { wake = resolve; })]);
  wake = undefined;
}
