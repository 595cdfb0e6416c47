// The root vitest config excludes e2e/cluster/ (its scripts need a built cluster); the harness's
// own unit tests (no cluster needed) run with: npx vitest run --config e2e/cluster/vitest.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['e2e/cluster/test/**/*.test.ts'], root: new URL('../..', import.meta.url).pathname },
});
