/** Agent runs shared by the learning agents' tests: a short episode's decision log, and seeds reaching the threshold. */
import type { AgentFactory } from '../../harness/agent.ts';
import { OrchestrationEnv, runEpisode, type EpisodeOptions } from '../../harness/env/index.ts';
import type { CompiledScenario } from '../../harness/scenario/compiled.ts';
import { scoreJob } from '../../harness/score/job.ts';

/** The decision-log sha256 of one (short) episode of a fresh agent with `agentSeed` on episode seed `envSeed`. */
export async function decisionLog(factory: AgentFactory, scenario: CompiledScenario, agentSeed: number, envSeed: number, opts: EpisodeOptions): Promise<string> {
  const env = new OrchestrationEnv(scenario);
  const agent = await factory({ env: env.spec, seed: agentSeed });
  try {
    return runEpisode(env, agent, envSeed, opts).logSha256;
  } finally {
    agent.dispose?.();
  }
}

/** How many of the episode seeds 1..`seeds` reach the threshold (the scorer's defaults: 90%, window 5% of the budget). */
export async function seedsReachingThreshold(factory: AgentFactory, scenario: CompiledScenario, seeds: number): Promise<number> {
  let reached = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const { metrics } = await scoreJob(scenario, factory, seed);
    if (metrics.interactionsToThreshold !== null) reached++;
  }
  return reached;
}
