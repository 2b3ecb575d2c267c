/**
 * Per-job metrics: one agent on one scenario with one seed, scored against the random and oracle
 * reference policies run on the same scenario and seed (common random numbers: the same arrivals,
 * requirements, trace offsets and compute draws), so a job's normalised scores compare the agent
 * with the references on exactly the requests it saw.
 *
 * Two sample-efficiency measurements:
 * - the learning curve: trailing-window mean of the rewards the agent received while learning
 *   (its behaviour policy, exploration included);
 * - the greedy curve (learners only): the greedy policy evaluated at log-spaced checkpoints of real
 *   interactions on one fixed evaluation segment (seed derived from the job seed: the same requests
 *   for every agent and checkpoint), normalised by the random and oracle policies on that segment
 *   (see `CheckpointOptions` in `harness/env/episode.ts`).
 */
import { performance } from 'node:perf_hooks';
import type { Agent, AgentContext, AgentFactory, Transition } from '../agent.ts';
import { OrchestrationEnv } from '../env/env.ts';
import { evaluatePolicy, runEpisode } from '../env/episode.ts';
import { createOracle, createRandomAgent } from '../env/policies.ts';
import { deriveSeed } from '../rng.ts';
import type { GreedyCurve, JobMetrics } from '../runner/types.ts';
import type { CompiledScenario } from '../scenario/compiled.ts';
import { recordStats } from './reported.ts';
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
  /** Greedy-policy evaluations at checkpoints (default on; never for privileged agents), or false for none. */
  checkpointEval?: CheckpointEvalOptions | false;
}

/** How the greedy curve is measured. */
export interface CheckpointEvalOptions {
  /** Greedy decisions per checkpoint (default 200, capped by the scenario's evaluation budget). */
  decisions?: number;
  /** Log-spaced checkpoints per factor of 10 of real interactions, from 10 (default 10). */
  perDecade?: number;
}

/** Default greedy decisions per checkpoint. */
export const CHECKPOINT_DECISIONS = 200;

export interface ScoredJob {
  metrics: JobMetrics;
  /** Wall-clock split (ms); never part of any hash. `checkpointMs`: greedy evaluations during learning. */
  timing: { learnMs: number; planningMs: number; evalMs: number; checkpointMs: number };
}

// References depend only on (scenario, seed): cached per worker so a worker running several agents
// on the same scenario and seed runs them once.
const refCache = new Map<string, { randomReward: number; oracleReward: number }>();

function mean(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** The evaluation segment of the greedy curve: the same for every agent on this scenario and job seed. */
export function checkpointSeed(scenario: CompiledScenario, seed: number): number {
  return deriveSeed(seed, scenario.id, 'checkpoint-eval');
}

/**
 * Mean reward of the random and oracle policies on the greedy curve's evaluation segment
 * (`decisions` decisions of `env`'s evaluation phase from {@link checkpointSeed}).
 */
export function checkpointReferences(env: OrchestrationEnv, seed: number, decisions: number): { randomReward: number; oracleReward: number } {
  const key = `${env.scenario.hash}/${seed}/checkpoint/${decisions}`;
  let refs = refCache.get(key);
  if (!refs) {
    const evalSeed = checkpointSeed(env.scenario, seed);
    const random = createRandomAgent(deriveSeed(seed, env.scenario.id, 'random-reference'));
    refs = {
      randomReward: evaluatePolicy(env, random, evalSeed, decisions).meanReward,
      oracleReward: evaluatePolicy(env, createOracle(env), evalSeed, decisions).meanReward,
    };
    refCache.set(key, refs);
  }
  return refs;
}

/**
 * Sample efficiency of the greedy curve: the first checkpoint from which the normalised reward is
 * >= `fraction` at that and every later checkpoint; null when the last one is below.
 */
export function checkpointsToThreshold(checkpoints: readonly number[], normalised: readonly number[], fraction: number): number | null {
  let i = normalised.length;
  while (i > 0 && normalised[i - 1]! >= fraction) i--;
  return i === normalised.length ? null : checkpoints[i]!;
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
 * checkpoints, interactions to threshold, normalised AUC, the greedy curve (unless privileged or
 * `opts.checkpointEval` is false), evaluation metrics, real vs simulated steps, the decision-log
 * hash; timing separately. The greedy evaluations do not change the decision log of an agent whose
 * eval-mode `act` is pure.
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
  // Wrapping setMode marks where each evaluation starts (the last one is the evaluation phase) and
  // where each checkpoint evaluation ends, for the timing split.
  let evalStart = NaN;
  let checkpointMs = 0;
  const agent: Agent = {
    name: inner.name,
    act: (obs) => inner.act(obs),
    ...(inner.learn ? { learn: (t: Transition) => inner.learn!(t) } : {}),
    ...(inner.stats ? { stats: () => inner.stats!() } : {}),
    setMode: (mode) => {
      if (mode === 'eval') evalStart = performance.now();
      else checkpointMs += performance.now() - evalStart;
      inner.setMode?.(mode);
    },
  };
  const ckOpts = !opts.privileged && opts.checkpointEval !== false ? opts.checkpointEval ?? {} : null;
  let ck: { at: number[]; decisions: number; env: OrchestrationEnv; seed: number; refs: { randomReward: number; oracleReward: number } } | null = null;
  if (ckOpts) {
    const ckEnv = new OrchestrationEnv(scenario);
    const decisions = Math.min(ckOpts.decisions ?? CHECKPOINT_DECISIONS, env.spec.evaluationDecisions);
    const at = logCheckpoints(env.spec.learningDecisions, ckOpts.perDecade ?? 10);
    ck = { at, decisions, env: ckEnv, seed: checkpointSeed(scenario, seed), refs: checkpointReferences(ckEnv, seed, decisions) };
  }
  let episode;
  try {
    episode = runEpisode(env, agent, seed, ck ? { checkpoints: ck } : {});
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
  // Real steps are counted here, never taken from the agent: one per learning decision.
  const stats = recordStats(episode.agentStats, n);
  const greedy = ck && episode.checkpointRewards?.length ? greedyCurve(ck, episode.checkpointRewards, threshold) : null;
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
      realSteps: n,
      planningUpdates: stats.planningUpdates,
      decisionLogSha256: episode.logSha256,
      info: stats.info,
      ...(greedy ? { greedyCurve: greedy } : {}),
    },
    timing: { learnMs: stats.learnMs, planningMs: stats.planningMs, evalMs, checkpointMs },
  };
}

/** The greedy curve's metrics from the checkpoint rewards reached. */
function greedyCurve(
  ck: { at: number[]; decisions: number; refs: { randomReward: number; oracleReward: number } },
  rewards: Float64Array,
  threshold: number,
): GreedyCurve {
  const checkpoints = ck.at.slice(0, rewards.length);
  const normalised = [...rewards].map((m) => normalise(m, ck.refs.randomReward, ck.refs.oracleReward));
  return {
    decisions: ck.decisions,
    refs: ck.refs,
    checkpoints,
    meanReward: [...rewards],
    normalised,
    interactionsToThreshold: checkpointsToThreshold(checkpoints, normalised, threshold),
  };
}
