// The store lifecycle's statuses (architecture.md): the server's list (lifecycle, OpenAPI). The
// dashboard takes the type; its filter's value list is checked against it at compile time.
export const STATUSES = ['pending-review', 'committed', 'provisioning', 'ready', 'failed', 'deleting', 'deleted', 'unknown'] as const;
export type StoreStatus = (typeof STATUSES)[number];
