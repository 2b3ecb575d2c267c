/**
 * The HL-speedup experiment: does the Hybrid Learner reach a good policy with far fewer real
 * interactions than a plain DQN (the ISQED 2022 claim: up to 166.6x)?
 *
 * Learners: a DQN (the reference: `dqn`, or `dqn-v4` on v4), a Hybrid Learner (the subject:
 * `hybrid`, or `hybrid-v4`; {@link ExperimentPair}), control baselines (`--agents`, e.g.
 * q-learning, bandit, a DQN given the Hybrid's action information) and ablation variants (a
 * baseline with config overrides, `--variants file.json`). Every learner runs on the same episode
 * seeds, and every job of a (scenario, seed) is scored on the same requests and the same held-out
 * evaluation segments (common random numbers), through the ordinary runner (worker pool, journal,
 * resume).
 *
 * The measure (primary): the greedy policy evaluated at checkpoints of real interactions resolved
 * to 10%, each on >= 1,000 decisions over several held-out segments, with learning sealed during
 * evaluations (`harness/score/job.ts`, `harness/env/checkpoints.ts`); interactions to threshold =
 * the first checkpoint from which the greedy policy is at >= 90% of the way from random to oracle
 * at that and every later checkpoint. Secondary: the learning curve (trailing mean of the rewards
 * received while learning, a fixed window of decisions).
 *
 * Statistics: medians over seeds; a run that never reaches the threshold is censored (a lower
 * bound), and a median with at least half its runs censored is a lower bound. Ratios are
 * median(other learner) / median(subject) with a paired bootstrap over seeds; their kind (exact,
 * lower or upper bound, undetermined) follows the censoring (`harness/stats/censored.ts`). Only
 * exact ratios count toward the target or the median over scenarios; bounds are shown with counts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSvg } from '../report/plots.ts';
import { fmt, fmtInterval } from '../report/sections.ts';
import { executeJobs } from '../runner/execute.ts';
import { episodeSeed } from '../runner/plan.ts';
import { commitmentOf, freshSecret, readSecretFile, secretInPlace, writeSecretFile } from '../runner/sealed.ts';
import type { ProgressSink } from '../runner/progress.ts';
import type { JobResult } from '../runner/types.ts';
import { censoredMedian, censoredMedianInterval, median, pairedBootstrap, pairedRatio, type Budget, type CensoredInterval, type CensoredValue, type Interval, type PairedRatio } from '../stats/index.ts';
import { listBaselines } from '../../baselines/index.ts';
import { InputError } from '../errors.ts';
import { baselineLearner, DEFAULT_MEASURE, EXPERIMENT_JOB_MODULE, planExperiment, type LearnerSpec, type MeasureOptions } from './learners.ts';
import { type ScenarioSelection, selectScenarios } from '../scenario/select.ts';

/** The learner whose speedup is measured, and the reference it is measured against. */
export const SUBJECT = 'hybrid';
export const REFERENCE = 'dqn';

/**
 * The compared pair: the Hybrid under test (subject) and the DQN it is measured against
 * (reference). The v1-v3 experiment's is {@link DEFAULT_PAIR}; on v4 both learners read every
 * feature of the observation: {@link V4_PAIR}.
 */
export interface ExperimentPair {
  subject: string;
  reference: string;
}
export const DEFAULT_PAIR: ExperimentPair = { subject: SUBJECT, reference: REFERENCE };
export const V4_PAIR: ExperimentPair = { subject: 'hybrid-v4', reference: 'dqn-v4' };

/** Tuned configurations by agent (a search's best trial: `readTunedConfigs` in tuned.ts), with where each comes from. */
export type TunedConfigs = Record<string, { config: Record<string, unknown>; source: string }>;
/** Controls run when `--agents` is not given. */
export const DEFAULT_CONTROLS = ['q-learning', 'bandit'] as const;
/**
 * The issue's target (greedy measure, against the tuned DQN): on every scenario an exact ratio
 * >= 10x whose paired 95% CI lower bound is >= 5x, and a median over scenarios >= 50x.
 */
export const TARGET = { perScenario: 10, perScenarioLo: 5, median: 50 } as const;

/** Which scenarios (a suite, or ids of any suite and scenario files, in a variant: see `harness/scenario/select.ts`) and how. */
export interface HlSpeedupOptions extends ScenarioSelection {
  /** Control baselines run beside the subject and the reference (default {@link DEFAULT_CONTROLS}). */
  controls?: readonly string[];
  /** The subject and the reference (default {@link DEFAULT_PAIR}). */
  pair?: ExperimentPair;
  /** Configurations the subject, the reference and the controls run with instead of their defaults (and the subject's variants under theirs). */
  tuned?: TunedConfigs;
  /** Ablation variants (baselines with config overrides; `control: true` ones are controls). */
  variants?: readonly LearnerSpec[];
  seeds: number;
  rootSeed: number;
  /** Key every simulator stream with a secret (`OUT/secret.json`; the folder's own when it has one): see docs/sealed-runs.md. */
  sealed?: boolean;
  workers: number;
  outDir: string;
  measure?: MeasureOptions;
  /** Seeds (the first ones) whose jobs also run the eval-purity check (default 1). */
  puritySeeds?: number;
  /** Bootstrap replicates for every interval. */
  reps?: number;
  progress?: ProgressSink;
}

