// Persistent volume claims for store data.
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { StoreProps } from './props.ts';
import { componentLabels, KEEP_ON_PRUNE, storeNamespace, syncWave } from './meta.ts';
import { q } from './container.ts';

export interface DataVolumeProps {
  name: string;
  component: string;
  size: string;
  wave: number;
}

/** A ReadWriteOnce PVC that Argo CD never prunes; it goes away with the namespace. */
export class DataVolume extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps, v: DataVolumeProps) {
    super(scope, id);
    new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: {
        name: v.name,
        namespace: storeNamespace(props.store.name),
        labels: componentLabels(props, v.component, 'data'),
        annotations: { ...syncWave(v.wave), ...KEEP_ON_PRUNE },
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: q(v.size) } },
        ...(props.site.storageClassName ? { storageClassName: props.site.storageClassName } : {}),
      },
    });
  }
}
