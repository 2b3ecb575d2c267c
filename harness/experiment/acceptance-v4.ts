/**
 * The acceptance checks of the v4 default suite (issue 20), on references and non-learning
 * policies only: is each scenario a sequential problem, with room above every policy that needs no
 * learning? Computed the same way for the pre-registered test (`test/scenario/acceptance-v4.test.ts`,
 * testing variants, job seeds 1-5) and for the full variants (`bench/acceptance-v4.ts`).
 *
 * On the current scale (random = 0, the planning reference = 1), per scenario, means over seeds:
 * 1. value of planning, (planning reference - myopic reference) / (myopic reference - random), at
 *    least {@link ACCEPTANCE_V4.planningValueMin} on at least {@link ACCEPTANCE_V4.planningScenarios} of 7 scenarios
 *    (the same share of a suite of another size, rounded up: {@link planningScenariosOf});
 * 2. every constant policy (each action as a fixed choice; where the request's mask forbids it,
 *    the first legal action) at most {@link ACCEPTANCE_V4.constantMax}, on the evaluation phase;
 * 3. the greedy heuristic and plug-in at most {@link ACCEPTANCE_V4.heuristicMax};
 * 4. no calibration policy (the non-learning, non-privileged baselines) reaches the scenario's
 *    sample-efficiency threshold with its own learning curve on a majority of seeds;
 * 5. the upper bound at least {@link ACCEPTANCE_V4.boundMargin} above the planning reference;
 * 6. the planning reference violates the accuracy requirement on at most
 *    {@link ACCEPTANCE_V4.planningViolationMax} of requests.
 */
import { BASELINES, loadBaseline } from '../../baselines/index.ts';
import type { Agent, Observation } from '../agent.ts';
import { OrchestrationEnv } from '../env/env.ts';
import { evaluatePolicy } from '../env/episode.ts';
import { CURRENT_SCALE, phaseReferences } from '../reference/scale.ts';
import { planningRatios } from '../reference/value.ts';
import type { CompiledScenario } from '../scenario/compiled.ts';
import { normalise } from '../score/curves.ts';
import { scoreJob } from '../score/job.ts';
import { calibrationPolicies } from './calibrate.ts';

/** The pre-registered limits. */
export const ACCEPTANCE_V4 = { planningValueMin: 0.15, planningScenarios: 5, constantMax: 0.7, heuristicMax: 0.85, boundMargin: 0.05, planningViolationMax: 0.02 } as const;

/** Scenarios of `n` on which check 1 asks for the value of planning: the registered 5 of 7 as a share, rounded up (3 of the recorded suite's 4). */
export function planningScenariosOf(n: number): number {
  return Math.ceil((n * ACCEPTANCE_V4.planningScenarios) / 7);
}

/** One scenario's row: every figure a mean over the seeds. */
export interface AcceptanceV4Row {
  scenario: string;
  seeds: number;
  valueOfPlanning: number;
  /** The upper bound on the scale (random = 0, planning reference = 1). */
  boundNormalised: number;
  /** Share of requests whose accuracy requirement each reference missed. */
  violations: { myopic: number; planning: number };
  /** Mean normalised evaluation reward of each constant policy, by action index. */
  constants: number[];
  /** The best constant policy: its action (tier and model) and score. */
  bestConstant: { action: string; score: number };
  /** Mean normalised evaluation reward of the greedy heuristic, plug-in and each calibration policy. */
  scores: Record<string, number>;
  /** Per calibration policy: seeds on which its own learning curve reaches the scenario's threshold. */
  reaching: Record<string, number>;
  threshold: number;
}

/** The constant policy of `action`: that action where legal, else the request's first legal action. */
export function constantPolicy(action: number): Agent {
  return { name: `constant-${action}`, act: (obs: Observation) => (obs.actionMask[action] ? action : obs.actionMask.indexOf(1)) };
}

