import { describe, expect, it } from 'vitest';
import { checkEnv } from '../../harness/env/check.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { createOracle, createRandomAgent, createStaticAgent } from '../../harness/env/policies.ts';
import { loadSuite } from '../../harness/scenario/load.ts';
import { HAS_SHARED, NO_SHARED_REASON } from '../helpers/paths.ts';

const SEEDS = [1, 2];

describe('reference policies on the default suite (testing variant)', async () => {
  const scenarios = await loadSuite('testing');

  it('has scenarios to check', () => {
    expect(scenarios.length).toBeGreaterThan(0);
  });

  for (const s of scenarios) {
    it(`${s.id}: the oracle beats random and is at least as good as every static policy`, () => {
      const env = new OrchestrationEnv(s);
      const mean = (make: () => Parameters<typeof runEpisode>[1]) => SEEDS.reduce((sum, seed) => sum + runEpisode(env, make(), seed, { learningDecisions: 1 }).eval.meanReward, 0) / SEEDS.length;
      const oracle = mean(() => createOracle(env));
      expect(oracle).toBeGreaterThan(mean(() => createRandomAgent(7)));
      for (const tier of ['device', 'edge', 'cloud'] as const) {
        // Ties are possible where one tier is best for every request (the oracle then picks it).
        expect(oracle, `always-${tier}`).toBeGreaterThanOrEqual(mean(() => createStaticAgent(env.spec, tier)) - 1e-12);
      }
    });
  }
});

describe('checkEnv on every shipped scenario', async () => {
  for (const suite of ['default', 'tuning'] as const) {
    for (const s of await loadSuite(suite)) {
      it(`${suite}/${s.id}`, () => {
        const r = checkEnv(s, { decisions: 200 });
        expect(r.decisionsPerPhase.learn).toBe(200);
        expect(r.decisionsPerPhase.eval).toBe(200);
      });
    }
  }
});

describe.skipIf(!HAS_SHARED)(`checkEnv on the recorded suite${HAS_SHARED ? '' : ` [skipped: ${NO_SHARED_REASON}]`}`, async () => {
  const scenarios = HAS_SHARED ? await loadSuite('recorded') : [];
  for (const s of scenarios) {
    it(s.id, () => {
      expect(checkEnv(s, { decisions: 200 }).decisionsPerPhase.learn).toBe(200);
    });
  }
});
