/**
 * The statistics' input checks, each with the issue it reports: the argument's label, the pointer
 * to the bad value, what was expected and what was found (an agent can emit NaN; the message must
 * name the exact value).
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import { censoredMedian, pairedBootstrap, pairedRatio, quantile } from '../../harness/stats/index.ts';
import { checkFinite, checkMatrix, checkOpenUnit, checkSample } from '../../harness/stats/validate.ts';

/** The single issue of the InputError `f` throws. */
function issue(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).issues).toHaveLength(1);
    return (e as InputError).issues[0];
  }
  throw new Error('no InputError');
}

describe('sample and matrix checks', () => {
  it('a sample: non-empty, every value a finite number, located by index', () => {
    expect(issue(() => checkSample([]))).toEqual({ file: 'scores', pointer: '', expected: 'at least one value', found: '"empty sample"' });
    expect(issue(() => checkSample([1, NaN], 'x'))).toEqual({ file: 'x', pointer: '/1', expected: 'finite number', found: 'NaN' });
    expect(issue(() => checkSample([1, Infinity]))).toMatchObject({ pointer: '/1', found: 'Infinity' });
    expect(issue(() => checkSample([1, '2' as unknown as number]))).toMatchObject({ pointer: '/1', found: '"2"' });
    expect(() => checkSample([0, -1.5])).not.toThrow();
  });

  it('a matrix: non-empty, rectangular, rows of finite numbers, located by run and task', () => {
    expect(issue(() => checkMatrix([]))).toEqual({ file: 'scores', pointer: '', expected: 'runs x tasks matrix with at least one run', found: '"empty matrix"' });
    expect(issue(() => checkMatrix(7 as never, 'm'))).toEqual({ file: 'm', pointer: '', expected: 'runs x tasks matrix with at least one run', found: '7' });
    expect(issue(() => checkMatrix([[]]))).toEqual({ file: 'scores', pointer: '/0', expected: 'at least one task per run', found: '"empty row"' });
    expect(issue(() => checkMatrix([[1], 'a' as never]))).toEqual({ file: 'scores', pointer: '/1', expected: 'array of task scores', found: '"a"' });
    expect(issue(() => checkMatrix([[1, 2], [3]]))).toMatchObject({ pointer: '/1', found: '1' });
    expect(issue(() => checkMatrix([[1, 2], [3, NaN]]))).toEqual({ file: 'scores', pointer: '/1/1', expected: 'finite number', found: 'NaN' });
    expect(checkMatrix([[1, 2], [3, 4], [5, 6]])).toEqual({ runs: 3, tasks: 2 });
  });

  it('numbers: strictly inside (0, 1) for a confidence, finite for a value', () => {
    for (const v of [0, 1, -0.5, NaN]) expect(issue(() => checkOpenUnit(v, 'confidence'))).toEqual({ file: 'confidence', expected: 'number strictly between 0 and 1', found: String(v) });
    expect(() => checkOpenUnit(1e-9, 'c')).not.toThrow();
    expect(() => checkOpenUnit(1 - 1e-9, 'c')).not.toThrow();
    for (const v of [NaN, Infinity, -Infinity]) expect(issue(() => checkFinite(v, 'v'))).toEqual({ file: 'v', expected: 'finite number', found: String(v) });
    expect(() => checkFinite(-3, 'v')).not.toThrow();
  });

  it('a quantile probability is in [0, 1], both ends included', () => {
    expect(quantile([1, 2, 3], 0)).toBe(1);
    expect(quantile([1, 2, 3], 1)).toBe(3);
    for (const p of [-0.01, 1.01, NaN]) expect(issue(() => quantile([1, 2, 3], p))).toMatchObject({ file: 'p', expected: 'probability in [0, 1]' });
  });
});

describe('censored counts and paired samples', () => {
  it('a count is in [0, budget] (0: the untrained policy met the threshold) or null, located by index', () => {
    expect(censoredMedian([0, 10, null], 10)).toEqual({ value: 10, censored: false, reached: 2, runs: 3 });
    for (const v of [-1, 11, 2.5, 2.5e9, NaN]) expect(issue(() => censoredMedian([5, v], 10))).toEqual({ file: 'values/1', expected: "a count in [0, 10] (the run's budget) or null (censored)", found: String(v) });
    expect(issue(() => censoredMedian([], 10))).toEqual({ file: 'values', expected: 'at least one run', found: '"none"' });
    expect(issue(() => censoredMedian([1], 0))).toMatchObject({ file: 'budget' });
  });

  it('paired samples must have one value per seed each', () => {
    expect(issue(() => pairedRatio([1, 2], [1], 10, { seed: 1 }))).toEqual({ file: 'denominator', expected: '2 runs (paired by seed with the numerator)', found: '"1 runs"' });
    // Each side's counts are checked first, named by their side, with the bad index.
    expect(issue(() => pairedRatio([1, 2], [1, 11], 10, { seed: 1 }))).toMatchObject({ file: 'denominator/1', found: '11' });
    expect(issue(() => pairedRatio([12, 2], [1, 1], 10, { seed: 1 }))).toMatchObject({ file: 'numerator/0', found: '12' });
    expect(issue(() => pairedBootstrap([], (x) => x![0]!, { seed: 1 }))).toEqual({ file: 'samples', expected: 'at least one sample', found: '"none"' });
    expect(issue(() => pairedBootstrap([[1, 2], [1]], (x) => x![0]!, { seed: 1 }))).toEqual({ file: 'samples[1]', expected: '2 values (paired by seed with samples[0])', found: '"1 values"' });
    expect(issue(() => pairedBootstrap([[1, NaN]], (x) => x![0]!, { seed: 1 }))).toMatchObject({ file: 'scores', pointer: '/1' });
    expect(issue(() => pairedBootstrap([[1, 2], [1, NaN]], (x) => x![0]!, { seed: 1 }))).toMatchObject({ file: 'samples[1]', pointer: '/1' });
  });

  it('says which ends of a ratio interval are bounds: a censored run on one side only', () => {
    const r = pairedRatio([4, 6, 8], [2, 3, null], 10, { seed: 1, reps: 200 });
    expect(r).toMatchObject({ kind: 'exact', intervalKind: 'upper-bound', censored: { numerator: 0, denominator: 1 }, runs: 3 });
    expect(pairedRatio([4, 6, null], [2, 3, 4], 10, { seed: 1, reps: 200 }).intervalKind).toBe('lower-bound');
    expect(pairedRatio([4, 6, 8], [2, 3, 4], 10, { seed: 1, reps: 200 }).intervalKind).toBe('exact');
  });
});
