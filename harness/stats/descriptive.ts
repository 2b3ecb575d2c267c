/**
 * Point statistics for one sample and for runs x tasks score matrices, with the semantics of
 * numpy / scipy / rliable so numbers can be checked against those tools.
 *
 * The exported functions validate their input, except `quantileSorted` and the `*Unchecked`
 * variants, which skip the checks because the bootstrap calls them thousands of times.
 */
import { checkMatrix, checkSample, rejectValue, type Matrix, type Sample } from './validate.ts';

/** Sorted ascending copy of a sample. */
function sortedCopy(x: Sample): Float64Array {
  return Float64Array.from(x).sort();
}

/** Mean of `x[from..to)`. */
function meanRange(x: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]!;
  return s / (to - from);
}

/**
 * Arithmetic mean.
 * @param scores number[] (one value per run), non-empty, finite.
 */
export function mean(scores: Sample): number {
  checkSample(scores);
  return meanRange(scores, 0, scores.length);
}

/** Type-7 quantile of an ascending-sorted, non-empty array (no checks). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  // At p = 1 (or an exact index) there is no upper neighbour to interpolate towards.
  return lo + 1 < sorted.length ? a + (h - lo) * (sorted[lo + 1]! - a) : a;
}

/**
 * Quantile by linear interpolation between order statistics: Hyndman & Fan type 7, the default
 * of `numpy.quantile` / `numpy.percentile` and of R's `quantile`. With the sample sorted as
 * x[0] <= ... <= x[n-1], h = (n - 1) p and the result is x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
 * @param scores number[] (one value per run), non-empty, finite.
 * @param p probability in [0, 1] (0.5 = median, 0.95 = p95).
 */
export function quantile(scores: Sample, p: number): number {
  checkSample(scores);
  if (!(p >= 0 && p <= 1)) rejectValue('p', 'probability in [0, 1]', p);
  return quantileSorted(sortedCopy(scores), p);
}

/**
 * Median (type-7 quantile at 0.5: the mean of the two middle values for an even count).
 * @param scores number[] (one value per run), non-empty, finite.
 */
export function median(scores: Sample): number {
  return quantile(scores, 0.5);
}

/**
 * Interquartile mean of an ascending-sorted, non-empty array (no checks), exactly as
 * `scipy.stats.trim_mean(x, 0.25)`: drop floor(n / 4) values at each end, average the rest.
 */
function iqmSorted(sorted: ArrayLike<number>): number {
  const cut = Math.floor(sorted.length / 4);
  return meanRange(sorted, cut, sorted.length - cut);
}

/** All values of a matrix in one array (no checks). */
function pooled(m: Matrix): Float64Array {
  const tasks = m[0]!.length;
  const out = new Float64Array(m.length * tasks);
  for (let r = 0; r < m.length; r++) out.set(m[r]!, r * tasks);
  return out;
}

/** Interquartile mean of all matrix entries pooled (no checks). */
export function iqmUnchecked(m: Matrix): number {
  return iqmSorted(pooled(m).sort());
}

/**
 * Interquartile mean (IQM), the robust aggregate recommended by rliable (Agarwal et al., 2021):
 * the mean of the middle 50% of the values, `scipy.stats.trim_mean(x, 0.25)` semantics
 * (floor(n / 4) values trimmed at each end, so for n < 4 it is the plain mean).
 * @param scores either number[] (one value per run), or number[][] (runs x tasks), in which case
 *   all runs of all tasks are pooled first, as rliable's `aggregate_iqm`.
 */
export function iqm(scores: Sample | Matrix): number {
  if (Array.isArray(scores) && Array.isArray(scores[0])) {
    checkMatrix(scores as Matrix);
    return iqmUnchecked(scores as Matrix);
  }
  checkSample(scores as Sample);
  return iqmSorted(sortedCopy(scores as Sample));
}

/** Per-task means over runs (no checks). */
function taskMeans(m: Matrix): Float64Array {
  const tasks = m[0]!.length;
  const out = new Float64Array(tasks);
  for (const row of m) for (let t = 0; t < tasks; t++) out[t]! += row[t]!;
  for (let t = 0; t < tasks; t++) out[t]! /= m.length;
  return out;
}

/** Mean over tasks of the per-task mean over runs (no checks). */
export function aggregateMeanUnchecked(m: Matrix): number {
  return meanRange(taskMeans(m), 0, m[0]!.length);
}

/** Median over tasks of the per-task mean over runs (no checks). */
export function aggregateMedianUnchecked(m: Matrix): number {
  return quantileSorted(taskMeans(m).sort(), 0.5);
}

/**
 * Mean score of a matrix: the mean over tasks of each task's mean over runs (rliable
 * `aggregate_mean`; equal to the mean of all entries since the matrix is rectangular).
 * @param scores number[][] (runs x tasks).
 */
export function aggregateMean(scores: Matrix): number {
  checkMatrix(scores);
  return aggregateMeanUnchecked(scores);
}

/**
 * Median score of a matrix: the median over tasks of each task's mean over runs (rliable
 * `aggregate_median`; not the median of the pooled entries).
 * @param scores number[][] (runs x tasks).
 */
export function aggregateMedian(scores: Matrix): number {
  checkMatrix(scores);
  return aggregateMedianUnchecked(scores);
}
