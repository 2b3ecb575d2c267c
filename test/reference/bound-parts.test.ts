/**
 * The upper bound's parts by hand: its phase value is the mean over the capped decisions of each
 * request's best relaxed reward (whatever action moves the phase on: the relaxed values do not
 * depend on it), no decisions give no value, the value over segments is weighted by decisions and
 * capped at the phase's budget, and "above the bound" allows float rounding only, relative to the
 * bound's size.
 */
import { describe, expect, it } from 'vitest';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { aboveBound, BOUND_TOLERANCE, RELAXED, upperBound, upperBoundSegments } from '../../harness/reference/bound.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { fixtureScenario } from '../env/fixtures.ts';

/** The mean best relaxed reward over the first `cap` decisions of the phase, moving on by the last legal action. */
function byHand(env: OrchestrationEnv, seed: number, phase: 'learn' | 'eval', cap: number): number {
  let obs = env.reset(seed, phase);
  let sum = 0;
  let n = 0;
  for (let done = false; !done && n < cap; ) {
    const legal = [...obs.actionMask.keys()].filter((a) => obs.actionMask[a] === 1);
    sum += Math.max(...legal.map((a) => env.whatIf(a, RELAXED).reward));
    n++;
    const r = env.step(legal.at(-1)!);
    obs = r.obs;
    done = r.done;
  }
  return sum / n;
}

describe('upper bound, by hand', () => {
  it('is the mean best relaxed reward over the capped decisions (battery and residency on)', async () => {
    const env = new OrchestrationEnv(await loadScenario('lte-driving-4u-battery-v3', { variant: 'testing' }));
    for (const [phase, cap] of [['eval', 150], ['learn', 300]] as const) {
      const b = upperBound(env, 5, phase, cap);
      expect(b.decisions).toBe(cap);
      expect(b.meanReward).toBeCloseTo(byHand(env, 5, phase, cap), 12);
    }
  });

  it('stops at the end of the phase, and gives no value for no decisions', () => {
    const env = new OrchestrationEnv(fixtureScenario({ users: 2, evaluationDecisions: 30 }));
    const whole = upperBound(env, 1, 'eval', 1000);
    expect(whole.decisions).toBe(30);
    expect(whole.meanReward).toBeCloseTo(byHand(env, 1, 'eval', 1000), 12);
    for (const cap of [0, -5]) {
      const none = upperBound(env, 1, 'eval', cap);
      expect(none.decisions).toBe(0);
      expect(none.meanReward).toBeNaN();
    }
  });

  it('over segments: weighted by decisions, each capped at the evaluation budget; NaN for none', () => {
    const env = new OrchestrationEnv(fixtureScenario({ users: 3, rateHz: 4, periodic: false, edgeCores: 1, evaluationDecisions: 40 }));
    const seeds = [1, 2, 3];
    const mean = (cap: number): number => seeds.reduce((s, seed) => s + byHand(env, seed, 'eval', cap), 0) / seeds.length;
    expect(upperBoundSegments(env, seeds, 25)).toBeCloseTo(mean(25), 12);
    // More decisions than the phase has: each segment is its whole phase.
    expect(upperBoundSegments(env, seeds, 500)).toBeCloseTo(mean(40), 12);
    expect(upperBoundSegments(env, seeds, 0)).toBeNaN();
    expect(upperBoundSegments(env, [], 25)).toBeNaN();
  });

  it('a value is above the bound only beyond float rounding, relative to a large bound', () => {
    expect(BOUND_TOLERANCE).toBe(1e-9);
    expect(aboveBound(1, 1)).toBe(false);
    expect(aboveBound(1 + 5e-10, 1)).toBe(false);
    expect(aboveBound(1 + 2e-9, 1)).toBe(true);
    // Exactly the slack is still within it.
    expect(aboveBound(1e-9, 0)).toBe(false);
    expect(aboveBound(0.5, 1)).toBe(false);
    // Small bounds: the slack is absolute (1e-9), not relative to a tiny bound.
    expect(aboveBound(1e-3 + 5e-10, 1e-3)).toBe(false);
    // Large bounds, either sign: relative to the bound's size.
    expect(aboveBound(1000 + 5e-7, 1000)).toBe(false);
    expect(aboveBound(1000 + 2e-6, 1000)).toBe(true);
    expect(aboveBound(-1000 + 5e-7, -1000)).toBe(false);
    expect(aboveBound(-1000 + 2e-6, -1000)).toBe(true);
    expect(aboveBound(-999, -1000)).toBe(true);
  });
});
