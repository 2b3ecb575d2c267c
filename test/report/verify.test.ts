import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobLimit, register } from '../../harness/cli/verify.ts';
import { readResultLines } from '../../harness/report/results.ts';
import { currentLines, diffResults, formatVerify, sampleIndices, verifyResults, type VerifyOptions } from '../../harness/report/verify.ts';
import { runJob } from '../../harness/runner/job.ts';
import { sealResult } from '../../harness/runner/identity.ts';
import type { JobResult, JobSpec } from '../../harness/runner/types.ts';
import { resolveScenarioFile } from '../../harness/scenario/load.ts';
import { runCli } from './cli.ts';
import { AGENTS, fixtureResult, fixtureResults } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'orchbench-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes results as a journal file; returns its path. */
function journal(name: string, results: readonly JobResult[]): string {
  const file = join(dir, name);
  writeFileSync(file, results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return file;
}

/** A "runner" that recomputes fixture results from their spec (deterministic, like the real one). */
const fixtureRunner: Pick<VerifyOptions, 'runJob' | 'specOf'> = {
  specOf: (r) => ({ agent: r.agent, agentKind: r.agentKind, scenario: r.scenario, scenarioFile: `${r.scenario}.json`, variant: r.variant, seed: r.seed }),
  runJob: async (spec: JobSpec) => {
    const agent = AGENTS.find((a) => a.name === spec.agent)!;
    const r = fixtureResult(agent, spec.scenario, spec.seed);
    if (r.status === 'failed') throw new Error(r.reason);
    return r;
  },
};

describe('verify: the cheap seal check (no re-run)', () => {
  it('flags exactly the line whose content no longer matches its resultHash', async () => {
    const results = fixtureResults().slice(0, 12);
    const file = journal('tampered.jsonl', results);
    const text = readFileSync(file, 'utf8').split('\n');
    // Someone improves a latency by hand on line 5.
    const edited = JSON.parse(text[4]!) as JobResult;
    edited.metrics!.eval.meanLatencyMs = 1;
    text[4] = JSON.stringify(edited);
    writeFileSync(file, text.join('\n'));
    const report = await verifyResults(readResultLines(file), { ...fixtureRunner, noRerun: true });
    expect(report.ok).toBe(false);
    expect(report.reRun).toBe(0);
    expect(report.entries.filter((e) => e.status === 'tampered').map((e) => e.line)).toEqual([5]);
  });

  it('accepts untouched lines, including those of failed jobs', async () => {
    const results = fixtureResults().filter((r) => r.agent === 'my-submission');
    expect(results.some((r) => r.status === 'failed')).toBe(true);
    const report = await verifyResults(readResultLines(journal('clean.jsonl', results)), { ...fixtureRunner, noRerun: true });
    expect(report.ok).toBe(true);
  });
});

describe('verify: the journal it reads', () => {
  it('checks a retried job by its retry, not by the failure the retry replaced', () => {
    const ok = fixtureResults().find((r) => r.status === 'ok')!;
    const failed = sealResult({ ...ok, status: 'failed', reason: 'exceeded the 200 ms per-decision limit', metrics: undefined });
    const other = fixtureResults().find((r) => r.status === 'ok' && r.jobHash !== ok.jobHash)!;
    const lines = readResultLines(journal('retried.jsonl', [failed, other, ok]));
    const { current, superseded } = currentLines(lines);
    expect(superseded).toBe(1);
    expect(current.map((l) => [l.line, l.result.status])).toEqual([[2, 'ok'], [3, 'ok']]);
    // A job whose only lines failed is still checked (its last failure).
    expect(currentLines(readResultLines(journal('failed-only.jsonl', [failed, other]))).superseded).toBe(0);
  });

  it('refuses a results.jsonl that is a FIFO at once instead of waiting for a writer', () => {
    const fifo = join(dir, 'fifo.jsonl');
    execFileSync('mkfifo', [fifo]);
    expect(() => readResultLines(fifo)).toThrow(`${fifo}: expected a results journal (results.jsonl) (a regular file); found a FIFO (named pipe)`);
  });
});

describe('verify: the re-run check', () => {
  it('matches when re-running reproduces every result (failed jobs fail again)', async () => {
    const lines = readResultLines(journal('rerun.jsonl', fixtureResults().filter((r) => r.scenario === 'edge-light')));
    const report = await verifyResults(lines, fixtureRunner);
    expect(report.ok).toBe(true);
    expect(report.reRun).toBe(lines.length);
  });

  it('a line that cannot be re-run (sealed, no secret) is seal-checked only and named, and the verdict says so', async () => {
    const lines = readResultLines(journal('sealed.jsonl', fixtureResults().filter((r) => r.agent === 'dqn' && r.scenario === 'edge-light')));
    let ran = 0;
    const report = await verifyResults(lines, { ...fixtureRunner, runJob: async (spec, r) => (ran++, fixtureRunner.runJob(spec, r)), cannotReRun: () => 'sealed: no secret' });
    expect(ran).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.notReRunnable).toBe(lines.length);
    const text = formatVerify(report);
    expect(text).toContain('sealed: no secret');
    expect(text.trim().split('\n').pop()).toMatch(new RegExp(`${lines.length} COULD NOT be re-run\\)$`));
  });

  it('re-runs with the run\'s job time limit, else the one a sandboxed line recorded', () => {
    const line = { provenance: { scenarioFile: 'x', isolation: { limits: { cpuS: 54 } } } } as unknown as JobResult;
    expect(jobLimit(60, line)).toEqual({ jobTimeoutS: 60 });
    expect(jobLimit(undefined, line)).toEqual({ jobTimeoutS: 54 });
    expect(jobLimit(undefined, undefined)).toEqual({});
  });

  it('reports the differing fields when a re-run gives another result', async () => {
    const lines = readResultLines(journal('drift.jsonl', fixtureResults().filter((r) => r.agent === 'dqn' && r.scenario === 'edge-light')));
    const drifting: VerifyOptions = {
      ...fixtureRunner,
      runJob: async (spec, recorded) => {
        const r = await fixtureRunner.runJob(spec, recorded);
        if (spec.seed !== 2) return r;
        const { resultHash: _h, ...rest } = r;
        return sealResult({ ...rest, metrics: { ...r.metrics!, normalisedAuc: r.metrics!.normalisedAuc + 0.01, decisionLogSha256: '0'.repeat(64) } });
      },
    };
    const report = await verifyResults(lines, drifting);
    expect(report.ok).toBe(false);
    const bad = report.entries.filter((e) => e.status === 'differs');
    expect(bad.map((e) => e.seed)).toEqual([2]);
    expect(bad[0]!.diffs.map((d) => d.pointer).sort()).toEqual(['/metrics/decisionLogSha256', '/metrics/normalisedAuc']);
    expect(bad[0]!.problems.join('\n')).toMatch(/decision log sha256/);
  });

  it('names the jobs that ran trusted (not sandboxed), re-run or not, and counts them in the verdict', async () => {
    const picked = fixtureResults().filter((r) => r.scenario === 'edge-light' && (r.agent === 'dqn' || r.agent === 'my-submission') && r.seed <= 2);
    // Provenance is sealed by its own hash (provenanceHash): reseal the line that ran isolated.
    const results = picked.map((r) => {
      if (!(r.agent === 'my-submission' && r.seed === 1)) return r;
      const { resultHash: _r, provenanceHash: _p, ...rest } = r;
      return sealResult({ ...rest, provenance: { scenarioFile: 'x.json', sandbox: true } });
    });
    const lines = readResultLines(journal('trusted.jsonl', results));
    const report = await verifyResults(lines, { ...fixtureRunner, noRerun: true });
    expect(report.ok).toBe(true);
    const trusted = report.entries.filter((e) => e.trusted).map((e) => `${e.agent} ${e.seed}`);
    expect(trusted).toEqual(['my-submission 2']);
    expect(report.trusted).toBe(1);
    const text = formatVerify(report);
    expect(text).toMatch(/^unchecked line \d+: my-submission on edge-light, seed 2 \(ran TRUSTED, without isolation; re-run isolated here\)$/m);
    expect(text).not.toMatch(/seed 1 \(ran TRUSTED/);
    expect(text).toMatch(/^note: 1 line\(s\) come from submissions run trusted .*baselines included/m);
    // One note, and no advice to use a flag that does not exist.
    expect(text.match(/^note:/gm)).toHaveLength(1);
    expect(text).not.toContain('--sandbox');
    expect(text.trim().split('\n').at(-1)).toBe(`verify: OK (${lines.length} lines sealed-checked, 0 re-run, 0 bad, 1 from trusted submissions)`);
  });

  it('re-runs a seeded sample of K distinct lines', () => {
    const a = sampleIndices(50, 7, 3);
    expect(a).toEqual(sampleIndices(50, 7, 3));
    expect(new Set(a).size).toBe(7);
    expect(a.every((i) => i >= 0 && i < 50)).toBe(true);
    expect(a).not.toEqual(sampleIndices(50, 7, 4));
    expect(sampleIndices(5, 9, 1)).toEqual([0, 1, 2, 3, 4]);
  });

  it('ignores timing and lists nested differences by JSON pointer', () => {
    const r = fixtureResult(AGENTS[0]!, 'edge-light', 1);
    const other = { ...r, timing: { ...r.timing, wallMs: r.timing.wallMs + 5 }, traceSha256s: ['x'] };
    expect(diffResults(r, other)).toEqual([{ pointer: '/traceSha256s/0', recorded: JSON.stringify(r.traceSha256s[0]), recomputed: '"x"' }]);
  });
});

const runVerifyCli = (args: string[]) => runCli(register, ['verify', ...args]);

// A self-contained scenario (generated traces, no ../shared), in its short testing variant.
const SCENARIO = 'tuning-lte-short-4u-mixed-v1';

describe('orchbench verify with the real runner', () => {
  const runDir = join(dir, 'real');
  beforeAll(async () => {
    const specs: JobSpec[] = [1, 2].map((seed) => ({ agent: 'random', agentKind: 'baseline', scenario: SCENARIO, scenarioFile: resolveScenarioFile(SCENARIO), variant: 'testing', seed }));
    const results = [];
    for (const s of specs) results.push(await runJob(s));
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'results.jsonl'), results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  });

  it('re-runs every job and finds the same hashes (exit 0)', async () => {
    const r = await runVerifyCli([runDir]);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^verify: OK \(2 lines sealed-checked, 2 re-run, 0 bad\)/);
    expect(r.exitCode).toBe(0);
  });

  it('catches a tampered line without re-running (exit 1, names the line)', async () => {
    const file = join(runDir, 'results.jsonl');
    const text = readFileSync(file, 'utf8').split('\n');
    text[1] = text[1]!.replace(/"meanLatencyMs":[0-9.e+-]+/, '"meanLatencyMs":1');
    writeFileSync(file, text.join('\n'));
    const r = await runVerifyCli([runDir, '--no-rerun', '--json']);
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as { entries: { line: number; status: string }[] };
    expect(report.entries.map((e) => e.status)).toEqual(['not re-run', 'tampered']);
  });
});
