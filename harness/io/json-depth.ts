/**
 * A bound on how deeply a JSON document nests. `JSON.parse` accepts any depth, but everything
 * after it that walks the value recursively (schema validation, hashing, error messages) overflows
 * the stack on a document nested 100,000 levels deep; the harness's own files nest fewer than 10.
 */
import type { InputIssue } from '../errors.ts';

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
