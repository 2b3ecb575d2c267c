/** Censored medians and the paired ratio of two learners (hand-computed cases). */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import { censoredMedian, censoredMedianInterval, pairedBootstrap, pairedRatio, stratifiedBootstrap } from '../../harness/stats/index.ts';

const median = (x: Float64Array): number => {
  const s = Float64Array.from(x).sort();
  const h = (s.length - 1) / 2;
  return (s[Math.floor(h)]! + s[Math.ceil(h)]!) / 2;
};
const meanOf = (x: Float64Array): number => x.reduce((a, b) => a + b, 0) / x.length;

describe('pairedBootstrap', () => {
  it('matches the hand-computed interval of a ratio of means over two paired seeds', () => {
    // a = [10, 40], b = [5, 10]. The four equally likely index draws give mean(a)/mean(b) =
    // (0,0): 10/5 = 2; (1,1): 40/10 = 4; (0,1) and (1,0): 25/7.5 = 3.33. With 1/4 of the
    // replicates at each extreme, the 2.5% and 97.5% percentiles are exactly 2 and 4.
    const stat = (a: Float64Array, b: Float64Array): number => meanOf(a) / meanOf(b);
    const r = pairedBootstrap([[10, 40], [5, 10]], stat, { seed: 1 });
    expect(r).toEqual({ point: 50 / 15, lo: 2, hi: 4 });
    // Resampling the learners independently mixes seeds: 10/10 = 1 and 40/5 = 8 become possible.
    const indep = stratifiedBootstrap([[[10], [40]], [[5], [10]]], (a, b) => meanOf(Float64Array.from(a!.flat())) / meanOf(Float64Array.from(b!.flat())), { seed: 1 });
    expect([indep.lo, indep.hi]).toEqual([1, 8]);
  });

  it('keeps perfectly paired samples together: a constant per-seed ratio has a zero-width interval', () => {
    const a = [100, 300, 50, 2000, 700];
    const r = pairedBootstrap([a, a.map((x) => x / 5)], (x, y) => median(x!) / median(y!), { seed: 4 });
    expect([r.point, r.lo, r.hi]).toEqual([5, 5, 5]);
  });

  it('is seeded: same inputs and labels, same interval; other labels, other draws', () => {
    const a = [3, 9, 1, 7, 5, 8];
    const b = [2, 4, 2, 5, 1, 3];
    const stat = (x: Float64Array, y: Float64Array): number => meanOf(x) - meanOf(y);
    const one = pairedBootstrap([a, b], stat, { seed: 9, labels: ['s'], reps: 500 });
    expect(pairedBootstrap([a, b], stat, { seed: 9, labels: ['s'], reps: 500 })).toEqual(one);
    expect(pairedBootstrap([a, b], stat, { seed: 9, labels: ['t'], reps: 500 })).not.toEqual(one);
  });

  it('rejects samples of different lengths with a located error', () => {
    expect(() => pairedBootstrap([[1, 2], [1]], (x) => x![0]!, { seed: 1 })).toThrow(InputError);
    expect(() => pairedBootstrap([[1, 2], [1]], (x) => x![0]!, { seed: 1 })).toThrow(/samples\[1\].*2 values/);
  });
});

describe('censoredMedian', () => {
  it('is exact while fewer than half the runs are censored, and a lower bound from half on', () => {
    expect(censoredMedian([10, 20, null], 100)).toEqual({ value: 20, censored: false, reached: 2, runs: 3 });
    expect(censoredMedian([10, null, null], 100)).toEqual({ value: 100, censored: true, reached: 1, runs: 3 });
    expect(censoredMedian([10, 20, 30, null], 100)).toEqual({ value: 25, censored: false, reached: 3, runs: 4 });
    // Even count, half censored: the middle pair holds a censored run (20 and >= 100).
    expect(censoredMedian([10, 20, null, null], 100)).toEqual({ value: 60, censored: true, reached: 2, runs: 4 });
  });

  it('rejects a count above the budget', () => {
    expect(() => censoredMedian([10, 200], 100)).toThrow(/count in \[0, 100\]/);
  });
});