/** One measure (greedy or learning curve) of one learner on one scenario, over seeds. */
export interface MeasureCell {
  /** Interactions to threshold per seed (null = censored), in seed order. */
  interactions: (number | null)[];
  median: CensoredValue;
  /** Bootstrap CI of the median (censored runs at their budget), each end marked exact or a lower bound. */
  medianInterval: CensoredInterval;
  /** Normalised curve: median over seeds with a 95% bootstrap band. */
  curve: { checkpoints: number[]; median: number[]; lo: number[]; hi: number[] };
}

/** Median work per run (ms, counts); wall time without the purity check's second run. */
export interface Work {
  wallMs: number;
  learnMs: number;
  planningMs: number;
  checkpointMs: number;
  realSteps: number;
  planningUpdates: number;
}

export interface LearnerCell {
  learner: string;
  agent: string;
  greedy: MeasureCell | null;
  learning: MeasureCell;
  normalisedAuc: Interval;
  /** Normalised evaluation reward after learning (random = 0, the scale's reference = 1): median over seeds with its bootstrap interval. */
  normalisedEvalReward: Interval;
  evalMeanReward: number;
  work: Work;
  /** Purity checks run and failed (a different decision log with checkpoints), and `learn` calls sealed off during evaluations. */
  purity: { checked: number; impure: number; sealedLearnCalls: number };
}

/** median(learner) / median(subject), per measure. */
export interface RatioCell {
  learner: string;
  greedy: PairedRatio | null;
  learning: PairedRatio;
}

export interface ScenarioRow {
  scenario: string;
  learningBudget: number;
  window: number;
  /** Greedy decisions per checkpoint and their segments (null without greedy curves). */
  checkpointDecisions: number | null;
  segments: number | null;
  learners: LearnerCell[];
  /** Against the subject: every other learner (reference, controls, variants). */
  ratios: RatioCell[];
  /** reference / variant for the subject and each variant (the ablation table). */
  ablation: RatioCell[];
}

/** The target's verdict over scenarios (reference / subject ratios of one measure). */
export interface Verdict {
  /** Median over scenarios of the exact ratios only. */
  medianExact: number;
  exact: number;
  /** Scenarios whose ratio is a bound or undetermined (never counted). */
  notExact: number;
  /** Scenarios meeting the per-scenario target. */
  meeting: number;
  scenarios: number;
  targetMet: boolean;
}

/** Where a ratio's interval puts the subject against a learner. */
export type Claim = 'fewer' | 'more' | 'not resolved';

export interface HlSpeedupReport {
  suite: string;
  /** The subject and the reference when they are not {@link DEFAULT_PAIR}'s (reports of hybrid vs dqn carry neither). */
  subject?: string;
  reference?: string;
  seeds: number;
  rootSeed: number;
  /** A sealed run's id and commitment (its seeds are seed indices; the secret is never here). */
  sealed?: { runId: string; commitment: string };
  threshold: number;
  measure: MeasureOptions | null;
  learners: LearnerSpec[];
  /** Ids of the ablation variants among the learners. */
  variants: string[];
  rows: ScenarioRow[];
  /** Against the reference, greedy measure (null without greedy curves) and learning curve. */
  verdict: { greedy: Verdict | null; learning: Verdict };
  failedJobs: { learner: string; scenario: string; seed: number; reason: string }[];
}

/**
 * Each seed's budget: the real interactions its runs had (a trace that ends early gives fewer).
 * Every learner on a seed sees the same requests, so they must agree.
 * @throws Error when learners on one seed ran different numbers of interactions (a harness defect).
 */
function seedBudgets(seeds: readonly number[], runsBySeed: (seed: number) => readonly JobResult[], scenario: string): number[] {
  return seeds.map((s) => {
    const steps = new Set(runsBySeed(s).map((r) => r.metrics!.realSteps));
    if (steps.size !== 1) throw new Error(`hl-speedup: on ${scenario} seed ${s} the learners ran different numbers of real interactions (${[...steps].join(', ')}); they share the requests, so this is a harness defect`);
    return [...steps][0]!;
  });
}

