// The store's secrets, rendered only as SealedSecrets (bitnami.com/v1alpha1, strict scope: the
// ciphertext is bound to namespace + name, which spec.template.metadata repeats).
import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import type { SealedData, StoreProps } from '../props.ts';
import { engineOf } from '../engines/index.ts';
import { storeLabels, storeNamespace, syncWave, WAVE } from '../meta.ts';

/** The secret names and keys this store's engine needs, in a fixed order. */
export function secretsFor(props: StoreProps): Array<[string, readonly string[]]> {
  return Object.entries(engineOf(props.store.engine).secrets);
}

/** Checks that the generator sealed exactly the keys of the contract; names what is missing. */
export function checkSealedData(props: StoreProps): void {
  const sealed: SealedData = props.sealed;
  for (const [name, keys] of secretsFor(props)) {
    const data = sealed[name];
    if (!data) throw new Error(`store ${props.store.name}: sealed secret "${name}" is missing`);
    for (const key of keys) {
      if (typeof data[key] !== 'string' || data[key] === '') {
        throw new Error(`store ${props.store.name}: sealed secret "${name}" has no value for key ${key}`);
      }
    }
  }
}

/** Props: StoreProps (store identity for names/labels, sealed ciphertext per secret and key). */
export class StoreSecrets extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    checkSealedData(props);
    const namespace = storeNamespace(props.store.name);
    const labels = storeLabels(props);
    for (const [name, keys] of secretsFor(props)) {
      const encryptedData: Record<string, string> = {};
      for (const key of [...keys].sort()) encryptedData[key] = props.sealed[name][key];
      new ApiObject(this, name, {
        apiVersion: 'bitnami.com/v1alpha1',
        kind: 'SealedSecret',
        metadata: { name, namespace, labels, annotations: syncWave(WAVE.guardrails) },
        spec: {
          encryptedData,
          template: { type: 'Opaque', metadata: { name, namespace, labels } },
        },
      });
    }
  }
}
