/**
 * CPU cost of the references per (scenario, seed), the part of a run that depends only on
 * (scenario, variant, seed, segment): the myopic reference as scoring computes it today (every
 * price variant on the learning and evaluation phases, and on the greedy curve's segments), the
 * upper bound's check, and what the planning reference would add (learning + evaluation phases and
 * segments at the default H and k). CPU time, so a busy machine inflates it less than wall time.
 *
 *   node --import tsx bench/reference-cost.ts [--variant testing|full] [--seed 1]
 */
import { parseArgs } from 'node:util';
import { OrchestrationEnv } from '../harness/env/env.ts';
import { evaluateSegments } from '../harness/env/checkpoints.ts';
import { runEpisode } from '../harness/env/episode.ts';
import { upperBound, upperBoundSegments } from '../harness/reference/bound.ts';
import { createPlanner } from '../harness/reference/planning.ts';
import { loadSuite } from '../harness/scenario/load.ts';
import { CHECKPOINT_DEFAULTS, checkpointReferences, checkpointSeeds, referenceRewards } from '../harness/score/job.ts';

const { values } = parseArgs({ options: { variant: { type: 'string', default: 'testing' }, seed: { type: 'string', default: '1' } } });
const variant = values.variant === 'full' ? 'full' : 'testing';
const seed = Number(values.seed);
const cpuS = (f: () => unknown): number => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};
const total = { myopic: 0, bound: 0, planning: 0 };
console.log(`reference CPU seconds per (scenario, seed), ${variant} variants, seed ${seed}\n| scenario | myopic (scoring today) | upper bound check | planning (would add) |\n|---|---|---|---|`);
for (const scenario of await loadSuite('default', { variant })) {
  const env = new OrchestrationEnv(scenario);
  const decisions = Math.min(CHECKPOINT_DEFAULTS.decisionsPerSegment, env.spec.evaluationDecisions);
  const seeds = checkpointSeeds(scenario, seed, Math.max(CHECKPOINT_DEFAULTS.segments, Math.ceil(CHECKPOINT_DEFAULTS.minDecisions / decisions)));
  const myopic = cpuS(() => {
    referenceRewards(scenario, seed);
    checkpointReferences(env, seed, seeds, decisions);
  });
  const bound = cpuS(() => {
    upperBound(env, seed, 'learn', env.spec.learningDecisions);
    upperBound(env, seed, 'eval', env.spec.evaluationDecisions);
    upperBoundSegments(env, seeds, decisions);
  });
  const planning = cpuS(() => {
    runEpisode(env, createPlanner(env), seed);
    evaluateSegments(env, createPlanner(env), seeds, decisions);
  });
  total.myopic += myopic;
  total.bound += bound;
  total.planning += planning;
  console.log(`| ${scenario.id} | ${myopic.toFixed(2)} | ${bound.toFixed(2)} | ${planning.toFixed(2)} |`);
}
console.log(`| all | ${total.myopic.toFixed(2)} | ${total.bound.toFixed(2)} | ${total.planning.toFixed(2)} |`);
