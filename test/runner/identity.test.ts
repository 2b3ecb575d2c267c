/**
 * The job hash names a job by everything that can change its result: changing any one input
 * changes it (so `--resume` and `merge` never reuse a line of older agent code, another scenario
 * or trace), and nothing else does. Compared on `jobHash` itself, one input at a time.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  agentCodeHash, byJobHash, failedResult, jobIdentity, portablePath, processLimitsOf, provenanceHashOf, provenanceOf, resultHashOf, runsIsolated,
} from '../../harness/runner/identity.ts';
import type { JobSpec } from '../../harness/runner/types.ts';
import { findBubblewrap } from '../../harness/submission/isolation.ts';
import { DEFAULT_LIMITS } from '../../harness/submission/process-agent.ts';

const spec = { agent: 'random', variant: 'testing' as 'testing' | 'full', seed: 7 };
const inputs = { harnessVersion: '0.2.0', agentCodeHash: 'a'.repeat(64), scenarioHash: 'b'.repeat(64), traceSha256s: ['c'.repeat(64)] };
const root = mkdtempSync(join(tmpdir(), 'orchbench-identity-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('jobIdentity', () => {
  it('is the same for the same spec and inputs, and echoes the inputs', () => {
    const id = jobIdentity(spec, inputs);
    expect(jobIdentity({ ...spec }, { ...inputs, traceSha256s: [...inputs.traceSha256s] }).jobHash).toBe(id.jobHash);
    // New jobs are on the current scale and say so; the legacy one is not named (lines from before scales).
    expect(id).toEqual({ jobHash: expect.stringMatching(/^[0-9a-f]{64}$/), ...inputs, scale: 'planning-v2' });
    expect(jobIdentity({ ...spec, scale: 'clairvoyant-v3' }, inputs)).toEqual({ jobHash: expect.stringMatching(/^[0-9a-f]{64}$/), ...inputs });
  });

  type Change = [string, Partial<typeof spec> & { scale?: 'clairvoyant-v3' }, Partial<typeof inputs>];
  it.each<Change>([
    ['agent code', {}, { agentCodeHash: 'd'.repeat(64) }],
    ['harness version', {}, { harnessVersion: '0.2.1' }],
    ['scenario', {}, { scenarioHash: 'e'.repeat(64) }],
    ['traces', {}, { traceSha256s: ['f'.repeat(64)] }],
    ['trace order', {}, { traceSha256s: ['c'.repeat(64), 'f'.repeat(64)] }],
    ['agent name', { agent: 'static-edge' }, {}],
    ['variant', { variant: 'full' }, {}],
    ['seed', { seed: 8 }, {}],
    ['scale', { scale: 'clairvoyant-v3' }, {}],
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

describe('agentCodeHash', () => {
  it('is sha256 over each file as its relative path, NUL, its length, NUL and its bytes (a symlink as "symlink -> target")', () => {
    const d = mkdtempSync(join(root, 'format-'));
    writeFileSync(join(d, 'a.ts'), 'export {};\n');
    symlinkSync('a.ts', join(d, 'l.ts'));
    const link = Buffer.from('symlink -> a.ts');
    const expected = createHash('sha256').update('a.ts\u000011\u0000').update('export {};\n').update(`l.ts\u0000${link.length}\u0000`).update(link).digest('hex');
    expect(agentCodeHash([join(d, 'a.ts'), join(d, 'l.ts')], d)).toBe(expected);
  });

  it('hashes a symlink as the name it points to, never following it', () => {
    const d = mkdtempSync(join(root, 'link-'));
    writeFileSync(join(d, 'a.txt'), 'one');
    writeFileSync(join(d, 'b.txt'), 'two');
    symlinkSync('a.txt', join(d, 'link'));
    const h = agentCodeHash([join(d, 'link')], d);
    writeFileSync(join(d, 'a.txt'), 'changed');
    expect(agentCodeHash([join(d, 'link')], d)).toBe(h);
    rmSync(join(d, 'link'));
    symlinkSync('b.txt', join(d, 'link'));
    expect(agentCodeHash([join(d, 'link')], d)).not.toBe(h);
  });
});

describe('run options and provenance', () => {
  it('processLimitsOf: the defaults, overridden limits, and the job time-out in seconds', () => {
    expect(processLimitsOf()).toEqual(DEFAULT_LIMITS);
    expect(processLimitsOf({ limits: { heapMb: 64 } })).toEqual({ ...DEFAULT_LIMITS, heapMb: 64 });
    expect(processLimitsOf({ jobTimeoutS: 4, limits: { jobMs: 1 } })).toEqual({ ...DEFAULT_LIMITS, jobMs: 4000 });
  });

  it('portablePath: relative inside the working directory, absolute outside it and for the directory itself', () => {
    expect(portablePath(join(process.cwd(), 'scenarios', 'x.json'))).toBe(join('scenarios', 'x.json'));
    expect(portablePath('scenarios/x.json')).toBe(join('scenarios', 'x.json'));
    expect(portablePath(join(root, 'x.json'))).toBe(join(root, 'x.json'));
    expect(portablePath(process.cwd())).toBe(process.cwd());
  });

  const folder = mkdtempSync(join(root, 'sub-'));
  mkdirSync(join(folder, 'inner'));
  const file = join(folder, 'agent.ts');
  writeFileSync(file, '');
  const job = (extra: Partial<JobSpec>): JobSpec => ({ agent: 'a', agentKind: 'submission', scenario: 's', scenarioFile: join(process.cwd(), 'scenarios', 's.json'), variant: 'testing', seed: 1, ...extra });

  it('runsIsolated: only a submission folder with sandbox set', () => {
    expect(runsIsolated(job({ agentPath: folder, sandbox: true }))).toBe(true);
    expect(runsIsolated(job({ agentPath: folder }))).toBe(false);
    expect(runsIsolated(job({ agentPath: file, sandbox: true }))).toBe(false);
    expect(runsIsolated(job({ agentPath: join(folder, 'missing'), sandbox: true }))).toBe(false);
    expect(runsIsolated(job({ sandbox: true }))).toBe(false);
    expect(runsIsolated(job({ agentKind: 'baseline', agentPath: folder, sandbox: true }))).toBe(false);
  });

  it('provenanceOf: where the inputs are, and whether the agent ran isolated (with its limits) or trusted', () => {
    expect(provenanceOf(job({ agentKind: 'baseline' }))).toEqual({ scenarioFile: join('scenarios', 's.json') });
    expect(provenanceOf(job({ agentPath: file, sandbox: true }))).toEqual({ scenarioFile: join('scenarios', 's.json'), agentPath: file, trusted: true });
    const isolated = provenanceOf(job({ agentPath: folder, sandbox: true }), { ...DEFAULT_LIMITS, heapMb: 77 });
    expect(isolated).toMatchObject({ scenarioFile: join('scenarios', 's.json'), agentPath: folder, sandbox: true });
    expect(isolated.trusted).toBeUndefined();
    if (findBubblewrap()) expect(isolated.isolation).toMatchObject({ limits: { heapMb: 77 } });
  });

  it('failedResult: a sealed failed line with a bounded one-line reason and no metrics', () => {
    const spec = job({ agentKind: 'baseline' });
    const id = jobIdentity(spec, inputs);
    const r = failedResult(spec, id, `boom\n${'x'.repeat(5000)}`, 12);
    expect(r).toMatchObject({ ...id, agent: 'a', status: 'failed', timing: { wallMs: 12, learnMs: 0, planningMs: 0, evalMs: 0 } });
    expect(r.metrics).toBeUndefined();
    expect(r.reason!.length).toBeLessThan(1000);
    expect(r.reason).not.toContain('\n');
    expect(r.resultHash).toBe(resultHashOf(r));
    expect(r.provenanceHash).toBe(provenanceHashOf(r));
  });

  it('provenanceHash seals the provenance to the result: another provenance, another hash; the result hash stays', () => {
    const spec = job({ agentKind: 'baseline' });
    const r = failedResult(spec, jobIdentity(spec, inputs), 'boom', 1);
    const moved = { ...r, provenance: { scenarioFile: 'elsewhere.json' } };
    expect(resultHashOf(moved)).toBe(r.resultHash);
    expect(provenanceHashOf(moved)).not.toBe(r.provenanceHash);
    expect(provenanceHashOf({ resultHash: 'x'.repeat(64), provenance: r.provenance })).not.toBe(r.provenanceHash);
    expect(provenanceHashOf({ resultHash: r.resultHash })).not.toBe(r.provenanceHash);
  });

  it('byJobHash orders by jobHash, equal hashes as equal', () => {
    const xs = ['c', 'a', 'b'].map((jobHash) => ({ jobHash }));
    expect([...xs].sort(byJobHash).map((x) => x.jobHash)).toEqual(['a', 'b', 'c']);
    expect(byJobHash({ jobHash: 'a' }, { jobHash: 'a' })).toBe(0);
    expect(byJobHash({ jobHash: 'a' }, { jobHash: 'b' })).toBe(-1);
    expect(byJobHash({ jobHash: 'b' }, { jobHash: 'a' })).toBe(1);
  });
});
