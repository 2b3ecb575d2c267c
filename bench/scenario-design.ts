/**
 * Scenario design study (issue 20): scores candidate scenario files with the references and the
 * non-learning policies only (no learner runs on a scenario before it is registered), on the
 * scale random = 0, planning reference = 1, and prints what the v4 acceptance asks of a scenario:
 * the value of planning, the upper bound, the greedy heuristic and plug-in, the best constant
 * policy (each action as a fixed choice; the first legal action when it is masked), and each
 * reference's accuracy-violation rate. Evaluation phase, testing variants by default.
 *
 *   node --import tsx bench/scenario-design.ts [--variant testing|full] [--seeds 201,202] [--h 8,32] [--k 3] [--width 32] FILE...
 *
 * The designs tried so far are `bench/scenario-designs/*.json`; their figures are in
 * docs/scenario-design.md.
 */
import { parseArgs } from 'node:util';
import { loadBaseline } from '../baselines/index.ts';
import type { Agent, Observation } from '../harness/agent.ts';
import { OrchestrationEnv } from '../harness/env/env.ts';
import { evaluatePolicy, type EvalSummary } from '../harness/env/episode.ts';
import { envSpecOf } from '../harness/env/spec.ts';
import { BEAM_DEFAULTS, createBeamPlanner } from '../harness/reference/beam.ts';
import { upperBound } from '../harness/reference/bound.ts';
import { clairvoyantVariants, createClairvoyant, createRandomAgent, type ClairvoyantPrices } from '../harness/reference/index.ts';
import { createPlanner } from '../harness/reference/planning.ts';
import { deriveSeed } from '../harness/rng.ts';
import { loadScenario } from '../harness/scenario/load.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { variant: { type: 'string', default: 'testing' }, seeds: { type: 'string', default: '201,202' }, h: { type: 'string', default: '8,32' }, k: { type: 'string', default: '3' }, width: { type: 'string', default: String(BEAM_DEFAULTS.width) } },
});
const variant = values.variant === 'full' ? 'full' : 'testing';
const seeds = values.seeds!.split(',').map(Number);
const horizons = values.h!.split(',').map(Number);
const k = Number(values.k);
const width = Number(values.width);
const POLICIES = ['greedy-heuristic', 'plug-in', 'static-device', 'static-edge', 'static-cloud'];
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean evaluation reward and violation rate of one policy over the seeds (NaN when it fails: `error`). */
interface Row {
  reward: number[];
  violations: number[];
  error?: string;
}

console.log(`scenario design study: ${variant} variants, seeds ${seeds.join(',')}, planning: rollout H ${horizons.join(',')} k ${k} and beam width ${width}; scale random = 0, planning reference = 1`);
console.log('| design | value of planning | upper bound | greedy-heuristic | plug-in | best static | best constant | violations: myopic / planning | CPU s |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const file of positionals) {
  const c0 = process.cpuUsage();
  const scenario = await loadScenario(file, { variant });
  const env = new OrchestrationEnv(scenario);
  const spec = envSpecOf(scenario);
  const cap = env.spec.evaluationDecisions;
  const rows = new Map<string, Row>();
  const add = (name: string, f: () => Pick<EvalSummary, 'meanReward' | 'accuracyViolationRate'>): void => {
    const row = rows.get(name) ?? { reward: [], violations: [] };
    rows.set(name, row);
    try {
      const s = f();
      row.reward.push(s.meanReward);
      row.violations.push(s.accuracyViolationRate);
    } catch (e) {
      row.error = (e as Error).message;
    }
  };
  const run = (seed: number, agent: Agent) => () => evaluatePolicy(env, agent, seed, cap);
  for (const seed of seeds) {
    add('random', run(seed, createRandomAgent(deriveSeed(seed, scenario.id, 'random-reference'))));
    let best: ClairvoyantPrices = clairvoyantVariants(env)[0]!;
    let bestSummary: EvalSummary | null = null;
    for (const p of clairvoyantVariants(env)) {
      const s = evaluatePolicy(env, createClairvoyant(env, p), seed, cap);
      if (!bestSummary || s.meanReward > bestSummary.meanReward) [bestSummary, best] = [s, p];
    }
    add('myopic', () => bestSummary!);
    // The planning reference at each H: the better of the planning policy and the best myopic variant.
    for (const h of horizons) {
      const s = evaluatePolicy(env, createPlanner(env, { horizon: h, candidates: k }, best), seed, cap);
      add(`planning-H${h}`, () => (s.meanReward >= bestSummary!.meanReward ? s : bestSummary!));
    }
    const b = evaluatePolicy(env, createBeamPlanner(env, { width }, best, cap), seed, cap);
    add('beam', () => (b.meanReward >= bestSummary!.meanReward ? b : bestSummary!));
    add('bound', () => ({ meanReward: upperBound(env, seed, 'eval', cap).meanReward, accuracyViolationRate: NaN }));
    for (const name of POLICIES) {
      const factory = await loadBaseline(name);
      const agent = await factory({ env: spec, seed: deriveSeed(seed, scenario.id, name), simulator: env } as Parameters<typeof factory>[0]);
      add(name, run(seed, agent));
    }
    for (let a = 0; a < spec.actions.length; a++) {
      if (spec.actions[a]!.medianComputeMs === null) continue;
      const constant: Agent = { name: `constant-${a}`, act: (obs: Observation) => (obs.actionMask[a] ? a : obs.actionMask.indexOf(1)) };
      add(`constant-${a}`, run(seed, constant));
    }
  }
  const r = (name: string): number => mean(rows.get(name)!.reward);
  const random = r('random');
  const myopic = r('myopic');
  // The planning reference: the best H (the study's question is whether any horizon finds value).
  const hBest = horizons.reduce((b, h) => (r(`planning-H${h}`) > r(`planning-H${b}`) ? h : b), horizons[0]!);
  const rollout = r(`planning-H${hBest}`);
  // The planning-v2 reference: the better of the rollout planner (best H) and the beam search.
  const planningName = r('beam') > rollout ? 'beam' : `planning-H${hBest}`;
  const planning = r(planningName);
  const norm = (x: number): number => (x - random) / (planning - random);
  const show = (name: string): string => {
    const row = rows.get(name)!;
    return row.error ? 'fails' : norm(mean(row.reward)).toFixed(3);
  };
  const staticNames = POLICIES.filter((n) => n.startsWith('static-') && !rows.get(n)!.error);
  const bestStatic = Math.max(...staticNames.map((n) => norm(r(n))));
  const constants = [...rows.keys()].filter((n) => n.startsWith('constant-'));
  const bestConstantName = constants.reduce((b, n) => (norm(r(n)) > norm(r(b)) ? n : b), constants[0]!);
  const bestConstant = norm(r(bestConstantName));
  const bestConstantAction = spec.actions[Number(bestConstantName.slice('constant-'.length))]!;
  const pct = (name: string): string => `${(mean(rows.get(name)!.violations) * 100).toFixed(1)}%`;
  const cpu = process.cpuUsage(c0);
  console.log(
    `| ${scenario.id} | ${((planning - myopic) / (myopic - random)).toFixed(3)} (rollout H ${hBest}: ${((rollout - myopic) / (myopic - random)).toFixed(3)}) | ${norm(r('bound')).toFixed(3)} | ${show('greedy-heuristic')} | ${show('plug-in')} | ${bestStatic.toFixed(3)} | ${bestConstant.toFixed(3)} (${bestConstantAction.tier} ${bestConstantAction.modelId}) | ${pct('myopic')} / ${pct(planningName)} | ${((cpu.user + cpu.system) / 1e6).toFixed(0)} |`,
  );
}
