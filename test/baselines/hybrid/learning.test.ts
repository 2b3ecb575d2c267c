/**
 * A small learning test on the real simulator: on one v3 scenario's testing variant, after 1000
 * learning decisions the Hybrid's greedy policy beats the random policy on the evaluation segment,
 * for each of 2 seeds, by half the random-to-clairvoyant gap (measured: 0.89 and 1.15).
 */
import { describe, expect, it } from 'vitest';
import { createAgent } from '../../../baselines/hybrid/index.ts';
import { OrchestrationEnv, runEpisode } from '../../../harness/env/index.ts';
import { createClairvoyant, createRandomAgent } from '../../../harness/reference/index.ts';
import { loadScenario } from '../../../harness/scenario/load.ts';

const SCENARIO = 'lte-driving-4u-battery-v3';
const OPTS = { learningDecisions: 1000, evaluationDecisions: 500 };

describe(`hybrid-v4 on ${SCENARIO} (testing variant)`, () => {
  it('beats random by at least half the random-to-clairvoyant gap after 1000 decisions, on 2 seeds', async () => {
    const env = new OrchestrationEnv(await loadScenario(SCENARIO, { variant: 'testing' }));
    const normalised: number[] = [];
    for (const seed of [1, 2]) {
      const random = runEpisode(env, createRandomAgent(seed), seed, OPTS).eval.meanReward;
      const oracle = runEpisode(env, createClairvoyant(env), seed, OPTS).eval.meanReward;
      const hybrid = runEpisode(env, await createAgent({ env: env.spec, seed }), seed, OPTS).eval.meanReward;
      normalised.push((hybrid - random) / (oracle - random));
    }
    for (const n of normalised) expect(n, `normalised evaluation rewards ${normalised.join(', ')}`).toBeGreaterThan(0.5);
  });
});