describe('pairedRatio', () => {
  const opts = { seed: 2, reps: 400 };

  it('is exact with no censored run', () => {
    const r = pairedRatio([400, 800, 600], [100, 100, 200], 1000, opts);
    expect(r.point).toBe(6);
    expect(r.kind).toBe('exact');
    expect(r.intervalKind).toBe('exact');
    expect(r.censored).toEqual({ numerator: 0, denominator: 0 });
  });

  it('is a lower bound when the numerator median is censored, an upper bound when the denominator one is', () => {
    const lower = pairedRatio([null, null, 600], [100, 100, 200], 1000, opts);
    expect(lower.kind).toBe('lower-bound');
    expect(lower.point).toBe(10);
    const upper = pairedRatio([100, 100, 200], [null, null, 50], 1000, opts);
    expect(upper.kind).toBe('upper-bound');
    expect(upper.point).toBe(0.1);
    expect(pairedRatio([null, null, 5], [null, null, 50], 1000, opts).kind).toBe('undetermined');
  });

  it('keeps the point exact but marks the interval when a minority of runs is censored', () => {
    const r = pairedRatio([400, 500, null], [100, 100, 100], 1000, opts);
    expect(r.kind).toBe('exact');
    expect(r.point).toBe(5);
    expect(r.intervalKind).toBe('lower-bound');
    expect(r.censored).toEqual({ numerator: 1, denominator: 0 });
  });

  it('rejects unpaired samples', () => {
    expect(() => pairedRatio([1, 2], [1], 10, opts)).toThrow(/paired by seed/);
  });
});

describe('censoredMedianInterval', () => {
  const opts = { seed: 3, labels: ['censored-interval'], reps: 400 };
  it('is the plain bootstrap interval, both ends exact, without censored runs', () => {
    const values = [120, 300, 80, 450, 200];
    const iv = censoredMedianInterval(values, 1000, opts);
    expect(iv).toEqual({ ...pairedBootstrap([values], (x) => median(x!), opts), loKind: 'exact', hiKind: 'exact' });
  });
  it('marks an end that moves with the censored runs as a lower bound (the upper end at the budget is not a value)', () => {
    // 4 of 5 reached: the point is exact, but replicates drawing the censored run twice or more put the upper end at the budget.
    const iv = censoredMedianInterval([196, 1175, null, 900, 1500], 4000, opts);
    expect(iv.hi).toBe(4000);
    expect(iv.hiKind).toBe('lower-bound');
    expect(iv.lo).toBeLessThan(1175);
    expect(iv.loKind).toBe('exact');
  });
  it('takes one budget per run: a censored run enters at its own budget, and an observed count is checked against its own', () => {
    const iv = censoredMedianInterval([null, null, null], [300, 500, 700], opts);
    expect(iv.point).toBe(500);
    expect([iv.loKind, iv.hiKind]).toEqual(['lower-bound', 'lower-bound']);
    expect(censoredMedian([null, 20, 30], [50, 60, 70])).toEqual({ value: 30, censored: false, reached: 2, runs: 3 });
    expect(() => censoredMedian([10, 65], [100, 60])).toThrow(/values\/1: expected a count in \[0, 60\]/);
    expect(() => censoredMedian([10, 20], [100])).toThrow(/values budgets: expected 2 budgets \(one per run\)/);
    expect(() => censoredMedianInterval([], 10, opts)).toThrow(/at least one run/);
  });
  it('a zero count (the untrained policy met the threshold) is a value in a median, and makes a ratio a bound, never a division by zero', () => {
    expect(censoredMedian([0, 0, 40], 100)).toEqual({ value: 0, censored: false, reached: 3, runs: 3 });
    const opts = { seed: 2, labels: ['zero'], reps: 200 };
    // The denominator needs nothing: the true ratio is unbounded, 40 / 1 is a lower bound of it.
    const lower = pairedRatio([40, 60, 50], [0, 0, 10], 100, opts);
    expect([lower.point, lower.kind, lower.intervalKind]).toEqual([50, 'lower-bound', 'lower-bound']);
    expect(Number.isFinite(lower.hi)).toBe(true);
    // The numerator needs nothing: the true ratio is 0, 1 / 30 an upper bound.
    const upper = pairedRatio([0, 0, 5], [30, 30, 30], 100, opts);
    expect([upper.point, upper.kind, upper.intervalKind]).toEqual([1 / 30, 'upper-bound', 'upper-bound']);
    expect(pairedRatio([0, 0, 0], [0, 0, 0], 100, opts).kind).toBe('undetermined');
    // A zero that is not a median still makes the interval's ends bounds.
    const some = pairedRatio([40, 60, 50], [0, 20, 10], 100, opts);
    expect([some.kind, some.intervalKind]).toEqual(['exact', 'lower-bound']);
    expect(() => pairedRatio([1.5, 2], [1, 2], 100, opts)).toThrow(/numerator\/0: expected a count in \[0, 100\]/);
    expect(() => pairedRatio([1, 2], [1, 200], 100, opts)).toThrow(/denominator\/1: expected a count in \[0, 100\]/);
  });

  it('pairs per-seed budgets in a ratio', () => {
    const r = pairedRatio([null, 40, 60], [10, 20, 30], [500, 100, 100], { seed: 1, labels: ['r'], reps: 200 });
    expect(r.point).toBe(60 / 20);
    expect(r.censored).toEqual({ numerator: 1, denominator: 0 });
  });
});
