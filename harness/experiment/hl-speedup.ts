/**
 * The HL-speedup experiment: does the Hybrid Learner reach a good policy with far fewer real
 * interactions than pure DQN (the ISQED 2022 claim: up to 166.6x)?
 *
 * It runs dqn, hybrid, q-learning and bandit on a suite's scenarios over seeds through the
 * ordinary runner (worker pool, results journal, common random numbers: every agent sees the same
 * episode seeds, and random/oracle references come from the same scenario and seed), then per
 * scenario reports interactions-to-threshold (90% of the way from random to oracle reward,
 * trailing window of 5% of the budget, staying above to the end of learning: see
 * `harness/score/job.ts`), normalised AUC, and the ratio DQN / Hybrid of median interactions with
 * a seeded stratified-bootstrap CI over seeds.
 *
 * The same is reported for a second, standard measurement: the greedy policy evaluated at
 * log-spaced checkpoints of real interactions on one fixed evaluation segment (`greedyCurve` in
 * the job metrics): interactions until its normalised reward is >= the threshold at that and
 * every later checkpoint. The learning curve averages the rewards of the behaviour policy, so
 * exploration stays in it for a window; the greedy curve measures the policy learned so far.
 *
 * Censoring: a run that never stays above the threshold counts as the full learning budget. When
 * any DQN run is censored the ratio is a lower bound (marked `>=`); when the hybrid's median is
 * censored the ratio is not meaningful (marked `n/a`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSvg } from '../report/plots.ts';
import { fmt, fmtInterval } from '../report/sections.ts';
import { executeJobs } from '../runner/execute.ts';
import { planJobs } from '../runner/plan.ts';
import { type ScenarioSelection, selectScenarios } from '../scenario/select.ts';
import type { ProgressSink } from '../runner/progress.ts';
import type { JobResult, JobMetrics } from '../runner/types.ts';
import { median, stratifiedBootstrap, type Interval, type Matrix } from '../stats/index.ts';

/** The agents compared, in table order. */
export const HL_AGENTS = ['dqn', 'hybrid', 'q-learning', 'bandit'] as const;
/** Target of the task brief: every scenario >= 10x, and the median over scenarios >= 100x. */
export const TARGET_MIN_RATIO = 10;
export const TARGET_MEDIAN_RATIO = 100;

/** An agent of the experiment. */
export type HlAgent = (typeof HL_AGENTS)[number];

/** Which scenarios (a suite, or ids of any suite and scenario files, in a variant: see `harness/scenario/select.ts`) and how. */
export interface HlSpeedupOptions extends ScenarioSelection {
  /** Only these agents (default: all of {@link HL_AGENTS}); dqn and hybrid are needed for the ratios. */
  agents?: readonly HlAgent[];
  seeds: number;
  rootSeed: number;
  workers: number;
  outDir: string;
  /** Bootstrap replicates for every interval. */
  reps?: number;
  progress?: ProgressSink;
}

/** One sample-efficiency measurement (a curve and its interactions to threshold) of one agent on one scenario, over seeds. */
export interface Efficiency {
  /** Interactions to threshold per seed (null = never reached), in seed order. */
  interactions: (number | null)[];
  reached: number;
  /** Median interactions with censored runs counted as the budget, and its CI. */
  medianInteractions: Interval;
  /** Whether the median is censored (at least half the runs never reached the threshold). */
  medianCensored: boolean;
  /** Normalised curve: median over seeds with a 95% bootstrap band. */
  curve: { checkpoints: number[]; median: number[]; lo: number[]; hi: number[] };
}

/** One agent on one scenario, over seeds: the learning curve's efficiency (the fields of {@link Efficiency}) and the greedy curve's. */
export interface AgentCell extends Efficiency {
  agent: string;
  normalisedAuc: Interval;
  /** The greedy policy at checkpoints; null when a run has no greedy curve (older results). */
  greedy: Efficiency | null;
  evalMeanReward: number;
  /** Median real steps, planning updates and wall time split per run (ms). */
  realSteps: number;
  planningUpdates: number;
  learnMs: number;
  planningMs: number;
}

