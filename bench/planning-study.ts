/**
 * The planning reference's convergence study (issue 19; the table in docs/references.md, on
 * `--suite default-v3`): for each scenario of a shipped suite (the default suite, testing variant,
 * by default), the evaluation phase's mean reward of the planning policy at horizons H = 1, 2, 4,
 * ... (k candidates), on the scale random = 0, myopic reference = 1,
 * and the change from the previous H as a share of the random-to-myopic gap. H is chosen as the
 * first horizon after which doubling changes the value by less than 0.5% of the gap on every
 * scenario. CPU time per (scenario, seed) and H is reported beside it (the machine is shared).
 *
 *   node --import tsx bench/planning-study.ts [--suite default|default-v3|...] [--variant testing|full] [--seeds 2] [--k 3] [--max-h 32]
 */
import { parseArgs } from 'node:util';
import type { Agent } from '../harness/agent.ts';
import { OrchestrationEnv } from '../harness/env/env.ts';
import { runEpisode } from '../harness/env/episode.ts';
import { clairvoyantVariants, createClairvoyant, createRandomAgent, type ClairvoyantPrices } from '../harness/reference/index.ts';
import { upperBound } from '../harness/reference/bound.ts';
import { createPlanner } from '../harness/reference/planning.ts';
import { deriveSeed } from '../harness/rng.ts';
import { loadSuite, SHIPPED_SUITES } from '../harness/scenario/load.ts';

const { values } = parseArgs({ options: { suite: { type: 'string', default: 'default' }, variant: { type: 'string', default: 'testing' }, seeds: { type: 'string', default: '2' }, k: { type: 'string', default: '3' }, 'max-h': { type: 'string', default: '32' } } });
const variant = values.variant === 'full' ? 'full' : 'testing';
const suite = SHIPPED_SUITES.find((s) => s === values.suite);
if (suite === undefined) {
  process.stderr.write(`--suite: expected ${SHIPPED_SUITES.join(' | ')}; found ${JSON.stringify(values.suite)}\n`);
  process.exit(2);
}
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const k = Number(values.k);
const horizons: number[] = [];
for (let h = 1; h <= Number(values['max-h']); h *= 2) horizons.push(h);

const cpuMs = (f: () => number): [number, number] => {
  const c0 = process.cpuUsage();
  const v = f();
  const c = process.cpuUsage(c0);
  return [v, (c.user + c.system) / 1000];
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

console.log(`planning convergence study: ${suite} suite, ${variant} variants, seeds ${seeds.join(',')}, k = ${k}, evaluation phase; values on the scale random = 0, myopic reference = 1`);
console.log('reference value (planning policy alone) at each H');
console.log(`| scenario | random | myopic ref | ${horizons.map((h) => `H=${h}`).join(' | ')} | change when doubling H (% of gap) | CPU s per seed at each H |`);
const worst: number[] = horizons.map(() => 0);
const summary: string[] = [];
for (const scenario of await loadSuite(suite, { variant })) {
  const env = new OrchestrationEnv(scenario);
  const measure = (seed: number) => (agent: Agent) => runEpisode(env, agent, seed, { learningDecisions: 0 }).eval.meanReward;
  const random = mean(seeds.map((s) => measure(s)(createRandomAgent(deriveSeed(s, scenario.id, 'random-reference')))));
  // The best myopic variant per seed (the clairvoyant-v3 value), whose prices the planner plans with.
  const best = seeds.map((s) => {
    let v = -Infinity;
    let prices: ClairvoyantPrices = clairvoyantVariants(env)[0]!;
    for (const p of clairvoyantVariants(env)) {
      const x = measure(s)(createClairvoyant(env, p));
      if (x > v) [v, prices] = [x, p];
    }
    return { v, prices };
  });
  const myopic = mean(best.map((b) => b.v));
  const gap = myopic - random;
  const norm: number[] = [];
  const plan: number[] = [];
  const cpu: number[] = [];
  for (const h of horizons) {
    const runs = seeds.map((s, i) => cpuMs(() => measure(s)(createPlanner(env, { horizon: h, candidates: k }, best[i]!.prices))));
    // The phase value of the reference: the better of planning and the best myopic variant, per seed.
    norm.push((mean(runs.map((r, i) => Math.max(r[0], best[i]!.v))) - random) / gap);
    plan.push((mean(runs.map((r) => r[0])) - random) / gap);
    cpu.push(mean(runs.map((r) => r[1])) / 1000);
  }
  const bound = (mean(seeds.map((s) => upperBound(env, s, 'eval', env.spec.evaluationDecisions).meanReward)) - random) / gap;
  // Value of planning at the largest H: (planning reference - myopic reference) / (myopic reference - random).
  summary.push(`| ${scenario.id} | ${(norm.at(-1)! - 1).toFixed(4)} | ${bound.toFixed(3)} |`);
  const change = norm.map((v, i) => (i === 0 ? NaN : Math.abs(v - norm[i - 1]!) * 100));
  change.forEach((c, i) => {
    if (i > 0) worst[i - 1] = Math.max(worst[i - 1]!, c);
  });
  console.log(`| ${scenario.id} | ${random.toFixed(4)} | ${myopic.toFixed(4)} | ${norm.map((v, i) => `${v.toFixed(4)} (${plan[i]!.toFixed(4)})`).join(' | ')} | ${change.slice(1).map((c) => c.toFixed(2)).join(', ')} | ${cpu.map((c) => c.toFixed(2)).join(', ')} |`);
}
const chosen = horizons.find((_, i) => i + 1 < horizons.length && worst[i]! < 0.5);
console.log(`largest change when doubling H, over scenarios (% of gap): ${horizons.slice(0, -1).map((h, i) => `${h}->${horizons[i + 1]}: ${worst[i]!.toFixed(2)}`).join(', ')}`);
console.log(`\nvalue of planning at H = ${horizons.at(-1)}, and the upper bound, on the same scale (random = 0, myopic reference = 1)\n| scenario | value of planning | upper bound |\n${summary.join('\n')}`);
console.log(chosen === undefined ? 'not converged within the horizons tried' : `chosen H = ${chosen} (doubling it changes every scenario's value by < 0.5% of the gap)`);
