// Plan names and the default plan from GET /api/platform, wherever the summary nests them.
import type { EngineInfo, Platform, PlanSize } from './types.ts';

function find(obj: unknown, key: string, depth = 0): unknown {
  if (!obj || typeof obj !== 'object' || depth > 3) return undefined;
  const rec = obj as Record<string, unknown>;
  if (key in rec) return rec[key];
  for (const v of Object.values(rec)) {
    const found = find(v, key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function plansOf(platform?: Platform): { plans: string[]; defaultPlan?: string } {
  const raw = find(platform, 'plans');
  const plans = Array.isArray(raw)
    ? raw.map((p) => (typeof p === 'string' ? p : (p as { name?: string })?.name)).filter((p): p is string => Boolean(p))
    : raw && typeof raw === 'object'
      ? Object.keys(raw)
      : [];
  const def = find(platform, 'defaultPlan');
  return { plans, defaultPlan: typeof def === 'string' ? def : undefined };
}

/** The engines the platform offers, as GET /api/platform sends them (id, label, description). */
export function enginesOf(platform?: Platform): EngineInfo[] {
  const raw = find(platform, 'engines');
  if (!Array.isArray(raw)) return [];
  return raw
    .map((e) => (typeof e === 'string' ? { id: e, label: e, description: '' } : (e as EngineInfo)))
    .filter((e) => e && typeof e.id === 'string' && typeof e.label === 'string');
}

/** plan name → what it gives, when the API sends it. */
export function planSizesOf(platform?: Platform): Record<string, PlanSize> {
  const raw = find(platform, 'planSizes');
  return raw && typeof raw === 'object' ? (raw as Record<string, PlanSize>) : {};
}
