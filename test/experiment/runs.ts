/** Agent runs shared by the learning agents' tests: a short episode's decision log, and seeds reaching the threshold. */
import type { AgentFactory } from '../../harness/agent.ts';
import { OrchestrationEnv, runEpisode, type EpisodeOptions } from '../../harness/env/index.ts';
import type { CompiledScenario } from '../../harness/scenario/compiled.ts';
import { scoreJob } from '../../harness/score/job.ts';

/** Greedy evaluations during learning (see `CheckpointOptions`), on a fresh environment of the same scenario. */
export interface Checkpoints {
  at: number[];
  decisions: number;
}

/**
 * The decision-log sha256 of one (short) episode of a fresh agent with `agentSeed` on episode seed
 * `envSeed`, optionally with greedy evaluations at `checkpoints` (their decisions are not logged).
 */
export async function decisionLog(factory: AgentFactory, scenario: CompiledScenario, agentSeed: number, envSeed: number, opts: EpisodeOptions, checkpoints?: Checkpoints): Promise<string> {
  const env = new OrchestrationEnv(scenario);
  const agent = await factory({ env: env.spec, seed: agentSeed });
  const ck = checkpoints && { ...checkpoints, env: new OrchestrationEnv(scenario), seed: envSeed + 1 };
  try {
    const r = runEpisode(env, agent, envSeed, { ...opts, ...(ck ? { checkpoints: ck } : {}) });
    // Every checkpoint must have been evaluated, or a comparison with the plain log would prove nothing.
    if (ck && r.checkpointRewards?.length !== ck.at.length) throw new Error(`evaluated ${r.checkpointRewards?.length} of ${ck.at.length} checkpoints`);
    return r.logSha256;
  } finally {
    agent.dispose?.();
  }
}

/**
 * How many of the episode seeds 1..`seeds` reach the threshold (the scorer's defaults: 90%, window
 * of 200 decisions; without the greedy curve, which this does not read).
 */
export async function seedsReachingThreshold(factory: AgentFactory, scenario: CompiledScenario, seeds: number): Promise<number> {
  let reached = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const { metrics } = await scoreJob(scenario, factory, seed, { checkpointEval: false });
    if (metrics.interactionsToThreshold !== null) reached++;
  }
  return reached;
}
