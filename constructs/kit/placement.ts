// Where a kit construct puts its objects and what every object carries. The store chart derives
// it from the store (meta.ts storePlacement), the platform chart from its own namespace: the kit's
// blocks never see StoreProps or platform props.
export interface Placement {
  namespace: string;
  /** Labels on every object (never used as a selector: they may change). */
  labels: Record<string, string>;
  /** Annotations on every object, e.g. an Argo CD sync wave. Omitted: none. */
  annotations?: Record<string, string>;
}

/** metadata of a namespaced object; `annotations` adds to the placement's (none at all: no key). */
export function objectMeta(p: Placement, name: string, annotations: Record<string, string> = {}): {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
} {
  const all = { ...p.annotations, ...annotations };
  return { name, namespace: p.namespace, labels: p.labels, ...(Object.keys(all).length > 0 ? { annotations: all } : {}) };
}
