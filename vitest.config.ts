import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // 2 cores: one file per core keeps CPU-bound tests from starving each other.
    maxWorkers: 2,
  },
});
