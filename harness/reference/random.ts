/** The lower reference (0 of normalised scores): uniform over the legal actions, from a seeded stream. */
import type { Agent, Observation } from '../agent.ts';
import { deriveRng } from '../rng.ts';

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
