/**
 * Oracle: for every request, the action with the best expected reward given the true current
 * link rates, the exact current queues and each model's mean compute time (see
 * `OrchestrationEnv.bestExpectedAction`). It knows the present, not the future, and it is the
 * upper reference of every normalised score (1 = oracle).
 *
 * It is privileged: it reads the simulator, which no real orchestrator can. Its registry entry is
 * flagged `privileged: true`, and the runner passes the environment as
 * {@link PrivilegedContext.simulator} (the agent contract itself gives agents no such access).
 */
import type { AgentContext, AgentFactory } from '../harness/agent.ts';
import type { OrchestrationEnv } from '../harness/env/env.ts';
import { createOracle } from '../harness/env/policies.ts';

/** The context the runner gives agents whose registry entry is `privileged`. */
export interface PrivilegedContext extends AgentContext {
  /** The environment the agent is run on; the agent always decides for its pending request. */
  simulator: OrchestrationEnv;
}

export const createAgent: AgentFactory = (ctx) => {
  const { simulator } = ctx as Partial<PrivilegedContext>;
  if (!simulator) {
    throw new Error('oracle is a privileged baseline: create it with { ...ctx, simulator: env } (the registry entry is flagged privileged: true)');
  }
  return createOracle(simulator);
};
