/**
 * The leaderboard page as a list of sections of text, tables and plot references, rendered
 * by both the Markdown and the HTML writer so the two always say the same thing.
 */
import type { Interval } from '../stats/index.ts';
import { METRICS, metricDef, type MetricId } from './metrics.ts';
import type { ScaleName } from '../reference/scale.ts';
import type { ScenarioReferenceRow } from './references.ts';
import type { Estimate, Leaderboard } from './types.ts';

export interface Table {
  header: string[];
  rows: string[][];
  caption?: string;
}

export interface Section {
  id: string;
  title: string;
  /** Paragraphs of plain text. */
  text: string[];
  tables: Table[];
  /** Ids of plots (in `leaderboard.plots`) shown in this section. */
  plots: string[];
}

/** A number with 4 significant digits (integers as they are). */
export function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/** `point [lo, hi]`. */
export function fmtInterval(i: Interval): string {
  return `${fmt(i.point)} [${fmt(i.lo)}, ${fmt(i.hi)}]`;
}

const pct = (x: number): string => `${fmt(100 * x)}%`;

function metricHeader(id: MetricId): string {
  const d = metricDef(id);
  return `${d.label} (${d.unit}, ${d.direction === 'higher-is-better' ? 'higher' : 'lower'} is better)`;
}

/** Intervals resting on this many seeds per scenario or fewer are marked and explained. */
export const FEW_SEEDS = 3;

/** The mark after an interval that rests on {@link FEW_SEEDS} or fewer seeds per scenario. */
const FEW_MARK = ' †';

/**
 * How a page marks intervals that rest on {@link FEW_SEEDS} or fewer seeds per scenario: each with
 * a †, explained under its section; or, when every interval of the page does, no marks and the
 * explanation under every section.
 */
function fewSeeds(lb: Leaderboard): { interval: (i: Interval, seeds: number) => string; caveat: (minSeeds: number) => string[] } {
  const all = lb.cells.length > 0 && lb.cells.every((c) => c.seeds.length <= FEW_SEEDS);
  const why = 'a bootstrap over so few runs cannot show the spread a new seed would bring, so the interval is narrower than the uncertainty (a probability of improvement of 1 [1, 1] only says every run of X beat every run of Y). Run more seeds (--seeds) before reading an order from it.';
  return {
    interval: (i, seeds) => `${fmtInterval(i)}${!all && seeds <= FEW_SEEDS ? FEW_MARK : ''}`,
    caveat: (minSeeds) => minSeeds > FEW_SEEDS ? [] : [
      all
        ? `Caveat: every interval on this page rests on ${minSeeds} seed(s) per scenario (${FEW_SEEDS} or fewer): ${why}`
        : `† Interval from ${FEW_SEEDS} or fewer seeds per scenario (here as few as ${minSeeds}): ${why}`,
    ],
  };
}

/** Metrics shown beside the overall rank, with their own ranks (the ranked metric first). */
const BESIDE: readonly MetricId[] = ['interactionsToThreshold', 'normalisedAuc', 'evalMeanLatencyMs', 'deviceEnergyMj', 'accuracyViolationRate', 'deadlineMissRate'];

/**
 * Agents in the page's order: ranked agents by overall rank, then agents not ranked for missing
 * runs, then the references (own band).
 */
export function displayOrder(lb: Leaderboard): { agent: string; reference: boolean }[] {
  const reference = (a: string): boolean => lb.rankings.overall.unranked.some((u) => u.agent === a && u.reason.startsWith('reference'));
  const ranked = lb.rankings.overall.order.map((e) => e.agent);
  const rest = lb.agents.map((a) => a.id).filter((a) => !ranked.includes(a)).sort((a, b) => Number(reference(a)) - Number(reference(b)) || (a < b ? -1 : a > b ? 1 : 0));
  return [...ranked, ...rest].map((agent) => ({ agent, reference: reference(agent) }));
}

/** What the page says of the scale and each scenario's references (from the result lines, `references.ts`). */
export interface PageReferences {
  scale: ScaleName | null;
  rows: ScenarioReferenceRow[];
}

/** The scale's 1 in words. */
function scaleOne(scale: ScaleName | null): string {
  return scale === 'clairvoyant-v3' ? 'the myopic clairvoyant reference' : 'the planning reference';
}

