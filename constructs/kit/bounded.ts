// Every container is bounded on disk: ephemeral-storage requests and limits come from the plan
// (platform.yaml `ephemeralStorage`, optional) or, when the plan does not say, from what the
// container can write: its logs, its root filesystem if that is writable, and the emptyDirs it
// mounts. The kit's workload constructs record what their pods declare, so the namespace quota and
// limit range can count it without a caller adding anything up (docs/constructs.md, "Containers").
import type { Construct } from 'constructs';
import { Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { ContainerResources } from '../props.ts';

const Mi = 2 ** 20;
/** Logs the kubelet keeps per container (5 × 10Mi by default) plus headroom. */
export const LOG_ALLOWANCE = 128 * Mi;
/** What an image may write into a writable root filesystem (caches, pid files, temp files). */
export const WRITABLE_ROOT_ALLOWANCE = 1024 * Mi;
/** Requests reserve a quarter of the limit: typical use, not the worst case. */
const REQUEST_SHARE = 4;
/** Limit-range defaults for a container that declares nothing (every kit container declares its own). */
export const DEFAULT_CONTAINER_EPHEMERAL = { request: '64Mi', limit: '256Mi' } as const;
/** The derived quota is this many times what all the store's pods declare (surge pod, hook re-runs). */
export const QUOTA_HEADROOM = 2;

const UNIT: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A Kubernetes quantity (as platform.yaml's schema admits it) in bytes. */
export function bytes(quantity: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(quantity);
  if (!m || !(m[2] in UNIT)) throw new Error(`"${quantity}" is not a Kubernetes quantity`);
  return Number(m[1]) * UNIT[m[2]];
}

/** Bytes as whole mebibytes, rounded up: the form every derived value is written in. */
export function mebibytes(n: number): string {
  return `${Math.ceil(n / Mi)}Mi`;
}

/** What a container may write, when the plan does not size its ephemeral storage. */
export interface WritableSpace {
  writableRoot: boolean;
  /** The size limits of the emptyDirs it mounts, in bytes (emptyDirBytes()). */
  emptyDirBytes: number;
}

/** A container's ephemeral-storage request and limit: the plan's, or derived from what it can write. */
export function ephemeralStorage(plan: ContainerResources, space: WritableSpace): { request: string; limit: string } {
  const limit = plan.limits.ephemeralStorage ?? mebibytes(LOG_ALLOWANCE + (space.writableRoot ? WRITABLE_ROOT_ALLOWANCE : 0) + space.emptyDirBytes);
  const request = plan.requests.ephemeralStorage ?? mebibytes(bytes(limit) / REQUEST_SHARE);
  return { request, limit };
}

/** Requests and limits of one container, ephemeral storage included. */
export function boundedResources(plan: ContainerResources, space: WritableSpace): k8s.ResourceRequirements {
  const { request, limit } = ephemeralStorage(plan, space);
  const q = (s: string) => k8s.Quantity.fromString(s);
  return {
    requests: { cpu: q(plan.requests.cpu), memory: q(plan.requests.memory), 'ephemeral-storage': q(request) },
    limits: { cpu: q(plan.limits.cpu), memory: q(plan.limits.memory), 'ephemeral-storage': q(limit) },
  };
}

/** Size limits of the emptyDirs a container mounts (an emptyDir without one counts as the log allowance). */
export function emptyDirBytes(mounts: readonly k8s.VolumeMount[] | undefined, volumes: readonly k8s.Volume[] | undefined): number {
  let total = 0;
  for (const m of mounts ?? []) {
    const v = volumes?.find((x) => x.name === m.name);
    if (!v?.emptyDir) continue;
    const size = v.emptyDir.sizeLimit as { value?: unknown } | string | undefined;
    const text = typeof size === 'string' ? size : size?.value;
    total += typeof text === 'string' ? bytes(text) : LOG_ALLOWANCE;
  }
  return total;
}

/** What the ephemeral-storage requests and limits of a pod's containers add up to, in bytes. */
export interface EphemeralUse {
  requests: number;
  limits: number;
  /** The largest single container limit (the limit range's maximum must admit it). */
  maxLimit: number;
}

const recorded = new WeakMap<Construct, EphemeralUse>();

/** Records the containers of a kit workload (init containers and Jobs included). */
export function recordEphemeral(owner: Construct, containers: readonly k8s.Container[]): void {
  const use: EphemeralUse = { requests: 0, limits: 0, maxLimit: 0 };
  for (const c of containers) {
    const value = (r: Record<string, k8s.Quantity> | undefined) => bytes(String(r?.['ephemeral-storage']?.value ?? '0'));
    use.requests += value(c.resources?.requests);
    use.limits += value(c.resources?.limits);
    use.maxLimit = Math.max(use.maxLimit, value(c.resources?.limits));
  }
  recorded.set(owner, use);
}

/** The sum over every recorded workload of the chart `scope` belongs to (read when the chart is synthesised). */
export function chartEphemeralUse(scope: Construct): EphemeralUse {
  const total: EphemeralUse = { requests: 0, limits: 0, maxLimit: 0 };
  for (const c of Chart.of(scope).node.findAll()) {
    const use = recorded.get(c);
    if (!use) continue;
    total.requests += use.requests;
    total.limits += use.limits;
    total.maxLimit = Math.max(total.maxLimit, use.maxLimit);
  }
  return total;
}

/**
 * A quantity computed when the chart is rendered, from what its workloads declare: the namespace's
 * guardrails are built first, the workloads after, and the quota still counts all of them.
 */
export function lazyQuantity(scope: Construct, pick: (use: EphemeralUse) => number): k8s.Quantity {
  // A plain { value } object (not a Quantity instance): cdk8s resolves Lazy values only inside
  // plain objects, and the L1 serialiser reads `.value` afterwards.
  return { value: Lazy.any({ produce: () => mebibytes(pick(chartEphemeralUse(scope))) }) } as unknown as k8s.Quantity;
}
