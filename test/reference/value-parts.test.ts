/**
 * A scenario's reference table by hand: each reference is the mean over the seeds of what it is
 * alone (random with the jobs' random-reference stream, the myopic and planning-v1 values, the
 * bound over the whole evaluation phase), and the two ratios and the printed line are those of
 * the means.
 */
import { describe, expect, it } from 'vitest';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { upperBound } from '../../harness/reference/bound.ts';
import { createRandomAgent } from '../../harness/reference/random.ts';
import { planningReference } from '../../harness/reference/planning.ts';
import { formatScenarioReferences, scenarioReferences } from '../../harness/reference/value.ts';
import { deriveSeed } from '../../harness/rng.ts';
import { fixedLink, fixtureScenario } from '../env/fixtures.ts';

describe('scenario references, by hand', () => {
  it('are the means over the seeds of each reference alone, with the ratios of the means', () => {
    const s = fixtureScenario({ users: 3, rateHz: 4, periodic: false, edgeCores: 1, wan: fixedLink(10, 10), edgeSamplesMs: [60], deviceSamplesMs: [200], evaluationDecisions: 60 });
    const opts = { horizon: 2, candidates: 2 };
    const seeds = [3, 8];
    const r = scenarioReferences(s, seeds, opts);
    const env = new OrchestrationEnv(s);
    const mean = (f: (seed: number) => number): number => seeds.reduce((sum, seed) => sum + f(seed), 0) / seeds.length;
    const measure = (seed: number) => (agent: Parameters<typeof runEpisode>[1]) => runEpisode(env, agent, seed, { learningDecisions: 0 }).eval.meanReward;
    const random = mean((seed) => measure(seed)(createRandomAgent(deriveSeed(seed, s.id, 'random-reference'))));
    const myopic = mean((seed) => planningReference(env, measure(seed), opts).myopic);
    const planning = mean((seed) => planningReference(env, measure(seed), opts).value);
    const bound = mean((seed) => upperBound(env, seed, 'eval', 60).meanReward);
    expect(r.seeds).toEqual(seeds);
    expect(r.random).toBeCloseTo(random, 12);
    expect(r.myopic).toBeCloseTo(myopic, 12);
    expect(r.planning).toBeCloseTo(planning, 12);
    expect(r.bound).toBeCloseTo(bound, 12);
    expect(r.valueOfPlanning).toBeCloseTo((planning - myopic) / (myopic - random), 12);
    expect(r.boundNormalised).toBeCloseTo((bound - random) / (planning - random), 12);
    // Distinct values, or the checks above could not tell one reference from another.
    expect(new Set([random, myopic, planning, bound]).size).toBe(4);
    // A copy of the seeds, not the caller's array.
    seeds.push(99);
    expect(r.seeds).toEqual([3, 8]);
  });

  it('prints one line with 4 decimals (3 for the bound on the planning scale)', () => {
    const line = formatScenarioReferences({ seeds: [1, 2], random: -0.51234, myopic: 0.3, planning: 0.312345, bound: 0.9, valueOfPlanning: 0.0151, boundNormalised: 1.71234 });
    expect(line).toBe('value of planning 0.0151 (planning reference 0.3123, myopic 0.3000, random -0.5123; upper bound 0.9000 = 1.712 on the planning scale; evaluation phase, seeds 1,2)');
  });
});
