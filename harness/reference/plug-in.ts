/**
 * The present-state plug-in policy (a baseline, not a reference): the best reward of the pending
 * request under estimated inputs (every transfer at its link's true current rate held constant,
 * each model's mean compute time) with the exact current queues and residency. It knows the
 * present exactly, nothing of the future. The estimate is the simulator's own timeline with those
 * inputs (`env.whatIf(a, PLUG_IN_INPUTS)`), so it prices the same things in the same way as the
 * truth (e.g. the edge's background slowdown where the request reaches the edge).
 */
import type { Agent } from '../agent.ts';
import type { OrchestrationEnv, WhatIfInputs } from '../env/env.ts';
import { bestAction } from './legal.ts';

/** The plug-in's estimated inputs: present link rates, mean compute. */
export const PLUG_IN_INPUTS: WhatIfInputs = { meanCompute: true, presentRates: true };

/** The present-state plug-in policy on `env`'s pending request (privileged). */
export function createPlugIn(env: OrchestrationEnv): Agent {
  const score = (a: number): number => env.whatIf(a, PLUG_IN_INPUTS).reward;
  return { name: 'plug-in', act: () => bestAction(env, score) };
}
