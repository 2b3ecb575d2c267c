/**
 * Right-censored counts (e.g. real interactions until a learner reaches a threshold, where a run
 * that never reaches it within its budget is only known to need MORE than the budget) and the
 * paired ratio of two learners' medians.
 *
 * The rule: a censored run is a lower bound, never a value. It enters a median or a replicate at
 * the budget (the smallest value it could have), so
 * - a median is exact when fewer than half of the runs are censored (the censored runs are the
 *   largest, so the middle order statistics are observed ones), otherwise it is a lower bound;
 * - median(A) / median(B) is non-decreasing in A's runs and non-increasing in B's, so with only
 *   A censored it is a lower bound of the true ratio, with only B censored an upper bound, and
 *   with both censored nothing is known. The same holds for every bootstrap replicate, so for the
 *   interval's ends (quantiles are monotone in the replicates).
 * - an end of a median's interval is a value only when it does not move with the censored runs:
 *   {@link censoredMedianInterval} computes it twice, with the censored runs at their budget and
 *   far above it, on the same replicates; an end that moves is a lower bound.
 *
 * A budget is one number for every run, or one per run (runs whose trace ended early ran fewer
 * interactions: a censored run is only known to need more than its own budget).
 *
 * A count of 0 (the untrained policy already met the threshold) is a value for a median, but a
 * ratio has no value with a zero median below it: in a ratio a zero enters as 1, which makes
 * median(A) / median(B) a lower bound when B's median is 0 (the true ratio is unbounded) and an
 * upper bound when A's is (the true ratio is 0); any zero run makes the interval's ends bounds the
 * same way.
 */
import { median } from './descriptive.ts';
import { pairedBootstrap, type BootstrapOptions, type Interval } from './bootstrap.ts';
import { checkInt, rejectValue } from './validate.ts';

/** A median of right-censored runs. */
export interface CensoredValue {
  /** The median with censored runs counted as the budget. */
  value: number;
  /** True when at least half the runs are censored: `value` is then only a lower bound. */
  censored: boolean;
  /** Runs that reached the threshold, of `runs`. */
  reached: number;
  runs: number;
}

/** What a ratio (or an interval end) is: a value, a bound from one side, or nothing known. */
export type RatioKind = 'exact' | 'lower-bound' | 'upper-bound' | 'undetermined';

/** median(numerator) / median(denominator) over paired runs, with its paired-bootstrap interval. */
export interface PairedRatio extends Interval {
  /** What the point estimate is (from which medians are censored). */
  kind: RatioKind;
  /** What the interval ends are (from which learners have any censored run). */
  intervalKind: RatioKind;
  /** Censored runs of each learner, of `runs`. */
  censored: { numerator: number; denominator: number };
  runs: number;
}

/** One budget per run, or the same for every run. */
export type Budget = number | readonly number[];

function budgetsOf(budget: Budget, runs: number, label: string): readonly number[] {
  const list = typeof budget === 'number' ? Array.from({ length: runs }, () => budget) : budget;
  if (list.length !== runs) rejectValue(`${label} budgets`, `${runs} budgets (one per run)`, `${list.length}`);
  list.forEach((b, i) => checkInt(b, typeof budget === 'number' ? 'budget' : `budget/${i}`, 1));
  return list;
}

/** The counts with each censored run at `censoredAt(its budget)`; observed counts checked against their run's budget. */
function withBudget(values: readonly (number | null)[], budget: Budget, label: string, censoredAt = (b: number): number => b): number[] {
  const budgets = budgetsOf(budget, values.length, label);
  return values.map((v, i) => {
    const b = budgets[i]!;
    if (v === null) return censoredAt(b);
    if (!(Number.isInteger(v) && v >= 0 && v <= b)) rejectValue(`${label}/${i}`, `a count in [0, ${b}] (the run's budget) or null (censored)`, v);
    return v;
  });
}

/**
 * Median of right-censored counts (`null` = the run never reached the threshold within its budget).
 * @param values one count per run, non-empty.
 * @param budget the runs' budget, or one per run (the smallest value a censored run could have).
 */
