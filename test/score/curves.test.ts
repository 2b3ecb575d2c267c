import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interactionsToThreshold, learningCurve, logCheckpoints, normalise, normalisedAuc } from '../../harness/score/curves.ts';

const refs = { randomRef: 0, oracleRef: 1 };

describe('logCheckpoints', () => {
  it('spaces checkpoints evenly in log10 and ends at total', () => {
    // 10 * 10^(0/2) = 10, 10 * 10^(1/2) = 31.6 -> 32, then total.
    expect(logCheckpoints(100, 2, 10)).toEqual([10, 32, 100]);
    // Ten per decade: 10^(0.1) = 1.259 -> 13, 10^(0.2) = 1.585 -> 16, ...
    expect(logCheckpoints(1000).slice(0, 11)).toEqual([10, 13, 16, 20, 25, 32, 40, 50, 63, 79, 100]);
    // Two decades (10 to 1000) of ten candidates each below total, then total itself.
    expect(logCheckpoints(1000)).toHaveLength(21);
  });

  it('drops duplicate small values and handles totals at or below min', () => {
    // 1, 1.26, 1.58, 2.00, 2.51, 3.16, 3.98, 5.01, 6.31, 7.94 rounded, duplicates removed.
    expect(logCheckpoints(10, 10, 1)).toEqual([1, 2, 3, 4, 5, 6, 8, 10]);
    expect(logCheckpoints(5)).toEqual([5]);
    expect(logCheckpoints(10)).toEqual([10]);
    expect(logCheckpoints(11)).toEqual([10, 11]);
  });

  it('is strictly increasing integers ending at total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e7 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 100 }), (total, per, min) => {
        const c = logCheckpoints(total, per, min);
        expect(c.at(-1)).toBe(total);
        expect(c[0]).toBe(Math.min(min, total));
        for (let i = 1; i < c.length; i++) {
          expect(Number.isInteger(c[i])).toBe(true);
          expect(c[i]!).toBeGreaterThan(c[i - 1]!);
        }
      }),
    );
  });

  it('rejects non-integer totals', () => {
    expect(() => logCheckpoints(0)).toThrow(/total.*integer >= 1/);
    expect(() => logCheckpoints(10.5)).toThrow(/total/);
  });
});

