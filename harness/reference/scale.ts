/**
 * The normalised scales: random = 0 and a reference that knows the future = 1, by name, so a
 * result line says which scale its normalised numbers are on and re-runs on that scale.
 *
 * - `planning-v2` (new runs): on the evaluation phase and the greedy curve's segments, the 1 is
 *   the best of the best myopic variant in hindsight, the rollout planner with that variant's
 *   prices and the beam-search planner with them (`beam.ts`); on the learning phase, as on
 *   `planning-v1` (the beam search over a learning phase, 10 times longer, cost 30-100 CPU s per
 *   full-variant job on v4).
 * - `planning-v1` (lines written with it): the same without the beam-search planner
 *   ({@link planningReference}).
 * - `clairvoyant-v3` (lines without a `scale` field, written before scales had names): the 1 is the
 *   best myopic variant in hindsight ({@link myopicReference}). Kept so those lines still verify.
 *
 * What the references know and how they plan: docs/references.md.
 */
import { evaluateSegments } from '../env/checkpoints.ts';
import { OrchestrationEnv } from '../env/env.ts';
import { runEpisode, type EpisodeResult, type EvalSummary } from '../env/episode.ts';
import { InputError } from '../errors.ts';
import { numericSeed, type Seed } from '../rng.ts';
import type { CompiledScenario } from '../scenario/compiled.ts';
import type { Agent } from '../agent.ts';
import { BEAM_DEFAULTS, createBeamPlanner } from './beam.ts';
import { upperBound } from './bound.ts';
import { cachedReference } from './cache.ts';
import { clairvoyantVariants, createClairvoyant, myopicReference, type ClairvoyantPrices } from './myopic.ts';
import { createPlanner, planningReference, PLANNING_DEFAULTS } from './planning.ts';
import { createRandomAgent } from './random.ts';

/** The names of the scales. */
export const SCALE_NAMES = ['clairvoyant-v3', 'planning-v1', 'planning-v2'] as const;
export type ScaleName = (typeof SCALE_NAMES)[number];

/** The scale new runs are scored on. */
export const CURRENT_SCALE: ScaleName = 'planning-v2';

/** The scale of a result line without a `scale` field (every line written before scales had names). */
export const LEGACY_SCALE: ScaleName = 'clairvoyant-v3';

/**
 * A scale's name checked.
 * @throws InputError naming `where` for anything else.
 */
export function parseScale(name: unknown, where: string): ScaleName {
  if (typeof name === 'string' && (SCALE_NAMES as readonly string[]).includes(name)) return name as ScaleName;
  throw new InputError({ file: where, expected: `a scale name (${SCALE_NAMES.join(', ')})`, found: JSON.stringify(name) });
}

/** The scale a recorded line is on: its `scale`, else {@link LEGACY_SCALE}. */
export function lineScale(r: { scale?: ScaleName }): ScaleName {
  return r.scale ?? LEGACY_SCALE;
}

/** The references of a phase: random (0) and the scale's reference (1), mean rewards. */
export interface Refs {
  randomReward: number;
  /** The scale's 1 (the field keeps its historical name). */
  oracleReward: number;
}

/**
 * The evaluation phase's references. On `planning-v1` and `planning-v2` also each reference's own
 * value and accuracy-violation rate and the upper bound, for the leaderboard's scenario table.
 */
export interface EvalRefs extends Refs {
  /** The best myopic variant's mean reward (the `clairvoyant-v3` 1). */
  myopicReward?: number;
  /** The planning policy's mean reward (with the best myopic variant's prices): on `planning-v2` the better of the rollout and beam-search planners. */
  planningReward?: number;
  /** The upper bound's mean reward (`bound.ts`). */
  boundReward?: number;
  /** Share of requests whose accuracy requirement each reference missed (planning: the planning policy). */
  accuracyViolationRate?: { random: number; myopic: number; planning: number };
}

/** The references of a job's learning and evaluation phases. */
export interface PhaseReferences {
  learn: Refs;
  eval: EvalRefs;
}

