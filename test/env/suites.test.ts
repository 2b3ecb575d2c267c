import { describe, expect, it } from 'vitest';
import { checkEnv } from '../../harness/env/check.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { myopicReference, createRandomAgent } from '../../harness/reference/index.ts';
import { staticAgent } from '../../baselines/static.ts';
import { loadSuite } from '../../harness/scenario/load.ts';
import { HAS_SHARED, NO_SHARED_REASON } from '../helpers/paths.ts';

const SEEDS = [1, 2];

describe('reference policies on the default suite (testing variant)', async () => {
  const scenarios = await loadSuite('testing');

  it('has scenarios to check', () => {
    expect(scenarios.length).toBeGreaterThan(0);
  });

  for (const s of scenarios) {
    it(`${s.id}: the clairvoyant reference beats random and every static policy`, async () => {
      const env = new OrchestrationEnv(s);
      const mean = async (make: () => Parameters<typeof runEpisode>[1] | Promise<Parameters<typeof runEpisode>[1]>) => {
        let sum = 0;
        for (const seed of SEEDS) sum += runEpisode(env, await make(), seed, { learningDecisions: 1 }).eval.meanReward;
        return sum / SEEDS.length;
      };
      // The reference value: the best of the clairvoyant's price variants on the same phase.
      let oracle = 0;
      for (const seed of SEEDS) oracle += myopicReference(env, (agent) => runEpisode(env, agent, seed, { learningDecisions: 1 }).eval.meanReward);
      oracle /= SEEDS.length;
      expect(oracle).toBeGreaterThan(await mean(() => createRandomAgent(7)));
      for (const tier of ['device', 'edge', 'cloud'] as const) {
        // The default scenarios are designed so that no single tier is best for every request.
        const fixed = await mean(() => staticAgent(tier)({ env: env.spec, seed: 7 }));
        expect(oracle, `static-${tier}`).toBeGreaterThan(fixed);
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
