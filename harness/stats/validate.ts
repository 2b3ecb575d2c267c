/**
 * Input checks shared by the statistics and learning-curve functions. Scores come from run
 * results (an agent can emit NaN), so a bad value is an {@link InputError}: its `file` is the
 * argument's label (e.g. "scores") and its JSON pointer the offending index (e.g. `/3/1` for
 * run 3, task 1), so the message names exactly which value is wrong.
 */
import { InputError, show } from '../errors.ts';

/** A 1-D sample: one value per run. */
export type Sample = ArrayLike<number>;
/** A runs x tasks matrix: `matrix[run][task]`, every row the same length. */
export type Matrix = readonly (readonly number[])[];

/** Throws for `label` (at `pointer` inside it, when the argument is an array). */
function fail(label: string, pointer: string | undefined, expected: string, found: unknown): never {
  const foundText = typeof found === 'number' ? String(found) : show(found);
  throw new InputError({ file: label, ...(pointer === undefined ? {} : { pointer }), expected, found: foundText });
}

/** Throws unless `x` is a non-empty sample of finite numbers. */
export function checkSample(x: Sample, label = 'scores'): void {
  if (x.length === 0) fail(label, '', 'at least one value', 'empty sample');
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(label, `/${i}`, 'finite number', v);
  }
}

/**
 * Throws unless `m` is a non-empty rectangular runs x tasks matrix of finite numbers.
 * @returns its shape.
 */
export function checkMatrix(m: Matrix, label = 'scores'): { runs: number; tasks: number } {
  if (!Array.isArray(m) || m.length === 0) {
    fail(label, '', 'runs x tasks matrix with at least one run', Array.isArray(m) ? 'empty matrix' : m);
  }
  const tasks = m[0]!.length;
  if (tasks === 0) fail(label, '/0', 'at least one task per run', 'empty row');
  for (let r = 0; r < m.length; r++) {
    const row = m[r]!;
    if (!Array.isArray(row)) fail(label, `/${r}`, 'array of task scores', row);
    if (row.length !== tasks) fail(label, `/${r}`, `${tasks} task scores (as in run 0; ragged matrix)`, row.length);
    for (let t = 0; t < tasks; t++) {
      const v = row[t];
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(label, `/${r}/${t}`, 'finite number', v);
    }
  }
  return { runs: m.length, tasks };
}

/** Throws unless `v` is an integer >= `min`. */
export function checkInt(v: number, label: string, min: number): void {
  if (!Number.isInteger(v) || v < min) fail(label, undefined, `integer >= ${min}`, v);
}

/** Throws unless `v` is a finite number strictly between 0 and 1 (a confidence level or fraction). */
export function checkOpenUnit(v: number, label: string): void {
  if (!(v > 0 && v < 1)) fail(label, undefined, 'number strictly between 0 and 1', v);
}

/** Throws unless `v` is a finite number. */
export function checkFinite(v: number, label: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(label, undefined, 'finite number', v);
}

/** Throws a located error for a value outside its allowed range. */
export function rejectValue(label: string, expected: string, found: unknown): never {
  fail(label, undefined, expected, found);
}