/** A normalised curve's median and band over seeds, at the checkpoints every run reached. */
function curveBand(curves: { checkpoints: number[]; normalised: number[] }[], seed: number, labels: (string | number)[], reps: number): MeasureCell['curve'] {
  const common = curves[0]!.checkpoints.filter((c) => curves.every((m) => m.checkpoints.includes(c)));
  const out = { checkpoints: common, median: [] as number[], lo: [] as number[], hi: [] as number[] };
  for (const c of common) {
    const ys = curves.map((m) => m.normalised[m.checkpoints.indexOf(c)]!);
    const iv = pairedBootstrap([ys], (x) => median(x!), { seed, labels: [...labels, c], reps });
    out.median.push(iv.point);
    out.lo.push(iv.lo);
    out.hi.push(iv.hi);
  }
  return out;
}

function measureCell(interactions: (number | null)[], curves: { checkpoints: number[]; normalised: number[] }[], budget: Budget, seed: number, labels: string[], reps: number): MeasureCell {
  return {
    interactions,
    median: censoredMedian(interactions, budget),
    medianInterval: censoredMedianInterval(interactions, budget, { seed, labels: ['hl-interactions', ...labels], reps }),
    curve: curveBand(curves, seed, ['hl-curve', ...labels], reps),
  };
}

function learnerCell(l: LearnerSpec, runs: JobResult[], budget: Budget, seed: number, scenario: string, reps: number): LearnerCell {
  const m = runs.map((r) => r.metrics!);
  const greedy = m.every((x) => x.greedyCurve) ? m.map((x) => x.greedyCurve!) : null;
  const med = (xs: number[]): number => median(xs);
  const checked = greedy ? greedy.filter((g) => g.evalPure !== undefined) : [];
  return {
    learner: l.id,
    agent: l.agent,
    greedy: greedy && measureCell(greedy.map((g) => g.interactionsToThreshold), greedy, budget, seed, ['greedy', scenario, l.id], reps),
    learning: measureCell(m.map((x) => x.interactionsToThreshold), m.map((x) => x.curve), budget, seed, ['learning', scenario, l.id], reps),
    normalisedAuc: pairedBootstrap([m.map((x) => x.normalisedAuc)], (x) => median(x!), { seed, labels: ['hl-auc', scenario, l.id], reps }),
    normalisedEvalReward: pairedBootstrap([m.map((x) => x.normalisedEvalReward)], (x) => median(x!), { seed, labels: ['hl-eval', scenario, l.id], reps }),
    evalMeanReward: med(m.map((x) => x.eval.meanReward)),
    work: {
      // The purity check's second run is not the learner's cost.
      wallMs: med(runs.map((r) => r.timing.wallMs - (r.timing.purityMs ?? 0))),
      learnMs: med(runs.map((r) => r.timing.learnMs)),
      planningMs: med(runs.map((r) => r.timing.planningMs)),
      checkpointMs: med(runs.map((r) => r.timing.checkpointMs ?? 0)),
      realSteps: med(m.map((x) => x.realSteps)),
      planningUpdates: med(m.map((x) => x.planningUpdates)),
    },
    purity: {
      checked: checked.length,
      impure: checked.filter((g) => g.evalPure === false).length,
      sealedLearnCalls: greedy ? greedy.reduce((s, g) => s + (g.sealedLearnCalls ?? 0), 0) : 0,
    },
  };
}

function ratioCell(num: LearnerCell, den: LearnerCell, budget: Budget, seed: number, labels: string[], reps: number): RatioCell {
  return {
    learner: num.learner,
    greedy: num.greedy && den.greedy && pairedRatio(num.greedy.interactions, den.greedy.interactions, budget, { seed, labels: ['hl-ratio', 'greedy', ...labels], reps }),
    learning: pairedRatio(num.learning.interactions, den.learning.interactions, budget, { seed, labels: ['hl-ratio', 'learning', ...labels], reps }),
  };
}

/** Whether a reference / subject ratio meets the per-scenario target: an exact point >= 10x whose interval's lower end (exact, or itself a lower bound) is >= 5x. */
export function meetsTarget(r: PairedRatio): boolean {
  return r.kind === 'exact' && (r.intervalKind === 'exact' || r.intervalKind === 'lower-bound') && r.point >= TARGET.perScenario && r.lo >= TARGET.perScenarioLo;
}

/** The target's verdict over scenarios; bounds never count (neither toward the target nor the median). */
export function verdictOf(ratios: readonly PairedRatio[]): Verdict {
  const exact = ratios.filter((r) => r.kind === 'exact');
  const medianExact = exact.length ? median(exact.map((r) => r.point)) : NaN;
  const meeting = ratios.filter(meetsTarget).length;
  return {
    medianExact,
    exact: exact.length,
    notExact: ratios.length - exact.length,
    meeting,
    scenarios: ratios.length,
    targetMet: ratios.length > 0 && meeting === ratios.length && medianExact >= TARGET.median,
  };
}

