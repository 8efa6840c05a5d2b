import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 20_000,
    // End-to-end tests start real processes and the simulated host keeps real time.
    pool: 'forks',
  },
});
