// kubectl (the one we built) against the dev cluster's admin kubeconfig.
import { execFileSync } from 'node:child_process';
import { binary, paths } from './config.ts';

export function kubectl(args: string[], input?: string): string {
  return execFileSync(binary('kubectl'), ['--kubeconfig', paths.kubeconfig, ...args], {
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

export function kubectlJson<T = any>(args: string[]): T {
  return JSON.parse(kubectl([...args, '-o', 'json'])) as T;
}

/** Server-side apply of a YAML stream (server-side: Argo CD's CRDs exceed the annotation limit). */
export function apply(yaml: string, fieldManager = 'storefleet-dev-cluster'): string {
  return kubectl(['apply', '--server-side', '--force-conflicts', `--field-manager=${fieldManager}`, '-f', '-'], yaml);
}

export function exists(args: string[]): boolean {
  try {
    kubectl(['get', ...args, '-o', 'name']);
    return true;
  } catch {
    return false;
  }
}
