/**
 * Bounds on the JSON files users give (scenarios, profiles, manifests, leaderboards, run.json).
 * Size: a leaderboard of the testing suite is about 1 MB, so 64 MiB leaves room for large runs and
 * still refuses a 600 MB file before parsing it. Depth: `JSON.parse` accepts any, but everything
 * after it that walks the value recursively (schema validation, hashing, error messages)
 * overflows the stack on a document nested 100,000 levels deep; the harness's own files nest
 * fewer than 10 levels.
 */
import type { InputIssue } from '../errors.ts';

/** The largest JSON file read (bytes). */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;

/** The deepest nesting accepted (objects and arrays). */
export const MAX_JSON_DEPTH = 64;

/**
 * The first place where `data` nests deeper than `maxDepth`, as an issue with its JSON pointer,
 * or undefined. Iterative, so it cannot itself overflow the stack.
 */
export function jsonDepthIssue(data: unknown, file: string, maxDepth: number = MAX_JSON_DEPTH): InputIssue | undefined {
  const stack: { value: unknown; pointer: string; depth: number }[] = [{ value: data, pointer: '', depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value, pointer, depth } = top;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) return { file, pointer, expected: `JSON nested at most ${maxDepth} levels deep`, found: 'an object or array nested deeper' };
    for (const [k, v] of Object.entries(value)) stack.push({ value: v, pointer: `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth: depth + 1 });
  }
  return undefined;
}