/** Mean of a phase's rewards (NaN for none). */
export function meanReward(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** What a reference computed for one (scenario, seed) depends on, beyond its part: the cache key's common fields. */
function baseKey(scenario: CompiledScenario, seed: Seed, scale: ScaleName): { scale: ScaleName; scenarioHash: string; seed: string; horizon: number | null; candidates: number | null; beamWidth?: number } {
  const planning = scale === 'clairvoyant-v3' ? null : PLANNING_DEFAULTS;
  // planning-v1 keys keep their old fields, so its cached entries stay valid.
  const beam = scale === 'planning-v2' ? { beamWidth: BEAM_DEFAULTS.width } : {};
  return { scale, scenarioHash: scenario.hash, seed: String(seed), horizon: planning?.horizon ?? null, candidates: planning?.candidates ?? null, ...beam };
}

/** The random reference's agent of a job (its own stream, the same for every agent of the job). */
function randomReference(scenario: CompiledScenario, seed: Seed) {
  return createRandomAgent(numericSeed(seed, scenario.id, 'random-reference'));
}

/** Computes {@link phaseReferences} (uncached). */
function computePhaseReferences(scenario: CompiledScenario, seed: Seed, scale: ScaleName, outDir: string | undefined): PhaseReferences {
  const env = new OrchestrationEnv(scenario);
  const random = runEpisode(env, randomReference(scenario, seed), seed);
  // The best myopic variant of each phase, in hindsight (one run per variant gives both phases).
  let learnRef = -Infinity;
  let evalRef = -Infinity;
  let learnBest: { prices: ClairvoyantPrices; value: number } | null = null;
  let evalBest: { prices: ClairvoyantPrices; value: number; summary: EvalSummary } | null = null;
  for (const prices of clairvoyantVariants(env)) {
    const run = runEpisode(env, createClairvoyant(env, prices), seed);
    const l = meanReward(run.learningRewards);
    learnRef = Math.max(learnRef, l);
    evalRef = Math.max(evalRef, run.eval.meanReward);
    if (!learnBest || l > learnBest.value) learnBest = { prices, value: l };
    if (!evalBest || run.eval.meanReward > evalBest.value) evalBest = { prices, value: run.eval.meanReward, summary: run.eval };
  }
  const learn = { randomReward: meanReward(random.learningRewards), oracleReward: learnRef };
  if (scale === 'clairvoyant-v3') return { learn, eval: { randomReward: random.eval.meanReward, oracleReward: evalRef } };
  // The planners with each phase's best myopic prices: one episode each when the prices are the same.
  const same = learnBest!.prices === evalBest!.prices;
  const planners = (make: (prices: ClairvoyantPrices) => Agent): { learn: number; eval: EvalSummary } => {
    const run = (prices: ClairvoyantPrices, phases: { learningDecisions?: number; evaluationDecisions?: number }): EpisodeResult => runEpisode(env, make(prices), seed, phases);
    const learnRun = run(learnBest!.prices, same ? {} : { evaluationDecisions: 0 });
    return { learn: meanReward(learnRun.learningRewards), eval: same ? learnRun.eval : run(evalBest!.prices, { learningDecisions: 0 }).eval };
  };
  const rollout = planners((prices) => createPlanner(env, PLANNING_DEFAULTS, prices));
  // planning-v2: the beam search on the evaluation phase only (the learning phase is 10 times longer: its cost, docs/references.md).
  const beam = scale === 'planning-v2' ? runEpisode(env, createBeamPlanner(env, BEAM_DEFAULTS, evalBest!.prices), seed, { learningDecisions: 0 }).eval : null;
  // The better planner on the evaluation phase (the rollout on ties).
  const evalPlan = beam && beam.meanReward > rollout.eval.meanReward ? beam : rollout.eval;
  const learnPlan = rollout.learn;
  return {
    learn: { ...learn, oracleReward: Math.max(learnRef, learnPlan) },
    eval: {
      randomReward: random.eval.meanReward,
      oracleReward: Math.max(evalRef, evalPlan.meanReward),
      myopicReward: evalRef,
      planningReward: evalPlan.meanReward,
      boundReward: cachedBound(scenario, seed, `eval/${env.spec.evaluationDecisions}`, () => upperBound(env, seed, 'eval', env.spec.evaluationDecisions).meanReward, outDir),
      accuracyViolationRate: { random: random.eval.accuracyViolationRate, myopic: evalBest!.summary.accuracyViolationRate, planning: evalPlan.accuracyViolationRate },
    },
  };
}

/**
 * The references of a job's learning and evaluation phases on `scale` (the random policy from the
 * job's random-reference stream; the scale's 1), computed once per thread and, with `outDir`,
 * once per run folder (`cache.ts`).
 */
export function phaseReferences(scenario: CompiledScenario, seed: Seed, scale: ScaleName, outDir?: string): PhaseReferences {
  return cachedReference({ part: 'phases', ...baseKey(scenario, seed, scale) }, () => computePhaseReferences(scenario, seed, scale, outDir), outDir);
}

/**
 * The references of the greedy curve's evaluation segments (`decisions` decisions of the
 * evaluation phase from each of `seeds`) on `scale`, and the decisions counted; cached as
 * {@link phaseReferences}.
 */
export function segmentReferences(env: OrchestrationEnv, seed: Seed, seeds: readonly Seed[], decisions: number, scale: ScaleName, outDir?: string): Refs & { decisions: number } {
  const key = { part: 'segments', ...baseKey(env.scenario, seed, scale), segments: seeds.map(String), decisions };
  return cachedReference(key, () => {
    const measure = (agent: Parameters<typeof evaluateSegments>[1]): number => evaluateSegments(env, agent, seeds, decisions).meanReward;
    const random = evaluateSegments(env, randomReference(env.scenario, seed), seeds, decisions);
    const beam = scale === 'planning-v2' ? { ...BEAM_DEFAULTS, decisions } : null;
    const oracleReward = scale === 'clairvoyant-v3' ? myopicReference(env, measure) : planningReference(env, measure, PLANNING_DEFAULTS, beam).value;
    return { randomReward: random.meanReward, oracleReward, decisions: random.decisions };
  }, outDir);
}

/** The upper bound's mean reward of one phase or segments set (`bound.ts`), cached as {@link phaseReferences} under `what`. */
export function cachedBound(scenario: CompiledScenario, seed: Seed, what: string, compute: () => number, outDir?: string): number {
  return cachedReference({ part: 'bound', what, scenarioHash: scenario.hash, seed: String(seed) }, compute, outDir);
}
