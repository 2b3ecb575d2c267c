/**
 * The job hash names a job by everything that can change its result: changing any one input
 * changes it (so `--resume` and `merge` never reuse a line of older agent code, another scenario
 * or trace), and nothing else does. Compared on `jobHash` itself, one input at a time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentCodeHash, jobIdentity } from '../../harness/runner/identity.ts';

const spec = { agent: 'random', variant: 'testing' as 'testing' | 'full', seed: 7 };
const inputs = { harnessVersion: '0.2.0', agentCodeHash: 'a'.repeat(64), scenarioHash: 'b'.repeat(64), traceSha256s: ['c'.repeat(64)] };
const root = mkdtempSync(join(tmpdir(), 'orchbench-identity-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('jobIdentity', () => {
  it('is the same for the same spec and inputs, and echoes the inputs', () => {
    const id = jobIdentity(spec, inputs);
    expect(jobIdentity({ ...spec }, { ...inputs, traceSha256s: [...inputs.traceSha256s] }).jobHash).toBe(id.jobHash);
    expect(id).toEqual({ jobHash: expect.stringMatching(/^[0-9a-f]{64}$/), ...inputs });
  });

  type Change = [string, Partial<typeof spec>, Partial<typeof inputs>];
  it.each<Change>([
    ['agent code', {}, { agentCodeHash: 'd'.repeat(64) }],
    ['harness version', {}, { harnessVersion: '0.2.1' }],
    ['scenario', {}, { scenarioHash: 'e'.repeat(64) }],
    ['traces', {}, { traceSha256s: ['f'.repeat(64)] }],
    ['trace order', {}, { traceSha256s: ['c'.repeat(64), 'f'.repeat(64)] }],
    ['agent name', { agent: 'static-edge' }, {}],
    ['variant', { variant: 'full' }, {}],
    ['seed', { seed: 8 }, {}],
  ])('changes when only the %s changes', (_, specChange, inputChange) => {
    expect(jobIdentity({ ...spec, ...specChange }, { ...inputs, ...inputChange }).jobHash).not.toBe(jobIdentity(spec, inputs).jobHash);
  });

  it("changes when the agent's source changes, not when its checkout moves", () => {
    const hashOf = (dir: string, text: string): string => {
      const d = mkdtempSync(join(root, `${dir}-`));
      writeFileSync(join(d, 'agent.ts'), text);
      return jobIdentity(spec, { ...inputs, agentCodeHash: agentCodeHash([join(d, 'agent.ts')], d) }).jobHash;
    };
    const v1 = hashOf('a', 'export const x = 1;\n');
    expect(hashOf('b', 'export const x = 1;\n')).toBe(v1);
    expect(hashOf('c', 'export const x = 2;\n')).not.toBe(v1);
  });
});
