/**
 * Learning-curve metrics of one run, from its per-decision rewards in the order they were
 * received. Only real environment interactions are on the x-axis: `rewards[i]` is the reward of
 * interaction i + 1, so "n interactions" means `rewards[0..n)`.
 *
 * The learning curve at n is the trailing moving average of the `window` rewards ending at
 * interaction n, i.e. the mean of `rewards[max(0, n - window) .. n)`; before `window` interactions
 * it averages all of them so far (the window is shorter at the start, never padded).
 */
import { checkFinite, checkInt, checkSample, rejectValue } from '../stats/validate.ts';

/** References that map a raw reward onto the 0 (random policy) to 1 (oracle) scale. */
export interface NormalisationRefs {
  /** Mean reward of the uniformly random policy on the same scenario and seeds. */
  randomRef: number;
  /** Mean reward of the clairvoyant oracle on the same scenario and seeds. */
  oracleRef: number;
}

/**
 * Log-spaced checkpoints of real interactions, for plotting and sampling learning curves.
 * Candidates are round(min * 10^(k / perDecade)) for k = 0, 1, ...; duplicates (at small values)
 * and candidates >= total are dropped, and `total` is always the last checkpoint.
 * @param total number of real interactions in the run, integer >= 1.
 * @param perDecade candidates per factor of 10, integer >= 1.
 * @param min first checkpoint, integer >= 1 (if total <= min the result is just [total]).
 * @returns strictly increasing integers ending with total.
 * @example logCheckpoints(100, 2, 10) // [10, 32, 100]
 */
export function logCheckpoints(total: number, perDecade = 10, min = 10): number[] {
  checkInt(total, 'total', 1);
  checkInt(perDecade, 'perDecade', 1);
  checkInt(min, 'min', 1);
  const out: number[] = [];
  // Computed from k each time (not by repeated multiplication) so decades land exactly.
  for (let k = 0; ; k++) {
    const c = Math.round(min * 10 ** (k / perDecade));
    if (c >= total) break;
    if (out.length === 0 || c > out[out.length - 1]!) out.push(c);
  }
  out.push(total);
  return out;
}

/** Where the fine start of a checkpoint schedule lies (see {@link resolutionCheckpoints}). */
export interface FineStart {
  /** Also a checkpoint at 0: the untrained policy, before any real interaction. */
  atZero?: boolean;
  /** A checkpoint at every interaction 1, 2, ..., `unitUpTo` (0 = none). */
  unitUpTo?: number;
}

/**
 * Checkpoints of real interactions fine enough that a count read off them (the first checkpoint
 * at which something holds) is known to within `maxRelativeStep` of itself: c_1 = `step`, then
 * c_{k+1} = c_k + max(step, floor(maxRelativeStep * c_k)), cut below `total`, and `total` last.
 * A count reported as c_{k+1} lies in (c_k, c_{k+1}], an interval of relative width at most
 * `maxRelativeStep` once c_k >= step / maxRelativeStep, and at most `step` decisions before. The
 * schedule does not depend on the budget (a longer run only adds checkpoints at its end).
 * With `fine`, the schedule starts at 0 (the untrained policy) and/or has a checkpoint at every
 * interaction up to `unitUpTo`, so a small count is exact; the spacing rule continues from there.
 * @param total number of real interactions in the run, integer >= 1.
 * @param step smallest spacing (decisions), integer >= 1.
 * @param maxRelativeStep largest spacing relative to the previous checkpoint, in (0, 1).
 * @param fine the fine start (default none: the schedule of results made before it existed).
 * @example resolutionCheckpoints(120, 10, 0.1) // [10, 20, ..., 100, 110, 120]
 * @example resolutionCheckpoints(70, 5, 0.1, { atZero: true, unitUpTo: 50 }) // [0, 1, 2, ..., 50, 55, 60, 66, 70]
 */
export function resolutionCheckpoints(total: number, step = 5, maxRelativeStep = 0.1, fine: FineStart = {}): number[] {
  checkInt(total, 'total', 1);
  checkInt(step, 'step', 1);
  if (!(maxRelativeStep > 0 && maxRelativeStep < 1)) rejectValue('maxRelativeStep', 'number strictly between 0 and 1 (of the previous checkpoint)', maxRelativeStep);
  const unitUpTo = fine.unitUpTo ?? 0;
  checkInt(unitUpTo, 'unitUpTo', 0);
  const out: number[] = fine.atZero ? [0] : [];
  for (let c = 1; c <= unitUpTo && c < total; c++) out.push(c);
  const first = unitUpTo > 0 ? unitUpTo + Math.max(step, Math.floor(maxRelativeStep * unitUpTo)) : step;
  for (let c = first; c < total; c += Math.max(step, Math.floor(maxRelativeStep * c))) out.push(c);
  out.push(total);
  return out;
}

/** Trailing-window means for every n = 1..N (index n - 1), with a running sum: O(N). */
function trailingMeans(rewards: Float64Array, window: number): Float64Array {
  const out = new Float64Array(rewards.length);
  let sum = 0;
  for (let i = 0; i < rewards.length; i++) {
    sum += rewards[i]!;
    if (i >= window) sum -= rewards[i - window]!;
    out[i] = sum / Math.min(i + 1, window);
  }
  return out;
}

function checkRewards(rewards: Float64Array, window: number): void {
  checkSample(rewards, 'rewards');
  checkInt(window, 'window', 1);
}

