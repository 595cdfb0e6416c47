// Test support: evaluates a ValidatingAdmissionPolicy of argocd/ the way kube-apiserver does —
// match rules, match conditions, variables, validations — with a CEL interpreter
// (@bufbuild/cel, standard CEL as Kubernetes uses it). Lets `npm test` show which requests a policy
// admits and denies; the dev cluster (`npm run cluster:hostile`) is the real judge.
import { isCelError, run, type CelInput } from '@bufbuild/cel';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed YAML

export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  username: string;
  /** "" for cluster-scoped objects. */
  namespace: string;
  object?: Obj;
  oldObject?: Obj;
}

export interface Verdict {
  /** The policy's match rules and conditions select the request. */
  matched: boolean;
  /** Messages of the validations that failed (or could not be evaluated: failurePolicy Fail). */
  denied: string[];
}

/** JS values as CEL inputs: objects become maps, whole numbers ints (as Kubernetes' JSON integers). */
function toCel(v: unknown): CelInput {
  if (Array.isArray(v)) return v.map(toCel) as CelInput;
  if (v !== null && typeof v === 'object') return new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)])) as CelInput;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  return (v ?? null) as CelInput;
}

/** The REST resource of a kind (enough for the kinds the policies and the corpus use). */
export function resourceOf(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith('y')) return `${k.slice(0, -1)}ies`;
  if (k.endsWith('s')) return `${k}es`;
  return `${k}s`;
}

function groupVersion(apiVersion: string): { group: string; version: string } {
  const [a, b] = apiVersion.split('/');
  return b === undefined ? { group: '', version: a } : { group: a, version: b };
}

const matchesList = (list: string[] | undefined, value: string) => (list ?? []).some((x) => x === '*' || x === value);

export function evaluatePolicy(policy: Obj, req: AdmissionRequest): Verdict {
  const obj = req.object ?? req.oldObject;
  if (!obj) throw new Error('a request needs object or oldObject');
  const { group, version } = groupVersion(String(obj.apiVersion));
  const resource = resourceOf(String(obj.kind));
  const spec = policy.spec;
  const ruleMatches = (spec.matchConstraints?.resourceRules ?? []).some(
    (r: Obj) => matchesList(r.apiGroups, group) && matchesList(r.apiVersions, version) && matchesList(r.operations, req.operation) && matchesList(r.resources, resource),
  );
  if (!ruleMatches) return { matched: false, denied: [] };

  const bindings: Record<string, CelInput> = {
    request: toCel({
      operation: req.operation,
      // As kube-apiserver sends it: no namespace key at all for a cluster-scoped object.
      ...(req.namespace ? { namespace: req.namespace } : {}),
      name: obj.metadata?.name ?? '',
      userInfo: { username: req.username },
      kind: { group, version, kind: obj.kind },
      resource: { group, version, resource },
    }),
    object: toCel(req.object ?? null),
    oldObject: toCel(req.oldObject ?? null),
  };
  const evaluate = (expression: string) => {
    const result = run(expression, { ...bindings, variables: variables as unknown as CelInput });
    return isCelError(result) ? { error: result.message } : { value: result };
  };
  const variables = new Map<string, unknown>();
  for (const c of spec.matchConditions ?? []) {
    const r = evaluate(c.expression);
    if ('error' in r) return { matched: true, denied: [`matchCondition ${c.name}: ${r.error}`] };
    if (r.value !== true) return { matched: false, denied: [] };
  }
  for (const v of spec.variables ?? []) {
    const r = evaluate(v.expression);
    // An error surfaces only where a validation uses the variable, as in kube-apiserver.
    variables.set(v.name, 'error' in r ? undefined : r.value);
  }
  const denied: string[] = [];
  for (const v of spec.validations ?? []) {
    const r = evaluate(v.expression);
    if ('error' in r) denied.push(`${String(v.message).trim()} (expression error: ${r.error})`);
    else if (r.value !== true) denied.push(String(v.message).trim());
  }
  return { matched: true, denied };
}

/** Kinds that are cluster-scoped among those the policies and the corpus use. */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'PersistentVolume',
]);

export const ARGOCD_CONTROLLER = 'system:serviceaccount:argocd:argocd-application-controller';

/**
 * The request Argo CD's application controller sends for one manifest object of Application
 * `app` (destination namespace = the app's name for store Applications): the namespace defaulted
 * to the destination, and the tracking annotation `<app>:<group>/<kind>:<namespace>/<name>` set,
 * overwriting whatever the manifest says (application.resourceTrackingMethod: annotation).
 */
export function argoCdApply(app: string, destination: string, manifest: Obj, operation: 'CREATE' | 'UPDATE' | 'DELETE' = 'CREATE'): AdmissionRequest {
  const obj: Obj = structuredClone(manifest);
  obj.metadata ??= {};
  const clusterScoped = CLUSTER_SCOPED_KINDS.has(String(obj.kind));
  if (!clusterScoped) obj.metadata.namespace ??= destination;
  const { group } = groupVersion(String(obj.apiVersion));
  obj.metadata.annotations = {
    ...(obj.metadata.annotations ?? {}),
    'argocd.argoproj.io/tracking-id': `${app}:${group}/${obj.kind}:${clusterScoped ? '' : obj.metadata.namespace}/${obj.metadata.name}`,
  };
  return {
    operation,
    username: ARGOCD_CONTROLLER,
    namespace: clusterScoped ? '' : obj.metadata.namespace,
    ...(operation === 'DELETE' ? { oldObject: obj } : { object: obj }),
  };
}
