// fast-check run parameters for every property test. fast-check puts the seed and path of a
// failing run in its error ("{ seed: …, path: … }"); FC_SEED (and FC_PATH) replay exactly that run:
//   FC_SEED=1233013095 npx vitest run api/fuzz.test.ts
import type { Parameters } from 'fast-check';

export function propertyParams<T>(numRuns: number, env: NodeJS.ProcessEnv = process.env): Parameters<T> {
  const seed = env.FC_SEED && /^-?\d+$/.test(env.FC_SEED) ? Number(env.FC_SEED) : undefined;
  return { numRuns, ...(seed !== undefined ? { seed, ...(env.FC_PATH ? { path: env.FC_PATH } : {}) } : {}) };
}
