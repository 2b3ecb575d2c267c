/**
 * The fast test files that cover the modules under mutation testing (`stryker.config.mjs`,
 * `npm run mutation`): seconds each, never the acceptance suites. A mutant counts as killed only
 * by these, so the score says what the fast tests catch.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export const MUTATION_TESTS = [
  'test/stats/*.test.ts',
  'test/score/*.test.ts',
  'test/reference/*.test.ts',
  'test/experiment/greedy-curve.test.ts',
  'test/runner/identity.test.ts',
  'test/runner/journal.test.ts',
  'test/env/exact.test.ts',
  'test/env/feedback.test.ts',
  'test/env/episode.test.ts',
  'test/submission/limits.test.ts',
  'test/submission/process-agent.test.ts',
  'test/submission/call.test.ts',
  'test/submission/sandbox-command.test.ts',
];

// Replaced, not merged: mergeConfig would append these to the base config's include (every test).
/**
 * `MUTATION_TESTS=glob,glob` narrows the run to some of these (a faster run of one module against
 * its own tests; the score is then a lower bound of what the whole list kills).
 */
const only = process.env.MUTATION_TESTS?.split(',').filter(Boolean);

// The setup file hands the active mutant to worker threads (the relay): see its comment.
export default defineConfig({ ...base, test: { ...base.test, include: only ?? MUTATION_TESTS, setupFiles: ['test/helpers/mutant-to-workers.ts'] } });
