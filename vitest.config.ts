import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // 2 cores: one file per core keeps CPU-bound tests from starving each other.
    maxWorkers: 2,
    // Tests never write into the user's trace cache.
    env: { ORCHBENCH_CACHE: mkdtempSync(join(tmpdir(), 'orchbench-test-cache-')) },
  },
});