describe('learningCurve', () => {
  it('is the trailing window mean, shorter at the start', () => {
    const rewards = Float64Array.of(0, 1, 2, 3, 4, 5);
    // Window 3: n=1 -> mean(0) = 0; n=2 -> mean(0, 1) = 0.5; n=3 -> mean(0, 1, 2) = 1;
    // n=6 -> mean(3, 4, 5) = 4.
    expect([...learningCurve(rewards, [1, 2, 3, 6], 3)]).toEqual([0, 0.5, 1, 4]);
  });

  it('rejects bad checkpoints, windows and rewards with their index', () => {
    const rewards = Float64Array.of(0, 1, 2);
    expect(() => learningCurve(rewards, [2, 2], 1)).toThrow(/checkpoints\[1\]/);
    expect(() => learningCurve(rewards, [4], 1)).toThrow(/checkpoints\[0\].*\(0, 3\]/);
    expect(() => learningCurve(rewards, [], 1)).toThrow(/at least one checkpoint/);
    expect(() => learningCurve(rewards, [1], 0)).toThrow(/window/);
    expect(() => learningCurve(Float64Array.of(0, Number.NaN), [1], 1)).toThrow(/rewards#\/1: expected finite number/);
    expect(() => learningCurve(new Float64Array(0), [1], 1)).toThrow(/rewards.*empty/);
  });
});

describe('normalise', () => {
  it('maps random to 0 and oracle to 1 in either direction', () => {
    expect(normalise(5, 0, 10)).toBe(0.5);
    // Latency-like (lower is better): random 50 ms, oracle 10 ms, 30 ms is half way.
    expect(normalise(30, 50, 10)).toBe(0.5);
    expect(normalise(-10, 0, 10)).toBe(-1);
  });

  it('rejects equal references', () => {
    expect(() => normalise(1, 2, 2)).toThrow(/oracleRef.*different from randomRef/);
  });
});

/** The definition, computed the slow way: every window from scratch, every suffix checked. */
function thresholdByDefinition(rewards: number[], window: number, fraction: number): number | null {
  const curve = rewards.map((_, i) => {
    const w = rewards.slice(Math.max(0, i + 1 - window), i + 1);
    return w.reduce((s, v) => s + v, 0) / w.length;
  });
  for (let n = 1; n <= curve.length; n++) {
    if (curve.slice(n - 1).every((v) => v >= fraction)) return n;
  }
  return null;
}

describe('interactionsToThreshold', () => {
  // Window 2 means at n = 1..8: 0, 0, 0.5, 1, 0.5, 0.5, 1, 1.
  const rewards = Float64Array.of(0, 0, 1, 1, 0, 1, 1, 1);

  it('counts only a crossing that is never undone', () => {
    // 0.75 is first reached at n=4 but lost at n=5; it holds from n=7 on.
    expect(interactionsToThreshold(rewards, { ...refs, fraction: 0.75, window: 2 })).toBe(7);
    expect(interactionsToThreshold(rewards, { ...refs, fraction: 0.5, window: 2 })).toBe(3);
    expect(interactionsToThreshold(rewards, { ...refs, fraction: 1, window: 2 })).toBe(7);
  });

  it('is null when the run ends below the threshold and 1 for an oracle-like run', () => {
    expect(interactionsToThreshold(Float64Array.of(1, 1, 1, 0), { ...refs, window: 1 })).toBeNull();
    expect(interactionsToThreshold(Float64Array.of(1, 1, 1), { ...refs, window: 2 })).toBe(1);
  });

  it('normalises before comparing (default fraction 0.9)', () => {
    // Random 10, oracle 20: normalised 0.9 is a reward of 19. Window 1.
    const r = Float64Array.of(12, 19.5, 18, 19, 20);
    expect(interactionsToThreshold(r, { randomRef: 10, oracleRef: 20, window: 1 })).toBe(4);
  });

  it('agrees with the definition computed the slow way', () => {
    const values = fc.array(fc.constantFrom(0, 0.25, 0.5, 0.75, 1), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 6 }), fc.constantFrom(0.25, 0.5, 0.75, 1), (r, window, fraction) => {
        expect(interactionsToThreshold(Float64Array.from(r), { ...refs, fraction, window })).toBe(
          thresholdByDefinition(r, window, fraction),
        );
      }),
    );
  });

  it('is monotone in the fraction (a higher bar is reached later or never)', () => {
    const values = fc.array(fc.double({ min: -1, max: 2, noNaN: true }), { minLength: 1, maxLength: 50 });
    const fraction = fc.double({ min: 0.01, max: 1, noNaN: true });
    fc.assert(
      fc.property(values, fraction, fraction, fc.integer({ min: 1, max: 10 }), (r, f1, f2, window) => {
        const [lo, hi] = f1 <= f2 ? [f1, f2] : [f2, f1];
        const a = interactionsToThreshold(Float64Array.from(r), { ...refs, fraction: lo, window });
        const b = interactionsToThreshold(Float64Array.from(r), { ...refs, fraction: hi, window });
        expect(a ?? Infinity).toBeLessThanOrEqual(b ?? Infinity);
      }),
    );
  });

  it('rejects a fraction outside (0, 1]', () => {
    expect(() => interactionsToThreshold(rewards, { ...refs, fraction: 0, window: 2 })).toThrow(/fraction/);
    expect(() => interactionsToThreshold(rewards, { ...refs, fraction: 1.5, window: 2 })).toThrow(/fraction/);
  });
});

describe('normalisedAuc', () => {
  // Window 2 means at n = 1..4: 0, 0.5, 1, 1.
  const rewards = Float64Array.of(0, 1, 1, 1);

  it('averages the normalised curve over every interaction', () => {
    // (0 + 0.5 + 1 + 1) / 4 = 0.625.
    expect(normalisedAuc(rewards, { ...refs, window: 2 })).toBe(0.625);
    // Random 0, oracle 2: every value halves.
    expect(normalisedAuc(rewards, { randomRef: 0, oracleRef: 2, window: 2 })).toBe(0.3125);
  });

  it('uses the trapezoid rule between checkpoints', () => {
    // Points (1, 0), (2, 0.5), (4, 1): areas 0.25 + 1.5 = 1.75 over a span of 3.
    expect(normalisedAuc(rewards, { ...refs, window: 2, checkpoints: [1, 2, 4] })).toBeCloseTo(1.75 / 3, 12);
    expect(normalisedAuc(rewards, { ...refs, window: 2, checkpoints: [4] })).toBe(1);
  });

  it('is 1 for oracle reward from the start and 0 for random reward throughout', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 20 }), (n, window) => {
        const opts = { randomRef: -3, oracleRef: 5, window };
        expect(normalisedAuc(new Float64Array(n).fill(5), opts)).toBeCloseTo(1, 12);
        expect(normalisedAuc(new Float64Array(n).fill(-3), { ...opts, checkpoints: logCheckpoints(n, 5, 1) })).toBeCloseTo(0, 12);
      }),
    );
  });
});
