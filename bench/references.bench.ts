/**
 * CPU cost of the references per (scenario, seed), the part of a run that depends only on
 * (scenario, variant, seed, segment): the myopic reference as scoring computes it (every price
 * variant on the learning and evaluation phases, and on the greedy curve's segments), the upper
 * bound's check, and what the planning reference would add (learning + evaluation phases and
 * segments at the default H and k). CPU time, so a busy machine inflates it less than wall time.
 * `npm run bench -- --only references` runs the testing variants; standalone:
 *
 *   node --import tsx bench/references.bench.ts [--variant testing|full] [--seed 1]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OrchestrationEnv } from '../harness/env/env.ts';
import { evaluateSegments } from '../harness/env/checkpoints.ts';
import { runEpisode } from '../harness/env/episode.ts';
import { upperBound, upperBoundSegments } from '../harness/reference/bound.ts';
import { createPlanner } from '../harness/reference/planning.ts';
import { loadSuite } from '../harness/scenario/load.ts';
import { CHECKPOINT_DEFAULTS, checkpointReferences, checkpointSeeds, referenceRewards } from '../harness/score/job.ts';

/** CPU seconds of each reference on one (scenario, seed). */
export interface ReferenceCostRow {
  scenarioId: string;
  myopicS: number;
  boundS: number;
  planningS: number;
}

export interface ReferenceCostReport {
  variant: 'testing' | 'full';
  seed: number;
  rows: ReferenceCostRow[];
}

const cpuS = (f: () => unknown): number => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

/** Measures the references of every default scenario's `variant` for one seed. */
export async function benchReferences(variant: 'testing' | 'full' = 'testing', seed = 1): Promise<ReferenceCostReport> {
  const rows: ReferenceCostRow[] = [];
  for (const scenario of await loadSuite('default', { variant })) {
    const env = new OrchestrationEnv(scenario);
    const decisions = Math.min(CHECKPOINT_DEFAULTS.decisionsPerSegment, env.spec.evaluationDecisions);
    const seeds = checkpointSeeds(scenario, seed, Math.max(CHECKPOINT_DEFAULTS.segments, Math.ceil(CHECKPOINT_DEFAULTS.minDecisions / decisions)));
    rows.push({
      scenarioId: scenario.id,
      myopicS: cpuS(() => {
        referenceRewards(scenario, seed);
        checkpointReferences(env, seed, seeds, decisions);
      }),
      boundS: cpuS(() => {
        upperBound(env, seed, 'learn', env.spec.learningDecisions);
        upperBound(env, seed, 'eval', env.spec.evaluationDecisions);
        upperBoundSegments(env, seeds, decisions);
      }),
      planningS: cpuS(() => {
        runEpisode(env, createPlanner(env), seed);
        evaluateSegments(env, createPlanner(env), seeds, decisions);
      }),
    });
  }
  return { variant, seed, rows };
}

export function formatReferencesBench(r: ReferenceCostReport): string {
  const sum = (k: keyof Omit<ReferenceCostRow, 'scenarioId'>) => r.rows.reduce((t, x) => t + x[k], 0).toFixed(2);
  return [
    `reference CPU seconds per (scenario, seed), ${r.variant} variants, seed ${r.seed}: a run computes them for each (scenario, seed) it has (per worker)`,
    '| scenario | myopic (scoring) | upper bound check | planning (not in scoring) |',
    '|---|---|---|---|',
    ...r.rows.map((x) => `| ${x.scenarioId} | ${x.myopicS.toFixed(2)} | ${x.boundS.toFixed(2)} | ${x.planningS.toFixed(2)} |`),
    `| all | ${sum('myopicS')} | ${sum('boundS')} | ${sum('planningS')} |`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { variant: { type: 'string', default: 'testing' }, seed: { type: 'string', default: '1' } } });
  console.log(formatReferencesBench(await benchReferences(values.variant === 'full' ? 'full' : 'testing', Number(values.seed))));
}
