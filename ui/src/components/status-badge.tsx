import type { StoreStatus } from '../lib/types.ts';

const LABELS: Record<StoreStatus, string> = {
  'pending-review': 'Pending review',
  committed: 'Committed',
  provisioning: 'Provisioning',
  ready: 'Ready',
  failed: 'Failed',
  deleting: 'Deleting',
  deleted: 'Deleted',
  unknown: 'Unknown',
};

export function statusLabel(status: string): string {
  return LABELS[status as StoreStatus] ?? status;
}

/** Status as text and colour (never colour alone); the reason follows when there is one. */
export function StatusBadge({ status, reason }: { status: string; reason?: string }) {
  return (
    <span class="status">
      <span class={`badge badge-${status}`}>{statusLabel(status)}</span>
      {reason && <span class={status === 'failed' || status === 'unknown' ? 'reason problem' : 'reason'}>{reason}</span>}
    </span>
  );
}
