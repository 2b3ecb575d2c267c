import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { probabilityOfImprovement, probabilityOfImprovementInterval } from '../../harness/stats/index.ts';

const matrices = fc.integer({ min: 1, max: 3 }).chain((tasks) => {
  const row = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: tasks, maxLength: tasks });
  return fc.tuple(fc.array(row, { minLength: 1, maxLength: 6 }), fc.array(row, { minLength: 1, maxLength: 6 }));
});

describe('probabilityOfImprovement', () => {
  it('counts wins and half ties over all run pairs (Mann-Whitney U / mn)', () => {
    const x = [[1], [2], [3]];
    const y = [[2], [2.5]];
    // Higher is better: x=1 wins 0; x=2 ties 2 (0.5) and loses to 2.5; x=3 wins 2 -> 2.5 / 6.
    expect(probabilityOfImprovement(x, y, 'higher-is-better')).toBeCloseTo(5 / 12, 12);
    // Lower is better: x=1 wins 2; x=2 ties 2 (0.5) and beats 2.5 (1); x=3 wins 0 -> 3.5 / 6.
    expect(probabilityOfImprovement(x, y, 'lower-is-better')).toBeCloseTo(7 / 12, 12);
  });

  it('averages per-task probabilities rather than pooling tasks', () => {
    // Task 0: X always better (1); task 1: X always worse (0); task 2: X {4, 4} vs Y {3, 3} (1).
    const x = [[5, 0, 4], [6, 1, 4]];
    const y = [[1, 5, 3], [2, 6, 3]];
    expect(probabilityOfImprovement(x, y, 'higher-is-better')).toBeCloseTo(2 / 3, 12);
  });

  it('is complementary when swapped and when the direction flips', () => {
    fc.assert(
      fc.property(matrices, ([x, y]) => {
        const p = probabilityOfImprovement(x, y, 'higher-is-better');
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(probabilityOfImprovement(y, x, 'higher-is-better')).toBeCloseTo(1 - p, 12);
        expect(probabilityOfImprovement(x, y, 'lower-is-better')).toBeCloseTo(1 - p, 12);
      }),
    );
  });

  it('rejects matrices over different numbers of tasks', () => {
    expect(() => probabilityOfImprovement([[1, 2]], [[1]], 'higher-is-better')).toThrow(/^y: expected 2 tasks per run \(as x\); found 1$/);
  });
});

describe('probabilityOfImprovementInterval', () => {
  it('stays at 1 when every run of X beats every run of Y', () => {
    const x = [[10, 20], [11, 21], [12, 22]];
    const y = [[1, 2], [3, 4]];
    expect(probabilityOfImprovementInterval(x, y, { seed: 1, direction: 'higher-is-better' })).toEqual({ point: 1, lo: 1, hi: 1 });
    expect(probabilityOfImprovementInterval(x, y, { seed: 1, direction: 'lower-is-better' })).toEqual({ point: 0, lo: 0, hi: 0 });
  });

  it('brackets the point estimate for overlapping samples and is reproducible', () => {
    const x = [[1, 4], [3, 5], [5, 2], [7, 6]];
    const y = [[2, 3], [4, 1], [6, 5]];
    const opts = { seed: 4, direction: 'higher-is-better' as const };
    const r = probabilityOfImprovementInterval(x, y, opts);
    expect(r.lo).toBeLessThan(r.point);
    expect(r.hi).toBeGreaterThan(r.point);
    expect(probabilityOfImprovementInterval(x, y, opts)).toEqual(r);
  });
});
