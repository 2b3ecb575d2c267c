/**
 * Per-job metrics: one agent on one scenario with one seed, scored against the random policy and
 * the scale's reference (`harness/reference/scale.ts`; `planning-v1` for new jobs) on the same scenario and seed (common random numbers: the same arrivals,
 * requirements, trace offsets and compute draws), so a job's normalised scores compare the agent
 * with the references on exactly the requests it saw.
 *
 * Two sample-efficiency measurements:
 * - the learning curve: trailing-window mean of the rewards the agent received while learning
 *   (its behaviour policy, exploration included);
 * - the greedy curve (learners only): the greedy policy evaluated at checkpoints of real
 *   interactions: the untrained policy (0), every interaction up to 50, then fine enough to
 *   resolve a count to 10% ({@link resolutionCheckpoints}), each on
 *   several fixed segments of the held-out evaluation phase (>= 1,000 decisions in all; seeds
 *   derived from the job seed: the same requests for every agent and checkpoint, common random
 *   numbers), normalised by the random policy and the scale's reference on the same segments, with the agent's
 *   learning sealed during evaluations (see `harness/env/checkpoints.ts`).
 *
 * The learning curve's window is a fixed number of decisions ({@link LEARNING_CURVE_WINDOW}), the
 * same for every budget, so a result does not depend on the budget it was measured with.
 */
import { performance } from 'node:perf_hooks';
import type { Agent, AgentContext, AgentFactory, EnvSpec, Transition } from '../agent.ts';
import { OrchestrationEnv } from '../env/env.ts';
import { evaluateSegments } from '../env/checkpoints.ts';
import { runEpisode } from '../env/episode.ts';
import { aboveBound, upperBound, upperBoundSegments } from '../reference/bound.ts';
import { cachedBound, CURRENT_SCALE, meanReward, phaseReferences, segmentReferences, type EvalRefs, type Refs, type ScaleName } from '../reference/scale.ts';
import { deriveSeed, numericSeed, type Seed } from '../rng.ts';
import type { GreedyCurve, JobMetrics } from './types.ts';
import type { CompiledScenario } from '../scenario/compiled.ts';
import { recordStats } from './reported.ts';
import { interactionsToThreshold, learningCurve, logCheckpoints, normalise, normalisedAuc, resolutionCheckpoints } from './curves.ts';

import { DEFAULT_THRESHOLD } from '../env/spec.ts';

export { DEFAULT_THRESHOLD };

export interface ScoreJobOptions {
  /** Fraction of the random-to-oracle gap for sample efficiency (default: the scenario's `sampleEfficiency.thresholdFraction`, else {@link DEFAULT_THRESHOLD}). */
  threshold?: number;
  /** Moving-average window of the learning curve in interactions (default {@link LEARNING_CURVE_WINDOW}, whatever the budget). */
  windowDecisions?: number;
  /** Pass the environment to the agent as `ctx.simulator` (privileged baselines such as the oracle). */
  privileged?: boolean;
  /** Hyperparameter overrides for the agent. */
  config?: Record<string, unknown>;
  /** Greedy-policy evaluations at checkpoints (default on; never for privileged agents), or false for none. */
  checkpointEval?: CheckpointEvalOptions | false;
  /**
   * Also run a fresh agent without checkpoints and record in `greedyCurve.evalPure` whether the
   * decision log is the same (evaluating did not change the learner). Doubles the job's learning work.
   */
  purityCheck?: boolean;
  /** The normalised scale (default {@link CURRENT_SCALE}; a recorded line re-runs on its own, see `lineScale`). */
  scale?: ScaleName;
  /** A run folder whose reference cache to use (`harness/reference/cache.ts`); never given by `verify`, which recomputes. */
  referenceDir?: string;
}

/** How the greedy curve is measured (defaults in {@link CHECKPOINT_DEFAULTS}). */
export interface CheckpointEvalOptions {
  /** Smallest checkpoint spacing in decisions (see {@link resolutionCheckpoints}). */
  step?: number;
  /** Largest checkpoint spacing relative to the previous checkpoint: the resolution of a count. */
  maxRelativeStep?: number;
  /** A checkpoint at 0, the untrained policy (a recorded measure without the field: none, see {@link RECORDED_MEASURE_BASE}). */
  atZero?: boolean;
  /** A checkpoint at every interaction up to this one (0: none). */
  unitUpTo?: number;
  /** Evaluation segments per checkpoint (different seeds, i.e. trace offsets and requests, of the evaluation phase). */
  segments?: number;
  /** Greedy decisions per segment (capped by the scenario's evaluation budget). */
  decisionsPerSegment?: number;
  /** Greedy decisions per checkpoint at least: more segments are added when the evaluation budget caps the segments' length. */
  minDecisions?: number;
  /** Reuse the previous checkpoint's evaluation where the policy cannot have changed (see `CheckpointOptions.reuse`). */
  reuse?: boolean;
}

