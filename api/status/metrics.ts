// Prometheus metrics of the status reader. `registerStatusMetrics(registry)` registers them on the
// API's registry (one per process); the modules take the returned object, never a global.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { LIFECYCLE_STATUSES, type LifecycleStatus } from './lifecycle.ts';

export interface StatusMetrics {
  storesByStatus: Gauge<'status'>;
  provisioningSeconds: Histogram;
  streamReconnects: Counter;
  streamMalformedEvents: Counter;
  webhookNotifications: Counter<'target' | 'outcome'>;
  webhookFailures: Counter<'target'>;
  eventClients: Gauge;
  eventClientsDropped: Counter;
  /** The gauge is computed at scrape time from this source (set by the status service). */
  setStatusCounts(source: () => Map<LifecycleStatus, number>): void;
}

export function registerStatusMetrics(registry: Registry): StatusMetrics {
  let counts: () => Map<LifecycleStatus, number> = () => new Map();
  const storesByStatus = new Gauge({
    name: 'storefleet_stores',
    help: 'Stores by lifecycle status (derived from Git and Argo CD)',
    labelNames: ['status'] as const,
    registers: [registry],
    collect() {
      const c = counts();
      for (const s of LIFECYCLE_STATUSES) this.set({ status: s }, c.get(s) ?? 0);
    },
  });
  return {
    storesByStatus,
    provisioningSeconds: new Histogram({
      name: 'storefleet_store_provisioning_duration_seconds',
      help: 'Time from the commit of a store change to the store being ready in Argo CD',
      buckets: [15, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600],
      registers: [registry],
    }),
    streamReconnects: new Counter({
      name: 'storefleet_argocd_stream_reconnects_total',
      help: 'Reconnects of the Argo CD application stream',
      registers: [registry],
    }),
    streamMalformedEvents: new Counter({
      name: 'storefleet_argocd_stream_malformed_events_total',
      help: 'Argo CD stream events that could not be parsed and were skipped',
      registers: [registry],
    }),
    webhookNotifications: new Counter({
      name: 'storefleet_argocd_webhook_notifications_total',
      help: 'Push notifications sent to Argo CD webhook endpoints',
      labelNames: ['target', 'outcome'] as const,
      registers: [registry],
    }),
    webhookFailures: new Counter({
      name: 'storefleet_argocd_webhook_failures_total',
      help: 'Push notifications to Argo CD webhook endpoints that failed (the write still succeeded)',
      labelNames: ['target'] as const,
      registers: [registry],
    }),
    eventClients: new Gauge({
      name: 'storefleet_event_stream_clients',
      help: 'Browsers connected to GET /api/events',
      registers: [registry],
    }),
    eventClientsDropped: new Counter({
      name: 'storefleet_event_stream_clients_dropped_total',
      help: 'Event-stream clients disconnected because they did not keep up (buffer limit)',
      registers: [registry],
    }),
    setStatusCounts(source) {
      counts = source;
    },
  };
}
