import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { CommanderError } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseThreshold, register } from '../../harness/cli/gate.ts';
import {
  bencherMetricFormat, gate, gateMarkdown, GateMismatchError, githubBenchmark, measureSlug, readGateRun, verdictOf,
  type GateOptions, type GateRun,
} from '../../harness/report/gate.ts';
import { DEFAULT_GATE_METRICS } from '../../harness/report/metrics.ts';
import { sealResult } from '../../harness/runner/identity.ts';
import { episodeSeed } from '../../harness/runner/plan.ts';
import type { JobResult } from '../../harness/runner/types.ts';
import { runCli } from './cli.ts';
import { AGENTS, SCENARIOS, fixtureRun, writeRun, type FixtureAgent } from './fixtures.ts';

const OPTS: GateOptions = { metrics: DEFAULT_GATE_METRICS, defaultThreshold: 0.05, minSeeds: 3, reps: 300 };

const reseal = (r: JobResult, change: Partial<JobResult>): JobResult => {
  const { resultHash: _r, provenanceHash: _p, ...rest } = { ...r, ...change };
  return sealResult(rest);
};

const base = fixtureRun('base');
// The same agents, but hybrid learns less and its policy is slower and hungrier.
const worseAgents: FixtureAgent[] = AGENTS.map((a) => (a.name === 'hybrid' ? { ...a, skill: 0.6, cost: 1.5 } : a));
const worse = fixtureRun('worse', { agents: worseAgents });

describe('verdictOf', () => {
  const iv = (lo: number, hi: number) => ({ point: (lo + hi) / 2, lo, hi });
  it('needs the whole delta interval beyond the margin on one side', () => {
    expect(verdictOf(iv(2, 5), 'lower-is-better', 1)).toBe('worse');
    expect(verdictOf(iv(0.5, 5), 'lower-is-better', 1)).toBe('same');
    expect(verdictOf(iv(-5, -2), 'lower-is-better', 1)).toBe('better');
    expect(verdictOf(iv(-0.3, -0.1), 'higher-is-better', 0)).toBe('worse');
    expect(verdictOf(iv(-0.3, -0.1), 'higher-is-better', 0.2)).toBe('same');
    expect(verdictOf(iv(0, 0), 'higher-is-better', 0)).toBe('same');
  });
});

