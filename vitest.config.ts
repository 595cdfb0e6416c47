import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{generator,constructs,api,ui,argocd,e2e}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', 'e2e/cluster/**', 'e2e/full-loop/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep parallelism bounded so Git/browser integration tests do not starve each other.
    maxWorkers: 2,
    // A developer's running dev cluster must not leak into API tests through its env file.
    env: { STOREFLEET_CLUSTER_ENV: 'off' },
  },
});
