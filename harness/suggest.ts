/**
 * "Did you mean ...?" for a mistyped name (a scenario id, an agent, a suite): the known names
 * within a few edits of it (Levenshtein distance, `fastest-levenshtein`), closest first.
 */
import { distance } from 'fastest-levenshtein';

/**
 * The known names closest to `found`: those at the smallest edit distance, if it is within a
 * third of its length (at least 2); at most 3, in alphabetical order.
 */
export function closeNames(found: string, known: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(found.length / 3));
  const scored = known.map((name) => ({ name, d: distance(found.toLowerCase(), name.toLowerCase()) })).filter((c) => c.d <= limit && c.d > 0);
  const best = Math.min(...scored.map((c) => c.d));
  return scored.filter((c) => c.d === best).map((c) => c.name).sort().slice(0, 3);
}

/** ` (did you mean "x"?)`, ` (did you mean "x" or "y"?)`, or '' when no known name is close. */
export function didYouMean(found: string, known: readonly string[]): string {
  const close = closeNames(found, known).map((n) => JSON.stringify(n));
  if (close.length === 0) return '';
  return ` (did you mean ${close.length === 1 ? close[0] : `${close.slice(0, -1).join(', ')} or ${close.at(-1)}`}?)`;
}