/** What a ratio median(learner) / median(subject) says: the subject needs fewer interactions only when the whole interval is above 1, and it must be a value or a lower bound. */
export function claimOf(r: PairedRatio): Claim {
  const lowerOk = (r.kind === 'exact' || r.kind === 'lower-bound') && (r.intervalKind === 'exact' || r.intervalKind === 'lower-bound');
  const upperOk = (r.kind === 'exact' || r.kind === 'upper-bound') && (r.intervalKind === 'exact' || r.intervalKind === 'upper-bound');
  if (lowerOk && r.lo > 1) return 'fewer';
  if (upperOk && r.hi < 1) return 'more';
  return 'not resolved';
}

/**
 * Aggregates finished jobs into the report (pure: same results, same report).
 * @param learners every learner of the run, in table order (the subject and the reference among them).
 */
export function summarise(results: readonly JobResult[], opts: { suite: string; seeds: number; rootSeed: number; sealed?: { runId: string; commitment: string }; reps?: number; learners: readonly LearnerSpec[]; measure?: MeasureOptions; variants?: readonly string[]; pair?: ExperimentPair }): HlSpeedupReport {
  const reps = opts.reps ?? 2000;
  const pair = opts.pair ?? DEFAULT_PAIR;
  const seed = opts.rootSeed;
  const ok = results.filter((r) => r.status === 'ok' && r.metrics);
  const variants = new Set(opts.variants ?? []);
  const rows: ScenarioRow[] = [];
  for (const scenario of [...new Set(ok.map((r) => r.scenario))].sort()) {
    const here = ok.filter((r) => r.scenario === scenario);
    // Paired statistics need the same seeds for every learner: keep the seeds every learner finished.
    const present = opts.learners.filter((l) => here.some((r) => r.agent === l.id));
    const seeds = [...new Set(here.map((r) => r.seed))].filter((s) => present.every((l) => here.some((r) => r.agent === l.id && r.seed === s))).sort((a, b) => a - b);
    const runsOf = (id: string): JobResult[] => seeds.map((s) => here.find((r) => r.agent === id && r.seed === s)!);
    if (seeds.length === 0 || !present.some((l) => l.id === pair.subject) || !present.some((l) => l.id === pair.reference)) continue;
    const budget = seedBudgets(seeds, (s) => here.filter((r) => r.seed === s && present.some((l) => l.id === r.agent)), scenario);
    const cells = present.map((l) => learnerCell(l, runsOf(l.id), budget, seed, scenario, reps));
    const cell = (id: string): LearnerCell => cells.find((c) => c.learner === id)!;
    const subject = cell(pair.subject);
    const reference = cell(pair.reference);
    const first = runsOf(pair.reference)[0]!.metrics!;
    rows.push({
      scenario,
      learningBudget: Math.max(...budget),
      window: first.curve.window,
      checkpointDecisions: first.greedyCurve?.decisions ?? null,
      segments: first.greedyCurve?.segments ?? null,
      learners: cells,
      ratios: cells.filter((c) => c.learner !== pair.subject && !variants.has(c.learner)).map((c) => ratioCell(c, subject, budget, seed, [scenario, c.learner], reps)),
      ablation: cells.filter((c) => c.learner === pair.subject || variants.has(c.learner)).map((c) => ({ ...ratioCell(reference, c, budget, seed, [scenario, 'ablation', c.learner], reps), learner: c.learner })),
    });
  }
  const vsReference = (which: 'greedy' | 'learning'): PairedRatio[] => rows.flatMap((r) => {
    const x = r.ratios.find((c) => c.learner === pair.reference)?.[which];
    return x ? [x] : [];
  });
  const greedy = vsReference('greedy');
  return {
    suite: opts.suite,
    ...(pair.subject !== DEFAULT_PAIR.subject || pair.reference !== DEFAULT_PAIR.reference ? { subject: pair.subject, reference: pair.reference } : {}),
    seeds: opts.seeds,
    rootSeed: opts.rootSeed,
    ...(opts.sealed ? { sealed: opts.sealed } : {}),
    threshold: ok[0]?.metrics?.threshold ?? 0.9,
    measure: opts.measure ?? null,
    learners: [...opts.learners],
    variants: [...variants],
    rows,
    verdict: { greedy: greedy.length === rows.length && rows.length > 0 ? verdictOf(greedy) : null, learning: verdictOf(vsReference('learning')) },
    failedJobs: results.filter((r) => r.status !== 'ok').map((r) => ({ learner: r.agent, scenario: r.scenario, seed: r.seed, reason: r.reason ?? '' })),
  };
}

const KIND_PREFIX: Record<PairedRatio['kind'], string> = { exact: '', 'lower-bound': '>= ', 'upper-bound': '<= ', undetermined: '' };
const INTERVAL_NOTE: Record<PairedRatio['intervalKind'], string> = { exact: '', 'lower-bound': ' (CI ends are lower bounds)', 'upper-bound': ' (CI ends are upper bounds)', undetermined: ' (CI undetermined)' };

