/**
 * Seeded stratified bootstrap confidence intervals, as rliable's `get_interval_estimates`
 * (arch `StratifiedBootstrap` / `IndependentBootstrap` of stratified samples, percentile method).
 *
 * Each task is a stratum: one bootstrap replicate draws, for every task independently, as many
 * runs as there are, with replacement, from that task's runs. The statistic is evaluated on each
 * replicate and the interval is the pair of type-7 quantiles at (1 - confidence) / 2 and
 * (1 + confidence) / 2 of those values (`numpy.percentile`, as arch does). Random draws come
 * from `deriveRng(seed, 'bootstrap', ...labels)`, so the same inputs, seed and labels give
 * byte-identical intervals on any machine.
 */
import { deriveRng, type Rng, type StreamLabel } from '../rng.ts';
import { aggregateMeanUnchecked, aggregateMedianUnchecked, iqmUnchecked, quantileSorted } from './descriptive.ts';
import { checkDirection, type Direction } from './direction.ts';
import { checkInt, checkMatrix, checkOpenUnit, checkSample, rejectValue, type Matrix, type Sample } from './validate.ts';

/** A point estimate with its confidence interval. */
export interface Interval {
  point: number;
  lo: number;
  hi: number;
}

/** Options shared by every bootstrap interval. */
export interface BootstrapOptions {
  /** Root seed; the stream is `deriveRng(seed, 'bootstrap', ...labels)`. */
  seed: number;
  /** Extra stream labels (e.g. scenario, agent, metric) so unrelated intervals use independent draws. */
  labels?: StreamLabel[];
  /** Number of bootstrap replicates (default 2000; rliable defaults to 50000, which is slower for little change at 95%). */
  reps?: number;
  /** Coverage of the two-sided interval, strictly between 0 and 1 (default 0.95). */
  confidence?: number;
}

/** Allocates a matrix with the same shape as `m`, to be refilled by each replicate. */
function scratchLike(m: Matrix): number[][] {
  return m.map((row) => new Array<number>(row.length).fill(0));
}

/**
 * The percentile interval of `reps` replicates: `replicate(rng)` computes one from the stream
 * `deriveRng(seed, stream, ...labels)`; the ends are the type-7 quantiles at (1 - confidence) / 2
 * and (1 + confidence) / 2 (`numpy.percentile`, as arch does).
 */
function percentileInterval(point: number, options: BootstrapOptions, stream: string, replicate: (rng: Rng) => number): Interval {
  const reps = options.reps ?? 2000;
  const confidence = options.confidence ?? 0.95;
  checkInt(reps, 'reps', 1);
  checkOpenUnit(confidence, 'confidence');
  const rng = deriveRng(options.seed, stream, ...(options.labels ?? []));
  const values = new Float64Array(reps);
  for (let b = 0; b < reps; b++) values[b] = replicate(rng);
  values.sort();
  const alpha = (1 - confidence) / 2;
  return { point, lo: quantileSorted(values, alpha), hi: quantileSorted(values, 1 - alpha) };
}

/**
 * Stratified bootstrap percentile interval of any statistic of one or more runs x tasks
 * matrices. Matrices are resampled independently of each other (rliable's
 * `StratifiedIndependentBootstrap` when there are several, e.g. two algorithms compared).
 * @param matrices number[][][]: one or more runs x tasks matrices; rectangular, finite. They may
 *   have different numbers of runs.
 * @param statistic maps the matrices (same order) to one number. It receives reused scratch
 *   matrices during resampling, so it must not keep references to them.
 * @returns the statistic on the original data (`point`) and the percentile interval.
 */
export function stratifiedBootstrap(
  matrices: readonly Matrix[],
  statistic: (...ms: Matrix[]) => number,
  options: BootstrapOptions,
): Interval {
  if (matrices.length === 0) rejectValue('matrices', 'at least one runs x tasks matrix', 'none');
  matrices.forEach((m, i) => checkMatrix(m, matrices.length === 1 ? 'scores' : `scores[${i}]`));
  const scratch = matrices.map(scratchLike);
  return percentileInterval(statistic(...matrices), options, 'bootstrap', (rng) => {
    for (let k = 0; k < matrices.length; k++) {
      const src = matrices[k]!;
      const dst = scratch[k]!;
      const runs = src.length;
      const tasks = src[0]!.length;
      for (let t = 0; t < tasks; t++) {
        for (let r = 0; r < runs; r++) dst[r]![t] = src[rng.int(runs)]![t]!;
      }
    }
    return statistic(...scratch);
  });
}