/** median(DQN) / median(Hybrid) interactions, with its bootstrap CI. */
export type Ratio = Interval & { kind: 'exact' | 'lower-bound' | 'n/a' };

export interface ScenarioRow {
  scenario: string;
  learningBudget: number;
  window: number;
  cells: AgentCell[];
  /** Ratio of the learning-curve interactions. */
  ratio: Ratio;
  /** Ratio of the greedy-curve interactions (null without greedy curves). */
  greedyRatio: Ratio | null;
  /** Greedy decisions per checkpoint (null without greedy curves). */
  checkpointDecisions: number | null;
}

/** Median and smallest ratio over scenarios (point estimates, `n/a` rows left out), and the verdict. */
export interface RatioSummary {
  medianRatio: number;
  minRatio: number;
  targetMet: boolean;
}

export interface HlSpeedupReport {
  suite: string;
  seeds: number;
  rootSeed: number;
  threshold: number;
  rows: ScenarioRow[];
  /** Learning-curve ratios: median over scenarios of the point estimates, the smallest one, the verdict. */
  medianRatio: number;
  minRatio: number;
  targetMet: boolean;
  /** The same for the greedy-curve ratios (null without greedy curves). */
  greedy: RatioSummary | null;
  failedJobs: { agent: string; scenario: string; seed: number; reason: string }[];
}

const column = (m: Matrix): number[] => m.map((r) => r[0]!);
const asMatrix = (xs: readonly number[]): Matrix => xs.map((x) => [x]);

/** Median of one sample with its seeded stratified-bootstrap interval. */
function medianInterval(xs: readonly number[], seed: number, labels: (string | number)[], reps: number): Interval {
  if (xs.length === 1) return { point: xs[0]!, lo: xs[0]!, hi: xs[0]! };
  return stratifiedBootstrap([asMatrix(xs)], (m) => median(column(m)), { seed, labels, reps });
}

/** A curve of one run: its checkpoints and normalised values. */
type RunCurve = { checkpoints: number[]; normalised: number[] };

function efficiencyOf(interactions: (number | null)[], curves: RunCurve[], budget: number, seed: number, labels: string[], reps: number): Efficiency {
  const censored = interactions.map((n) => n ?? budget);
  // Checkpoints common to every run (a truncated trace can end a run early).
  const common = curves[0]!.checkpoints.filter((c) => curves.every((m) => m.checkpoints.includes(c)));
  const curve = { checkpoints: common, median: [] as number[], lo: [] as number[], hi: [] as number[] };
  for (const c of common) {
    const ys = curves.map((m) => m.normalised[m.checkpoints.indexOf(c)]!);
    const iv = medianInterval(ys, seed, ['hl-curve', ...labels, c], reps);
    curve.median.push(iv.point);
    curve.lo.push(iv.lo);
    curve.hi.push(iv.hi);
  }
  return {
    interactions,
    reached: interactions.filter((n) => n !== null).length,
    medianInteractions: medianInterval(censored, seed, ['hl-interactions', ...labels], reps),
    medianCensored: 2 * interactions.filter((n) => n === null).length >= interactions.length,
    curve,
  };
}

function cellOf(agent: string, runs: JobResult[], budget: number, seed: number, scenario: string, reps: number): AgentCell {
  const metrics = runs.map((r) => r.metrics!);
  const greedy = metrics.every((m) => m.greedyCurve) ? metrics.map((m) => m.greedyCurve!) : null;
  const med = (f: (r: JobResult) => number): number => median(runs.map(f));
  const medMetric = (f: (m: JobMetrics) => number): number => median(metrics.map(f));
  return {
    agent,
    // The learning curve keeps the labels it had before the greedy curve existed, so its intervals do not change.
    ...efficiencyOf(metrics.map((m) => m.interactionsToThreshold), metrics.map((m) => m.curve), budget, seed, [scenario, agent], reps),
    normalisedAuc: medianInterval(metrics.map((m) => m.normalisedAuc), seed, ['hl-auc', scenario, agent], reps),
    greedy: greedy && efficiencyOf(greedy.map((g) => g.interactionsToThreshold), greedy, budget, seed, ['greedy', scenario, agent], reps),
    evalMeanReward: medMetric((m) => m.eval.meanReward),
    realSteps: medMetric((m) => m.realSteps),
    planningUpdates: medMetric((m) => m.planningUpdates),
    learnMs: med((r) => r.timing.learnMs),
    planningMs: med((r) => r.timing.planningMs),
  };
}

