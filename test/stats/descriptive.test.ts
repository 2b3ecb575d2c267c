import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import { aggregateMean, aggregateMedian, iqm, mean, median, quantile } from '../../harness/stats/index.ts';

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const sample = fc.array(finite, { minLength: 1, maxLength: 40 });

describe('mean, median, quantile', () => {
  it('match hand-computed values', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    // Odd count: the middle value; even count: the mean of the two middle values.
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('quantile interpolates linearly between order statistics (numpy type 7)', () => {
    // Sorted 1, 2, 3, 4; h = (n - 1) p.
    expect(quantile([4, 1, 3, 2], 0)).toBe(1);
    expect(quantile([4, 1, 3, 2], 1)).toBe(4);
    // p = 0.25: h = 0.75 -> 1 + 0.75 (2 - 1) = 1.75 (numpy.percentile([1,2,3,4], 25) = 1.75).
    expect(quantile([4, 1, 3, 2], 0.25)).toBeCloseTo(1.75, 12);
    // p = 0.9: h = 2.7 -> 3 + 0.7 (4 - 3) = 3.7.
    expect(quantile([4, 1, 3, 2], 0.9)).toBeCloseTo(3.7, 12);
    // A single value is every quantile.
    expect(quantile([7], 0.3)).toBe(7);
  });

  it('quantile is non-decreasing in p and stays within [min, max]', () => {
    fc.assert(
      fc.property(sample, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (x, p, q) => {
        const [a, b] = p <= q ? [p, q] : [q, p];
        expect(quantile(x, a)).toBeLessThanOrEqual(quantile(x, b));
        expect(quantile(x, a)).toBeGreaterThanOrEqual(Math.min(...x));
        expect(quantile(x, b)).toBeLessThanOrEqual(Math.max(...x));
      }),
    );
  });
});

describe('iqm', () => {
  it('trims floor(n / 4) values at each end like scipy.stats.trim_mean(x, 0.25)', () => {
    // n = 5: cut 1 each side -> mean(2, 3, 4) = 3; the outlier 100 is ignored.
    expect(iqm([100, 2, 1, 4, 3])).toBe(3);
    // n = 8: cut 2 each side -> mean(3, 4, 5, 6) = 4.5.
    expect(iqm([1, 2, 3, 4, 5, 6, 7, 1000])).toBe(4.5);
    // n = 3: cut 0 -> plain mean.
    expect(iqm([5, 1, 3])).toBe(3);
  });

  it('pools all runs of all tasks for a runs x tasks matrix', () => {
    // Pooled: 1, 2, 3, 4, 5, 100 (n = 6, cut 1) -> mean(2, 3, 4, 5) = 3.5.
    // (Averaging per-task IQMs instead would give (7/3 + 36) / 2, about 19.2.)
    expect(iqm([[1, 100], [2, 3], [4, 5]])).toBe(3.5);
  });

  it('lies between the minimum and the maximum', () => {
    fc.assert(
      fc.property(sample, (x) => {
        const v = iqm(x);
        expect(v).toBeGreaterThanOrEqual(Math.min(...x) - 1e-9);
        expect(v).toBeLessThanOrEqual(Math.max(...x) + 1e-9);
      }),
    );
  });

  it('ignores order and flips sign with the data', () => {
    fc.assert(
      fc.property(sample, (x) => {
        expect(iqm([...x].reverse())).toBeCloseTo(iqm(x), 6);
        expect(iqm(x.map((v) => -v))).toBeCloseTo(-iqm(x), 6);
      }),
    );
  });
});

describe('matrix aggregates', () => {
  // Task means: (1 + 3) / 2 = 2, (10 + 20) / 2 = 15, (0 + 2) / 2 = 1.
  const m = [[1, 10, 0], [3, 20, 2]];
  it('aggregateMean is the mean of the task means', () => {
    expect(aggregateMean(m)).toBe(6);
  });
  it('aggregateMedian is the median of the task means, not of the pooled values', () => {
    // Median of 2, 15, 1 is 2 (the pooled median would be 2.5).
    expect(aggregateMedian(m)).toBe(2);
  });
});

describe('bad input', () => {
  it('rejects empty samples and matrices', () => {
    expect(() => mean([])).toThrow(InputError);
    expect(() => iqm([])).toThrow(/at least one value/);
    expect(() => aggregateMean([])).toThrow(/at least one run/);
    expect(() => aggregateMean([[]])).toThrow(/at least one task/);
  });

  it('names the index of a NaN', () => {
    expect(() => median([1, 2, Number.NaN])).toThrow(/scores#\/2: expected finite number; found NaN/);
    expect(() => iqm([[1, 2], [Number.NaN, 3]])).toThrow(/scores#\/1\/0/);
  });

  it('rejects ragged matrices naming the short row', () => {
    expect(() => iqm([[1, 2], [3, 4], [5]])).toThrow(/scores#\/2: expected 2 task scores \(as in run 0; ragged matrix\); found 1$/);
  });

  it('rejects a probability outside [0, 1]', () => {
    expect(() => quantile([1, 2], 1.5)).toThrow(/probability in \[0, 1\]/);
    expect(() => quantile([1, 2], Number.NaN)).toThrow(InputError);
  });
});
