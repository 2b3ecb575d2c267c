/**
 * A vitest setup file of `npm run mutation` (vitest.mutation.config.ts): it hands the mutant
 * Stryker switched on to the worker threads the tests start, such as the relay of
 * `harness/submission/relay.mjs`. Stryker's vitest runner sets the active mutant on this thread's
 * global namespace only; the instrumented code of a new thread reads it from the environment
 * variable below instead, and a worker gets a copy of `process.env` when it starts. Outside
 * Stryker the namespace is absent and this does nothing.
 */
import { beforeAll } from 'vitest';

const VARIABLE = '__STRYKER_ACTIVE_MUTANT__';

// Runs after Stryker's own setup file (it comes first), which switches the mutant on in its beforeAll.
beforeAll(() => {
  const active = (globalThis as { __stryker__?: { activeMutant?: string } }).__stryker__?.activeMutant;
  if (active === undefined) delete process.env[VARIABLE];
  else process.env[VARIABLE] = active;
});