function checkCheckpoints(checkpoints: readonly number[], total: number): void {
  if (checkpoints.length === 0) rejectValue('checkpoints', 'at least one checkpoint', 'none');
  let prev = 0;
  for (const [i, c] of checkpoints.entries()) {
    if (!Number.isInteger(c) || c <= prev || c > total) {
      rejectValue(`checkpoints[${i}]`, `integer in (${prev}, ${total}], strictly increasing (interactions)`, c);
    }
    prev = c;
  }
}

/**
 * The learning curve sampled at checkpoints: the trailing `window` mean reward ending at each
 * checkpoint (see the module comment for the window at the start of the run).
 * @param rewards per-decision rewards of one run, in order, finite.
 * @param checkpoints numbers of real interactions, strictly increasing integers in [1, rewards.length]
 *   (e.g. from {@link logCheckpoints}).
 * @param window moving-average length in interactions, integer >= 1.
 * @returns one mean reward per checkpoint.
 */
export function learningCurve(rewards: Float64Array, checkpoints: readonly number[], window: number): Float64Array {
  checkRewards(rewards, window);
  checkCheckpoints(checkpoints, rewards.length);
  const means = trailingMeans(rewards, window);
  return Float64Array.from(checkpoints, (c) => means[c - 1]!);
}

function checkRefs(refs: NormalisationRefs): void {
  checkFinite(refs.randomRef, 'randomRef');
  checkFinite(refs.oracleRef, 'oracleRef');
  // Equal references leave no scale: every value would be +-infinity or NaN.
  if (refs.oracleRef === refs.randomRef) {
    rejectValue('oracleRef', `a value different from randomRef (${refs.randomRef})`, refs.oracleRef);
  }
}

/**
 * Normalised score (value - randomRef) / (oracleRef - randomRef): 0 = random policy, 1 = oracle.
 * It does not assume a direction: for a lower-is-better metric (oracle below random) moving from
 * random towards oracle still goes from 0 to 1. Values outside [0, 1] are kept (worse than
 * random, or better than the reference oracle).
 * Degenerate case: oracleRef == randomRef has no scale and throws an InputError (a scenario
 * where random is as good as the oracle cannot rank sample efficiency).
 */
export function normalise(value: number, randomRef: number, oracleRef: number): number {
  checkRefs({ randomRef, oracleRef });
  return normaliseUnchecked(value, { randomRef, oracleRef });
}

function normaliseUnchecked(value: number, refs: NormalisationRefs): number {
  return (value - refs.randomRef) / (refs.oracleRef - refs.randomRef);
}

/**
 * Sample efficiency: the first number of real interactions n such that the normalised trailing
 * `window` mean reward is >= `fraction` at n and at every later interaction to the end of the
 * run (it reaches the threshold and never drops below it again).
 * @param rewards per-decision rewards of one run, in order, finite.
 * @param options normalisation references; `fraction` of the random-to-oracle gap, in (0, 1]
 *   (default 0.9); `window` moving-average length in interactions.
 * @returns n in [1, rewards.length], or null when the curve is below the threshold at the end.
 */
export function interactionsToThreshold(
  rewards: Float64Array,
  options: NormalisationRefs & { fraction?: number; window: number },
): number | null {
  checkRewards(rewards, options.window);
  checkRefs(options);
  const fraction = options.fraction ?? 0.9;
  if (!(fraction > 0 && fraction <= 1)) rejectValue('fraction', 'number in (0, 1] (of the random-to-oracle gap)', fraction);
  const means = trailingMeans(rewards, options.window);
  // Walk back from the end while the curve stays above; the first failure bounds n.
  let n = means.length;
  while (n >= 1 && normaliseUnchecked(means[n - 1]!, options) >= fraction) n--;
  return n === means.length ? null : n + 1;
}

/**
 * Normalised area under the learning curve: the area under the normalised curve over real
 * interactions (x-axis linear in interactions) divided by the length of that axis, so 1 means
 * oracle-level reward from the first interaction and 0 means random throughout.
 * - Without checkpoints the curve is a step per interaction and the area is exact: the mean over
 *   n = 1..N of the normalised trailing-window mean at n.
 * - With checkpoints the curve is linear between them (trapezoid rule) from the first to the last
 *   checkpoint, divided by (last - first); a single checkpoint gives its own value. Use this to
 *   match a plotted, subsampled curve.
 * @param rewards per-decision rewards of one run, in order, finite.
 * @param options normalisation references; `window` in interactions; optional checkpoints as
 *   for {@link learningCurve}.
 */
export function normalisedAuc(
  rewards: Float64Array,
  options: NormalisationRefs & { window: number; checkpoints?: readonly number[] },
): number {
  checkRewards(rewards, options.window);
  checkRefs(options);
  const norm = (v: number): number => normaliseUnchecked(v, options);
  const { checkpoints } = options;
  if (checkpoints === undefined) {
    const means = trailingMeans(rewards, options.window);
    let sum = 0;
    for (const m of means) sum += m;
    // normalise is affine, so normalising the mean equals the mean of the normalised values.
    return norm(sum / means.length);
  }
  const curve = learningCurve(rewards, checkpoints, options.window);
  const first = checkpoints[0]!;
  const span = checkpoints[checkpoints.length - 1]! - first;
  if (span === 0) return norm(curve[0]!);
  let area = 0;
  for (let i = 1; i < checkpoints.length; i++) {
    area += ((curve[i - 1]! + curve[i]!) / 2) * (checkpoints[i]! - checkpoints[i - 1]!);
  }
  return norm(area / span);
}
