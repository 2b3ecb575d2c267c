/**
 * Option parsing shared by the commands: numbers against the rules of `harness/bounds.ts`, and
 * comma-separated lists. Every refusal is an InputError naming the flag, so the CLI prints it
 * without a stack trace.
 */
import { type NumberRule, parseNumber } from '../bounds.ts';
import { InputError } from '../errors.ts';

/** A commander argument parser for a numeric option (`.option('--x <n>', '...', numberOption('--x', RULES.y))`). */
export function numberOption(flag: string, rule: NumberRule): (text: string) => number {
  return (text) => parseNumber(flag, text, rule);
}

/**
 * A comma-separated list of names; `undefined` when the option was not given.
 * @throws InputError for an empty list or an empty name (`--agents ,` must not mean "nothing to run")
 */
export function commaList(flag: string, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((x) => x.trim());
  if (names.some((n) => n === '')) throw new InputError({ file: flag, expected: 'comma-separated names, none of them empty (e.g. a,b)', found: JSON.stringify(text) });
  return names;
}