/** A ratio as text: `12 [6.1, 20]`, `>= 20 [...]` (lower bound), `n/a` when both medians are censored; censored runs counted. */
export function ratioText(r: PairedRatio): string {
  const counts = r.censored.numerator + r.censored.denominator > 0 ? `; censored ${r.censored.numerator}+${r.censored.denominator}/${r.runs}` : '';
  if (r.kind === 'undetermined') return `n/a (both medians censored${counts})`;
  return `${KIND_PREFIX[r.kind]}${fmtInterval(r)}${INTERVAL_NOTE[r.intervalKind]}${counts ? ` (${counts.slice(2)})` : ''}`;
}

/**
 * A learner's interactions as text: `median [CI] (reached/runs)`, `>= budget` when the median is
 * censored; an interval end that rests on censored runs is shown as a lower bound (`[196, >= 4000]`).
 */
export function interactionsText(m: MeasureCell): string {
  if (m.median.censored) return `>= ${fmt(m.median.value)} (${m.median.reached}/${m.median.runs})`;
  const iv = m.medianInterval;
  const end = (v: number, kind: CensoredInterval['loKind'] | undefined): string => `${kind === 'lower-bound' ? '>= ' : ''}${fmt(v)}`;
  return `${fmt(iv.point)} [${end(iv.lo, iv.loKind)}, ${end(iv.hi, iv.hiKind)}] (${m.median.reached}/${m.median.runs})`;
}

const table = (head: string[], rows: string[][]): string[] => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];

/** The report's subject and reference. */
export function pairOf(rep: HlSpeedupReport): ExperimentPair {
  return { subject: rep.subject ?? DEFAULT_PAIR.subject, reference: rep.reference ?? DEFAULT_PAIR.reference };
}

function measureTable(rep: HlSpeedupReport, which: 'greedy' | 'learning'): string[] {
  const pair = pairOf(rep);
  const ids = rep.learners.map((l) => l.id).filter((id) => !rep.variants.includes(id) && rep.rows.some((r) => r.learners.some((c) => c.learner === id)));
  const others = ids.filter((id) => id !== pair.subject);
  return table(
    ['scenario', 'budget', ...ids.map((id) => `${id}: interactions (reached)`), ...others.map((id) => `${id} / ${pair.subject}`)],
    rep.rows.map((r) => [
      r.scenario, String(r.learningBudget),
      ...ids.map((id) => {
        const m = r.learners.find((c) => c.learner === id)?.[which];
        return m ? interactionsText(m) : '-';
      }),
      ...others.map((id) => {
        const x = r.ratios.find((c) => c.learner === id)?.[which];
        return x ? ratioText(x) : '-';
      }),
    ]),
  );
}

function claimsText(rep: HlSpeedupReport, which: 'greedy' | 'learning'): string[] {
  const pair = pairOf(rep);
  const others = [...new Set(rep.rows.flatMap((r) => r.ratios.map((x) => x.learner)))];
  return others.map((id) => {
    const by: Record<Claim, string[]> = { fewer: [], more: [], 'not resolved': [] };
    for (const r of rep.rows) {
      const x = r.ratios.find((c) => c.learner === id)?.[which];
      if (x) by[claimOf(x)].push(r.scenario);
    }
    const n = by.fewer.length + by.more.length + by['not resolved'].length;
    const list = (xs: string[]): string => (xs.length ? `: ${xs.join(', ')}` : '');
    return `- against ${id}: ${pair.subject} needs fewer real interactions on ${by.fewer.length} of ${n} scenarios (95% CI of ${id} / ${pair.subject} above 1)${list(by.fewer)}; more on ${by.more.length} (CI below 1)${list(by.more)}; not resolved on ${by['not resolved'].length} (CI includes 1, or censored)${list(by['not resolved'])}.`;
  });
}

function verdictText(what: string, v: Verdict, pair: ExperimentPair): string {
  return `${what}: ${v.meeting} of ${v.scenarios} scenarios meet ${pair.reference} / ${pair.subject} >= ${TARGET.perScenario}x with a paired 95% CI lower end >= ${TARGET.perScenarioLo}x; ` +
    (v.exact > 0 ? `median over the ${v.exact} scenarios with an exact ratio ${fmt(v.medianExact)}x` : 'no scenario with an exact ratio') + ` (${v.notExact} bounds or undetermined, not counted). ` +
    `Target (every scenario, and a median >= ${TARGET.median}x): ${v.targetMet ? 'met' : 'NOT met'}.`;
}