/** The table of each scenario's references (value of planning, the bound, accuracy-violation rates). */
function referencesTable(refs: PageReferences): Table {
  const na = 'n/a (not recorded on clairvoyant-v3)';
  return {
    caption: `References of each scenario (evaluation phase, means over seeds; scale ${refs.scale ?? 'none'}: random = 0, ${scaleOne(refs.scale)} = 1)`,
    header: ['scenario', 'seeds', 'value of planning', 'upper bound (normalised)', 'accuracy violations: random', 'myopic', 'planning'],
    rows: refs.rows.map((r) => [
      r.scenario,
      String(r.seeds),
      r.valueOfPlanning === null ? na : fmt(r.valueOfPlanning),
      r.boundNormalised === null ? na : fmt(r.boundNormalised),
      ...(r.accuracyViolationRate === null ? [na, na, na] : [pct(r.accuracyViolationRate.random), pct(r.accuracyViolationRate.myopic), pct(r.accuracyViolationRate.planning)]),
    ]),
  };
}

/** The page's sections, in order; `refs`: the scale and each scenario's references (none: no such table). */
export function sections(lb: Leaderboard, refs: PageReferences = { scale: null, rows: [] }): Section[] {
  const kindOf = new Map(lb.agents.map((a) => [a.id, a.kind]));
  const name = (agent: string): string => (kindOf.get(agent) === 'submission' ? `${agent} (submission)` : agent);
  const metricCols = METRICS.map((m) => metricHeader(m.id));
  const order = displayOrder(lb);
  const { interval, caveat: fewSeedsCaveat } = fewSeeds(lb);
  const aggOf = new Map(lb.aggregates.map((a) => [a.agent, a]));
  const seedsOf = (agent: string): number => aggOf.get(agent)?.runsPerScenario ?? 0;
  const aggregateSeeds = Math.min(...lb.aggregates.map((a) => a.runsPerScenario));
  const estimateRow = (metrics: Record<string, Estimate>, stat: keyof Estimate, seeds: number): string[] => METRICS.map((m) => interval(metrics[m.id]![stat], seeds));
  const rankOf = (metric: MetricId, agent: string): number | undefined => lb.rankings.objectives.find((x) => x.metric === metric)?.order.find((x) => x.agent === agent)?.rank;
  const r = lb.reproducibility;
  const ci = `${pct(lb.statistics.confidence)} CI`;

  const overall = lb.rankings.overall;
  const references = order.filter((o) => o.reference && aggOf.has(o.agent));
  const list: Section[] = [];
  list.push({
    id: 'overall',
    title: 'Overall ranking',
    text: [`Rule: ${overall.rule}`, 'Beside the rank: each metric\'s IQM across seeds and scenarios with its interval, and the agent\'s rank on that metric (#). The references are listed apart with the same figures, unranked.', ...fewSeedsCaveat(aggregateSeeds)],
    tables: [
      {
        caption: `Ranked by ${metricDef(overall.metric).label} (IQM [${ci}])`,
        header: ['rank', 'agent', metricHeader(overall.metric), 'overlaps with', ...BESIDE.map((m) => `${metricDef(m).label} (${metricDef(m).unit})`)],
        rows: overall.order.map((e) => [
          String(e.rank),
          name(e.agent),
          interval(e.iqm, seedsOf(e.agent)),
          e.overlapsWith.join(', ') || '-',
          ...BESIDE.map((m) => `#${rankOf(m, e.agent)} ${interval(aggOf.get(e.agent)!.metrics[m].iqm, seedsOf(e.agent))}`),
        ]),
      },
      ...(references.length ? [{
        caption: 'References (the 0 and 1 of the normalised scale; never ranked)',
        header: ['agent', metricHeader(overall.metric), ...BESIDE.map((m) => `${metricDef(m).label} (${metricDef(m).unit})`)],
        rows: references.map(({ agent }) => [name(agent), interval(aggOf.get(agent)!.metrics[overall.metric].iqm, seedsOf(agent)), ...BESIDE.map((m) => interval(aggOf.get(agent)!.metrics[m].iqm, seedsOf(agent)))]),
      }] : []),
      ...(overall.unranked.length ? [{ caption: 'Not ranked (the references, and agents without a run on every scenario)', header: ['agent', 'reason'], rows: overall.unranked.map((u) => [name(u.agent), u.reason]) }] : []),
    ],
    plots: [],
  });
  const se = lb.rankings.sampleEfficiency;
  list.push({
    id: 'sample-efficiency',
    title: 'Sample-efficiency ranking',
    text: [`Rule: ${se.rule}`, ...fewSeedsCaveat(aggregateSeeds)],
    tables: [{
      header: ['rank', 'agent', metricHeader(se.metric), 'reach rate', `${metricDef('normalisedAuc').label} (IQM [${ci}])`, 'overlaps with'],
      rows: se.order.map((e) => {
        const a = aggOf.get(e.agent)!;
        return [String(e.rank), name(e.agent), interval(e.iqm, a.runsPerScenario), `${pct(a.reach.rate)} (${a.reach.reached}/${a.reach.runs})`, interval(a.metrics.normalisedAuc.iqm, a.runsPerScenario), e.overlapsWith.join(', ') || '-'];
      }),
    }],
    plots: [],
  });
  const cellOf = new Map(lb.cells.map((c) => [`${c.agent}\0${c.scenario}`, c]));
  const byScenario = (metric: MetricId): Table => ({
    caption: `${metricHeader(metric)}: IQM across seeds [${ci}]`,
    header: ['agent', ...lb.scenarios.map((s) => s.id)],
    rows: order.filter((o) => lb.cells.some((c) => c.agent === o.agent)).map(({ agent, reference }) => [
      `${name(agent)}${reference ? ' (reference)' : ''}`,
      ...lb.scenarios.map((s) => {
        const c = cellOf.get(`${agent}\0${s.id}`);
        return c ? interval(c.metrics[metric].iqm, c.seeds.length) : 'no run';
      }),
    ]),
  });
  list.push({
    id: 'per-scenario',
    title: 'Agents x scenarios',
    text: [
      'Each agent on each scenario (rows in ranking order, the references last).',
      ...(refs.rows.length ? [`The references of each scenario: the value of planning, (planning reference - myopic reference) / (myopic reference - random): near 0 the scenario is in effect a contextual bandit, large a sequential problem; the upper bound (a relaxation no policy can beat) on the scale, the largest possible score; and each reference's share of requests that missed their accuracy requirement (docs/references.md).`] : []),
      ...fewSeedsCaveat(Math.min(...lb.cells.map((c) => c.seeds.length))),
    ],
    tables: [byScenario('normalisedEvalReward'), byScenario('normalisedAuc'), ...(refs.rows.length ? [referencesTable(refs)] : [])],
    plots: [],
  });
  list.push({
    id: 'aggregates',
    title: 'All scenarios',
    text: [
      `Statistics: ${lb.statistics.rule}`,
      'Interactions to threshold: each scenario has its own threshold (its `sampleEfficiency`, else 0.9 of the random-to-clairvoyant gap; `metrics.threshold` in each result line); a run that never reaches it counts as its whole learning budget; the reach rate says how many runs reached it.',
      ...fewSeedsCaveat(aggregateSeeds),
    ],
    tables: (['iqm', 'median'] as const).map((stat) => ({
      caption: `${stat === 'iqm' ? 'IQM' : 'Median'} across seeds and scenarios, ${ci}`,
      header: ['agent', 'scenarios', 'runs per scenario', 'reach rate', ...metricCols],
      rows: order.filter((o) => aggOf.has(o.agent)).map(({ agent, reference }) => {
        const a = aggOf.get(agent)!;
        return [
          `${name(agent)}${reference ? ' (reference)' : ''}`,
          `${a.scenarios.length}${a.missingScenarios.length ? ` (missing ${a.missingScenarios.join(', ')})` : ''}`,
          `${a.runsPerScenario}${a.excludedRuns ? ` (${a.excludedRuns} excluded)` : ''}`,
          `${pct(a.reach.rate)} (${a.reach.reached}/${a.reach.runs})`,
          ...estimateRow(a.metrics, stat, a.runsPerScenario),
        ];
      }),
    })),
    plots: ['latency-energy'],
  });
  list.push({
    id: 'objectives',
    title: 'Ranking per objective',
    text: ['Ranked by the IQM point estimate across seeds and scenarios; "overlaps with" lists agents whose interval overlaps, so their order is not resolved at this confidence.', ...fewSeedsCaveat(aggregateSeeds)],
    tables: lb.rankings.objectives.map((o) => ({
      caption: metricHeader(o.metric),
      header: ['rank', 'agent', `IQM [${ci}]`, 'overlaps with'],
      rows: o.order.map((e) => [String(e.rank), name(e.agent), interval(e.iqm, seedsOf(e.agent)), e.overlapsWith.join(', ') || '-']),
    })),
    plots: [],
  });
  const pairSeeds = (x: string, y: string): number => Math.min(seedsOf(x), seedsOf(y));
  list.push({
    id: 'improvement',
    title: 'Probability of improvement',
    text: [
      `P(X better than Y) on ${metricDef(lb.improvement.metric).label}: the chance that a run of X scores better than a run of Y on the same scenario (ties count one half), averaged over their common scenarios; 0.5 means no difference.`,
      ...fewSeedsCaveat(Math.min(...lb.improvement.pairs.map((p) => pairSeeds(p.x, p.y)))),
    ],
    tables: [{
      header: ['X', 'Y', `P(X better than Y) [${ci}]`, 'scenarios'],
      rows: lb.improvement.pairs.map((p) => [name(p.x), name(p.y), interval(p.probability, pairSeeds(p.x, p.y)), String(p.scenarios.length)]),
    }],
    plots: [],
  });
  for (const s of lb.scenarios) {
    const cells = order.map((o) => lb.cells.find((c) => c.scenario === s.id && c.agent === o.agent)).filter((c) => c !== undefined);
    list.push({
      id: `scenario-${s.id}`,
      title: `Scenario ${s.id}`,
      text: [`IQM across seeds, ${ci}. Scenario hash ${s.hash}, variant ${s.variant}. Learning curves: one panel per agent; the references (random = 0, ${scaleOne(refs.scale)} = 1${refs.scale ? `, scale ${refs.scale}` : ''}) dashed grey in every panel; the scale runs from -1 to 1.2 and a value beyond it is drawn at its edge.`, ...fewSeedsCaveat(Math.min(...cells.map((c) => c.seeds.length)))],
      tables: [{
        header: ['agent', 'seeds ok', 'failed', 'reach rate', ...metricCols],
        rows: cells.map((c) => [name(c.agent), String(c.seeds.length), String(c.failed), `${pct(c.reach.rate)} (${c.reach.reached}/${c.reach.runs})`, ...estimateRow(c.metrics, 'iqm', c.seeds.length)]),
      }],
      plots: [`learning-curves-${s.id}`],
    });
  }
  list.push({
    id: 'failures',
    title: 'Failed jobs',
    text: [lb.failures.length ? `${lb.failures.length} job(s) failed; they are left out of the statistics above.` : 'No job failed.'],
    tables: lb.failures.length ? [{ header: ['agent', 'scenario', 'seed', 'variant', 'reason', 'job hash'], rows: lb.failures.map((f) => [name(f.agent), f.scenario, String(f.seed), f.variant, f.reason, f.jobHash]) }] : [],
    plots: [],
  });
  list.push({
    id: 'reproducibility',
    title: 'Reproducibility',
    text: [`Reproduce with: ${r.command}`, `Check the recorded results by re-running them: orchbench verify <DIR>`],
    tables: [
      {
        header: ['item', 'value'],
        rows: [
          ['harness version', r.harnessVersion],
          ['node version (run)', r.nodeVersion],
          ...(r.writer ? [
            ['page written from git commit', r.writer.gitCommit === null ? 'not a git checkout' : `${r.writer.gitCommit}${r.writer.gitDirty ? ' (dirty: the working tree had uncommitted changes)' : ' (clean)'}`],
            ['page written at (UTC)', r.writer.writtenAt],
            ['page written on host', r.writer.host],
            ['page written with node', r.writer.nodeVersion],
          ] : []),
          ['suite', r.suite],
          ['seeds', r.seeds.join(', ')],
          ...(r.sealed ? [['sealed', `simulator keyed by a secret, commitment ${r.sealed}; re-run with orchbench verify <DIR> --secret FILE once the secret is published`]] : [['root seed', String(r.rootSeed)]]),
          ['tfjs backend(s)', r.tfjsBackends.join(', ') || 'none reported'],
          ...(r.isolation ?? []).map((line) => ['submissions', line]),
          ['jobs (ok / total)', `${r.okJobs} / ${r.jobs}`],
          ['results sha256', r.resultsSha256],
        ],
      },
      { caption: 'Scenarios', header: ['scenario', 'variant', 'scenario hash', 'trace sha256s'], rows: lb.scenarios.map((s) => [s.id, s.variant, s.hash, s.traceSha256s.join(' ')]) },
      { caption: 'Agents', header: ['agent', 'kind', 'code hash'], rows: lb.agents.map((a) => [a.id, a.kind, a.codeHash]) },
    ],
    plots: [],
  });
  return list;
}
