/**
 * Which way a metric improves. Reward and accuracy are higher-is-better; latency, energy and
 * violation rates are lower-is-better. Every comparison in this module takes the direction
 * explicitly rather than assuming one, so latency is never ranked backwards.
 */
import { rejectValue } from './validate.ts';

/** The direction in which a metric improves. */
export type Direction = 'higher-is-better' | 'lower-is-better';

/** Throws unless `d` is a known direction (callers may pass strings read from files). */
export function checkDirection(d: Direction): void {
  if (d !== 'higher-is-better' && d !== 'lower-is-better') {
    rejectValue('direction', '"higher-is-better" or "lower-is-better"', d);
  }
}

/**
 * +1 when higher is better, -1 when lower is better: multiplying a score by it turns "better"
 * into "larger".
 */
export function orientation(direction: Direction): 1 | -1 {
  checkDirection(direction);
  return direction === 'higher-is-better' ? 1 : -1;
}

/**
 * Comparator that sorts values best first for the direction (for `Array.prototype.sort`).
 * @example [30, 10, 20].sort(bestFirst('lower-is-better')) // [10, 20, 30]
 */
export function bestFirst(direction: Direction): (a: number, b: number) => number {
  const s = orientation(direction);
  return (a, b) => s * (b - a);
}