/** The ratio DQN / Hybrid of median interactions (censored = budget), with its bootstrap CI. */
function ratioOf(dqn: Efficiency, hybrid: Efficiency, budget: number, seed: number, labels: string[], reps: number): Ratio {
  const d = dqn.interactions.map((n) => n ?? budget);
  const h = hybrid.interactions.map((n) => n ?? budget);
  const stat = (a: Matrix, b: Matrix): number => median(column(a)) / median(column(b));
  const iv = stratifiedBootstrap([asMatrix(d), asMatrix(h)], stat, { seed, labels: ['hl-ratio', ...labels], reps });
  const kind = hybrid.medianCensored ? 'n/a' : dqn.reached < dqn.interactions.length ? 'lower-bound' : 'exact';
  return { ...iv, kind };
}

/** Median and smallest of the meaningful ratios, and whether they meet the target. */
function ratioSummary(ratios: Ratio[]): RatioSummary {
  const points = ratios.filter((r) => r.kind !== 'n/a').map((r) => r.point);
  const medianRatio = points.length ? median(points) : NaN;
  const minRatio = points.length ? Math.min(...points) : NaN;
  return {
    medianRatio,
    minRatio,
    targetMet: points.length === ratios.length && ratios.length > 0 && minRatio >= TARGET_MIN_RATIO && medianRatio >= TARGET_MEDIAN_RATIO,
  };
}

/** Aggregates finished jobs into the experiment's report (pure: same results, same report). */
export function summarise(results: readonly JobResult[], opts: Pick<HlSpeedupOptions, 'seeds' | 'rootSeed' | 'reps'> & { suite: string }): HlSpeedupReport {
  const reps = opts.reps ?? 2000;
  const ok = results.filter((r) => r.status === 'ok' && r.metrics);
  const scenarios = [...new Set(ok.map((r) => r.scenario))].sort();
  const rows: ScenarioRow[] = [];
  for (const scenario of scenarios) {
    const of = (agent: string) => ok.filter((r) => r.scenario === scenario && r.agent === agent).sort((a, b) => a.seed - b.seed);
    const budget = Math.max(...ok.filter((r) => r.scenario === scenario).map((r) => r.metrics!.realSteps));
    const cells = HL_AGENTS.filter((a) => of(a).length > 0).map((a) => cellOf(a, of(a), budget, opts.rootSeed, scenario, reps));
    const dqn = cells.find((c) => c.agent === 'dqn');
    const hybrid = cells.find((c) => c.agent === 'hybrid');
    if (!dqn || !hybrid) continue;
    rows.push({
      scenario,
      learningBudget: budget,
      window: of('dqn')[0]!.metrics!.curve.window,
      cells,
      ratio: ratioOf(dqn, hybrid, budget, opts.rootSeed, [scenario], reps),
      greedyRatio: dqn.greedy && hybrid.greedy && ratioOf(dqn.greedy, hybrid.greedy, budget, opts.rootSeed, ['greedy', scenario], reps),
      checkpointDecisions: of('dqn')[0]!.metrics!.greedyCurve?.decisions ?? null,
    });
  }
  const greedyRatios = rows.flatMap((r) => (r.greedyRatio ? [r.greedyRatio] : []));
  return {
    suite: opts.suite,
    seeds: opts.seeds,
    rootSeed: opts.rootSeed,
    threshold: ok[0]?.metrics?.threshold ?? 0.9,
    rows,
    ...ratioSummary(rows.map((r) => r.ratio)),
    greedy: greedyRatios.length === rows.length && rows.length > 0 ? ratioSummary(greedyRatios) : null,
    failedJobs: results.filter((r) => r.status !== 'ok').map((r) => ({ agent: r.agent, scenario: r.scenario, seed: r.seed, reason: r.reason ?? '' })),
  };
}

