import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaRefWarnings } from '../../harness/cli/scenario.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const scratch = mkdtempSync(join(tmpdir(), 'orchbench-schema-ref-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('scenario check: $schema of a copied scenario', () => {
  it('is silent where $schema resolves, and names the working path where a copy broke it', () => {
    const shipped = join(REPO_ROOT, 'scenarios/examples/byo-phone-log-1u-v1.json');
    expect(schemaRefWarnings(shipped)).toEqual([]);
    cpSync(join(REPO_ROOT, 'scenarios/examples'), join(scratch, 'my-bench'), { recursive: true });
    const [w, ...rest] = schemaRefWarnings(join(scratch, 'my-bench', 'byo-phone-log-1u-v1.json'));
    expect(rest).toEqual([]);
    expect(w).toMatch(/^\$schema "\.\.\/schema\/scenario\.schema\.json" names no file from .*my-bench; the scenario schema is "(\.\.\/)+.*scenarios\/schema\/scenario\.schema\.json" from there/);
  });
});
