/**
 * The leaderboard page as a list of sections of text, tables and plot references, rendered
 * by both the Markdown and the HTML writer so the two always say the same thing.
 */
import type { Interval } from '../stats/index.ts';
import { METRICS, metricDef, type MetricId } from './metrics.ts';
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

/** The page's sections, in order. */
export function sections(lb: Leaderboard): Section[] {
  const kindOf = new Map(lb.agents.map((a) => [a.id, a.kind]));
  const name = (agent: string): string => (kindOf.get(agent) === 'submission' ? `${agent} (submission)` : agent);
  const metricCols = METRICS.map((m) => metricHeader(m.id));
  const estimateRow = (metrics: Record<string, Estimate>, stat: keyof Estimate): string[] => METRICS.map((m) => fmtInterval(metrics[m.id]![stat]));
  const r = lb.reproducibility;

  const overall = lb.rankings.overall;
  const list: Section[] = [];
  list.push({
    id: 'overall',
    title: 'Overall ranking',
    text: [`Rule: ${overall.rule}`, `Weights: ${overall.objectives.map((o, i) => `${o} ${fmt(overall.weights[i]!)}`).join(', ')}.`],
    tables: [
      {
        header: ['rank', 'agent', 'mean rank', ...overall.objectives.map((o) => `rank: ${metricDef(o).label}`)],
        rows: overall.order.map((e) => [String(e.rank), name(e.agent), fmt(e.meanRank), ...overall.objectives.map((o) => String(lb.rankings.objectives.find((x) => x.metric === o)!.order.find((x) => x.agent === e.agent)!.rank))]),
      },
      ...(overall.unranked.length ? [{ caption: 'Not ranked (the references, and agents without a run on every scenario)', header: ['agent', 'reason'], rows: overall.unranked.map((u) => [name(u.agent), u.reason]) }] : []),
    ],
    plots: [],
  });
  list.push({
    id: 'aggregates',
    title: 'All scenarios',
    text: [
      `Statistics: ${lb.statistics.rule}`,
      'Interactions to threshold: each scenario has its own threshold (its `sampleEfficiency`, else 0.9 of the random-to-clairvoyant gap; `metrics.threshold` in each result line); a run that never reaches it counts as its whole learning budget; the reach rate says how many runs reached it.',
    ],
    tables: (['iqm', 'median'] as const).map((stat) => ({
      caption: `${stat === 'iqm' ? 'IQM' : 'Median'} across seeds and scenarios, ${pct(lb.statistics.confidence)} CI`,
      header: ['agent', 'scenarios', 'runs per scenario', 'reach rate', ...metricCols],
      rows: lb.aggregates.map((a) => [
        name(a.agent),
        `${a.scenarios.length}${a.missingScenarios.length ? ` (missing ${a.missingScenarios.join(', ')})` : ''}`,
        `${a.runsPerScenario}${a.excludedRuns ? ` (${a.excludedRuns} excluded)` : ''}`,
        `${pct(a.reach.rate)} (${a.reach.reached}/${a.reach.runs})`,
        ...estimateRow(a.metrics, stat),
      ]),
    })),
    plots: ['latency-energy'],
  });
  list.push({
    id: 'objectives',
    title: 'Ranking per objective',
    text: ['Ranked by the IQM point estimate across seeds and scenarios; "overlaps with" lists agents whose interval overlaps, so their order is not resolved at this confidence.'],
    tables: lb.rankings.objectives.map((o) => ({
      caption: metricHeader(o.metric),
      header: ['rank', 'agent', `IQM [${pct(lb.statistics.confidence)} CI]`, 'overlaps with'],
      rows: o.order.map((e) => [String(e.rank), name(e.agent), fmtInterval(e.iqm), e.overlapsWith.join(', ') || '-']),
    })),
    plots: [],
  });
  list.push({
    id: 'improvement',
    title: 'Probability of improvement',
    text: [`P(X better than Y) on ${metricDef(lb.improvement.metric).label}: the chance that a run of X scores better than a run of Y on the same scenario (ties count one half), averaged over their common scenarios; 0.5 means no difference.`],
    tables: [{
      header: ['X', 'Y', `P(X better than Y) [${pct(lb.statistics.confidence)} CI]`, 'scenarios'],
      rows: lb.improvement.pairs.map((p) => [name(p.x), name(p.y), fmtInterval(p.probability), String(p.scenarios.length)]),
    }],
    plots: [],
  });
  for (const s of lb.scenarios) {
    const cells = lb.cells.filter((c) => c.scenario === s.id);
    list.push({
      id: `scenario-${s.id}`,
      title: `Scenario ${s.id}`,
      text: [`IQM across seeds, ${pct(lb.statistics.confidence)} CI. Scenario hash ${s.hash}, variant ${s.variant}.`],
      tables: [{
        header: ['agent', 'seeds ok', 'failed', 'reach rate', ...metricCols],
        rows: cells.map((c) => [name(c.agent), String(c.seeds.length), String(c.failed), `${pct(c.reach.rate)} (${c.reach.reached}/${c.reach.runs})`, ...estimateRow(c.metrics, 'iqm')]),
      }],
      plots: [`learning-curves-${s.id}`],
    });
  }
  list.push({ id: 'per-scenario', title: 'Per-scenario breakdown', text: [], tables: [], plots: ['per-scenario-auc'] });
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
          ['node version', r.nodeVersion],
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