const interactionsText = (e: Efficiency): string => `${e.medianCensored ? '>' : ''}${fmtInterval(e.medianInteractions)} (${e.reached}/${e.interactions.length})`;
const ratioText = (r: Ratio): string => (r.kind === 'n/a' ? 'n/a (hybrid censored)' : `${r.kind === 'lower-bound' ? '>= ' : ''}${fmtInterval(r)}`);
const verdict = (what: string, r: RatioSummary): string =>
  `${what}: median ratio over scenarios ${fmt(r.medianRatio)}; smallest ${fmt(r.minRatio)}. ` +
  `Target (every scenario >= ${TARGET_MIN_RATIO}x, median >= ${TARGET_MEDIAN_RATIO}x): ${r.targetMet ? 'met' : 'NOT met'}.`;

/** The report as Markdown: a table per measurement (learning curve, greedy curve), the agents' work, the verdicts. */
export function toMarkdown(rep: HlSpeedupReport): string {
  const agents = HL_AGENTS.filter((a) => rep.rows.some((r) => r.cells.some((c) => c.agent === a)));
  const cellAt = (r: ScenarioRow, a: string): AgentCell | undefined => r.cells.find((c) => c.agent === a);
  const table = (head: string[], rows: string[][]): string[] => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
  const pct = fmt(100 * rep.threshold);
  const lines = [
    `# HL speedup: ${rep.suite} suite, ${rep.seeds} seeds (root seed ${rep.rootSeed})`,
    '',
    `## Learning curve (behaviour policy, exploration included)`,
    '',
    `Interactions = real interactions until the learning curve (trailing mean of the rewards received while learning, over the window) reaches ` +
      `${pct}% of the way from the random to the oracle reward and stays there; median over seeds ` +
      `[95% bootstrap CI], runs that never reach it counted as the budget ('>' = censored median). AUC = normalised area ` +
      `under the learning curve, median [CI]. Ratio = median DQN / median Hybrid interactions ('>=' = lower bound: some DQN ` +
      `runs never reached the threshold).`,
    '',
    ...table(
      ['scenario', 'budget', 'window', ...agents.map((a) => `${a}: interactions (reached)`), ...agents.map((a) => `${a}: AUC`), 'DQN / Hybrid'],
      rep.rows.map((r) => [
        r.scenario, String(r.learningBudget), String(r.window),
        ...agents.map((a) => { const c = cellAt(r, a); return c ? interactionsText(c) : '-'; }),
        ...agents.map((a) => { const c = cellAt(r, a); return c ? fmtInterval(c.normalisedAuc) : '-'; }),
        ratioText(r.ratio),
      ]),
    ),
  ];
  if (rep.greedy) {
    lines.push(
      '',
      `## Greedy policy at checkpoints (the standard measurement)`,
      '',
      `Interactions = real interactions until the greedy policy (setMode('eval'), no exploration, no learning), evaluated at ` +
        `log-spaced checkpoints on one fixed evaluation segment (the same requests for every agent and checkpoint), reaches ` +
        `${pct}% of the way from the random to the oracle reward on that segment at that and every later checkpoint; the value ` +
        `is the checkpoint, so it is resolved to the checkpoint spacing. Evaluation decisions are not real interactions. ` +
        `Median over seeds [95% bootstrap CI], '>' and '>=' as above.`,
      '',
      ...table(
        ['scenario', 'budget', 'decisions per checkpoint', ...agents.map((a) => `${a}: greedy interactions (reached)`), 'DQN / Hybrid (greedy)'],
        rep.rows.map((r) => [
          r.scenario, String(r.learningBudget), r.checkpointDecisions === null ? '-' : String(r.checkpointDecisions),
          ...agents.map((a) => { const g = cellAt(r, a)?.greedy; return g ? interactionsText(g) : '-'; }),
          r.greedyRatio ? ratioText(r.greedyRatio) : '-',
        ]),
      ),
    );
  }
  lines.push(
    '',
    '## Work per run (medians)',
    '',
    ...table(
      ['scenario', 'agent', 'real steps', 'planning updates', 'learn ms', 'planning ms', 'eval mean reward'],
      rep.rows.flatMap((r) => r.cells.map((c) => [r.scenario, c.agent, String(c.realSteps), String(c.planningUpdates), fmt(c.learnMs), fmt(c.planningMs), fmt(c.evalMeanReward)])),
    ),
    '',
    verdict('Learning curve', rep),
  );
  if (rep.greedy) lines.push('', verdict('Greedy policy at checkpoints', rep.greedy));
  if (rep.failedJobs.length) lines.push('', `Failed jobs: ${rep.failedJobs.map((f) => `${f.agent}/${f.scenario}/${f.seed}: ${f.reason}`).join('; ')}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Vega-lite spec of the learning curves (`which` = 'learning') or of the greedy policy at
 * checkpoints ('greedy'): one panel per scenario, median and 95% band per agent.
 */
export function curvesSpec(rep: HlSpeedupReport, which: 'learning' | 'greedy' = 'learning'): Record<string, unknown> {
  const values = rep.rows.flatMap((r) => r.cells.flatMap((c) => {
    const curve = which === 'learning' ? c.curve : c.greedy?.curve;
    return (curve?.checkpoints ?? []).map((x, i) => ({
      scenario: r.scenario, agent: c.agent, interactions: x, median: curve!.median[i], lo: curve!.lo[i], hi: curve!.hi[i],
    }));
  }));
  const what = which === 'learning' ? 'Learning curves (trailing mean reward while learning)' : 'Greedy policy at checkpoints';
  const x = { field: 'interactions', type: 'quantitative', scale: { type: 'log' }, title: 'real interactions (log scale)' };
  const color = { field: 'agent', type: 'nominal', scale: { domain: [...HL_AGENTS] } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${what}, ${rep.suite} suite, ${rep.seeds} seeds: median and 95% CI; dashed line = threshold`,
    data: { values },
    facet: { field: 'scenario', type: 'nominal', title: null },
    columns: 2,
    spec: {
      width: 320,
      height: 180,
      layer: [
        { mark: { type: 'area', opacity: 0.2 }, encoding: { x, color, y: { field: 'lo', type: 'quantitative', title: 'normalised reward' }, y2: { field: 'hi' } } },
        { mark: 'line', encoding: { x, color, y: { field: 'median', type: 'quantitative' } } },
        { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { datum: rep.threshold } } },
      ],
    },
  };
}

