/**
 * The CI benchmark gate: compares a candidate leaderboard with a baseline one and reports every
 * regression beyond the confidence intervals.
 *
 * Rule, per agent present in both leaderboards and per gated metric:
 * - the compared estimates are the IQM intervals of the agent's aggregate across scenarios when
 *   both leaderboards cover the same scenarios for it; otherwise those of each common scenario;
 * - the candidate is worse when its whole interval lies on the worse side of the baseline's
 *   whole interval: for a higher-is-better metric `candidate.hi < baseline.lo`, for a
 *   lower-is-better one `candidate.lo > baseline.hi`. Overlapping intervals are noise, not a
 *   regression;
 * - the share of failed jobs of an agent is also gated: a candidate with a higher failure rate
 *   than the baseline is worse.
 * The gate fails when any check is worse; otherwise it passes.
 */
import { InputError } from '../errors.ts';
import type { Direction, Interval } from '../stats/index.ts';
import { metricDef, type MetricId } from './metrics.ts';
import { fmt, fmtInterval } from './sections.ts';
import type { Estimate, Leaderboard } from './types.ts';

/** One comparison the gate made. */
export interface GateCheck {
  agent: string;
  metric: MetricId | 'failureRate';
  /** `all scenarios` or a scenario id. */
  scope: string;
  direction: Direction;
  baseline: Interval;
  candidate: Interval;
  worse: boolean;
}

export interface GateResult {
  pass: boolean;
  metrics: MetricId[];
  rule: string;
  checks: GateCheck[];
  regressions: GateCheck[];
  /** Things the gate could not compare (agents or scenarios in only one leaderboard, changed scenarios). */
  notes: string[];
}

export const GATE_RULE = 'worse = the candidate\'s whole IQM interval lies on the worse side of the baseline\'s whole interval (higher-is-better: candidate.hi < baseline.lo; lower-is-better: candidate.lo > baseline.hi), per agent in both leaderboards, on the aggregate across scenarios when both cover the same scenarios (else per common scenario); also worse when an agent\'s failed-job share rises.';

/** Whether `cand` is worse than `base` beyond both intervals, for the direction. */
export function worseBeyondIntervals(base: Interval, cand: Interval, direction: Direction): boolean {
  return direction === 'higher-is-better' ? cand.hi < base.lo : cand.lo > base.hi;
}

/** Failed jobs of an agent as a share of its jobs (a degenerate interval: it is a count). */
function failureRate(lb: Leaderboard, agent: string): Interval {
  const failed = lb.failures.filter((f) => f.agent === agent).length;
  const ok = lb.cells.filter((c) => c.agent === agent).reduce((s, c) => s + c.seeds.length, 0);
  const rate = failed + ok ? failed / (failed + ok) : 0;
  return { point: rate, lo: rate, hi: rate };
}

/**
 * Compares two leaderboards.
 * @param metrics the gated metrics (e.g. DEFAULT_GATE_METRICS).
 * @throws InputError when the leaderboards have no agent in common (nothing to gate).
 */
export function gate(baseline: Leaderboard, candidate: Leaderboard, metrics: readonly MetricId[]): GateResult {
  const notes: string[] = [];
  const checks: GateCheck[] = [];
  const baseAgents = new Set(baseline.aggregates.map((a) => a.agent));
  const common = candidate.aggregates.filter((a) => baseAgents.has(a.agent)).map((a) => a.agent);
  if (common.length === 0) {
    throw new InputError({ file: 'candidate leaderboard', expected: `at least one agent also in the baseline (${[...baseAgents].join(', ') || 'none'})`, found: candidate.aggregates.map((a) => a.agent).join(', ') || 'no agent with a successful run' });
  }
  for (const a of baseline.aggregates) if (!common.includes(a.agent)) notes.push(`agent ${a.agent} is in the baseline only: not gated`);
  for (const a of candidate.aggregates) if (!baseAgents.has(a.agent)) notes.push(`agent ${a.agent} is in the candidate only: not gated`);
  for (const s of candidate.scenarios) {
    const b = baseline.scenarios.find((x) => x.id === s.id);
    if (b && b.hash !== s.hash) notes.push(`scenario ${s.id} changed (hash ${b.hash.slice(0, 12)} -> ${s.hash.slice(0, 12)}): its numbers may differ for that reason`);
  }

  for (const agent of common) {
    const ba = baseline.aggregates.find((a) => a.agent === agent)!;
    const ca = candidate.aggregates.find((a) => a.agent === agent)!;
    const sameScenarios = ba.scenarios.join('\0') === ca.scenarios.join('\0');
    const scopes: { scope: string; base: Record<MetricId, Estimate>; cand: Record<MetricId, Estimate> }[] = [];
    if (sameScenarios) {
      scopes.push({ scope: 'all scenarios', base: ba.metrics, cand: ca.metrics });
    } else {
      const shared = ca.scenarios.filter((s) => ba.scenarios.includes(s));
      notes.push(`agent ${agent}: the leaderboards cover different scenarios, so it is gated per common scenario (${shared.join(', ') || 'none'})`);
      for (const s of shared) {
        const cell = (lb: Leaderboard) => lb.cells.find((c) => c.agent === agent && c.scenario === s)!.metrics;
        scopes.push({ scope: s, base: cell(baseline), cand: cell(candidate) });
      }
    }
    for (const { scope, base, cand } of scopes) {
      for (const metric of metrics) {
        const direction = metricDef(metric).direction;
        const b = base[metric].iqm;
        const c = cand[metric].iqm;
        checks.push({ agent, metric, scope, direction, baseline: b, candidate: c, worse: worseBeyondIntervals(b, c, direction) });
      }
    }
    const bf = failureRate(baseline, agent);
    const cf = failureRate(candidate, agent);
    checks.push({ agent, metric: 'failureRate', scope: 'all scenarios', direction: 'lower-is-better', baseline: bf, candidate: cf, worse: cf.point > bf.point });
  }
  const regressions = checks.filter((c) => c.worse);
  return { pass: regressions.length === 0, metrics: [...metrics], rule: GATE_RULE, checks, regressions, notes };
}

/** A plain-text report whose last line states the verdict the exit code carries. */
export function formatGate(r: GateResult): string {
  const show = (i: Interval, metric: GateCheck['metric']): string => (metric === 'failureRate' ? fmt(i.point) : fmtInterval(i));
  const lines = [`gate rule: ${r.rule}`, ''];
  for (const c of r.checks) {
    const dir = c.direction === 'higher-is-better' ? 'higher is better' : 'lower is better';
    lines.push(`${c.worse ? 'WORSE' : 'ok   '} ${c.agent} ${c.metric} (${c.scope}, ${dir}): candidate ${show(c.candidate, c.metric)} vs baseline ${show(c.baseline, c.metric)}`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  lines.push('', r.pass
    ? `gate: PASS (${r.checks.length} checks, no regression beyond the intervals)`
    : `gate: FAIL (${r.regressions.length} of ${r.checks.length} checks worse beyond the intervals)`);
  return `${lines.join('\n')}\n`;
}
