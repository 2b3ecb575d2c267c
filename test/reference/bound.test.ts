/**
 * The upper bound is a bound: on default scenarios with every factor on, each request's relaxed
 * best reward is at least the reward any legal action realises on it (whatever was decided
 * before), so the bound's phase value is above every policy's; and scoring fails a job that
 * exceeds it, with the reason.
 */
import { describe, expect, it } from 'vitest';
import type { AgentFactory } from '../../harness/agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { RELAXED, upperBound } from '../../harness/reference/bound.ts';
import { createClairvoyant, createPlugIn, createRandomAgent } from '../../harness/reference/index.ts';
import { createPlanner } from '../../harness/reference/planning.ts';
import { deriveRng } from '../../harness/rng.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { scoreJob } from '../../harness/score/job.ts';

describe('upper bound', () => {
  for (const id of ['lte-driving-16u-battery-deadlines-v3', '3g-commute-4u-strict-battery-v3']) {
    it(`${id}: no legal action's realised reward on any request exceeds the relaxed best, after random decisions`, async () => {
      const env = new OrchestrationEnv(await loadScenario(id, { variant: 'testing' }));
      const rng = deriveRng(4, 'bound-test');
      let obs = env.reset(2, 'learn');
      let below = 0;
      for (let i = 0; i < 600; i++) {
        const legal = [...obs.actionMask.keys()].filter((a) => obs.actionMask[a] === 1);
        let bound = -Infinity;
        for (const a of legal) bound = Math.max(bound, env.whatIf(a, RELAXED).reward);
        for (const a of legal) expect(env.whatIf(a).reward).toBeLessThanOrEqual(bound + 1e-12);
        const r = env.step(legal[rng.int(legal.length)]!);
        if (env.lastDecision.reward < bound - 1e-6) below++;
        obs = r.obs;
      }
      // A bound, not the truth: the coupling costs something on most requests.
      expect(below).toBeGreaterThan(300);
    });
  }

  it('is above the random, plug-in, myopic and planning phase values', async () => {
    const env = new OrchestrationEnv(await loadScenario('lte-driving-4u-battery-v3', { variant: 'testing' }));
    const cap = 300;
    const value = (agent: Parameters<typeof runEpisode>[1]) => runEpisode(env, agent, 3, { learningDecisions: 0, evaluationDecisions: cap }).eval.meanReward;
    const bound = upperBound(env, 3, 'eval', cap);
    expect(bound.decisions).toBe(cap);
    for (const v of [value(createRandomAgent(3)), value(createPlugIn(env)), value(createClairvoyant(env)), value(createPlanner(env))]) expect(v).toBeLessThan(bound.meanReward);
  });

  it('fails a job whose rewards exceed it (an agent that rewrites the simulator), naming the reason', async () => {
    const scenario = await loadScenario('lte-driving-4u-battery-v3', { variant: 'testing' });
    // A privileged agent that hands each request a negative battery penalty: a reward no policy can earn.
    const cheat: AgentFactory = (ctx) => {
      const env = (ctx as unknown as { simulator: OrchestrationEnv }).simulator;
      return { name: 'cheat', act: (obs) => ((env as unknown as { curEmptyPenalty: number }).curEmptyPenalty = -1, obs.actionMask.indexOf(1)) };
    };
    await expect(scoreJob(scenario, cheat, 1, { privileged: true })).rejects.toThrow(/cheat on lte-driving-4u-battery-v3 seed 1: the mean learning reward over 4000 decisions \(.*\) is above the upper bound/);
  });
});
