// Container building blocks: security contexts, probes, env (resources: kit/bounded.ts). cdk8s-plus would add
// runAsNonRoot/read-only defaults the official images do not survive, so every container here
// states its security context explicitly.
import { k8s } from 'cdk8s-plus-28';

export const q = (s: string): k8s.Quantity => k8s.Quantity.fromString(s);
export const port = (n: number): k8s.IntOrString => k8s.IntOrString.fromNumber(n);

export interface SecurityOptions {
  /** The image's own non-root user (wordpress 33, mariadb/postgres/redis 999, node 1000). */
  uid: number;
  gid?: number;
  /** Only where the image writes nowhere but mounted volumes. */
  readOnlyRootFilesystem: boolean;
}

/** Satisfies Pod Security "restricted" (warn/audit) while running as the image's own user. */
export function securityContext(o: SecurityOptions): k8s.SecurityContext {
  return {
    runAsUser: o.uid,
    runAsGroup: o.gid ?? o.uid,
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: o.readOnlyRootFilesystem,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface PodSecurityOptions {
  fsGroup: number;
  /** Lets a non-root process bind ports below 1024 (Apache on :80). A "safe" sysctl, allowed by baseline. */
  bindLowPorts?: boolean;
}

export function podSecurityContext(o: PodSecurityOptions): k8s.PodSecurityContext {
  return {
    fsGroup: o.fsGroup,
    fsGroupChangePolicy: 'OnRootMismatch',
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
    ...(o.bindLowPorts ? { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } : {}),
  };
}

/** Pod defaults for every store pod: no API token, no service-link env vars (POSTGRES_PORT clashes). */
export const POD_DEFAULTS = {
  automountServiceAccountToken: false,
  enableServiceLinks: false,
} as const;

export function env(name: string, value: string): k8s.EnvVar {
  return { name, value };
}

export function secretEnv(name: string, secret: string, key: string = name): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

export function execProbe(command: string[], o: { period: number; failures: number; initialDelay?: number; timeout?: number }): k8s.Probe {
  return {
    exec: { command },
    periodSeconds: o.period,
    failureThreshold: o.failures,
    timeoutSeconds: o.timeout ?? 5,
    ...(o.initialDelay ? { initialDelaySeconds: o.initialDelay } : {}),
  };
}

export function tcpProbe(p: number, o: { period: number; failures: number; initialDelay?: number }): k8s.Probe {
  return {
    tcpSocket: { port: port(p) },
    periodSeconds: o.period,
    failureThreshold: o.failures,
    timeoutSeconds: 5,
    ...(o.initialDelay ? { initialDelaySeconds: o.initialDelay } : {}),
  };
}

export function httpProbe(
  path: string,
  p: number,
  o: { period: number; failures: number; initialDelay?: number; headers?: Record<string, string> },
): k8s.Probe {
  const headers = Object.entries(o.headers ?? {}).map(([name, value]) => ({ name, value }));
  return {
    httpGet: { path, port: port(p), ...(headers.length > 0 ? { httpHeaders: headers } : {}) },
    periodSeconds: o.period,
    failureThreshold: o.failures,
    timeoutSeconds: 5,
    ...(o.initialDelay ? { initialDelaySeconds: o.initialDelay } : {}),
  };
}

/** A writable scratch directory for images that write outside their volumes. */
export function scratch(name: string, mountPath: string): { volume: k8s.Volume; mount: k8s.VolumeMount } {
  return { volume: { name, emptyDir: { sizeLimit: q('256Mi') } }, mount: { name, mountPath } };
}
