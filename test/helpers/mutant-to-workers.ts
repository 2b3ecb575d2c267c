/**
 * A vitest setup file of `npm run mutation` (vitest.mutation.config.ts) for code that runs in a
 * worker thread the tests start: the relay of `harness/submission/relay.mjs`. Outside Stryker
 * (no `__stryker__` namespace on this thread) it does nothing.
 *
 * - The mutant: Stryker's vitest runner switches it on in this thread's namespace only. The
 *   instrumented code of a new thread reads it from the environment variable below instead, and
 *   a worker gets a copy of `process.env` when it starts: so it is copied there.
 * - Coverage: Stryker keeps the mutants no test covered out of the run ("no coverage"), and code
 *   run in a worker records its coverage in that worker. So in the first run (the one that
 *   measures coverage) every test of a file under test/submission/ (where the relay runs) is
 *   recorded as covering every mutant of the relay, read from its instrumented copy.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll } from 'vitest';

const VARIABLE = '__STRYKER_ACTIVE_MUTANT__';
const WORKER_FILES = [new URL('../../harness/submission/relay.mjs', import.meta.url)];
const RELAY_TESTS = '/test/submission/';

interface StrykerNamespace {
  activeMutant?: string;
  currentTestId?: string;
  mutantCoverage?: { static: Record<string, number>; perTest: Record<string, Record<string, number>> };
}
const ns = (): StrykerNamespace | undefined => (globalThis as { __stryker__?: StrykerNamespace }).__stryker__;

/** The ids of the mutants instrumented into the worker files (none outside a Stryker sandbox). */
function workerMutantIds(): string[] {
  const ids = new Set<string>();
  for (const file of WORKER_FILES) for (const m of readFileSync(file, 'utf8').matchAll(/stryMutAct_9fa48\(["'](\d+)["']\)/g)) ids.add(m[1]!);
  return [...ids];
}

// After Stryker's own setup file (it comes first), which switches the mutant on in its beforeAll.
beforeAll(() => {
  const active = ns()?.activeMutant;
  if (active === undefined) delete process.env[VARIABLE];
  else process.env[VARIABLE] = active;
});

let ids: string[] | null = null;
// Before Stryker's afterEach (hooks after a test run in reverse order), which clears the test id.
afterEach(() => {
  const s = ns();
  const test = s?.currentTestId;
  if (!s || test === undefined || !test.includes(RELAY_TESTS)) return;
  ids ??= workerMutantIds();
  s.mutantCoverage ??= { static: {}, perTest: {} };
  const covered = (s.mutantCoverage.perTest[test] ??= {});
  for (const id of ids) covered[id] = (covered[id] ?? 0) + 1;
});