/**
 * The greedy curve's defaults: the untrained policy (a checkpoint at 0), every interaction up to 50,
 * then counts resolved to 10%; 4 x 250 = 1,000 decisions per checkpoint (at least 1,000).
 */
export const CHECKPOINT_DEFAULTS: Required<CheckpointEvalOptions> = { step: 5, maxRelativeStep: 0.1, atZero: true, unitUpTo: 50, segments: 4, decisionsPerSegment: 250, minDecisions: 1000, reuse: true };

/**
 * What a recorded measure's missing fields mean: no fine start. A measure recorded before the fine
 * start existed (experiment results, search records) is replayed with this under it, so its lines
 * still verify; options given in code take their missing fields from {@link CHECKPOINT_DEFAULTS}.
 */
export const RECORDED_MEASURE_BASE = { atZero: false, unitUpTo: 0 } as const;

/** Default window of the learning curve (decisions): fixed, the same for every budget. */
export const LEARNING_CURVE_WINDOW = 200;

export interface ScoredJob {
  metrics: JobMetrics;
  /**
   * Wall-clock split (ms); never part of any hash. `checkpointMs`: greedy evaluations during
   * learning; `checkpointsReused`: checkpoints not evaluated again (the policy could not have
   * changed); `purityMs`: the purity check's run; `referenceMs`: computing the references and the
   * upper bound (near 0 when cached).
   */
  timing: { learnMs: number; planningMs: number; evalMs: number; checkpointMs: number; referenceMs: number; checkpointsReused?: number; purityMs?: number };
}

/** The references of a job: mean learning-phase rewards, and mean evaluation-phase rewards (`evalRefs`). */
export interface ReferenceRewards extends Refs {
  evalRefs: EvalRefs;
}