/**
 * Runs the experiment (resuming `outDir/results.jsonl` if present) and writes
 * `hl-speedup.json`, `hl-speedup.md`, `hl-speedup.svg` (learning curves) and
 * `hl-speedup-greedy.svg` (greedy policy at checkpoints) into `outDir`.
 * @throws InputError for an unknown scenario id.
 */
export async function runHlSpeedup(opts: HlSpeedupOptions): Promise<HlSpeedupReport> {
  mkdirSync(opts.outDir, { recursive: true });
  const jobs = await planJobs({
    ...(opts.suite !== undefined ? { suite: opts.suite } : {}),
    ...(opts.scenarios ? { scenarios: opts.scenarios } : {}),
    ...(opts.variant !== undefined ? { variant: opts.variant } : {}),
    agents: (opts.agents ?? HL_AGENTS).map((name) => ({ name, kind: 'baseline' as const })),
    seeds: opts.seeds,
    rootSeed: opts.rootSeed,
  });
  const { results } = await executeJobs(jobs, { outDir: opts.outDir, workers: opts.workers, resume: true, ...(opts.progress ? { progress: opts.progress } : {}) });
  const report = summarise(results, { ...opts, suite: selectScenarios(opts).suite });
  writeFileSync(join(opts.outDir, 'hl-speedup.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(opts.outDir, 'hl-speedup.md'), toMarkdown(report));
  writeFileSync(join(opts.outDir, 'hl-speedup.svg'), await renderSvg(curvesSpec(report)));
  if (report.greedy) writeFileSync(join(opts.outDir, 'hl-speedup-greedy.svg'), await renderSvg(curvesSpec(report, 'greedy')));
  return report;
}
