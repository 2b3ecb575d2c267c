/**
 * Random: every decision picks uniformly among the unmasked actions (tier x model).
 *
 * The lower reference of every normalised score (0 = random, 1 = oracle). This is the
 * environment's own reference policy (`harness/env/policies.ts`), so the baseline and the
 * reference the scores are normalised by are one and the same. It does not learn; its only state
 * is its seeded stream, so the same seed gives the same decisions.
 */
import type { AgentFactory } from '../harness/agent.ts';
import { createRandomAgent } from '../harness/env/policies.ts';

export const createAgent: AgentFactory = (ctx) => createRandomAgent(ctx.seed);
