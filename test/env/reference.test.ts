/**
 * The clairvoyant reference is an upper reference: on every default and recorded scenario
 * (testing variants, 5 seeds), no baseline's evaluation reward exceeds the reference's beyond
 * the paired bootstrap interval of the per-seed difference (same seed = same requests, traces and
 * offsets for both). The neural agents (dqn, hybrid) cost minutes per scenario here; their
 * normalised evaluation reward against the same reference is on the published leaderboard
 * (`normalisedEvalReward`, leaderboard/testing/).
 */
import { describe, expect, it } from 'vitest';
import { BASELINES, listBaselines, loadBaseline } from '../../baselines/index.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { myopicReference } from '../../harness/reference/index.ts';
import { loadSuite } from '../../harness/scenario/load.ts';
import { stratifiedBootstrap } from '../../harness/stats/index.ts';

const SEEDS = [1, 2, 3, 4, 5];
const NEURAL = ['dqn', 'hybrid', 'dqn-informed'];
const competitors = listBaselines().filter((n) => !BASELINES[n]!.reference && !NEURAL.includes(n));

describe('the clairvoyant reference is not beaten beyond the bootstrap interval', () => {
  for (const suite of ['default', 'recorded'] as const) {
    it(`${suite} suite, testing variants, ${SEEDS.length} seeds: ${competitors.join(', ')}`, async () => {
      const beaten: string[] = [];
      for (const scenario of await loadSuite(suite, { variant: 'testing' })) {
        const env = new OrchestrationEnv(scenario);
        const reference = SEEDS.map((s) => myopicReference(env, (agent) => runEpisode(env, agent, s, { learningDecisions: 0 }).eval.meanReward));
        for (const name of competitors) {
          const factory = await loadBaseline(name);
          const diff = await Promise.all(SEEDS.map(async (s, i) => {
            const agent = await factory({ env: env.spec, seed: s, ...(BASELINES[name]!.privileged ? { simulator: env } : {}) } as never);
            const learn = BASELINES[name]!.learning ? {} : { learningDecisions: 0 };
            const r = runEpisode(env, agent, s, learn).eval.meanReward - reference[i]!;
            agent.dispose?.();
            return [r];
          }));
          const ci = stratifiedBootstrap([diff], (m) => m.reduce((t, row) => t + row[0]!, 0) / m.length, { seed: 7, reps: 1000, labels: [scenario.id, name] });
          if (ci.lo > 0) beaten.push(`${scenario.id}: ${name} beats the reference by ${ci.point} [${ci.lo}, ${ci.hi}] reward per request`);
        }
      }
      expect(beaten).toEqual([]);
    }, 600_000);
  }
});