/** Scores one scenario's references and non-learning policies on `seeds` (see the module comment). */
export async function acceptanceV4Row(scenario: CompiledScenario, seeds: readonly number[]): Promise<AcceptanceV4Row> {
  const env = new OrchestrationEnv(scenario);
  const n = scenario.actions.length;
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const refs = seeds.map((seed) => phaseReferences(scenario, seed, CURRENT_SCALE).eval);
  const constants = Array.from({ length: n }, (_, a) =>
    mean(seeds.map((seed, i) => normalise(evaluatePolicy(env, constantPolicy(a), seed, env.spec.evaluationDecisions).meanReward, refs[i]!.randomReward, refs[i]!.oracleReward))),
  );
  const best = constants.reduce((b, v, a) => (v > constants[b]! ? a : b), 0);
  const scores: Record<string, number> = {};
  const reaching: Record<string, number> = {};
  let threshold = NaN;
  for (const name of [...calibrationPolicies(), 'plug-in']) {
    const factory = await loadBaseline(name);
    const runs = [];
    for (const seed of seeds) runs.push((await scoreJob(scenario, factory, seed, { privileged: BASELINES[name]!.privileged === true, checkpointEval: false })).metrics);
    scores[name] = mean(runs.map((m) => m.normalisedEvalReward));
    threshold = runs[0]!.threshold;
    if (calibrationPolicies().includes(name)) reaching[name] = runs.filter((m) => m.interactionsToThreshold !== null).length;
  }
  const r = (f: (e: (typeof refs)[number]) => number): number => mean(refs.map(f));
  const ratios = planningRatios(r((e) => e.randomReward), r((e) => e.myopicReward!), r((e) => e.oracleReward), r((e) => e.boundReward!));
  const action = scenario.actions[best]!;
  return {
    scenario: scenario.id,
    seeds: seeds.length,
    ...ratios,
    violations: { myopic: r((e) => e.accuracyViolationRate!.myopic), planning: r((e) => e.accuracyViolationRate!.planning) },
    constants,
    bestConstant: { action: `${action.tier} ${action.modelId}`, score: constants[best]! },
    scores,
    reaching,
    threshold,
  };
}

/** Which checks a set of rows (one per scenario) meets: each check's failing scenarios, with their figures. */
export function acceptanceV4Checks(rows: readonly AcceptanceV4Row[]) {
  const L = ACCEPTANCE_V4;
  const planning = rows.filter((r) => r.valueOfPlanning >= L.planningValueMin).length;
  return {
    valueOfPlanning: { scenarios: planning, required: planningScenariosOf(rows.length), met: planning >= planningScenariosOf(rows.length) },
    constants: rows.filter((r) => !(r.bestConstant.score <= L.constantMax)).map((r) => [r.scenario, r.bestConstant.action, Number(r.bestConstant.score.toFixed(3))]),
    heuristics: rows.flatMap((r) => ['greedy-heuristic', 'plug-in'].filter((p) => !(r.scores[p]! <= L.heuristicMax)).map((p) => [r.scenario, p, Number(r.scores[p]!.toFixed(3))])),
    thresholds: rows.flatMap((r) => Object.entries(r.reaching).filter(([, k]) => 2 * k > r.seeds).map(([p, k]) => [r.scenario, p, k])),
    bound: rows.filter((r) => !(r.boundNormalised >= 1 + L.boundMargin)).map((r) => [r.scenario, Number(r.boundNormalised.toFixed(3))]),
    violations: rows.filter((r) => !(r.violations.planning <= L.planningViolationMax)).map((r) => [r.scenario, r.violations.planning]),
  };
}

/** The rows as a Markdown table. */
export function acceptanceV4Markdown(rows: readonly AcceptanceV4Row[]): string {
  const f = (x: number): string => x.toFixed(3);
  const lines = [
    '| scenario | value of planning | upper bound | best constant | greedy-heuristic | plug-in | best static | threshold (non-learners reaching it, of seeds) | accuracy violations: myopic / planning |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const statics = Math.max(...['static-device', 'static-edge', 'static-cloud'].map((s) => r.scores[s]!));
    const reach = Object.entries(r.reaching).map(([p, k]) => `${p} ${k}`).join(', ');
    lines.push(`| ${r.scenario} | ${f(r.valueOfPlanning)} | ${f(r.boundNormalised)} | ${f(r.bestConstant.score)} (${r.bestConstant.action}) | ${f(r.scores['greedy-heuristic']!)} | ${f(r.scores['plug-in']!)} | ${f(statics)} | ${r.threshold} (${reach}; of ${r.seeds}) | ${(100 * r.violations.myopic).toFixed(1)}% / ${(100 * r.violations.planning).toFixed(1)}% |`);
  }
  return lines.join('\n');
}
