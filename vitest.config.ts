import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{contract,generator,constructs,api,ui,argocd,e2e,tools}/**/*.test.{ts,tsx}'],
    // e2e/cluster/ holds scripts that need a running dev cluster (npm run cluster:smoke); only its
    // own unit tests (e2e/cluster/test/) run here.
    exclude: ['**/node_modules/**', 'e2e/cluster/modules/**', 'e2e/engines/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep parallelism bounded so Git/browser integration tests do not starve each other.
    maxWorkers: 2,
    // A developer's running dev cluster must not leak into API tests through its env file.
    env: { STOREFLEET_CLUSTER_ENV: 'off' },
  },
});
