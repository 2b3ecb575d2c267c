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

/** The clairvoyant reference: the best realised reward of the pending request (privileged). */
export function createClairvoyant(env: OrchestrationEnv): Agent {
  const score = (a: number): number => env.clairvoyantScore(a);
  return { name: 'clairvoyant', act: () => env.bestAction(score) };
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
