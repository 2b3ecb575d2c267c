/**
 * Reference policies that run through the ordinary {@link Agent} API: the clairvoyant-about-the-
 * present `oracle` (the upper reference for score normalisation) and a seeded uniform `random`
 * policy (the lower reference). Static per-tier policies are baselines (`baselines/static.ts`).
 */
import type { Agent, Observation } from '../agent.ts';
import { deriveRng } from '../rng.ts';
import type { OrchestrationEnv } from './env.ts';

/**
 * The oracle: for each request, the unmasked action with the best expected reward given the
 * true current link rates (held constant over the transfers), the exact current queues and the
 * mean compute time x the current slowdown. It knows the present, not the future, and needs
 * privileged access to `env`: it always decides for the env's pending request.
 */
export function createOracle(env: OrchestrationEnv): Agent {
  return { name: 'oracle', act: () => env.bestExpectedAction() };
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
