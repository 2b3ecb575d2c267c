/**
 * Numeric bounds shared by the command line and the library entry points: one rule per kind of
 * number (its unit, whether it is an integer, its range), checked the same way wherever the number
 * comes from, so that a value that would break every job (a timer overflow, a rounded seed, a
 * thread count of 0) is refused up front with a located message.
 */
import { InputError } from './errors.ts';

/** What a number must be. Ranges are inclusive unless `exclusiveMin` is set. */
export interface NumberRule {
  /** The unit, quoted in messages ("s", "ms", "threads"). */
  unit: string;
  /** Must be an integer; with a range within +-2^53, also a safe integer (exact in a double). */
  integer?: boolean;
  min?: number;
  max?: number;
  /** `min` itself is not allowed (`> min`). */
  exclusiveMin?: boolean;
}

/** Node's timers hold at most 2^31 - 1 ms (about 24.8 days); a longer delay fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The rules of the numbers the harness takes from users. */
export const RULES = {
  /** A job's wall-clock limit: from a timer's 1 ms resolution to the longest delay a timer holds. */
  jobTimeoutS: { unit: 's', min: 0.001, max: Math.floor(MAX_TIMER_MS / 1000) },
  /** One decision's wall-time limit. */
  decisionMs: { unit: 'ms', min: 1, max: MAX_TIMER_MS },
  /** A worker's heap limit: V8 needs about 16 MB to start; 1 TB is beyond any machine. */
  jobMemoryMb: { unit: 'MB', integer: true, min: 16, max: 1_048_576 },
  workers: { unit: 'threads', integer: true, min: 1, max: 1024 },
  shards: { unit: 'shards', integer: true, min: 1, max: 100_000 },
  /** Seeds of a run (jobs = agents x scenarios x seeds, all planned in memory). */
  seeds: { unit: 'seeds', integer: true, min: 1, max: 100_000 },
  /** A root seed: any exactly representable integer. */
  seed: { unit: 'seed', integer: true, min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  /** A count of jobs or items (e.g. `verify --sample`). */
  count: { unit: 'jobs', integer: true, min: 0, max: Number.MAX_SAFE_INTEGER },
} as const satisfies Record<string, NumberRule>;

/** The rule in words, e.g. "integer from 1 to 1024 (threads)". */
export function describeRule(r: NumberRule): string {
  const kind = r.integer ? 'integer' : 'number';
  const parts: string[] = [];
  if (r.min !== undefined && r.max !== undefined && !r.exclusiveMin) parts.push(`from ${r.min} to ${r.max}`);
  else {
    if (r.min !== undefined) parts.push(`${r.exclusiveMin ? '>' : '>='} ${r.min}`);
    if (r.max !== undefined) parts.push(`<= ${r.max}`);
  }
  const range = parts.length ? ` ${parts.join(' and ')}` : '';
  return `${kind}${range} (${r.unit})`;
}

/** Whether `n` satisfies `r` (finite, integer and in range as the rule says). */
export function satisfies(n: number, r: NumberRule): boolean {
  if (!Number.isFinite(n)) return false;
  if (r.integer && !Number.isSafeInteger(n)) return false;
  if (r.min !== undefined && (r.exclusiveMin ? n <= r.min : n < r.min)) return false;
  return r.max === undefined || n <= r.max;
}

/**
 * Checks a number against a rule.
 * @param where the flag or file the number came from, quoted in the error
 * @throws InputError naming `where`, the rule and the value
 */
export function checkNumber(where: string, n: number, r: NumberRule): number {
  if (!satisfies(n, r)) throw new InputError({ file: where, expected: describeRule(r), found: String(n) });
  return n;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a number typed by a user and checks it. Only plain decimals are numbers (`0x10`,
 * `Infinity`, `''` are not), and an integer must be written exactly: `9007199254740993` (2^53 + 1)
 * would silently become 2^53 in a double, so it is refused rather than rounded.
 * @throws InputError naming `where`, the rule and the text
 */
export function parseNumber(where: string, text: string, r: NumberRule): number {
  const t = text.trim();
  const n = DECIMAL.test(t) ? Number(t) : Number.NaN;
  if (!satisfies(n, r)) throw new InputError({ file: where, expected: describeRule(r), found: JSON.stringify(text) });
  return n;
}
