import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import { deriveRng } from '../../harness/rng.ts';
import { AGGREGATES, aggregateInterval, bestFirst, pairedBootstrap, probabilityOfImprovement, probabilityOfImprovementInterval, stratifiedBootstrap, type AggregateName, type Matrix } from '../../harness/stats/index.ts';

/** Mean of all entries: a simple statistic for checking the resampling itself. */
const pooledMean = (m: Matrix): number => m.flat().reduce((s, v) => s + v, 0) / m.flat().length;

describe('stratifiedBootstrap', () => {
  it('collapses to the point when every task has a single run (nothing to resample)', () => {
    const r = stratifiedBootstrap([[[3, 8, 1]]], pooledMean, { seed: 1 });
    expect(r).toEqual({ point: 4, lo: 4, hi: 4 });
  });

  it('resamples runs within each task, never across tasks', () => {
    // Task 0 is all 0 and task 1 all 1: a stratified replicate always holds five 0s and five 1s,
    // so its mean is exactly 0.5; resampling across tasks would spread the interval.
    const m = Array.from({ length: 5 }, () => [0, 1]);
    for (const aggregate of ['mean', 'iqm'] as const) {
      const r = aggregateInterval(m, aggregate, { seed: 7, direction: 'higher-is-better' });
      expect([r.point, r.lo, r.hi]).toEqual([0.5, 0.5, 0.5]);
    }
  });

  it('gives the extreme replicates for two runs {0, 1}', () => {
    // Replicate means are 0 (p 1/4), 0.5 (p 1/2), 1 (p 1/4): the 2.5% and 97.5% percentiles of
    // 2000 replicates are 0 and 1.
    const r = stratifiedBootstrap([[[0], [1]]], pooledMean, { seed: 3 });
    expect(r).toEqual({ point: 0.5, lo: 0, hi: 1 });
  });

  it('approximates the normal-theory interval of a mean for a large sample', () => {
    // 400 runs from N(10, 2^2): the 95% interval of the mean is about 10 +- 1.96 * 2 / 20.
    const rng = deriveRng(11, 'test-normal');
    const m = Array.from({ length: 400 }, () => [10 + 2 * rng.normal()]);
    const r = aggregateInterval(m, 'mean', { seed: 5, direction: 'higher-is-better' });
    const sd = Math.sqrt(m.reduce((s, [v]) => s + (v! - r.point) ** 2, 0) / (m.length - 1));
    const half = (1.96 * sd) / Math.sqrt(m.length);
    expect((r.hi - r.lo) / 2).toBeGreaterThan(0.85 * half);
    expect((r.hi - r.lo) / 2).toBeLessThan(1.15 * half);
    expect(Math.abs((r.lo + r.hi) / 2 - r.point)).toBeLessThan(0.2 * half);
  });

  it('is byte-identical for the same inputs and seed, and differs with seed or labels', () => {
    const rng = deriveRng(2, 'test-data');
    const m = Array.from({ length: 10 }, () => Array.from({ length: 6 }, () => rng.float()));
    const opts = { seed: 42, direction: 'higher-is-better' as const };
    const a = JSON.stringify(aggregateInterval(m, 'iqm', opts));
    expect(JSON.stringify(aggregateInterval(m, 'iqm', opts))).toBe(a);
    expect(JSON.stringify(aggregateInterval(m, 'iqm', { ...opts, seed: 43 }))).not.toBe(a);
    expect(JSON.stringify(aggregateInterval(m, 'iqm', { ...opts, labels: ['agentB'] }))).not.toBe(a);
  });

  it('nests a lower-confidence interval inside a higher-confidence one (same draws)', () => {
    const m = [[1, 5], [2, 9], [4, 3], [8, 4]];
    const wide = stratifiedBootstrap([m], pooledMean, { seed: 9, confidence: 0.95 });
    const narrow = stratifiedBootstrap([m], pooledMean, { seed: 9, confidence: 0.5 });
    expect(narrow.lo).toBeGreaterThanOrEqual(wide.lo);
    expect(narrow.hi).toBeLessThanOrEqual(wide.hi);
    expect(narrow.hi - narrow.lo).toBeLessThan(wide.hi - wide.lo);
  });

  it('contains the point estimate for non-degenerate data', () => {
    const matrix = fc.integer({ min: 1, max: 4 }).chain((tasks) =>
      fc.array(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: tasks, maxLength: tasks }), {
        minLength: 3,
        maxLength: 12,
      }),
    );
    // Fixed seeds: the property holds for all but pathological data, and a rerun must not flake.
    fc.assert(
      fc.property(matrix, fc.constantFrom<AggregateName>('iqm', 'mean'), (m, aggregate) => {
        const r = aggregateInterval(m, aggregate, { seed: 1, reps: 500, direction: 'higher-is-better' });
        expect(r.lo).toBeLessThanOrEqual(r.point + 1e-9);
        expect(r.hi).toBeGreaterThanOrEqual(r.point - 1e-9);
      }),
      { seed: 20240601, numRuns: 60 },
    );
  });
});

