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
 * Censoring: a run that never stays above the threshold counts as the full learning budget. When
 * any DQN run is censored the ratio is a lower bound (marked `>=`); when the hybrid's median is
 * censored the ratio is not meaningful (marked `n/a`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSvg } from '../report/plots.ts';
import { fmt } from '../report/sections.ts';
import { executeJobs } from '../runner/execute.ts';
import { planJobs } from '../runner/plan.ts';
import type { ProgressSink } from '../runner/progress.ts';
import type { JobResult } from '../runner/types.ts';
import { median, stratifiedBootstrap, type Interval, type Matrix } from '../stats/index.ts';

/** The agents compared, in table order. */
export const HL_AGENTS = ['dqn', 'hybrid', 'q-learning', 'bandit'] as const;
/** Target of the task brief: every scenario >= 10x, and the median over scenarios >= 100x. */
export const TARGET_MIN_RATIO = 10;
export const TARGET_MEDIAN_RATIO = 100;

export interface HlSpeedupOptions {
  suite: 'default' | 'testing';
  seeds: number;
  rootSeed: number;
  workers: number;
  outDir: string;
  /** Bootstrap replicates for every interval. */
  reps?: number;
  progress?: ProgressSink;
}

/** One agent on one scenario, over seeds. */
export interface AgentCell {
  agent: string;
  /** Interactions to threshold per seed (null = never reached), in seed order. */
  interactions: (number | null)[];
  reached: number;
  /** Median interactions with censored runs counted as the budget, and its CI. */
  medianInteractions: Interval;
  /** Whether the median is censored (at least half the runs never reached the threshold). */
  medianCensored: boolean;
  normalisedAuc: Interval;
  evalMeanReward: number;
  /** Median real steps, planning updates and wall time split per run (ms). */
  realSteps: number;
  planningUpdates: number;
  learnMs: number;
  planningMs: number;
  /** Normalised learning curve: median over seeds with a 95% bootstrap band. */
  curve: { checkpoints: number[]; median: number[]; lo: number[]; hi: number[] };
}

export interface ScenarioRow {
  scenario: string;
  learningBudget: number;
  window: number;
  cells: AgentCell[];
  /** median(DQN) / median(Hybrid) interactions, with its bootstrap CI. */
  ratio: Interval & { kind: 'exact' | 'lower-bound' | 'n/a' };
}

export interface HlSpeedupReport {
  suite: string;
  seeds: number;
  rootSeed: number;
  threshold: number;
  rows: ScenarioRow[];
  /** Median over scenarios of the ratio point estimates, and the smallest one. */
  medianRatio: number;
  minRatio: number;
  targetMet: boolean;
  failedJobs: { agent: string; scenario: string; seed: number; reason: string }[];
}

const column = (m: Matrix): number[] => m.map((r) => r[0]!);
const asMatrix = (xs: readonly number[]): Matrix => xs.map((x) => [x]);

/** Median of one sample with its seeded stratified-bootstrap interval. */
function medianInterval(xs: readonly number[], seed: number, labels: (string | number)[], reps: number): Interval {
  if (xs.length === 1) return { point: xs[0]!, lo: xs[0]!, hi: xs[0]! };
  return stratifiedBootstrap([asMatrix(xs)], (m) => median(column(m)), { seed, labels, reps });
}

