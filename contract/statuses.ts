// The store lifecycle's statuses (architecture.md): the only list. No imports, so the dashboard
// can take this value without pulling server code into its bundle.
export const STATUSES = ['pending-review', 'committed', 'provisioning', 'ready', 'failed', 'deleting', 'deleted', 'unknown'] as const;
export type StoreStatus = (typeof STATUSES)[number];
