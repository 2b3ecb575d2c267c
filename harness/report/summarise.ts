/**
 * Cross-seed and cross-scenario statistics of a set of job results: per (agent, scenario) cells,
 * per-agent aggregates, rankings and probabilities of improvement. Every interval is a seeded
 * stratified bootstrap (harness/stats), so the same results and seed give byte-identical numbers.
 */
import { quantileSorted } from '../stats/descriptive.ts';
import { aggregateInterval, probabilityOfImprovementInterval, stratifiedBootstrap, type Interval, type Matrix } from '../stats/index.ts';
import type { JobResult } from '../runner/types.ts';
import type { JobMetrics } from '../score/types.ts';
import { metricsIssue } from '../runner/journal.ts';
import { METRICS, type MetricDef, type MetricId } from './metrics.ts';
import { RANKING_TEXT } from '../agent.ts';
import type { Aggregate, Cell, Estimate, Failure, Improvement, ObjectiveRanking, OverallRanking, Reach, SampleEfficiencyRanking } from './types.ts';
import { BASELINES } from '../../baselines/index.ts';

/** Bootstrap settings of a leaderboard. */
export interface StatsOptions {
  seed: number;
  reps: number;
  confidence: number;
}

/** A successful run: its seed and metrics. */
interface Run {
  seed: number;
  m: JobMetrics;
}

