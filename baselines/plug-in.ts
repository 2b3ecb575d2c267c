/**
 * Plug-in: for every request, the action with the best reward the environment would give if the
 * true current link rates held over its transfers and its compute took the model's mean time,
 * with the exact current queues (`OrchestrationEnv.plugInReward`). It knows the present exactly
 * (better than any probe), nothing of the future, and ignores the chance of a deadline miss and
 * the queueing it causes others: a strong present-state baseline, not a reference (the upper
 * reference is the clairvoyant policy of `harness/env/policies.ts`).
 *
 * It is privileged: it reads the simulator, which no real orchestrator can. Its registry entry is
 * flagged `privileged: true`, and the runner passes the environment as
 * {@link PrivilegedContext.simulator} (the agent contract itself gives agents no such access).
 */
import type { AgentContext, AgentFactory } from '../harness/agent.ts';
import type { OrchestrationEnv } from '../harness/env/env.ts';
import { createClairvoyant, createPlugIn } from '../harness/env/policies.ts';

/** The context the runner gives agents whose registry entry is `privileged`. */
export interface PrivilegedContext extends AgentContext {
  /** The environment the agent is run on; the agent always decides for its pending request. */
  simulator: OrchestrationEnv;
}

function simulatorOf(ctx: AgentContext, name: string): OrchestrationEnv {
  const { simulator } = ctx as Partial<PrivilegedContext>;
  if (!simulator) {
    throw new Error(`${name} is privileged: create it with { ...ctx, simulator: env } (the registry entry is flagged privileged: true)`);
  }
  return simulator;
}

export const createAgent: AgentFactory = (ctx) => createPlugIn(simulatorOf(ctx, 'plug-in'));

/** The clairvoyant reference (see `harness/env/policies.ts`). */
export const createClairvoyantAgent: AgentFactory = (ctx) => createClairvoyant(simulatorOf(ctx, 'clairvoyant'));