export function censoredMedian(values: readonly (number | null)[], budget: Budget): CensoredValue {
  if (values.length === 0) rejectValue('values', 'at least one run', 'none');
  const censoredRuns = values.filter((v) => v === null).length;
  return {
    value: median(withBudget(values, budget, 'values')),
    censored: 2 * censoredRuns >= values.length,
    reached: values.length - censoredRuns,
    runs: values.length,
  };
}

/** What an interval end of a censored median is. */
export type EndKind = 'exact' | 'lower-bound';

/** A bootstrap interval of a censored median, with what each end is. */
export interface CensoredInterval extends Interval {
  loKind: EndKind;
  hiKind: EndKind;
}

/**
 * The seeded bootstrap interval of the median of right-censored counts (censored runs at their
 * budget), with each end marked exact or a lower bound: an end is exact only when the same
 * replicates give the same end with every censored run far above its budget.
 * @param values one count per run (null = censored), non-empty.
 * @param budget the runs' budget, or one per run.
 * @param options bootstrap seed, labels, replicates, confidence (see {@link pairedBootstrap}).
 */
export function censoredMedianInterval(values: readonly (number | null)[], budget: Budget, options: BootstrapOptions): CensoredInterval {
  if (values.length === 0) rejectValue('values', 'at least one run', 'none');
  const atBudget = pairedBootstrap([withBudget(values, budget, 'values')], (x) => median(x!), options);
  if (!values.includes(null)) return { ...atBudget, loKind: 'exact', hiKind: 'exact' };
  // Same seed and labels, so the same resamples: only the censored runs' values differ. Above every
  // budget, a replicate median that involves a censored run lies above every one that does not.
  const farAbove = 2 * Math.max(...budgetsOf(budget, values.length, 'values')) + 1;
  const far = pairedBootstrap([withBudget(values, budget, 'values', () => farAbove)], (x) => median(x!), options);
  return { ...atBudget, loKind: far.lo === atBudget.lo ? 'exact' : 'lower-bound', hiKind: far.hi === atBudget.hi ? 'exact' : 'lower-bound' };
}

function kindOf(numeratorCensored: boolean, denominatorCensored: boolean): RatioKind {
  if (numeratorCensored && denominatorCensored) return 'undetermined';
  if (numeratorCensored) return 'lower-bound';
  if (denominatorCensored) return 'upper-bound';
  return 'exact';
}

/**
 * The ratio median(numerator) / median(denominator) of two learners' censored counts over the
 * same seeds (`numerator[i]` and `denominator[i]` ran on seed i), with a seeded paired-bootstrap
 * interval over seeds (see {@link pairedBootstrap}); censored runs enter at their budget (one
 * for every run, or one per seed, the same for both learners) and the kinds say what the point
 * and the interval ends then are (module comment).
 * @throws InputError for samples of different lengths or counts outside [0, budget].
 */
export function pairedRatio(
  numerator: readonly (number | null)[],
  denominator: readonly (number | null)[],
  budget: Budget,
  options: BootstrapOptions,
): PairedRatio {
  if (numerator.length !== denominator.length) rejectValue('denominator', `${numerator.length} runs (paired by seed with the numerator)`, `${denominator.length} runs`);
  // Checked first, so a bad count is named by its side.
  const num = withBudget(numerator, budget, 'numerator');
  const den = withBudget(denominator, budget, 'denominator');
  const a = censoredMedian(numerator, budget);
  const b = censoredMedian(denominator, budget);
  // Zeros enter as 1 (module comment): a bound, never a division by zero.
  const atLeastOne = (xs: number[]): number[] => xs.map((x) => Math.max(x, 1));
  const iv = pairedBootstrap(
    [atLeastOne(num), atLeastOne(den)],
    (x, y) => median(x!) / median(y!),
    options,
  );
  const censored = { numerator: a.runs - a.reached, denominator: b.runs - b.reached };
  const zeros = { numerator: numerator.filter((v) => v === 0).length, denominator: denominator.filter((v) => v === 0).length };
  return {
    ...iv,
    kind: kindOf(a.censored || b.value === 0, b.censored || a.value === 0),
    intervalKind: kindOf(censored.numerator > 0 || zeros.denominator > 0, censored.denominator > 0 || zeros.numerator > 0),
    censored,
    runs: a.runs,
  };
}