/** The evaluation segments of the greedy curve: the same for every agent on this scenario and job seed. */
export function checkpointSeeds(scenario: CompiledScenario, seed: Seed, segments: number): Seed[] {
  return Array.from({ length: segments }, (_, j) => deriveSeed(seed, scenario.id, 'checkpoint-eval', j));
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

/**
 * Mean learning- and evaluation-phase rewards of the random policy and the scale's reference on
 * this scenario and seed (`harness/reference/scale.ts`; cached, with `outDir` in the run folder).
 */
export function referenceRewards(scenario: CompiledScenario, seed: Seed, scale: ScaleName = CURRENT_SCALE, outDir?: string): ReferenceRewards {
  const refs = phaseReferences(scenario, seed, scale, outDir);
  return { ...refs.learn, evalRefs: refs.eval };
}

/**
 * The hard check against the upper bound: no policy can exceed it, so a job whose learning
 * rewards, evaluation reward or any greedy checkpoint is above it (beyond float rounding) fails
 * with the reason (a simulator or scoring bug, or an agent that changed the simulator).
 */
function checkUpperBound(scenario: CompiledScenario, seed: Seed, agent: string, learningRewards: Float64Array, evalReward: number, evalDecisions: number, ck: CheckpointPlan | null, checkpointRewards: Float64Array | undefined, outDir: string | undefined): void {
  const env = new OrchestrationEnv(scenario);
  const fail = (what: string, value: number, bound: number): never => {
    throw new Error(`${agent} on ${scenario.id} seed ${seed}: the ${what} (${value}) is above the upper bound (${bound}), which no policy can exceed: a simulator or scoring bug, or an agent that changed the simulator (docs/references.md)`);
  };
  const n = learningRewards.length;
  if (n > 0) {
    const bound = cachedBound(scenario, seed, `learn/${n}`, () => upperBound(env, seed, 'learn', n).meanReward, outDir);
    const meanLearn = meanReward(learningRewards);
    if (aboveBound(meanLearn, bound)) fail(`mean learning reward over ${n} decisions`, meanLearn, bound);
  }
  if (evalDecisions > 0) {
    const bound = cachedBound(scenario, seed, `eval/${evalDecisions}`, () => upperBound(env, seed, 'eval', evalDecisions).meanReward, outDir);
    if (aboveBound(evalReward, bound)) fail('mean evaluation reward', evalReward, bound);
  }
  if (ck && checkpointRewards?.length) {
    const bound = cachedBound(scenario, seed, `segments/${ck.seed.join(',')}/${ck.decisions}`, () => upperBoundSegments(env, ck.seed, ck.decisions), outDir);
    checkpointRewards.forEach((r, i) => {
      if (aboveBound(r, bound)) fail(`greedy reward at checkpoint ${ck.at[i]}`, r, bound);
    });
  }
}

/** The greedy curve's evaluation plan of one job. */
interface CheckpointPlan {
  at: number[];
  /** Decisions per segment. */
  decisions: number;
  segments: number;
  env: OrchestrationEnv;
  seed: Seed[];
  reuse: boolean;
  refs: { randomReward: number; oracleReward: number; decisions: number };
}

function checkpointPlan(scenario: CompiledScenario, seed: Seed, o: CheckpointEvalOptions, scale: ScaleName, outDir: string | undefined): CheckpointPlan {
  const c = { ...CHECKPOINT_DEFAULTS, ...o };
  const env = new OrchestrationEnv(scenario);
  const decisions = Math.min(c.decisionsPerSegment, env.spec.evaluationDecisions);
  const segments = Math.max(c.segments, Math.ceil(c.minDecisions / decisions));
  const seeds = checkpointSeeds(scenario, seed, segments);
  return {
    at: resolutionCheckpoints(env.spec.learningDecisions, c.step, c.maxRelativeStep, { atZero: c.atZero, unitUpTo: c.unitUpTo }),
    decisions,
    segments,
    env,
    seed: seeds,
    reuse: c.reuse,
    refs: segmentReferences(env, seed, seeds, decisions, scale, outDir),
  };
}

/**
 * The agent's seed (`ctx.seed`): its own stream, under a label path no simulator stream shares.
 * From an open run's public episode seed it is the same 31-bit value as ever (results of open runs
 * do not change; their streams are public anyway); from a sealed run's key it is a 31-bit value of
 * a keyed hash, which reveals nothing of the secret the simulator's streams derive from.
 */
export function agentSeed(seed: Seed, scenarioId: string): number {
  return numericSeed(seed, scenarioId, 'agent');
}

/** `v` and everything reachable from it frozen (plain data: objects and arrays). */
function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/**
 * The spec an agent receives: a deep-frozen copy, so an agent (a trusted one runs in the
 * harness's thread) cannot change the action table or features the harness and the cached
 * scenario use; writing to it throws a TypeError (agents are ES modules: strict mode).
 */
export function agentSpec(spec: EnvSpec): EnvSpec {
  return deepFreeze(structuredClone(spec));
}

/** The agent's context for this job (the same for the measured run and the purity check's). */
function agentContext(scenario: CompiledScenario, env: OrchestrationEnv, seed: Seed, opts: ScoreJobOptions): AgentContext & { simulator?: OrchestrationEnv } {
  return {
    env: agentSpec(env.spec),
    seed: agentSeed(seed, scenario.id),
    ...(opts.config ? { config: opts.config } : {}),
    ...(opts.privileged ? { simulator: env } : {}),
  };
}

/** The decision log of a fresh agent's episode without checkpoint evaluations. */
async function plainLog(scenario: CompiledScenario, factory: AgentFactory, seed: Seed, opts: ScoreJobOptions): Promise<string> {
  const env = new OrchestrationEnv(scenario);
  const agent = await factory(agentContext(scenario, env, seed, opts));
  try {
    return runEpisode(env, agent, seed).logSha256;
  } finally {
    agent.dispose?.();
  }
}

/**
 * Runs the agent's episode and computes the job's metrics: learning curve at log-spaced
 * checkpoints, interactions to threshold, normalised AUC, the greedy curve (unless privileged or
 * `opts.checkpointEval` is false), evaluation metrics, real vs simulated steps, the decision-log
 * hash; timing separately. The greedy evaluations do not change the decision log of an agent whose
 * eval-mode `act` is pure; `opts.purityCheck` verifies that for this job.
 * @throws InputError when the references coincide (no scale to normalise by).
 */
export async function scoreJob(scenario: CompiledScenario, factory: AgentFactory, seed: Seed, opts: ScoreJobOptions = {}): Promise<ScoredJob> {
  const scale = opts.scale ?? CURRENT_SCALE;
  const tRefs = performance.now();
  const { evalRefs, ...refs } = referenceRewards(scenario, seed, scale, opts.referenceDir);
  const env = new OrchestrationEnv(scenario);
  // Everything the harness measures with is built before the agent exists.
  const ck = !opts.privileged && opts.checkpointEval !== false ? checkpointPlan(scenario, seed, opts.checkpointEval ?? CHECKPOINT_DEFAULTS, scale, opts.referenceDir) : null;
  let referenceMs = performance.now() - tRefs;
  const inner = await factory(agentContext(scenario, env, seed, opts));
  // Wrapping setMode marks where each evaluation starts (the last one is the evaluation phase) and
  // where each checkpoint evaluation ends, for the timing split.
  let evalStart = NaN;
  let checkpointMs = 0;
  const agent: Agent = {
    name: inner.name,
    act: (obs) => inner.act(obs),
    ...(inner.learn ? { learn: (t: Transition) => inner.learn!(t) } : {}),
    ...(inner.stats ? { stats: () => inner.stats!() } : {}),
    ...(inner.fixedPolicy ? { fixedPolicy: true } : {}),
    setMode: (mode) => {
      if (mode === 'eval') evalStart = performance.now();
      else checkpointMs += performance.now() - evalStart;
      inner.setMode?.(mode);
    },
  };
  let episode;
  try {
    episode = runEpisode(env, agent, seed, ck ? { checkpoints: ck } : {});
  } finally {
    inner.dispose?.();
  }
  const evalMs = performance.now() - evalStart;
  const tBound = performance.now();
  checkUpperBound(scenario, seed, inner.name, episode.learningRewards, episode.eval.meanReward, episode.eval.decisions, ck, episode.checkpointRewards, opts.referenceDir);
  referenceMs += performance.now() - tBound;
  const rewards = episode.learningRewards;
  const n = rewards.length;
  const window = opts.windowDecisions ?? LEARNING_CURVE_WINDOW;
  const threshold = opts.threshold ?? scenario.spec.sampleEfficiency?.thresholdFraction ?? DEFAULT_THRESHOLD;
  const checkpoints = logCheckpoints(n);
  const curveMeans = learningCurve(rewards, checkpoints, window);
  const norm = { randomRef: refs.randomReward, oracleRef: refs.oracleReward };
  // Real steps are counted here, never taken from the agent: one per learning decision.
  const stats = recordStats(episode.agentStats, n);
  let greedy = ck && episode.checkpointRewards?.length ? greedyCurve(ck, episode.checkpointRewards, threshold, episode.sealedLearnCalls ?? 0) : null;
  let purityMs: number | undefined;
  if (greedy && opts.purityCheck) {
    const t0 = performance.now();
    greedy = { ...greedy, evalPure: (await plainLog(scenario, factory, seed, opts)) === episode.logSha256 };
    purityMs = performance.now() - t0;
  }
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
      evalRefs,
      normalisedEvalReward: normalise(episode.eval.meanReward, evalRefs.randomReward, evalRefs.oracleReward),
      realSteps: n,
      planningUpdates: stats.planningUpdates,
      decisionLogSha256: episode.logSha256,
      info: stats.info,
      ...(greedy ? { greedyCurve: greedy } : {}),
    },
    timing: {
      learnMs: stats.learnMs,
      planningMs: stats.planningMs,
      evalMs,
      checkpointMs,
      referenceMs,
      ...(episode.reusedCheckpoints !== undefined ? { checkpointsReused: episode.reusedCheckpoints } : {}),
      ...(purityMs !== undefined ? { purityMs } : {}),
    },
  };
}

/** The greedy curve's metrics from the checkpoint rewards reached. */
function greedyCurve(ck: CheckpointPlan, rewards: Float64Array, threshold: number, sealedLearnCalls: number): GreedyCurve {
  const checkpoints = ck.at.slice(0, rewards.length);
  const normalised = [...rewards].map((m) => normalise(m, ck.refs.randomReward, ck.refs.oracleReward));
  return {
    decisions: ck.refs.decisions,
    segments: ck.segments,
    sealedLearnCalls,
    refs: { randomReward: ck.refs.randomReward, oracleReward: ck.refs.oracleReward },
    checkpoints,
    meanReward: [...rewards],
    normalised,
    interactionsToThreshold: checkpointsToThreshold(checkpoints, normalised, threshold),
  };
}