/** The greedy measure's checkpoint schedule in words (fields a recorded measure lacks: no fine start). */
function checkpointScheduleText(c: MeasureOptions['checkpoints']): string {
  const unitUpTo = c.unitUpTo ?? 0;
  const start = [c.atZero ? 'at 0 (the untrained policy)' : '', unitUpTo > 0 ? `at every interaction up to ${unitUpTo} (counts up to ${unitUpTo} exact)` : ''].filter((x) => x !== '');
  const rel = fmt(100 * c.maxRelativeStep);
  return `Checkpoints ${start.length ? `${start.join(', ')}, then ` : ''}every ${c.step} decisions or ${rel}%, whichever is more (a count is resolved to ${rel}% from ${fmt(c.step / c.maxRelativeStep)} interactions on)`;
}

/** The subject, the reference and the controls that ran a configuration of their own (tuned), one line each, then a blank line; none: nothing. */
function configuredText(rep: HlSpeedupReport): string[] {
  const lines = rep.learners.filter((l) => !rep.variants.includes(l.id) && l.config && l.id === l.agent).map((l) => `- ${l.id}: ${JSON.stringify(l.config)}${l.description ? ` (${l.description})` : ''}`);
  return lines.length ? ['Configurations other than the defaults:', '', ...lines, ''] : [];
}

/** One level per learner (rows) and scenario (columns), `-` where a learner has no runs or an older report lacks the figure. */
function levelTable(rep: HlSpeedupReport, what: string, level: (c: LearnerCell) => Interval | undefined): string[] {
  const ids = rep.learners.map((l) => l.id).filter((id) => rep.rows.some((r) => r.learners.some((c) => c.learner === id)));
  return table([what, ...rep.rows.map((r) => r.scenario)], ids.map((id) => [id, ...rep.rows.map((r) => {
    const c = r.learners.find((x) => x.learner === id);
    const v = c ? level(c) : undefined;
    return v ? fmtInterval(v) : '-';
  })]));
}

/** The report as Markdown: main tables per measure, claims, verdicts, ablation, work and purity. */
export function toMarkdown(rep: HlSpeedupReport): string {
  const pair = pairOf(rep);
  const pct = fmt(100 * rep.threshold);
  const m = rep.measure;
  const first = rep.rows[0];
  const lines = [
    `# HL speedup: ${rep.suite} suite, ${rep.seeds} seeds (${rep.sealed ? `sealed: commitment ${rep.sealed.commitment}` : `root seed ${rep.rootSeed}`})`,
    '',
    `Interactions = real interactions until the measure reaches ${pct}% of the way from the random to the oracle reward and stays there. ` +
      `Median over seeds [95% bootstrap CI] (reached/runs); a run that never reaches it is censored: it enters at the budget as a lower bound, ` +
      `and a median with at least half its runs censored is shown as '>= budget'. Ratios: median(learner) / median(${pair.subject}) over the same seeds, ` +
      `with a paired bootstrap over seeds ('>=' lower bound, '<=' upper bound; 'censored a+b/n' = censored runs of the learner and of ${pair.subject}). ` +
      `Bounds never count toward the target or the median.`,
    '',
    ...configuredText(rep),
    `## Greedy policy at checkpoints (the measure)`,
    '',
    m
      ? `${checkpointScheduleText(m.checkpoints)}; ` +
        `each checkpoint evaluates the greedy policy (setMode('eval'), learning sealed) on ${first?.checkpointDecisions ?? '?'} decisions over ${first?.segments ?? m.checkpoints.segments} held-out segments, the same for every learner. ` +
        `Evaluation decisions are not real interactions.`
      : 'Greedy policy at checkpoints on held-out segments.',
    '',
    ...(rep.verdict.greedy ? [...measureTable(rep, 'greedy'), '', ...claimsText(rep, 'greedy'), '', verdictText('Greedy measure', rep.verdict.greedy, pair)] : ['(no greedy curves in these results)']),
    '',
    `## Learning curve (behaviour policy, exploration included; window ${first?.window ?? m?.windowDecisions ?? '?'} decisions)`,
    '',
    ...measureTable(rep, 'learning'),
    '',
    ...claimsText(rep, 'learning'),
    '',
    verdictText('Learning-curve measure', rep.verdict.learning, pair),
  ];
  const ablationIds = [...new Set(rep.rows.flatMap((r) => r.ablation.map((a) => a.learner)))];
  if (ablationIds.length > 1) {
    const which = rep.verdict.greedy ? 'greedy' : 'learning';
    const desc = (id: string): string => (id === pair.subject ? 'the full Hybrid Learner' : rep.learners.find((l) => l.id === id)?.description ?? '');
    lines.push(
      '',
      `## Ablation (${pair.reference} / variant, ${which} measure)`,
      '',
      ...table(
        ['variant', 'what it changes', ...rep.rows.map((r) => r.scenario), 'median of exact ratios'],
        ablationIds.map((id) => {
          const rs = rep.rows.map((r) => r.ablation.find((a) => a.learner === id)?.[which] ?? null);
          const exact = rs.filter((x): x is PairedRatio => x !== null && x.kind === 'exact');
          return [id, desc(id), ...rs.map((x) => (x ? ratioText(x) : '-')), exact.length ? `${fmt(median(exact.map((x) => x.point)))} (${exact.length} of ${rs.length})` : '-'];
        }),
      ),
    );
  }
  lines.push(
    '',
    '## What each learner reached (medians over seeds [95% CI])',
    '',
    'Where the interactions measure is censored, the level each learner reaches still separates the ablation variants and the controls ' +
      '(random = 0, the scale\'s reference = 1).',
    '',
    ...levelTable(rep, 'normalised evaluation reward after learning', (c) => c.normalisedEvalReward),
    '',
    ...levelTable(rep, 'normalised area under the learning curve', (c) => c.normalisedAuc),
    '',
    '## Work per run (medians)',
    '',
    ...table(
      ['scenario', 'learner', 'wall s', 'learn ms', 'planning ms', 'planning updates', 'checkpoint eval ms', 'real steps', 'eval mean reward'],
      rep.rows.flatMap((r) => r.learners.map((c) => [r.scenario, c.learner, fmt(c.work.wallMs / 1000), fmt(c.work.learnMs), fmt(c.work.planningMs), String(c.work.planningUpdates), fmt(c.work.checkpointMs), String(c.work.realSteps), fmt(c.evalMeanReward)])),
    ),
    '',
    '## Eval purity',
    '',
    ...purityText(rep),
  );
  if (rep.failedJobs.length) lines.push('', `Failed jobs: ${rep.failedJobs.map((f) => `${f.learner}/${f.scenario}/${f.seed}: ${f.reason}`).join('; ')}`);
  return `${lines.join('\n')}\n`;
}