function cellOf(agent: string, runs: JobResult[], budget: number, seed: number, scenario: string, reps: number): AgentCell {
  const metrics = runs.map((r) => r.metrics!);
  const interactions = metrics.map((m) => m.interactionsToThreshold);
  const censored = interactions.map((n) => n ?? budget);
  // Checkpoints common to every run (a truncated trace can end a run early).
  const common = metrics[0]!.curve.checkpoints.filter((c) => metrics.every((m) => m.curve.checkpoints.includes(c)));
  const curve = { checkpoints: common, median: [] as number[], lo: [] as number[], hi: [] as number[] };
  for (const c of common) {
    const ys = metrics.map((m) => m.curve.normalised[m.curve.checkpoints.indexOf(c)]!);
    const iv = medianInterval(ys, seed, ['hl-curve', scenario, agent, c], reps);
    curve.median.push(iv.point);
    curve.lo.push(iv.lo);
    curve.hi.push(iv.hi);
  }
  const med = (f: (r: JobResult) => number): number => median(runs.map(f));
  return {
    agent,
    interactions,
    reached: interactions.filter((n) => n !== null).length,
    medianInteractions: medianInterval(censored, seed, ['hl-interactions', scenario, agent], reps),
    medianCensored: 2 * interactions.filter((n) => n === null).length >= interactions.length,
    normalisedAuc: medianInterval(metrics.map((m) => m.normalisedAuc), seed, ['hl-auc', scenario, agent], reps),
    evalMeanReward: median(metrics.map((m) => m.eval.meanReward)),
    realSteps: median(metrics.map((m) => m.realSteps)),
    planningUpdates: median(metrics.map((m) => m.planningUpdates)),
    learnMs: med((r) => r.timing.learnMs),
    planningMs: med((r) => r.timing.planningMs),
    curve,
  };
}

/** The ratio DQN / Hybrid of median interactions (censored = budget), with its bootstrap CI. */
function ratioOf(dqn: AgentCell, hybrid: AgentCell, budget: number, seed: number, scenario: string, reps: number): ScenarioRow['ratio'] {
  const d = dqn.interactions.map((n) => n ?? budget);
  const h = hybrid.interactions.map((n) => n ?? budget);
  const stat = (a: Matrix, b: Matrix): number => median(column(a)) / median(column(b));
  const iv = stratifiedBootstrap([asMatrix(d), asMatrix(h)], stat, { seed, labels: ['hl-ratio', scenario], reps });
  const kind = hybrid.medianCensored ? 'n/a' : dqn.reached < dqn.interactions.length ? 'lower-bound' : 'exact';
  return { ...iv, kind };
}

/** Aggregates finished jobs into the experiment's report (pure: same results, same report). */
export function summarise(results: readonly JobResult[], opts: Pick<HlSpeedupOptions, 'suite' | 'seeds' | 'rootSeed' | 'reps'>): HlSpeedupReport {
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
      ratio: ratioOf(dqn, hybrid, budget, opts.rootSeed, scenario, reps),
    });
  }
  const ratios = rows.filter((r) => r.ratio.kind !== 'n/a').map((r) => r.ratio.point);
  const medianRatio = ratios.length ? median(ratios) : NaN;
  const minRatio = ratios.length ? Math.min(...ratios) : NaN;
  return {
    suite: opts.suite,
    seeds: opts.seeds,
    rootSeed: opts.rootSeed,
    threshold: ok[0]?.metrics?.threshold ?? 0.9,
    rows,
    medianRatio,
    minRatio,
    targetMet: ratios.length === rows.length && rows.length > 0 && minRatio >= TARGET_MIN_RATIO && medianRatio >= TARGET_MEDIAN_RATIO,
    failedJobs: results.filter((r) => r.status !== 'ok').map((r) => ({ agent: r.agent, scenario: r.scenario, seed: r.seed, reason: r.reason ?? '' })),
  };
}

const ivText = (i: Interval): string => `${fmt(i.point)} [${fmt(i.lo)}, ${fmt(i.hi)}]`;

