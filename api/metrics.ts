// Prometheus metrics of the API (one registry per server, so tests can run several in a process).
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { WriterMetrics } from './git/direct-writer.ts';

export interface ApiMetrics extends WriterMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  writeSeconds: Histogram<'action' | 'outcome'>;
}

export function createMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'storefleet_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const commits = new Counter({ name: 'storefleet_commits_total', help: 'Store commits pushed, by action', labelNames: ['action'] as const, registers: [registry] });
  const retries = new Counter({ name: 'storefleet_push_retries_total', help: 'Pushes rejected because another writer moved the branch', registers: [registry] });
  const batchSize = new Histogram({
    name: 'storefleet_write_batch_size',
    help: 'Store changes grouped under one push',
    buckets: [1, 2, 5, 10, 20, 50, 100, 250, 500],
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: 'storefleet_write_batch_seconds',
    help: 'Time to validate, render, commit and push one batch',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  const phaseSeconds = new Histogram({
    name: 'storefleet_write_phase_seconds',
    help: 'Time per phase of a batch attempt: read (branch state), plan (validate, render), commit (fast-import), push',
    labelNames: ['phase'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  });
  const writeSeconds = new Histogram({
    name: 'storefleet_write_seconds',
    help: 'Write request latency (queue + batch), by action and outcome',
    labelNames: ['action', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    requests,
    writeSeconds,
    commit: (action) => commits.inc({ action }),
    pushRetry: () => retries.inc(),
    batch: (size, seconds) => {
      batchSize.observe(size);
      batchSeconds.observe(seconds);
    },
    phase: (phase, seconds) => phaseSeconds.observe({ phase }, seconds),
  };
}
