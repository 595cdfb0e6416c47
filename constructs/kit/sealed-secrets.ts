// Secrets, rendered only as SealedSecrets (bitnami.com/v1alpha1, strict scope: the ciphertext is
// bound to namespace + name, which spec.template.metadata repeats; or cluster-wide where one
// ciphertext serves every namespace). Nothing here ever sees a
// plaintext value; keys are written in sorted order so re-renders are byte-identical.
import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import { objectMeta, type Placement } from './placement.ts';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface SealedSecretsProps {
  placement: Placement;
  /** Secret name → key → base64 ciphertext (sealed for this namespace and name). */
  secrets: Record<string, Record<string, string>>;
  /** Ciphertexts sealed with cluster-wide scope (one value serves every namespace, e.g. the backup target's). */
  clusterWide?: boolean;
}

const CLUSTER_WIDE = { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } as const;

/** One SealedSecret per secret. Throws if a value is not base64 ciphertext (never pass plaintext). */
export class SealedSecrets extends Construct {
  constructor(scope: Construct, id: string, p: SealedSecretsProps) {
    super(scope, id);
    const { placement } = p;
    for (const [name, data] of Object.entries(p.secrets)) {
      const encryptedData: Record<string, string> = {};
      for (const key of Object.keys(data).sort()) {
        if (!BASE64.test(data[key])) throw new Error(`sealed secret ${placement.namespace}/${name}: key ${key} is not base64 ciphertext`);
        encryptedData[key] = data[key];
      }
      const scope = p.clusterWide ? { annotations: CLUSTER_WIDE } : {};
      new ApiObject(this, name, {
        apiVersion: 'bitnami.com/v1alpha1',
        kind: 'SealedSecret',
        metadata: objectMeta(placement, name, p.clusterWide ? CLUSTER_WIDE : {}),
        spec: {
          encryptedData,
          template: { type: 'Opaque', metadata: { name, namespace: placement.namespace, labels: placement.labels, ...scope } },
        },
      });
    }
  }
}