/** The report as Markdown: one table row per scenario, then the verdict against the target. */
export function toMarkdown(rep: HlSpeedupReport): string {
  const agents = HL_AGENTS.filter((a) => rep.rows.some((r) => r.cells.some((c) => c.agent === a)));
  const cellText = (c: AgentCell | undefined): string =>
    c ? `${c.medianCensored ? '>' : ''}${ivText(c.medianInteractions)} (${c.reached}/${c.interactions.length})` : '-';
  const head = ['scenario', 'budget', ...agents.map((a) => `${a}: interactions (reached)`), ...agents.map((a) => `${a}: AUC`), 'DQN / Hybrid'];
  const lines = [
    `# HL speedup: ${rep.suite} suite, ${rep.seeds} seeds (root seed ${rep.rootSeed})`,
    '',
    `Interactions = real interactions until the learning curve (trailing mean reward over the window) reaches ` +
      `${fmt(100 * rep.threshold)}% of the way from the random to the oracle reward and stays there; median over seeds ` +
      `[95% bootstrap CI], runs that never reach it counted as the budget ('>' = censored median). AUC = normalised area ` +
      `under the learning curve, median [CI]. Ratio = median DQN / median Hybrid interactions ('>=' = lower bound: some DQN ` +
      `runs never reached the threshold).`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
  ];
  for (const r of rep.rows) {
    const cell = (a: string) => r.cells.find((c) => c.agent === a);
    const ratio = r.ratio.kind === 'n/a' ? 'n/a (hybrid censored)' : `${r.ratio.kind === 'lower-bound' ? '>= ' : ''}${ivText(r.ratio)}`;
    lines.push(`| ${[r.scenario, String(r.learningBudget), ...agents.map((a) => cellText(cell(a))), ...agents.map((a) => (cell(a) ? ivText(cell(a)!.normalisedAuc) : '-')), ratio].join(' | ')} |`);
  }
  lines.push('', '| scenario | agent | real steps | planning updates | learn ms | planning ms | eval mean reward |', '|---|---|---|---|---|---|---|');
  for (const r of rep.rows) {
    for (const c of r.cells) lines.push(`| ${r.scenario} | ${c.agent} | ${c.realSteps} | ${c.planningUpdates} | ${fmt(c.learnMs)} | ${fmt(c.planningMs)} | ${fmt(c.evalMeanReward)} |`);
  }
  lines.push(
    '',
    `Median ratio over scenarios: ${fmt(rep.medianRatio)}; smallest: ${fmt(rep.minRatio)}. ` +
      `Target (every scenario >= ${TARGET_MIN_RATIO}x, median >= ${TARGET_MEDIAN_RATIO}x): ${rep.targetMet ? 'met' : 'NOT met'}.`,
  );
  if (rep.failedJobs.length) lines.push('', `Failed jobs: ${rep.failedJobs.map((f) => `${f.agent}/${f.scenario}/${f.seed}: ${f.reason}`).join('; ')}`);
  return `${lines.join('\n')}\n`;
}

/** Vega-lite spec of the learning curves: one panel per scenario, median and 95% band per agent. */
export function curvesSpec(rep: HlSpeedupReport): Record<string, unknown> {
  const values = rep.rows.flatMap((r) => r.cells.flatMap((c) => c.curve.checkpoints.map((x, i) => ({
    scenario: r.scenario, agent: c.agent, interactions: x, median: c.curve.median[i], lo: c.curve.lo[i], hi: c.curve.hi[i],
  }))));
  const x = { field: 'interactions', type: 'quantitative', scale: { type: 'log' }, title: 'real interactions (log scale)' };
  const color = { field: 'agent', type: 'nominal', scale: { domain: [...HL_AGENTS] } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Learning curves (${rep.suite} suite, ${rep.seeds} seeds): median and 95% CI; dashed line = threshold`,
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
 * `hl-speedup.json`, `hl-speedup.md` and `hl-speedup.svg` into `outDir`.
 */
export async function runHlSpeedup(opts: HlSpeedupOptions): Promise<HlSpeedupReport> {
  mkdirSync(opts.outDir, { recursive: true });
  const jobs = await planJobs({ suite: opts.suite, agents: HL_AGENTS.map((name) => ({ name, kind: 'baseline' as const })), seeds: opts.seeds, rootSeed: opts.rootSeed });
  const { results } = await executeJobs(jobs, { outDir: opts.outDir, workers: opts.workers, resume: true, ...(opts.progress ? { progress: opts.progress } : {}) });
  const report = summarise(results, opts);
  writeFileSync(join(opts.outDir, 'hl-speedup.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(opts.outDir, 'hl-speedup.md'), toMarkdown(report));
  writeFileSync(join(opts.outDir, 'hl-speedup.svg'), await renderSvg(curvesSpec(report)));
  return report;
}
