/**
 * Per-job metrics: one agent on one scenario with one seed, scored against the random and oracle
 * reference policies run on the same scenario and seed (common random numbers: the same arrivals,
 * requirements, trace offsets and compute draws), so a job's normalised scores compare the agent
 * with the references on exactly the requests it saw.
 */
import { performance } from 'node:perf_hooks';
import type { Agent, AgentContext, AgentFactory, Transition } from '../agent.ts';
import { OrchestrationEnv } from '../env/env.ts';
import { runEpisode } from '../env/episode.ts';
import { createOracle, createRandomAgent } from '../env/policies.ts';
import { deriveSeed } from '../rng.ts';
import type { JobMetrics } from '../runner/types.ts';
import type { CompiledScenario } from '../scenario/compiled.ts';
import { interactionsToThreshold, learningCurve, logCheckpoints, normalise, normalisedAuc } from './curves.ts';

export interface ScoreJobOptions {
  /** Fraction of the random-to-oracle gap for sample efficiency (default 0.9). */
  threshold?: number;
  /** Moving-average window in interactions (default: 5% of the learning budget, at least 10). */
  windowDecisions?: number;
  /** Pass the environment to the agent as `ctx.simulator` (privileged baselines such as the oracle). */
  privileged?: boolean;
  /** Hyperparameter overrides for the agent. */
  config?: Record<string, unknown>;
}

export interface ScoredJob {
  metrics: JobMetrics;
  /** Wall-clock split (ms); never part of any hash. */
  timing: { learnMs: number; planningMs: number; evalMs: number };
}

// References depend only on (scenario, seed): cached per worker so a worker running several agents
// on the same scenario and seed runs them once.
const refCache = new Map<string, { randomReward: number; oracleReward: number }>();

function mean(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Mean learning-phase reward of the random and oracle policies on this scenario and seed. */
export function referenceRewards(scenario: CompiledScenario, seed: number): { randomReward: number; oracleReward: number } {
  const key = `${scenario.hash}/${seed}`;
  let refs = refCache.get(key);
  if (!refs) {
    const env = new OrchestrationEnv(scenario);
    // References are scored on the learning phase only, so their evaluation phase is skipped.
    const noEval = { evaluationDecisions: 0 };
    const randomReward = mean(runEpisode(env, createRandomAgent(deriveSeed(seed, scenario.id, 'random-reference')), seed, noEval).learningRewards);
    const oracleReward = mean(runEpisode(env, createOracle(env), seed, noEval).learningRewards);
    refs = { randomReward, oracleReward };
    refCache.set(key, refs);
  }
  return refs;
}

/**
 * Runs the agent's episode and computes the job's metrics: learning curve at log-spaced
 * checkpoints, interactions to threshold, normalised AUC, evaluation metrics, real vs simulated
 * steps, the decision-log hash; timing separately.
 * @throws InputError when the references coincide (no scale to normalise by).
 */
export async function scoreJob(scenario: CompiledScenario, factory: AgentFactory, seed: number, opts: ScoreJobOptions = {}): Promise<ScoredJob> {
  const refs = referenceRewards(scenario, seed);
  const env = new OrchestrationEnv(scenario);
  const ctx: AgentContext & { simulator?: OrchestrationEnv } = {
    env: env.spec,
    seed: deriveSeed(seed, scenario.id, 'agent'),
    ...(opts.config ? { config: opts.config } : {}),
    ...(opts.privileged ? { simulator: env } : {}),
  };
  const inner = await factory(ctx);
  // Wrapping setMode marks where the evaluation phase starts, for the timing split.
  let evalStart = NaN;
  const agent: Agent = {
    name: inner.name,
    act: (obs) => inner.act(obs),
    ...(inner.learn ? { learn: (t: Transition) => inner.learn!(t) } : {}),
    ...(inner.stats ? { stats: () => inner.stats!() } : {}),
    setMode: (mode) => {
      if (mode === 'eval') evalStart = performance.now();
      inner.setMode?.(mode);
    },
  };
  let episode;
  try {
    episode = runEpisode(env, agent, seed);
  } finally {
    inner.dispose?.();
  }
  const evalMs = performance.now() - evalStart;
  const rewards = episode.learningRewards;
  const n = rewards.length;
  const window = opts.windowDecisions ?? Math.max(10, Math.round(n / 20));
  const threshold = opts.threshold ?? 0.9;
  const checkpoints = logCheckpoints(n);
  const curveMeans = learningCurve(rewards, checkpoints, window);
  const norm = { randomRef: refs.randomReward, oracleRef: refs.oracleReward };
  const stats = episode.agentStats;
  return {
    metrics: {
      refs,
      curve: {
        checkpoints,
        meanReward: [...curveMeans],
        normalised: [...curveMeans].map((m) => normalise(m, norm.randomRef, norm.oracleRef)),
        window,
      },
      interactionsToThreshold: interactionsToThreshold(rewards, { ...norm, fraction: threshold, window }),
      threshold,
      normalisedAuc: normalisedAuc(rewards, { ...norm, window }),
      eval: { ...episode.eval },
      realSteps: stats?.realSteps ?? n,
      planningUpdates: stats?.planningUpdates ?? 0,
      decisionLogSha256: episode.logSha256,
      info: { ...stats?.info },
    },
    timing: { learnMs: stats?.learnMs ?? 0, planningMs: stats?.planningMs ?? 0, evalMs },
  };
}