function purityText(rep: HlSpeedupReport): string[] {
  const cells = rep.rows.flatMap((r) => r.learners.map((c) => ({ scenario: r.scenario, ...c })));
  const checked = cells.reduce((s, c) => s + c.purity.checked, 0);
  const impure = cells.filter((c) => c.purity.impure > 0);
  return [
    // The seal is a guard, not evidence: the harness's loop delivers no transition while an evaluation runs.
    'Learning is sealed during checkpoint evaluations (a guard: the agent is evaluated through a view with `act` only). ' +
      `Purity check (a second run without checkpoints must give the same decision log): ${checked} runs checked, ` +
      (impure.length ? `IMPURE: ${impure.map((c) => `${c.learner} on ${c.scenario}`).join(', ')}: their greedy numbers are not trustworthy.` : 'all pure.'),
  ];
}

/**
 * Vega-lite spec of the greedy curves (`which` = 'greedy') or the learning curves ('learning'):
 * one panel per scenario, median and 95% band per learner.
 */
export function curvesSpec(rep: HlSpeedupReport, which: 'greedy' | 'learning' = 'greedy'): Record<string, unknown> {
  const values = rep.rows.flatMap((r) => r.learners.flatMap((c) => {
    const curve = which === 'learning' ? c.learning.curve : c.greedy?.curve;
    return (curve?.checkpoints ?? []).map((x, i) => ({ scenario: r.scenario, learner: c.learner, interactions: x, median: curve!.median[i], lo: curve!.lo[i], hi: curve!.hi[i] }));
  }));
  const what = which === 'learning' ? 'Learning curves (trailing mean reward while learning)' : 'Greedy policy at checkpoints';
  // symlog: log-like, and it keeps the checkpoint at 0 (the untrained policy) on the axis.
  const x = { field: 'interactions', type: 'quantitative', scale: { type: 'symlog' }, title: 'real interactions (symmetric log scale)' };
  const color = { field: 'learner', type: 'nominal', scale: { domain: rep.learners.map((l) => l.id) } };
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
        { mark: { type: 'area', opacity: 0.15 }, encoding: { x, color, y: { field: 'lo', type: 'quantitative', title: 'normalised reward' }, y2: { field: 'hi' } } },
        { mark: 'line', encoding: { x, color, y: { field: 'median', type: 'quantitative' } } },
        { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { datum: rep.threshold } } },
      ],
    },
  };
}

/**
 * The learners of a run: subject, reference, controls, variants, in table order. A learner with a
 * tuned configuration runs it under its own name (the source in its description); a variant of a
 * tuned agent runs its overrides on top of the tuned configuration.
 */