describe('gate (paired by seed)', () => {
  it('passes a run against itself with zero deltas', () => {
    const r = gate(base, base, OPTS);
    expect(r.pass).toBe(true);
    expect(r.checks.length).toBe(AGENTS.length * SCENARIOS.length * (DEFAULT_GATE_METRICS.length + 1));
    expect(r.checks.every((c) => c.verdict === 'same' && c.delta.lo === 0 && c.delta.hi === 0)).toBe(true);
    expect(gateMarkdown(r).trim().split('\n').at(-1)).toMatch(/^gate: PASS/);
  });

  it('fails a clearly worse candidate, names the regressions and their deltas in percent', () => {
    const r = gate(base, worse, OPTS);
    expect(r.pass).toBe(false);
    expect(new Set(r.regressions.map((c) => `${c.agent}/${c.metric}`))).toEqual(new Set(['hybrid/normalisedAuc', 'hybrid/evalMeanLatencyMs', 'hybrid/deviceEnergyMj']));
    const lat = r.regressions.find((c) => c.metric === 'evalMeanLatencyMs')!;
    expect(lat.deltaPct!.lo).toBeGreaterThan(5);
    const md = gateMarkdown(r);
    expect(md).toMatch(/### Regressions \(9\)/);
    expect(md).toMatch(/\| hybrid \| edge-light \| evalMeanLatencyMs \(ms, lower is better\) \| [\d.]+ \| [\d.]+ \| \+\d+\.\d% \| \[\+\d+\.\d%, \+\d+\.\d%\] \| 6 \|/);
    expect(md.trim().split('\n').at(-1)).toMatch(/^gate: FAIL \(9 of/);
  });

  it('names an improvement as such and passes', () => {
    const r = gate(worse, base, OPTS);
    expect(r.pass).toBe(true);
    expect(r.improvements.map((c) => c.agent)).toContain('hybrid');
    expect(gateMarkdown(r)).toMatch(/### Improvements \(\d+\)/);
  });

  it('uses the threshold as a relative margin per metric', () => {
    // 3% slower and hungrier on every seed: a paired delta with a narrow interval.
    const slight = fixtureRun('slight', { agents: AGENTS.map((a) => (a.name === 'dqn' ? { ...a, cost: 1.03 } : a)) });
    expect(gate(base, slight, OPTS).pass).toBe(true);
    const strict = gate(base, slight, { ...OPTS, thresholds: { evalMeanLatencyMs: 0.01 } });
    expect(strict.regressions.map((c) => c.metric)).toEqual(['evalMeanLatencyMs', 'evalMeanLatencyMs', 'evalMeanLatencyMs']);
    expect(parseThreshold('5%,evalMeanLatencyMs=0.1')).toEqual({ defaultThreshold: 0.05, thresholds: { evalMeanLatencyMs: 0.1 } });
  });

  it('fails when an (agent, scenario) starts failing jobs, and compares its metrics on the seeds left', () => {
    const flaky = fixtureRun('flaky', { agents: AGENTS.map((a) => (a.name === 'dqn' ? { ...a, failSeeds: [episodeSeed(7, 1)] } : a)) });
    const r = gate(base, flaky, OPTS);
    expect(r.regressions.map((c) => `${c.agent}/${c.metric}`)).toEqual(['dqn/failedJobs', 'dqn/failedJobs', 'dqn/failedJobs']);
    expect(r.checks.find((c) => c.agent === 'dqn' && c.metric === 'normalisedAuc')!.seeds).toBe(5);
  });

  it('refuses runs with no agent x scenario in common (a renamed agent)', () => {
    const renamed = fixtureRun('renamed', { agents: [{ name: 'someone-else', skill: 0.5, tau: 100 }] });
    expect(() => gate(base, renamed, OPTS)).toThrow(GateMismatchError);
    expect(() => gate(base, fixtureRun('other', { scenarios: ['elsewhere'] }), OPTS)).toThrow(/at least one agent x scenario/);
  });

  it('refuses differing seeds, root seed, harness version, variant and scenario hash unless allowed, and warns when allowed', () => {
    // The case: candidate --root-seed 7 --seeds 1 against root seed 0 with 2 seeds.
    expect(() => gate(fixtureRun('b', { rootSeed: 0, seeds: 2 }), fixtureRun('c', { rootSeed: 7, seeds: 1 }), { ...OPTS, minSeeds: 1 })).toThrow(/seeds: baseline ran 2, candidate 1[\s\S]*root seed: baseline 0, candidate 7/);
    expect(() => gate(base, fixtureRun('v', { harnessVersion: '0.2.0' }), OPTS)).toThrow(/harness version: baseline 0.1.0, candidate 0.2.0/);
    const full = fixtureRun('full', { edit: (r) => reseal(r, { variant: 'full' }) });
    expect(() => gate(base, full, OPTS)).toThrow(/variant of edge-light: baseline testing, candidate full/);
    const planning = fixtureRun('planning', { edit: (r) => reseal(r, { scale: 'planning-v1' }) });
    expect(() => gate(base, planning, OPTS)).toThrow(/allow-mismatch scale[\s\S]*normalised scale: baseline clairvoyant-v3, candidate planning-v1/);
    const changed = fixtureRun('h', { edit: (r) => (r.scenario === 'crowded-edge' ? reseal(r, { scenarioHash: 'f'.repeat(64) }) : r) });
    expect(() => gate(base, changed, OPTS)).toThrow(/allow-mismatch scenario-hash[\s\S]*scenario crowded-edge changed/);
    const r = gate(base, changed, { ...OPTS, allowMismatch: ['scenario-hash'] });
    expect(r.warnings).toEqual([expect.stringMatching(/^allowed mismatch \(scenario-hash\): scenario crowded-edge changed/)]);
    expect(gateMarkdown(r)).toMatch(/^> \*\*WARNING\*\*: allowed mismatch \(scenario-hash\)/m);
    const fewer = gate(base, fixtureRun('fewer', { seeds: 4 }), { ...OPTS, allowMismatch: ['seeds'] });
    expect(fewer.pass).toBe(true);
    expect(fewer.checks.find((c) => c.metric === 'normalisedAuc')!.seeds).toBe(4);
  });

  it('refuses intervals from fewer seeds than --min-seeds', () => {
    expect(() => gate(base, base, { ...OPTS, minSeeds: 7 })).toThrow(/at least 7 seeds in both runs/);
  });
});

describe('benchmark-tracking formats', () => {
  const r = gate(base, worse, OPTS);
  it('github-action-benchmark: arrays of {name, unit, value, range?, extra?}, one direction per tool', () => {
    // The tool's BenchmarkResult (benchmark-action/github-action-benchmark src/extract.ts).
    const entry = { type: 'object', required: ['name', 'unit', 'value'], additionalProperties: false, properties: { name: { type: 'string' }, unit: { type: 'string' }, value: { type: 'number' }, range: { type: 'string' }, extra: { type: 'string' } } };
    const validate = new Ajv().compile({ type: 'array', items: entry, minItems: 1 });
    const smaller = JSON.parse(JSON.stringify(githubBenchmark(r, 'customSmallerIsBetter'))) as { name: string }[];
    const bigger = JSON.parse(JSON.stringify(githubBenchmark(r, 'customBiggerIsBetter'))) as { name: string }[];
    expect(validate(smaller), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(bigger), JSON.stringify(validate.errors)).toBe(true);
    expect(smaller.some((e) => e.name === 'hybrid/edge-light/evalMeanLatencyMs')).toBe(true);
    expect(bigger.map((e) => e.name).every((n) => n.endsWith('/normalisedAuc'))).toBe(true);
  });

  it('Bencher Metric Format validates against its documented JSON Schema', () => {
    // bencher.dev/docs/reference/bencher-metric-format: the BMF JSON Schema (draft-07), plus the documented slug limit.
    const bmf = {
      type: 'object',
      patternProperties: { '.+': { type: 'object', propertyNames: { maxLength: 64 }, patternProperties: { '.+': { type: 'object', properties: { value: { type: 'number' }, lower_value: { type: 'number' }, upper_value: { type: 'number' } }, required: ['value'] } } } },
    };
    const out = JSON.parse(JSON.stringify(bencherMetricFormat(r))) as Record<string, Record<string, { value: number; lower_value: number; upper_value: number }>>;
    const validate = new Ajv().compile(bmf);
    expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
    const m = out['hybrid/edge-light']!['eval-mean-latency-ms']!;
    expect(m.lower_value).toBeLessThanOrEqual(m.value);
    expect(m.upper_value).toBeGreaterThanOrEqual(m.value);
    expect(measureSlug('normalisedAuc')).toBe('normalised-auc');
  });
});

const runGateCli = (args: string[]) => runCli(register, ['gate', ...args]);

describe('orchbench gate (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orchbench-gate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, run: GateRun): string => writeRun(join(dir, name), run);
  const b = write('base', base);
  const w = write('worse', worse);
  const stderr = () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((c) => (lines.push(String(c)), true));
    return { text: () => lines.join(''), restore: () => spy.mockRestore() };
  };

  it('exits 1 on a regression, 0 on the same run; reads run folders or a file inside them', async () => {
    const bad = await runGateCli(['--baseline', b, '--candidate', w]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout.trim().split('\n').at(-1)).toMatch(/^gate: FAIL/);
    const same = await runGateCli(['--baseline', join(b, 'leaderboard.json'), '--candidate', b, '--json']);
    expect(same.exitCode).toBe(0);
    expect((JSON.parse(same.stdout) as { pass: boolean }).pass).toBe(true);
    expect(readGateRun(join(b, 'leaderboard.json')).dir).toBe(b);
  });

  it('prints the documented formats on stdout and appends the markdown to $GITHUB_STEP_SUMMARY', async () => {
    const summary = join(dir, 'summary.md');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    const err = stderr();
    try {
      const gh = await runGateCli(['--baseline', b, '--candidate', w, '--format', 'github-benchmark', '--benchmark-tool', 'customBiggerIsBetter']);
      expect(gh.exitCode).toBe(1);
      expect((JSON.parse(gh.stdout) as { name: string }[])[0]!.name).toMatch(/normalisedAuc$/);
      const bencher = await runGateCli(['--baseline', b, '--candidate', w, '--format', 'bencher']);
      expect(Object.keys(JSON.parse(bencher.stdout) as object)).toContain('hybrid/edge-light');
      expect(err.text()).toMatch(/^gate: FAIL/m);
    } finally {
      err.restore();
      vi.unstubAllEnvs();
    }
    expect(readFileSync(summary, 'utf8')).toMatch(/## Benchmark gate: FAIL[\s\S]*## Benchmark gate: FAIL/);
  });

  it('exits 2 on usage errors and on runs it cannot compare, never 1', async () => {
    const err = stderr();
    try {
      for (const args of [
        ['--baseline', b, '--candidate', w, '--metrics', 'speed'],
        ['--baseline', b, '--candidate', w, '--threshold', 'fast'],
        ['--baseline', b, '--candidate', w, '--format', 'xml'],
        ['--baseline', b, '--candidate', join(dir, 'missing')],
        ['--baseline', b, '--candidate', write('root0', fixtureRun('root0', { rootSeed: 0 }))],
      ]) expect((await runGateCli(args)).exitCode, args.join(' ')).toBe(2);
      expect(err.text()).toMatch(/--allow-mismatch root-seed/);
      expect((await runGateCli(['--baseline', b, '--candidate', join(dir, 'root0'), '--allow-mismatch', 'root-seed,seeds'])).exitCode).toBe(0);
      expect(err.text()).toMatch(/WARNING: allowed mismatch \(root-seed\)/);
    } finally {
      err.restore();
    }
    // Commander's own usage errors carry exit code 2 too.
    await expect(runGateCli(['--candidate', w])).rejects.toSatisfy((e: unknown) => e instanceof CommanderError && e.exitCode === 2);
  });
});
