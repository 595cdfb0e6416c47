import { defineConfig } from 'vitest/config';

// The backup tier (npm run test:backups): real PostgreSQL, MariaDB (Debian packages), restic and
// SeaweedFS on 127.0.0.1 (.ci/setup-backups.sh installs and builds them). Too slow for `npm test`.
export default defineConfig({
  test: {
    include: ['e2e/backups/**/*.tier.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // The engines share one S3 target per file and run one after the other.
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
