import { defineConfig } from 'vitest/config';

// The engine conformance tier (npm run test:engines): slow, needs PostgreSQL, Redis and Chromium
// (.ci/setup-engines.sh installs the first two). One file at a time, steps in order.
export default defineConfig({
  test: {
    include: ['e2e/engines/**/*.test.ts'],
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    env: { STOREFLEET_CLUSTER_ENV: 'off' },
  },
});
