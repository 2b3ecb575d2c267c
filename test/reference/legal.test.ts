/**
 * The helpers every reference shares, by hand: the best legal action by a score (masked actions
 * never, the lowest index among equal scores), the seeded random reference (only legal actions,
 * uniform, from its own stream; an observation with none is an error) and the plug-in's choice
 * (the best reward under its estimated inputs).
 */
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../harness/agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { bestAction, createPlugIn, createRandomAgent, PLUG_IN_INPUTS } from '../../harness/reference/index.ts';
import { deriveRng } from '../../harness/rng.ts';
import { fixtureScenario } from '../env/fixtures.ts';

/** What bestAction reads of an environment: the pending request's mask. */
const masked = (...mask: number[]): OrchestrationEnv => ({ currentObservation: { actionMask: Uint8Array.from(mask) } }) as unknown as OrchestrationEnv;
const obsWith = (...mask: number[]): Observation => ({ actionMask: Uint8Array.from(mask) }) as unknown as Observation;

describe('bestAction', () => {
  it('maximises the score over the legal actions only, and scores each legal action once', () => {
    const scored: number[] = [];
    const score = (a: number): number => (scored.push(a), [5, 1, 9, 3, 7, 2][a]!);
    // Action 2 has the best score but is masked.
    expect(bestAction(masked(1, 1, 0, 1, 1, 0), score)).toBe(4);
    expect(scored).toEqual([0, 1, 3, 4]);
  });

  it('takes the lowest index among equal scores, whatever their sign', () => {
    expect(bestAction(masked(0, 1, 1, 1), (a) => (a === 1 ? -3 : -2))).toBe(2);
    expect(bestAction(masked(1, 1, 1), () => 0)).toBe(0);
    expect(bestAction(masked(0, 0, 1), () => -1e300)).toBe(2);
  });

  it('is -1 when no action is legal or none scores above -Infinity', () => {
    expect(bestAction(masked(0, 0, 0), () => 1)).toBe(-1);
    expect(bestAction(masked(1, 1), () => -Infinity)).toBe(-1);
  });
});

describe('random reference', () => {
  it('draws the k-th legal action with k uniform from the (seed, "random-policy") stream', () => {
    const mask = [0, 1, 1, 0, 1, 1];
    const legal = [1, 2, 4, 5];
    const agent = createRandomAgent(11);
    expect(agent.name).toBe('random');
    const rng = deriveRng(11, 'random-policy');
    const counts = new Map<number, number>();
    for (let i = 0; i < 4000; i++) {
      const a = agent.act(obsWith(...mask));
      expect(a).toBe(legal[rng.int(legal.length)]);
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    // Uniform: each of the 4 legal actions about 1000 times (binomial sd ~27).
    expect([...counts.keys()].sort()).toEqual(legal);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('takes the only legal action, and refuses an observation that masks every action', () => {
    const agent = createRandomAgent(3);
    for (let i = 0; i < 20; i++) expect(agent.act(obsWith(0, 0, 0, 1))).toBe(3);
    expect(() => agent.act(obsWith(0, 0, 0))).toThrow('random policy: the observation masks every action');
  });
});

describe('plug-in', () => {
  it('takes the best reward under present rates and mean compute (not the true outcome)', () => {
    const env = new OrchestrationEnv(fixtureScenario({ users: 3, rateHz: 4, periodic: false, edgeCores: 1, deviceSamplesMs: [20, 300], edgeSamplesMs: [5, 120] }));
    const agent = createPlugIn(env);
    expect(agent.name).toBe('plug-in');
    let obs = env.reset(2, 'learn');
    let differs = 0;
    for (let i = 0; i < 100; i++) {
      const legal = [...obs.actionMask.keys()].filter((a) => obs.actionMask[a] === 1);
      const estimate = legal.map((a) => env.whatIf(a, PLUG_IN_INPUTS).reward);
      const truth = legal.map((a) => env.whatIf(a).reward);
      const chosen = agent.act(obs);
      expect(chosen).toBe(legal[estimate.indexOf(Math.max(...estimate))]);
      if (chosen !== legal[truth.indexOf(Math.max(...truth))]) differs++;
      obs = env.step(chosen).obs;
    }
    // Positive control: the estimate and the truth disagree on some decisions (random compute draws).
    expect(differs).toBeGreaterThan(0);
  });
});
