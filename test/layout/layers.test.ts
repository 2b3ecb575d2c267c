/**
 * The harness reads one way: a module imports only from its own layer or the layers below it
 * (docs/layout.md). Every import of every harness and baseline source file (static `import` and
 * `export ... from`, dynamic `import()`, as TypeScript's own pre-processor finds them, so comments
 * and strings do not count) is checked against the layer table below.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.ts';

/** Lowest first. The files directly in harness/ are the base layer (key ''). */
const LAYERS: readonly (readonly string[])[] = [
  ['harness/', 'harness/io', 'harness/stats'],
  ['harness/traces', 'harness/profiles'],
  ['harness/scenario'],
  ['harness/env'],
  ['harness/reference'],
  ['harness/score'],
  ['baselines'],
  ['harness/submission'],
  ['harness/runner'],
  ['harness/report'],
  ['harness/experiment'],
  ['harness/cli'],
];

/**
 * Upward imports kept on purpose, each with why. `harness/env/policies.ts` only re-exports the
 * references under the path the published baselines import them from: a baseline's bytes are part
 * of its agent code hash, so the path has to stay while those baselines do.
 */
const KEPT: ReadonlyMap<string, string> = new Map([['harness/env/policies.ts -> harness/reference/index.ts', 'baselines/plug-in.ts, random.ts and q-learning.ts import this path']]);

/** The layer table's key of a repository-relative path ('harness/env/env.ts' -> 'harness/env'), or null outside the layered folders. */
function unitOf(path: string): string | null {
  const parts = path.split('/');
  if (parts[0] === 'baselines') return 'baselines';
  if (parts[0] !== 'harness') return null;
  return parts.length === 2 ? 'harness/' : `harness/${parts[1]}`;
}

/** The layer's index of a path, null outside the layered folders; throws for a harness folder the table does not place. */
function layerOf(path: string): number | null {
  const unit = unitOf(path);
  if (unit === null) return null;
  const i = LAYERS.findIndex((units) => units.includes(unit));
  if (i < 0) throw new Error(`${unit}/ is in no layer of test/layout/layers.test.ts (place it there and in docs/layout.md)`);
  return i;
}

function sources(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(p);
    return /\.(ts|mts|mjs|js)$/.test(e.name) ? [p] : [];
  });
}

interface Import {
  file: string;
  line: number;
  target: string;
  from: number;
  to: number;
}

/** Every relative import of `file` that lands in a layered folder. */
function importsOf(file: string): Import[] {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  const from = layerOf(file)!;
  const out: Import[] = [];
  for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
    if (!ref.fileName.startsWith('.')) continue;
    const target = relative(REPO_ROOT, resolve(REPO_ROOT, dirname(file), ref.fileName)).split(sep).join('/');
    const to = layerOf(target);
    if (to === null) continue;
    out.push({ file, line: text.slice(0, ref.pos).split('\n').length, target, from, to });
  }
  return out;
}

const label = (i: number): string => LAYERS[i]!.map((u) => (u === 'harness/' ? 'harness/*.ts' : `${u}/`)).join(' + ');
const files = [...sources('harness'), ...sources('baselines')];
const imports = files.flatMap(importsOf);

describe('layers', () => {
  it('finds the imports it checks', () => {
    // A parser that found nothing would pass everything.
    expect(files.length).toBeGreaterThan(100);
    expect(imports.some((i) => i.file === 'harness/cli/main.ts' && i.target.startsWith('harness/cli/'))).toBe(true);
    expect(imports.find((i) => i.file === 'harness/score/job.ts' && i.target === 'harness/env/env.ts')).toMatchObject({ from: 5, to: 3 });
  });

  it('no module imports from a layer above its own', () => {
    const upward = imports
      .filter((i) => i.to > i.from && !KEPT.has(`${i.file} -> ${i.target}`))
      .map((i) => `${i.file}:${i.line} (${label(i.from)}) imports ${i.target} (${label(i.to)})`);
    expect(upward).toEqual([]);
  });

  it('every kept upward import still exists and is still needed', () => {
    for (const [edge, why] of KEPT) {
      const [file, target] = edge.split(' -> ') as [string, string];
      expect(imports.some((i) => i.file === file && i.target === target), edge).toBe(true);
      expect(imports.some((i) => i.file.startsWith('baselines/') && i.target === file), `${edge}: ${why}`).toBe(true);
    }
  });
});
