// Test helper: validates rendered objects against the Kubernetes and CRD schemas published as
// kubernetes-models packages (the OpenAPI of Kubernetes 1.3x, Argo CD's and Sealed Secrets' CRDs).
import * as admission from 'kubernetes-models/admissionregistration.k8s.io/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as batch from 'kubernetes-models/batch/v1';
import * as core from 'kubernetes-models/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as argo from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import * as sealed from '@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1';

type ModelClass = new (data: never) => { validate(): void };
const GROUPS: Record<string, Record<string, unknown>> = {
  v1: core,
  'admissionregistration.k8s.io/v1': admission,
  'apps/v1': apps,
  'batch/v1': batch,
  'networking.k8s.io/v1': networking,
  'policy/v1': policy,
  'argoproj.io/v1alpha1': argo,
  'bitnami.com/v1alpha1': sealed,
};

/** Throws with apiVersion/kind/name and the schema errors when the object is invalid or unknown. */
export function validateAgainstSchema(obj: Record<string, unknown>): void {
  const apiVersion = String(obj.apiVersion);
  const kind = String(obj.kind);
  const name = String((obj.metadata as { name?: string } | undefined)?.name);
  const Model = GROUPS[apiVersion]?.[kind] as ModelClass | undefined;
  if (!Model) throw new Error(`no schema known for ${apiVersion} ${kind} (${name})`);
  try {
    new Model(obj as never).validate();
  } catch (err) {
    throw new Error(`${apiVersion} ${kind} ${name} does not match its schema: ${(err as Error).message}`, { cause: err });
  }
}