export function experimentLearners(controls: readonly string[], variants: readonly LearnerSpec[], pair: ExperimentPair = DEFAULT_PAIR, tuned: TunedConfigs = {}): LearnerSpec[] {
  const names = [pair.subject, pair.reference, ...controls.filter((c) => c !== pair.subject && c !== pair.reference)];
  const learner = (name: string): LearnerSpec => {
    const t = Object.hasOwn(tuned, name) ? tuned[name]! : undefined;
    return t ? { id: name, agent: name, config: { ...t.config }, description: t.source } : baselineLearner(name);
  };
  const variant = (v: LearnerSpec): LearnerSpec => (Object.hasOwn(tuned, v.agent) ? { ...v, config: { ...tuned[v.agent]!.config, ...v.config } } : v);
  return [...[...new Set(names)].map(learner), ...variants.map(variant)];
}

/**
 * Refuses a run whose pair or tuned configurations cannot mean what they say: a subject or
 * reference that is not a baseline, the two the same, or a tuned configuration for an agent the run
 * does not run (it would be silently ignored).
 * @throws InputError naming the option and what was expected.
 */
export function checkPairAndTuned(pair: ExperimentPair, controls: readonly string[], variants: readonly LearnerSpec[], tuned: TunedConfigs = {}): void {
  const names = listBaselines();
  for (const [option, name] of [['--subject', pair.subject], ['--reference', pair.reference]] as const) {
    if (!names.includes(name)) throw new InputError({ file: option, expected: `a baseline: ${names.join(', ')}`, found: JSON.stringify(name) });
  }
  if (pair.subject === pair.reference) throw new InputError({ file: '--reference', expected: `a baseline other than the subject (${pair.subject})`, found: JSON.stringify(pair.reference) });
  const run = new Set([pair.subject, pair.reference, ...controls, ...variants.map((v) => v.agent)]);
  const unused = Object.keys(tuned).filter((a) => !run.has(a));
  if (unused.length) throw new InputError({ file: '--tuned', expected: `search records only of agents the run runs (${[...run].join(', ')})`, found: unused.map((a) => tuned[a]!.source).join('; ') });
}

/**
 * Runs the experiment (resuming `outDir/results.jsonl` if present) and writes `hl-speedup.json`,
 * `hl-speedup.md`, `hl-speedup-greedy.svg` (greedy policy at checkpoints) and `hl-speedup.svg`
 * (learning curves) into `outDir`.
 * @throws InputError for an unknown scenario, baseline or duplicate learner id.
 */
export async function runHlSpeedup(opts: HlSpeedupOptions): Promise<HlSpeedupReport> {
  mkdirSync(opts.outDir, { recursive: true });
  const variants = opts.variants ?? [];
  const pair = opts.pair ?? DEFAULT_PAIR;
  const controls = opts.controls ?? DEFAULT_CONTROLS;
  checkPairAndTuned(pair, controls, variants, opts.tuned);
  const learners = experimentLearners(controls, variants, pair, opts.tuned);
  const measure = opts.measure ?? DEFAULT_MEASURE;
  // Sealed: the folder's secret when it has one (the experiment resumes its journal), else a fresh one.
  const inPlace = opts.sealed ? secretInPlace(opts.outDir) : null;
  const secret = !opts.sealed ? undefined : inPlace ? readSecretFile(inPlace, null) : freshSecret();
  const sealed = secret ? { runId: secret.runId, commitment: commitmentOf(secret) } : undefined;
  if (secret && !inPlace) writeSecretFile(opts.outDir, secret);
  const jobs = await planExperiment({
    ...(opts.suite !== undefined ? { suite: opts.suite } : {}),
    ...(opts.scenarios ? { scenarios: opts.scenarios } : {}),
    ...(opts.variant !== undefined ? { variant: opts.variant } : {}),
    learners,
    seeds: Array.from({ length: opts.seeds }, (_, i) => (secret ? i : episodeSeed(opts.rootSeed, i))),
    ...(sealed ? { sealed: sealed.commitment } : {}),
    measure,
    puritySeeds: opts.puritySeeds ?? 1,
  });
  const { results } = await executeJobs(jobs, { outDir: opts.outDir, workers: opts.workers, resume: true, jobModule: EXPERIMENT_JOB_MODULE, ...(secret ? { secret } : {}), ...(opts.progress ? { progress: opts.progress } : {}) });
  const report = summarise(results, { suite: selectScenarios(opts).suite, seeds: opts.seeds, rootSeed: opts.rootSeed, ...(sealed ? { sealed } : {}), learners, measure, variants: variants.filter((v) => !v.control).map((v) => v.id), pair, ...(opts.reps !== undefined ? { reps: opts.reps } : {}) });
  writeFileSync(join(opts.outDir, 'hl-speedup.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(opts.outDir, 'hl-speedup.md'), toMarkdown(report));
  if (report.verdict.greedy) writeFileSync(join(opts.outDir, 'hl-speedup-greedy.svg'), await renderSvg(curvesSpec(report, 'greedy')));
  writeFileSync(join(opts.outDir, 'hl-speedup.svg'), await renderSvg(curvesSpec(report, 'learning')));
  return report;
}