describe('aggregateInterval', () => {
  it('tags the estimate with its aggregate and direction', () => {
    const r = aggregateInterval([[30], [50], [40]], 'mean', { seed: 1, direction: 'lower-is-better' });
    expect(r.aggregate).toBe('mean');
    expect(r.direction).toBe('lower-is-better');
    expect(r.point).toBe(40);
  });

  it('bestFirst ranks lower-is-better metrics ascending and higher-is-better descending', () => {
    expect([30, 10, 20].sort(bestFirst('lower-is-better'))).toEqual([10, 20, 30]);
    expect([30, 10, 20].sort(bestFirst('higher-is-better'))).toEqual([30, 20, 10]);
  });

  it('rejects bad options with located errors', () => {
    const m = [[1], [2]];
    const base = { seed: 1, direction: 'higher-is-better' as const };
    expect(() => aggregateInterval(m, 'iqm', { ...base, reps: 0 })).toThrow(/reps.*integer >= 1/);
    expect(() => aggregateInterval(m, 'iqm', { ...base, confidence: 1 })).toThrow(/confidence/);
    expect(() => aggregateInterval(m, 'mode' as AggregateName, base)).toThrow(/aggregate.*iqm, mean, median/);
    expect(() => aggregateInterval(m, 'toString' as AggregateName, base)).toThrow(/aggregate/);
    expect(() => aggregateInterval(m, 'iqm', { ...base, direction: 'up' as never })).toThrow(/higher-is-better/);
    expect(() => aggregateInterval([[1], [Number.NaN]], 'iqm', base)).toThrow(/scores#\/1\/0/);
    expect(() => stratifiedBootstrap([], pooledMean, { seed: 1 })).toThrow(InputError);
  });
});

describe('the percentile interval: exact quantile positions', () => {
  /**
   * A statistic that ignores its input: -1 on the original data (the first call), then the
   * replicates 0..reps-1 in a scrambled order (k * 37 mod reps, reps prime to 37), so the sorted
   * replicates are exactly 0, 1, ..., reps - 1 and the type-7 quantile at p is (reps - 1) * p.
   */
  const permutation = (reps: number) => {
    let k = -1;
    return (): number => (k++ < 0 ? -1 : (k * 37) % reps);
  };

  it.each([
    [101, undefined, 2.5, 97.5],
    [101, 0.9, 5, 95],
    [2001, undefined, 50, 1950],
    [2001, 0.5, 500, 1500],
  ])('%i replicates at confidence %s: ends at the (1 -+ confidence) / 2 quantiles', (reps, confidence, lo, hi) => {
    const opts = { seed: 1, reps, ...(confidence !== undefined ? { confidence } : {}) };
    // Close, not equal: (1 - 0.95) / 2 is 0.025000000000000022 in floating point.
    for (const r of [stratifiedBootstrap([[[0], [1]]], permutation(reps), opts), pairedBootstrap([[0, 1]], permutation(reps), opts)]) {
      expect(r.point).toBe(-1);
      expect(r.lo).toBeCloseTo(lo, 9);
      expect(r.hi).toBeCloseTo(hi, 9);
    }
  });
});

describe('the resampling follows its documented streams and draws exactly', () => {
  /** Type-7 quantile of a sorted array, written out here. */
  const q7 = (s: number[], p: number): number => {
    const h = (s.length - 1) * p;
    const lo = Math.floor(h);
    return lo + 1 < s.length ? s[lo]! + (h - lo) * (s[lo + 1]! - s[lo]!) : s[lo]!;
  };
  const ends = (values: number[]) => {
    const s = [...values].sort((a, b) => a - b);
    const alpha = (1 - 0.95) / 2;
    return { lo: q7(s, alpha), hi: q7(s, 1 - alpha) };
  };
  const meanOf = (xs: ArrayLike<number>): number => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;

  it.each([[undefined], [['scenario-a', 3]]] as const)('pairedBootstrap: n draws per replicate from (seed, "paired-bootstrap", ...labels), applied to every sample (labels %j)', (labels) => {
    const x = [1, 5, 2, 8, 3];
    const y = [2, 2, 7, 1, 9];
    const stat = (a?: Float64Array, b?: Float64Array) => meanOf(a!) - meanOf(b!);
    const rng = deriveRng(4, 'paired-bootstrap', ...(labels ?? []));
    const values = Array.from({ length: 300 }, () => {
      const idx = x.map(() => rng.int(x.length));
      return stat(Float64Array.from(idx.map((j) => x[j]!)), Float64Array.from(idx.map((j) => y[j]!)));
    });
    const r = pairedBootstrap([x, y], stat, { seed: 4, reps: 300, ...(labels ? { labels: [...labels] } : {}) });
    expect(r).toEqual({ point: stat(Float64Array.from(x), Float64Array.from(y)), ...ends(values) });
  });

  it.each([[undefined], [['scenario-a']]] as const)('stratifiedBootstrap: per matrix, per task, runs drawn from (seed, "bootstrap", ...labels) (labels %j)', (labels) => {
    const m1 = [[1, 10], [2, 20], [4, 40]];
    const m2 = [[0, 5], [3, 6]];
    const stat = (...ms: Matrix[]) => pooledMean(ms[0]!) - pooledMean(ms[1]!);
    const rng = deriveRng(9, 'bootstrap', ...(labels ?? []));
    const values = Array.from({ length: 300 }, () => {
      const drawn = [m1, m2].map((m) => {
        const out = m.map((row) => row.map(() => 0));
        for (let t = 0; t < m[0]!.length; t++) for (let r = 0; r < m.length; r++) out[r]![t] = m[rng.int(m.length)]![t]!;
        return out;
      });
      return stat(...drawn);
    });
    const r = stratifiedBootstrap([m1, m2], stat, { seed: 9, reps: 300, ...(labels ? { labels: [...labels] } : {}) });
    expect(r).toEqual({ point: stat(m1, m2), ...ends(values) });
  });

  it('aggregate and probability-of-improvement intervals add their own name to the labels', () => {
    const m = [[1, 10], [2, 20], [4, 40]];
    const y = [[0, 15], [3, 16]];
    expect(aggregateInterval(m, 'mean', { seed: 2, reps: 200, labels: ['s'], direction: 'higher-is-better' })).toMatchObject(
      stratifiedBootstrap([m], AGGREGATES.mean, { seed: 2, reps: 200, labels: ['s', 'mean'] }),
    );
    expect(probabilityOfImprovementInterval(m, y, { seed: 2, reps: 200, labels: ['s'], direction: 'higher-is-better' })).toEqual(
      stratifiedBootstrap([m, y], (a, b) => probabilityOfImprovement(a!, b!, 'higher-is-better'), { seed: 2, reps: 200, labels: ['s', 'probability-of-improvement'] }),
    );
    expect(probabilityOfImprovementInterval(m, y, { seed: 2, reps: 200, direction: 'higher-is-better' })).toEqual(
      stratifiedBootstrap([m, y], (a, b) => probabilityOfImprovement(a!, b!, 'higher-is-better'), { seed: 2, reps: 200, labels: ['probability-of-improvement'] }),
    );
  });
});
