/**
 * The references of each scenario on a leaderboard, from its result lines: every job of a
 * (scenario, seed) records the same references (`metrics.evalRefs`, computed once per run and
 * checked by `verify`'s re-runs), so one line per seed gives them. Lines on `planning-v1` record
 * each reference's reward and accuracy-violation rate and the upper bound; older lines
 * (`clairvoyant-v3`) only the random and myopic rewards.
 */
import { InputError } from '../errors.ts';
import { lineScale, type ScaleName } from '../reference/scale.ts';
import { planningRatios } from '../reference/value.ts';
import type { JobResult } from '../runner/types.ts';

/** One scenario's references, means over its seeds (evaluation phase). */
export interface ScenarioReferenceRow {
  scenario: string;
  scale: ScaleName;
  seeds: number;
  /** (planning - myopic) / (myopic - random); null on a scale that does not record the planning reference. */
  valueOfPlanning: number | null;
  /** The upper bound on the scale (random = 0, the scale's 1); null when not recorded. */
  boundNormalised: number | null;
  /** Accuracy-violation rates of the random, myopic and planning references; null when not recorded. */
  accuracyViolationRate: { random: number; myopic: number; planning: number } | null;
}

const avg = (xs: readonly number[]): number => xs.reduce((t, x) => t + x, 0) / xs.length;

/**
 * The scale of a leaderboard's lines.
 * @throws InputError when its ok lines are on more than one scale (their normalised scores do not compare).
 */
export function leaderboardScale(results: readonly JobResult[]): ScaleName | null {
  const scales = [...new Set(results.filter((r) => r.status === 'ok').map(lineScale))];
  if (scales.length > 1) {
    throw new InputError({ file: 'results.jsonl', pointer: '/scale', expected: 'result lines on one normalised scale (re-run the others on it)', found: scales.map((s) => `${results.filter((r) => r.status === 'ok' && lineScale(r) === s).length} lines on ${s}`).join(', ') });
  }
  return scales[0] ?? null;
}

/** The references of each scenario (in the order given), from the first ok line of each of its seeds. */
export function scenarioReferenceRows(results: readonly JobResult[], scenarios: readonly string[]): ScenarioReferenceRow[] {
  return scenarios.flatMap((scenario) => {
    const bySeed = new Map<number, JobResult>();
    for (const r of results) if (r.scenario === scenario && r.status === 'ok' && r.metrics && !bySeed.has(r.seed)) bySeed.set(r.seed, r);
    const lines = [...bySeed.values()];
    if (lines.length === 0) return [];
    const refs = lines.map((r) => r.metrics!.evalRefs);
    const full = refs.every((e) => e.myopicReward !== undefined && e.boundReward !== undefined && e.accuracyViolationRate !== undefined);
    const row: ScenarioReferenceRow = { scenario, scale: lineScale(lines[0]!), seeds: lines.length, valueOfPlanning: null, boundNormalised: null, accuracyViolationRate: null };
    if (!full) return [row];
    const mean = (f: (e: (typeof refs)[number]) => number): number => avg(refs.map(f));
    const ratios = planningRatios(mean((e) => e.randomReward), mean((e) => e.myopicReward!), mean((e) => e.oracleReward), mean((e) => e.boundReward!));
    return [{
      ...row,
      ...ratios,
      accuracyViolationRate: { random: mean((e) => e.accuracyViolationRate!.random), myopic: mean((e) => e.accuracyViolationRate!.myopic), planning: mean((e) => e.accuracyViolationRate!.planning) },
    }];
  });
}
