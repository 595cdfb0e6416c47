// The GitOps loop as the cluster scripts drive it: commit and push to the dev cluster's Git
// server, nudge Argo CD the way its webhook handler does, read the store Applications.
import { execFileSync } from 'node:child_process';
import { kubectl, kubectlJson } from './kube.ts';

export function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Storefleet e2e', '-c', 'user.email=e2e@storefleet.invalid', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** Commits everything in the work tree and pushes it to main; returns the commit. */
export function commitAndPush(work: string, message: string): string {
  git(work, ['add', '-A']);
  git(work, ['commit', '-q', '-m', message]);
  git(work, ['push', '-q', 'origin', 'HEAD:main']);
  return git(work, ['rev-parse', 'HEAD']);
}

export function application(name: string): any | undefined {
  try {
    return kubectlJson(['-n', 'argocd', 'get', 'applications.argoproj.io', name]);
  } catch {
    return undefined;
  }
}

export function describeApp(a: any): string {
  if (!a) return 'missing';
  const conds = (a.status?.conditions ?? []).map((c: any) => `${c.type}: ${c.message}`).join('; ');
  const unhealthy = (a.status?.resources ?? []).filter((r: any) => r.health && r.health.status !== 'Healthy').map((r: any) => `${r.kind}/${r.name}=${r.health.status}`).join(', ');
  return `sync=${a.status?.sync?.status} health=${a.status?.health?.status} op=${a.status?.operationState?.phase ?? '-'} ${a.status?.operationState?.message ?? ''} ${conds} ${unhealthy}`.trim();
}

/**
 * Nudge Argo CD instead of waiting for its 3-minute poll, the way its webhook handler does:
 * the ApplicationSet refresh annotation (the controller re-runs the generators without the
 * revision cache and removes the annotation) and a normal refresh of each existing Application.
 */
export function refresh(appNames: string[]): void {
  kubectl(['-n', 'argocd', 'annotate', '--overwrite', 'applicationsets.argoproj.io', '--all', 'argocd.argoproj.io/application-set-refresh=true']);
  for (const name of appNames) {
    if (application(name)) kubectl(['-n', 'argocd', 'annotate', '--overwrite', 'applications.argoproj.io', name, 'argocd.argoproj.io/refresh=normal']);
  }
}

export function namespaceExists(name: string): boolean {
  try {
    kubectl(['get', 'namespace', name, '-o', 'name']);
    return true;
  } catch {
    return false;
  }
}

