/**
 * The planning reference (the 1 of the `planning-v1` scale): at each decision it forks the
 * simulator (`env.snapshot()` restored into a private copy), and for each of the `candidates` best
 * legal actions by a myopic clairvoyant variant's score applies it, then rolls that myopic
 * clairvoyant forward for `horizon` more decisions on the true future (arrivals, draws and traces do not depend on actions, so the copy
 * sees exactly what will happen), and takes the action with the best total reward over those
 * 1 + horizon decisions (the myopic order breaks ties). So it accounts for the queueing, battery
 * drain, penalties and model residency its choice causes the next `horizon` requests, which the
 * myopic reference cannot. It knows the future; no agent can.
 *
 * The reference VALUE of a phase on this scale is the best, in hindsight on that phase, of the
 * planning policy and the myopic variants ({@link planningReference}).
 */
import type { Agent } from '../agent.ts';
import { OrchestrationEnv } from '../env/env.ts';
import { createBeamPlanner, type BeamOptions } from './beam.ts';
import { clairvoyantVariants, createClairvoyant, fixedPrices, UNPRICED, type ClairvoyantPrices } from './myopic.ts';

/** How far and how wide the planning reference looks. */
export interface PlanningOptions {
  /** Decisions rolled forward after the candidate action (>= 0). */
  horizon: number;
  /** Candidate actions per decision: the best k by realised reward (>= 1; more than legal: all). */
  candidates: number;
}

/**
 * The planning reference's defaults (the `planning-v1` scale's), from the convergence study in
 * docs/references.md: H = 4 is the smallest horizon from which doubling it changes neither the
 * reference value nor the planning policy alone by 0.5% of the random-to-reference gap on any
 * default scenario; H = 8 costs ~1.7x more CPU for at most 0.1% of the gap.
 */
export const PLANNING_DEFAULTS: PlanningOptions = { horizon: 4, candidates: 3 };

/**
 * The planning policy on `env`'s pending request (privileged). With `prices` (a myopic variant's),
 * candidates are ranked and rollouts act by that variant's priced score, and a rollout's total
 * charges its device energy at the variant's battery price: the battery's cost beyond the horizon.
 */
export function createPlanner(env: OrchestrationEnv, opts: PlanningOptions = PLANNING_DEFAULTS, prices: ClairvoyantPrices = UNPRICED): Agent {
  if (!(Number.isInteger(opts.horizon) && opts.horizon >= 0) || !(Number.isInteger(opts.candidates) && opts.candidates >= 1)) {
    throw new Error(`planning reference: horizon must be an integer >= 0 and candidates an integer >= 1 (got horizon ${opts.horizon}, candidates ${opts.candidates})`);
  }
  const fixed = fixedPrices(prices);
  const sim = new OrchestrationEnv(env.scenario);
  const ranker = createClairvoyant(env, fixed);
  const rollout = createClairvoyant(sim, fixed);
  const battery = env.batteryReadout;
  const pricePerMj = battery ? fixed.energyPriceScale! * battery.shadowPricePerMj : 0;
  const value = (): number => sim.lastDecision.reward - pricePerMj * sim.lastDecision.outcome.deviceEnergyMj;
  const n = env.spec.actions.length;
  const order: number[] = [];
  const score = new Float64Array(n);
  return {
    name: 'planning',
    act(obs): number {
      order.length = 0;
      ranker.act(obs);
      for (let a = 0; a < n; a++) {
        if (obs.actionMask[a] === 0) continue;
        score[a] = ranker.score(a);
        order.push(a);
      }
      // Best first; the sort is stable, so equal scores keep index order.
      order.sort((x, y) => score[y]! - score[x]!);
      const k = Math.min(opts.candidates, order.length);
      if (k === 1 || opts.horizon === 0) return order[0]!;
      const snap = env.snapshot();
      let best = order[0]!;
      let bestTotal = -Infinity;
      for (let i = 0; i < k; i++) {
        const a = order[i]!;
        sim.restore(snap);
        let r = sim.step(a);
        let total = value();
        for (let h = 0; h < opts.horizon && !r.done; h++) {
          r = sim.step(rollout.act(r.obs));
          total += value();
        }
        if (total > bestTotal) {
          bestTotal = total;
          best = a;
        }
      }
      return best;
    },
  };
}

/** The value of a phase under the myopic variants and the planning policies. */
export interface PlanningReferenceValue {
  /** The best myopic variant's value (the `clairvoyant-v3` reference value). */
  myopic: number;
  /** The best planning policy's value (the rollout planner, and with `beam` the beam-search planner), planning with the best myopic variant's prices. */
  planning: number;
  /** The reference value: the better of the two, in hindsight. */
  value: number;
}

/**
 * The reference value of a quantity measured by running a policy: the best myopic variant in
 * hindsight (as the `clairvoyant-v3` scale), then the rollout planner with that variant's prices,
 * and with `beam` (the `planning-v2` scale) also the beam-search planner (`beam.ts`) with them,
 * planning the first `beam.decisions` decisions of each phase the measure runs, and the best of
 * these (without `beam`: the `planning-v1` value).
 */
export function planningReference(env: OrchestrationEnv, measure: (agent: Agent) => number, opts: PlanningOptions = PLANNING_DEFAULTS, beam: (BeamOptions & { decisions?: number }) | null = null): PlanningReferenceValue {
  let myopic = -Infinity;
  let best = clairvoyantVariants(env)[0]!;
  for (const prices of clairvoyantVariants(env)) {
    const v = measure(createClairvoyant(env, prices));
    if (v > myopic) {
      myopic = v;
      best = prices;
    }
  }
  const rollout = measure(createPlanner(env, opts, best));
  // The beam planner plans `decisions` of each phase the measure starts (all of it without).
  const planning = beam ? Math.max(rollout, measure(createBeamPlanner(env, beam, best, beam.decisions))) : rollout;
  return { myopic, planning, value: Math.max(myopic, planning) };
}
