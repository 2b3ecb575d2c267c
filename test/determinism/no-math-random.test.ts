/** Every random stream derives from the root seed: no source file of the harness, baselines or examples calls Math.random. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|mts|mjs|js)$/.test(name) ? [p] : [];
  });
}

describe('determinism', () => {
  it('no Math.random call in harness/, baselines/, submissions/ or bench/', () => {
    const files = ['harness', 'baselines', 'submissions', 'bench'].flatMap((d) => sources(join(REPO_ROOT, d)));
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((f) => /Math\.random\s*\(/.test(readFileSync(f, 'utf8'))).map((f) => relative(REPO_ROOT, f));
    expect(offenders).toEqual([]);
  });
});
