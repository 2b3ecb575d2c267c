/**
 * Reference policies that run through the ordinary {@link Agent} API: the clairvoyant-about-the-
 * present `oracle` (the upper reference for score normalisation), a seeded uniform `random`
 * policy (the lower reference) and `static` per-tier policies (sanity baselines).
 */
import type { Agent, EnvSpec, Observation } from '../agent.ts';
import { deriveRng } from '../rng.ts';
import type { Tier } from '../scenario/types.ts';
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

/**
 * Always `tier`, with the least accurate of its models that meets the request's accuracy
 * requirement (the cheapest that does not violate it); the most accurate one when none does.
 */
export function createStaticAgent(spec: EnvSpec, tier: Tier): Agent {
  // The tier's actions by increasing accuracy; masked ones are skipped per observation.
  const byAccuracy = spec.actions.filter((a) => a.tier === tier).sort((x, y) => x.accuracyTop1Pct - y.accuracyTop1Pct || x.index - y.index);
  return {
    name: `always-${tier}`,
    act(obs: Observation): number {
      let chosen = -1;
      for (const a of byAccuracy) {
        if (obs.actionMask[a.index] !== 1) continue;
        chosen = a.index;
        if (a.accuracyTop1Pct >= obs.request.accuracyRequirementTop1Pct) return chosen;
      }
      if (chosen < 0) throw new Error(`always-${tier}: no unmasked action on tier ${tier}`);
      return chosen;
    },
  };
}
