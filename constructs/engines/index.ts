// The registry: the only list of engines. Adding an engine is one folder under engines/ and one
// line here (docs/engines.md). Tests may add engines with registerEngine() before they render.
import type { Engine } from './engine.ts';
import { woocommerce } from './woocommerce/index.ts';
import { medusa } from './medusa/index.ts';

export type { Engine, EngineStoreProps, IngressRoute, SmokeTestSpec, StoreUrls } from './engine.ts';

const registry = new Map<string, Engine>();

/**
 * Adds an engine to the registry. The built-in engines are registered below; tests register
 * fixture engines (constructs/engines/testing/) the same way. Ids are unique DNS labels.
 */
export function registerEngine(engine: Engine): void {
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(engine.id)) throw new Error(`engine id "${engine.id}" is not a short DNS label`);
  if (registry.has(engine.id)) throw new Error(`engine "${engine.id}" is already registered`);
  registry.set(engine.id, engine as Engine);
}

registerEngine(woocommerce);
registerEngine(medusa);

/** Every registered engine, in registration order. */
export function engines(): Engine[] {
  return [...registry.values()];
}

export function engineIds(): string[] {
  return [...registry.keys()];
}

export function findEngine(id: string): Engine | undefined {
  return registry.get(id);
}

/** The engine of a validated store; an unknown id is a programming error here (validation comes first). */
export function engineOf(id: string): Engine {
  const engine = registry.get(id);
  if (!engine) throw new Error(`unknown engine "${id}" (registered: ${engineIds().join(', ')})`);
  return engine;
}