/** The aggregates rliable reports, by name. */
export const AGGREGATES = {
  /** Interquartile mean of all runs of all tasks pooled. */
  iqm: iqmUnchecked,
  /** Mean over tasks of the mean over runs. */
  mean: aggregateMeanUnchecked,
  /** Median over tasks of the mean over runs. */
  median: aggregateMedianUnchecked,
} as const;

/** Name of an aggregate in {@link AGGREGATES}. */
export type AggregateName = keyof typeof AGGREGATES;

/** An aggregate of one metric, tagged with the metric's direction so callers rank it correctly. */
export interface AggregateEstimate extends Interval {
  aggregate: AggregateName;
  direction: Direction;
}

/**
 * An aggregate score with its stratified bootstrap interval.
 * @param scores number[][] (runs x tasks) of one metric for one agent.
 * @param aggregate which aggregate (`iqm`, `mean` or `median`); it is also appended to the stream labels.
 * @param options bootstrap options plus `direction`, the metric's direction (required: the numbers
 *   do not depend on it, but the estimate carries it so a leaderboard never sorts latency the
 *   wrong way; see `bestFirst`).
 */
export function aggregateInterval(
  scores: Matrix,
  aggregate: AggregateName,
  options: BootstrapOptions & { direction: Direction },
): AggregateEstimate {
  checkDirection(options.direction);
  // hasOwn, not a plain lookup: a name such as "toString" must not reach Object.prototype.
  if (!Object.hasOwn(AGGREGATES, aggregate)) rejectValue('aggregate', `one of ${Object.keys(AGGREGATES).join(', ')}`, aggregate);
  const interval = stratifiedBootstrap([scores], AGGREGATES[aggregate], { ...options, labels: [...(options.labels ?? []), aggregate] });
  return { ...interval, aggregate, direction: options.direction };
}

/**
 * Paired bootstrap percentile interval over seeds: one replicate draws n seed indices with
 * replacement (n = the common sample length) and applies the SAME indices to every sample, so
 * the runs of different learners that shared a seed (same traces, offsets and initial network)
 * stay together. Use it whenever samples are paired by index (common random numbers); the
 * independent resampling of {@link stratifiedBootstrap} ignores the pairing and gives wider
 * intervals for a ratio of positively correlated samples.
 * @param samples one or more samples of equal length n >= 1, `samples[k][i]` = learner k on seed i; finite.
 * @param statistic maps the samples (same order) to one number; it receives reused scratch
 *   arrays during resampling, so it must not keep references to them.
 * @returns the statistic on the original data (`point`) and the percentile interval (type-7
 *   quantiles at (1 - confidence) / 2 and (1 + confidence) / 2 of the replicates).
 */
export function pairedBootstrap(
  samples: readonly Sample[],
  statistic: (...xs: Float64Array[]) => number,
  options: BootstrapOptions,
): Interval {
  if (samples.length === 0) rejectValue('samples', 'at least one sample', 'none');
  samples.forEach((x, k) => checkSample(x, samples.length === 1 ? 'scores' : `samples[${k}]`));
  const n = samples[0]!.length;
  samples.forEach((x, k) => {
    if (x.length !== n) rejectValue(`samples[${k}]`, `${n} values (paired by seed with samples[0])`, `${x.length} values`);
  });
  const scratch = samples.map(() => new Float64Array(n));
  return percentileInterval(statistic(...samples.map((x) => Float64Array.from(x))), options, 'paired-bootstrap', (rng) => {
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      for (let k = 0; k < samples.length; k++) scratch[k]![i] = samples[k]![j]!;
    }
    return statistic(...scratch);
  });
}
