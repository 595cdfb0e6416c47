// Client-side copy of generator/spec.ts `storeName` (same rules, same messages), so the create
// dialog can validate as you type without shipping zod and yaml to the browser.
// ui/src/lib/store-name.test.ts runs both against the same cases; the server stays the authority.

export const MAX_NAME_LENGTH = 40;

export const RESERVED_NAMES: readonly string[] = [
  'admin', 'api', 'app', 'argocd', 'auth', 'dashboard', 'default', 'login', 'mail',
  'platform', 'static', 'status', 'storefleet', 'www',
];

/** The first rule the name breaks, or undefined when it is valid. */
export function storeNameProblem(name: string): string | undefined {
  if (name.length < 1) return 'name is required';
  if (name.length > MAX_NAME_LENGTH) return `name is at most ${MAX_NAME_LENGTH} characters`;
  if (!/^[a-z0-9-]*$/.test(name)) return 'use only lowercase letters, digits and hyphens';
  if (!/^[a-z]/.test(name)) return 'name must start with a lowercase letter';
  if (!/[a-z0-9]$/.test(name)) return 'name must end with a letter or digit';
  if (name.includes('--')) return 'name must not contain "--"';
  if (RESERVED_NAMES.includes(name)) return `"${name}" is reserved`;
  if (name.startsWith('kube-')) return 'names starting with "kube-" are reserved';
  if (/-(admin|api)$/.test(name)) return 'names ending in "-admin" or "-api" are reserved for store hosts';
  return undefined;
}
