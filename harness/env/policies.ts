/**
 * Reference policies that run through the ordinary {@link Agent} API, each stating what it
 * knows:
 * - `clairvoyant` (the upper reference, 1 of normalised scores): for each request, simulates
 *   every legal action exactly (the request's true compute draw, the true future link rates of
 *   its own transfers, the current queues) and takes the best realised reward. It knows this
 *   request's future, not future arrivals, and it does not plan for the queueing its choice
 *   causes later requests. With a battery (`battery.ts`) it also prices the request's device
 *   energy at the battery's long-run cost (one empty-battery penalty per initial charge) when the
 *   user's battery is projected to run empty before the phase ends (from its mean energy per
 *   request so far and the phase's remaining decisions), so it does not spend the battery for free.
 *   The reference VALUE of a phase is the best of several energy prices chosen in hindsight on
 *   that phase ({@link clairvoyantReference}): with a battery, the projection rule alone was beaten
 *   by a learned policy.
 * - `random` (the lower reference, 0 of normalised scores): uniform over the legal actions, from
 *   a seeded stream.
 * - `plug-in` (a baseline, not a reference): the best reward under the true current link rates
 *   held constant and each model's mean compute time: it knows the present exactly, nothing of
 *   the future.
 * The privileged ones read the simulator and always decide for its pending request.
 */
import type { Agent, Observation } from '../agent.ts';
import { deriveRng } from '../rng.ts';
import type { OrchestrationEnv } from './env.ts';

/**
 * The clairvoyant policy: the best realised reward of the pending request (privileged), with the
 * battery's energy priced by the projection rule (`energyPriceScale` null) or at that multiple of
 * the long-run price.
 */
export function createClairvoyant(env: OrchestrationEnv, prices: ClairvoyantPrices = MYOPIC): Agent {
  const score = (a: number): number => env.clairvoyantScore(a, prices.energyPriceScale, prices.asIfResident, prices.evictionPriceScale);
  return { name: 'clairvoyant', act: () => env.bestAction(score) };
}

/** How a clairvoyant variant prices battery energy and model residency ({@link OrchestrationEnv.clairvoyantScore}). */
export interface ClairvoyantPrices {
  /** Null: the projection rule; a number: that multiple of the battery's long-run price. */
  energyPriceScale: number | null;
  /** Score device actions as if their model were resident (a load serves later requests too). */
  asIfResident: boolean;
  /** Multiple of the evicted model's reload cost (0: evictions are free). */
  evictionPriceScale: number;
}

const MYOPIC: ClairvoyantPrices = { energyPriceScale: null, asIfResident: false, evictionPriceScale: 0 };

/** The residency variants: myopic, and loads as investments with evictions priced at 0, 1 and 4 reloads. */
const RESIDENCY_VARIANTS = [{ asIfResident: false, evictionPriceScale: 0 }, ...[0, 1, 4].map((evictionPriceScale) => ({ asIfResident: true, evictionPriceScale }))];

/**
 * Energy-price variants of the clairvoyant policy for the reference value: with a battery, a
 * per-request policy can spend the battery too fast or too slowly, and a learned policy beat the
 * projection rule on two battery scenarios (by 3-9% of the normalised scale on every seed). The
 * reference value of a phase is the best of these variants on that phase, chosen in hindsight on
 * the same segment: it knows the segment's outcome under each price, which no agent can.
 */
export function clairvoyantVariants(env: OrchestrationEnv): ClairvoyantPrices[] {
  const energy = env.hasBattery ? [null, 0.25, 0.5, 1, 2, 4, 8, 16] : [null];
  const residency = env.hasResidency ? RESIDENCY_VARIANTS : [RESIDENCY_VARIANTS[0]!];
  return energy.flatMap((energyPriceScale) => residency.map((r) => ({ energyPriceScale, ...r })));
}

/**
 * The reference value of a quantity measured by running a policy (e.g. a phase's mean reward):
 * the best over {@link clairvoyantVariants}.
 */
export function clairvoyantReference(env: OrchestrationEnv, measure: (agent: Agent) => number): number {
  let best = -Infinity;
  for (const prices of clairvoyantVariants(env)) best = Math.max(best, measure(createClairvoyant(env, prices)));
  return best;
}

/** The present-state plug-in policy: the best reward at the true current rates and mean compute (privileged). */
export function createPlugIn(env: OrchestrationEnv): Agent {
  const score = (a: number): number => env.plugInReward(a);
  return { name: 'plug-in', act: () => env.bestAction(score) };
}

/** Uniform over the unmasked actions, from the stream `(seed, "random-policy")`. */
export function createRandomAgent(seed: number): Agent {
  const rng = deriveRng(seed, 'random-policy');
  return {
    name: 'random',
    act(obs: Observation): number {
      const mask = obs.actionMask;
      let legal = 0;
      for (let a = 0; a < mask.length; a++) legal += mask[a]!;
      let k = rng.int(legal);
      for (let a = 0; a < mask.length; a++) if (mask[a] === 1 && k-- === 0) return a;
      throw new Error('random policy: the observation masks every action');
    },
  };
}
