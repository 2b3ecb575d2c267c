/**
 * The learning test every tabular/linear learner must pass on the real environment: on a
 * stationary default scenario's testing variant, the trailing-window mean reward reaches 90% of
 * the way from the random policy's mean reward to the oracle's within the learning budget, for at
 * least 8 of 10 seeds; and the same seed gives identical decisions.
 */
import { describe, expect, it } from 'vitest';
import type { AgentFactory } from '../../harness/agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { createClairvoyant, createRandomAgent } from '../../harness/reference/index.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { interactionsToThreshold } from '../../harness/score/curves.ts';

const SCENARIO = 'broadband-1u-loose-v1';
const SEEDS = Array.from({ length: 10 }, (_, i) => i);
const WINDOW = 200;
const FRACTION = 0.9;

const mean = (x: Float64Array): number => x.reduce((s, v) => s + v, 0) / x.length;

/** Registers the learning and determinism tests of `factory` (named `name`). */
export function learnsOnScenario(name: string, factory: AgentFactory): void {
  describe(`${name} on ${SCENARIO} (testing variant)`, () => {
    it(`reaches ${FRACTION * 100}% of the random-to-oracle gap within the budget for >= 8 of 10 seeds`, async () => {
      const env = new OrchestrationEnv(await loadScenario(SCENARIO, { variant: 'testing' }));
      const noEval = { evaluationDecisions: 0 };
      const reached: (number | null)[] = [];
      for (const seed of SEEDS) {
        const randomRef = mean(runEpisode(env, createRandomAgent(seed), seed, noEval).learningRewards);
        const oracleRef = mean(runEpisode(env, createClairvoyant(env), seed, noEval).learningRewards);
        const agent = await factory({ env: env.spec, seed });
        const rewards = runEpisode(env, agent, seed, noEval).learningRewards;
        reached.push(interactionsToThreshold(rewards, { randomRef, oracleRef, fraction: FRACTION, window: WINDOW }));
      }
      expect(reached.filter((n) => n !== null).length, `interactions to threshold per seed: ${reached.join(', ')}`).toBeGreaterThanOrEqual(8);
    });

    it('makes identical decisions for the same seed', async () => {
      const env = new OrchestrationEnv(await loadScenario(SCENARIO, { variant: 'testing' }));
      const run = async (seed: number) => runEpisode(env, await factory({ env: env.spec, seed }), seed).logSha256;
      expect(await run(3)).toBe(await run(3));
    });
  });
}
