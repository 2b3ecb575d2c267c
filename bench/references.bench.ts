/**
 * CPU cost of the references per (scenario, seed), the part of a run that depends only on
 * (scenario, variant, seed, segment) and that a run computes once (`harness/reference/cache.ts`):
 * the references of each scale as scoring computes them (learning and evaluation phases and the
 * greedy curve's segments; `clairvoyant-v3`: every myopic price variant; `planning-v1`: those and
 * the planning policy), and the upper bound's check. CPU time, so a busy machine inflates it less
 * than wall time. Their share of a run's time: the runner part (`referenceShare`).
 * `npm run bench -- --only references` runs the testing variants; standalone:
 *
 *   node --import tsx bench/references.bench.ts [--variant testing|full] [--seed 1]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OrchestrationEnv } from '../harness/env/env.ts';
import { upperBound, upperBoundSegments } from '../harness/reference/bound.ts';
import { clearReferenceMemory } from '../harness/reference/cache.ts';
import { phaseReferences, segmentReferences, type ScaleName } from '../harness/reference/scale.ts';
import { loadSuite } from '../harness/scenario/load.ts';
import { CHECKPOINT_DEFAULTS, checkpointSeeds } from '../harness/score/job.ts';

/** CPU seconds of each reference on one (scenario, seed). */
export interface ReferenceCostRow {
  scenarioId: string;
  /** The `clairvoyant-v3` references (myopic variants). */
  myopicS: number;
  boundS: number;
  /** The `planning-v1` references (myopic variants and the planning policy): what scoring computes now. */
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
    // Uncached: each scale's references computed afresh.
    const scaleS = (scale: ScaleName): number => {
      clearReferenceMemory();
      return cpuS(() => {
        phaseReferences(scenario, seed, scale);
        segmentReferences(env, seed, seeds, decisions, scale);
      });
    };
    rows.push({
      scenarioId: scenario.id,
      myopicS: scaleS('clairvoyant-v3'),
      boundS: cpuS(() => {
        upperBound(env, seed, 'learn', env.spec.learningDecisions);
        upperBound(env, seed, 'eval', env.spec.evaluationDecisions);
        upperBoundSegments(env, seeds, decisions);
      }),
      planningS: scaleS('planning-v1'),
    });
  }
  return { variant, seed, rows };
}

export function formatReferencesBench(r: ReferenceCostReport): string {
  const sum = (k: keyof Omit<ReferenceCostRow, 'scenarioId'>) => r.rows.reduce((t, x) => t + x[k], 0).toFixed(2);
  return [
    `reference CPU seconds per (scenario, seed), ${r.variant} variants, seed ${r.seed}: a run computes them once for each (scenario, seed) it has (cached in the run folder)`,
    '| scenario | clairvoyant-v3 (myopic) | upper bound check | planning-v1 (scoring) |',
    '|---|---|---|---|',
    ...r.rows.map((x) => `| ${x.scenarioId} | ${x.myopicS.toFixed(2)} | ${x.boundS.toFixed(2)} | ${x.planningS.toFixed(2)} |`),
    `| all | ${sum('myopicS')} | ${sum('boundS')} | ${sum('planningS')} |`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { variant: { type: 'string', default: 'testing' }, seed: { type: 'string', default: '1' } } });
  console.log(formatReferencesBench(await benchReferences(values.variant === 'full' ? 'full' : 'testing', Number(values.seed))));
}
