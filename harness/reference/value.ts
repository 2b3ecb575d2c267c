/**
 * A scenario's references side by side on its evaluation phase: random, the myopic reference
 * (`clairvoyant-v3`), the planning reference, the upper bound, and the value of planning,
 * (planning - myopic) / (myopic - random): near 0, the scenario is in effect a contextual bandit
 * (per-request choices with the right prices are as good as planning); large, a sequential problem.
 */
import { OrchestrationEnv } from '../env/env.ts';
import { runEpisode } from '../env/episode.ts';
import { deriveSeed } from '../rng.ts';
import type { CompiledScenario } from '../scenario/compiled.ts';
import { BEAM_DEFAULTS, type BeamOptions } from './beam.ts';
import { upperBound } from './bound.ts';
import { planningReference, PLANNING_DEFAULTS, type PlanningOptions } from './planning.ts';
import { createRandomAgent } from './random.ts';

/** Mean evaluation-phase rewards over the seeds, and the two ratios. */
export interface ScenarioReferences {
  seeds: number[];
  random: number;
  myopic: number;
  planning: number;
  bound: number;
  /** (planning - myopic) / (myopic - random). */
  valueOfPlanning: number;
  /** The bound on the scale random = 0, planning reference = 1: the largest possible score. */
  boundNormalised: number;
}

/**
 * The references of `scenario`'s evaluation phase for each seed (the jobs' random reference stream),
 * averaged; the planning reference as on `planning-v2` (with `beam` null: as on `planning-v1`).
 */
export function scenarioReferences(scenario: CompiledScenario, seeds: readonly number[], opts: PlanningOptions = PLANNING_DEFAULTS, beam: BeamOptions | null = BEAM_DEFAULTS): ScenarioReferences {
  const env = new OrchestrationEnv(scenario);
  let random = 0;
  let myopic = 0;
  let planning = 0;
  let bound = 0;
  for (const seed of seeds) {
    const measure = (agent: Parameters<typeof runEpisode>[1]) => runEpisode(env, agent, seed, { learningDecisions: 0 }).eval.meanReward;
    random += measure(createRandomAgent(deriveSeed(seed, scenario.id, 'random-reference')));
    const p = planningReference(env, measure, opts, beam);
    myopic += p.myopic;
    planning += p.value;
    bound += upperBound(env, seed, 'eval', env.spec.evaluationDecisions).meanReward;
  }
  const n = seeds.length;
  [random, myopic, planning, bound] = [random / n, myopic / n, planning / n, bound / n];
  return { seeds: [...seeds], random, myopic, planning, bound, ...planningRatios(random, myopic, planning, bound) };
}

/**
 * The value of planning, (planning - myopic) / (myopic - random), and the upper bound on the scale
 * random = 0, planning reference = 1, from the mean rewards of the references and the bound.
 */
export function planningRatios(random: number, myopic: number, planning: number, bound: number): { valueOfPlanning: number; boundNormalised: number } {
  return { valueOfPlanning: (planning - myopic) / (myopic - random), boundNormalised: (bound - random) / (planning - random) };
}

/** One line: the references and the value of planning. */
export function formatScenarioReferences(r: ScenarioReferences): string {
  return `value of planning ${r.valueOfPlanning.toFixed(4)} (planning reference ${r.planning.toFixed(4)}, myopic ${r.myopic.toFixed(4)}, random ${r.random.toFixed(4)}; upper bound ${r.bound.toFixed(4)} = ${r.boundNormalised.toFixed(3)} on the planning scale; evaluation phase, seeds ${r.seeds.join(',')})`;
}