/** Everything computed from the results. */
export interface Summary {
  cells: Cell[];
  aggregates: Aggregate[];
  objectives: ObjectiveRanking[];
  overall: OverallRanking;
  sampleEfficiency: SampleEfficiencyRanking;
  improvement: Improvement[];
  failures: Failure[];
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Median of all entries pooled (for one task: the median across runs). */
function pooledMedian(m: Matrix): number {
  return quantileSorted(Float64Array.from(m.flat()).sort(), 0.5);
}

/**
 * IQM and median intervals of one metric's runs x tasks matrix. With one task the median is the
 * median across runs; with several it is rliable's median over tasks of the per-task mean.
 */
function estimate(matrix: Matrix, def: MetricDef, opts: StatsOptions, labels: string[]): Estimate {
  const common = { seed: opts.seed, reps: opts.reps, confidence: opts.confidence, direction: def.direction };
  const iqm = aggregateInterval(matrix, 'iqm', { ...common, labels: [...labels, def.id] });
  const median = matrix[0]!.length === 1
    ? stratifiedBootstrap([matrix], pooledMedian, { ...common, labels: [...labels, def.id, 'median'] })
    : aggregateInterval(matrix, 'median', { ...common, labels: [...labels, def.id] });
  return { iqm: pick(iqm), median: pick(median) };
}

/** Only the interval fields (drops the tags an aggregate estimate carries). */
function pick(i: Interval): Interval {
  return { point: i.point, lo: i.lo, hi: i.hi };
}

function reachOf(runs: readonly Run[]): Reach {
  const reached = runs.filter((r) => r.m.interactionsToThreshold !== null).length;
  return { reached, runs: runs.length, rate: runs.length ? reached / runs.length : 0 };
}

/** Every metric's estimate for a matrix of runs (rows) x scenarios (columns). */
function estimates(columns: readonly (readonly Run[])[], opts: StatsOptions, labels: string[]): Record<MetricId, Estimate> {
  const rows = columns[0]!.length;
  const out = {} as Record<MetricId, Estimate>;
  for (const def of METRICS) {
    const matrix = Array.from({ length: rows }, (_, r) => columns.map((col) => def.value(col[r]!.m)));
    out[def.id] = estimate(matrix, def, opts, labels);
  }
  return out;
}

/** Replicates for curve bands: fewer than for the tables, since a curve has one interval per checkpoint and the bands are visual. */
export function curveReps(opts: StatsOptions): number {
  return Math.min(opts.reps, 500);
}

/** The learning curve across seeds at the checkpoints every run shares. */
function curveOf(runs: readonly Run[], opts: StatsOptions, labels: string[]): Cell['curve'] {
  const shared = runs[0]!.m.curve.checkpoints.filter((c) => runs.every((r) => r.m.curve.checkpoints.includes(c)));
  const curve: Cell['curve'] = { checkpoints: shared, iqm: [], lo: [], hi: [] };
  for (const c of shared) {
    const matrix = runs.map((r) => [r.m.curve.normalised[r.m.curve.checkpoints.indexOf(c)]!]);
    const i = aggregateInterval(matrix, 'iqm', { ...opts, reps: curveReps(opts), direction: 'higher-is-better', labels: [...labels, 'curve', c] });
    curve.iqm.push(i.point);
    curve.lo.push(i.lo);
    curve.hi.push(i.hi);
  }
  return curve;
}

/** The first `k` runs (by seed) of each scenario: a rectangular runs x scenarios layout. */
function rectangular(perScenario: readonly (readonly Run[])[]): { columns: Run[][]; k: number; excluded: number } {
  const k = Math.min(...perScenario.map((runs) => runs.length));
  const excluded = perScenario.reduce((s, runs) => s + runs.length - k, 0);
  return { columns: perScenario.map((runs) => runs.slice(0, k)), k, excluded };
}

/** Competition ranks (1, 2, 2, 4) of values, best first for the direction. */
function competitionRanks(values: readonly number[], better: (a: number, b: number) => boolean): number[] {
  return values.map((v) => 1 + values.filter((w) => better(w, v)).length);
}

const overlaps = (a: Interval, b: Interval): boolean => a.lo <= b.hi && b.lo <= a.hi;

/**
 * Computes the leaderboard's statistics.
 * @param results job results in any order (failed ones are listed, never dropped silently).
 * @param opts bootstrap seed, replicates and confidence.
 */
export function summarise(results: readonly JobResult[], opts: StatsOptions): Summary {
  const agents = [...new Set(results.map((r) => r.agent))].sort(byString);
  const scenarios = [...new Set(results.map((r) => r.scenario))].sort(byString);
  const runsOf = new Map<string, Run[]>();
  const failures: Failure[] = [];
  const failedCount = new Map<string, number>();
  const key = (agent: string, scenario: string): string => `${agent}\0${scenario}`;
  for (const r of results) {
    const k = key(r.agent, r.scenario);
    const malformed = r.status === 'ok' && r.metrics ? metricsIssue(r.metrics) : null;
    if (r.status === 'ok' && r.metrics && !malformed) {
      runsOf.set(k, [...(runsOf.get(k) ?? []), { seed: r.seed, m: r.metrics }]);
    } else {
      failures.push({ agent: r.agent, scenario: r.scenario, seed: r.seed, variant: r.variant, jobHash: r.jobHash, reason: malformed ? `recorded metrics cannot be ranked (${malformed}): re-run with --resume` : r.reason ?? (r.status === 'ok' ? 'status ok but no metrics' : 'no reason recorded') });
      failedCount.set(k, (failedCount.get(k) ?? 0) + 1);
    }
  }
  for (const runs of runsOf.values()) runs.sort((a, b) => a.seed - b.seed);
  failures.sort((a, b) => byString(a.agent, b.agent) || byString(a.scenario, b.scenario) || a.seed - b.seed);

  const cells: Cell[] = [];
  for (const agent of agents) {
    for (const scenario of scenarios) {
      const runs = runsOf.get(key(agent, scenario));
      if (!runs) continue;
      const labels = ['leaderboard', 'cell', agent, scenario];
      cells.push({
        agent,
        scenario,
        seeds: runs.map((r) => r.seed),
        failed: failedCount.get(key(agent, scenario)) ?? 0,
        reach: reachOf(runs),
        metrics: estimates([runs], opts, labels),
        curve: curveOf(runs, opts, labels),
      });
    }
  }

  const aggregates: Aggregate[] = [];
  for (const agent of agents) {
    const covered = scenarios.filter((s) => runsOf.has(key(agent, s)));
    if (covered.length === 0) continue;
    const { columns, k, excluded } = rectangular(covered.map((s) => runsOf.get(key(agent, s))!));
    aggregates.push({
      agent,
      scenarios: covered,
      missingScenarios: scenarios.filter((s) => !covered.includes(s)),
      runsPerScenario: k,
      excludedRuns: excluded,
      reach: reachOf(covered.flatMap((s) => runsOf.get(key(agent, s))!)),
      metrics: estimates(columns, opts, ['leaderboard', 'aggregate', agent]),
    });
  }

  // References (random = 0; clairvoyant, the myopic reference: 1 of clairvoyant-v3, at most 1 on planning-v1 and planning-v2) have their own band: never ranked.
  const referenceOf = (agent: string): { knows: string } | undefined =>
    results.some((r) => r.agent === agent && r.agentKind === 'baseline') && Object.hasOwn(BASELINES, agent) ? BASELINES[agent]!.reference : undefined;
  const ranked = aggregates.filter((a) => a.missingScenarios.length === 0 && !referenceOf(a.agent));
  const objectives: ObjectiveRanking[] = METRICS.map((def) => {
    const sign = def.direction === 'higher-is-better' ? 1 : -1;
    const points = ranked.map((a) => a.metrics[def.id].iqm.point);
    const ranks = competitionRanks(points, (w, v) => sign * w > sign * v);
    const order = ranked.map((a, i) => ({
      agent: a.agent,
      rank: ranks[i]!,
      iqm: a.metrics[def.id].iqm,
      overlapsWith: ranked.filter((b) => b !== a && overlaps(a.metrics[def.id].iqm, b.metrics[def.id].iqm)).map((b) => b.agent),
    }));
    order.sort((a, b) => a.rank - b.rank || byString(a.agent, b.agent));
    return { metric: def.id, direction: def.direction, order };
  });

  const orderOf = (id: MetricId): ObjectiveRanking['order'] => objectives.find((o) => o.metric === id)!.order;
  const overall: OverallRanking = {
    rule: `${RANKING_TEXT} Competition ranks (1, 2, 2, 4) of the IQM point estimate; "overlaps with" names the agents whose intervals overlap, whose order is not resolved. Only agents with a successful run on every scenario are ranked; the references (random = 0; clairvoyant, the myopic reference: 1 on the clairvoyant-v3 scale, at most 1 on planning-v1 and planning-v2, whose 1 is the planning reference) are shown in their own band, never ranked.`,
    metric: 'normalisedEvalReward',
    order: orderOf('normalisedEvalReward'),
    unranked: agents
      .filter((a) => !ranked.some((r) => r.agent === a))
      .map((agent) => {
        const ref = referenceOf(agent);
        if (ref) return { agent, reason: `reference of the normalised scale (${agent === 'random' ? '0' : '1 on clairvoyant-v3, at most 1 on planning-v1 and planning-v2'}), not a competitor; it knows ${ref.knows}` };
        const agg = aggregates.find((a) => a.agent === agent);
        return { agent, reason: agg ? `no successful run on ${agg.missingScenarios.join(', ')}` : 'no successful run on any scenario' };
      }),
  };
  const sampleEfficiency: SampleEfficiencyRanking = {
    rule: "Real interactions until the normalised learning curve stays above each scenario's threshold (fewer is better; a run that never reaches it counts as its whole learning budget), IQM across seeds and scenarios; competition ranks of the point estimate.",
    metric: 'interactionsToThreshold',
    order: orderOf('interactionsToThreshold'),
  };

  const auc = METRICS.find((d) => d.id === 'normalisedAuc')!;
  const improvement: Improvement[] = [];
  for (const [i, x] of aggregates.entries()) {
    for (const y of aggregates.slice(i + 1)) {
      const common = x.scenarios.filter((s) => y.scenarios.includes(s));
      if (common.length === 0) continue;
      const matrixOf = (agent: string): number[][] => {
        const { columns, k } = rectangular(common.map((s) => runsOf.get(key(agent, s))!));
        return Array.from({ length: k }, (_, r) => columns.map((col) => auc.value(col[r]!.m)));
      };
      const p = probabilityOfImprovementInterval(matrixOf(x.agent), matrixOf(y.agent), {
        seed: opts.seed, reps: opts.reps, confidence: opts.confidence, direction: auc.direction, labels: ['leaderboard', 'poi', x.agent, y.agent],
      });
      improvement.push({ x: x.agent, y: y.agent, scenarios: common, probability: pick(p) });
    }
  }
  return { cells, aggregates, objectives, overall, sampleEfficiency, improvement, failures };
}
