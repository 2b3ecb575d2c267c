/**
 * The upper bound of the scale: a relaxation no policy can beat. Each request gets the best reward
 * of any legal action with its coupling to the other requests removed (`env.whatIf(a, RELAXED)`:
 * no queue and the tier's least contention, its model resident, no idle energy and its download at
 * the link's peak rate for energy, no battery penalty), everything exogenous kept (its compute
 * draw, requirement, deadline, the true link rates, the edge's background load). A request's true
 * latency and energy under any action are at least the relaxed ones (a transfer that starts later
 * never ends earlier), and the reward falls with both, so no policy's reward on a request exceeds
 * the bound's, and the requests of a phase do not depend on the actions taken: the bound's mean
 * over a phase is at least any policy's mean reward on it. It is the largest possible headroom,
 * not a reachable value.
 */
import type { Seed } from '../rng.ts';
import type { OrchestrationEnv, Phase, WhatIfInputs } from '../env/env.ts';
import { bestAction } from './legal.ts';

/** The relaxation's inputs. */
export const RELAXED: WhatIfInputs = { relaxed: true };

/** Relative slack of the bound checks: float rounding of a sum in another order, never a real excess. */
export const BOUND_TOLERANCE = 1e-9;

/**
 * The bound's mean reward over up to `cap` decisions of `phase` reset with `seed` (the same
 * decisions any policy gets with that cap), and how many decisions that was.
 */
export function upperBound(env: OrchestrationEnv, seed: Seed, phase: Phase, cap: number): { meanReward: number; decisions: number } {
  env.reset(seed, phase);
  let sum = 0;
  let n = 0;
  let best = 0;
  const score = (a: number): number => {
    const r = env.whatIf(a, RELAXED).reward;
    if (r > best) best = r;
    return r;
  };
  for (let done = cap <= 0; !done; ) {
    best = -Infinity;
    // Any action moves the phase on: the requests do not depend on it, nor does the relaxed value.
    const a = bestAction(env, score);
    sum += best;
    n++;
    done = env.step(a).done || n >= cap;
  }
  return { meanReward: n > 0 ? sum / n : NaN, decisions: n };
}

/** The bound over several evaluation segments (as `evaluateSegments` runs a policy on them). */
export function upperBoundSegments(env: OrchestrationEnv, seeds: readonly Seed[], decisions: number): number {
  let sum = 0;
  let count = 0;
  for (const seed of seeds) {
    const r = upperBound(env, seed, 'eval', Math.min(decisions, env.spec.evaluationDecisions));
    if (r.decisions > 0) sum += r.meanReward * r.decisions;
    count += r.decisions;
  }
  return count > 0 ? sum / count : NaN;
}

/** Whether `value` exceeds the bound beyond float rounding. */
export function aboveBound(value: number, bound: number): boolean {
  return value - bound > BOUND_TOLERANCE * Math.max(1, Math.abs(bound));
}
