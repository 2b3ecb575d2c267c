// Mutation testing of the critical modules (`npm run mutation`; not part of `npm test`: slow).
// How to run a subset and read the report: docs/mutation-testing.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // Only the fast tests of vitest.mutation.config.ts, each mutant against the tests that cover it.
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // The machine is shared: one test process at a time (run it under `nice`).
  concurrency: 1,
  timeoutFactor: 3,
  timeoutMS: 20_000,
  // The first run of every test, on a loaded 2-core machine.
  dryRunTimeoutMinutes: 20,
  // Mutants in module-level code need a fresh module load per mutant: far slower, and the
  // constants there (defaults, tables) are checked by the tests of what reads them.
  ignoreStatic: true,
  mutate: [
    'harness/runner/identity.ts',
    'harness/runner/journal.ts',
    'harness/score/**/*.ts',
    'harness/stats/**/*.ts',
    'harness/env/feedback.ts',
    // The reference policies (random, myopic clairvoyant and its variants, plug-in, planning, the bound).
    'harness/reference/**/*.ts',
    // Submission limits: the per-call deadlines (ProcessAgent.call), the sandboxed Node command
    // with its V8 heap flag (sandboxCommand), and the relay's watch (the deadline alarm, resident
    // memory, process count). The relay runs in a worker thread: the setup file of
    // vitest.mutation.config.ts hands it the mutant and records its coverage.
    'harness/submission/process-agent.ts:309-362',
    'harness/submission/load.ts:118-139',
    'harness/submission/relay.mjs:119-168',
  ],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
