import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { register } from '../../harness/cli/gate.ts';
import { InputError } from '../../harness/errors.ts';
import { formatGate, gate, worseBeyondIntervals } from '../../harness/report/gate.ts';
import { buildLeaderboard } from '../../harness/report/leaderboard.ts';
import { DEFAULT_GATE_METRICS } from '../../harness/report/metrics.ts';
import { runCli } from './cli.ts';
import { AGENTS, META, TEST_STATS, fixtureResults, type FixtureAgent } from './fixtures.ts';

const baseline = buildLeaderboard(fixtureResults(), META, TEST_STATS);
// The same agents, but hybrid learns less and its policy is slower and hungrier.
const worseAgents: FixtureAgent[] = AGENTS.map((a) => (a.name === 'hybrid' ? { ...a, skill: 0.6, cost: 1.5 } : a));
const worse = buildLeaderboard(fixtureResults(worseAgents), META, TEST_STATS);

describe('worseBeyondIntervals', () => {
  const iv = (lo: number, hi: number) => ({ point: (lo + hi) / 2, lo, hi });
  it('needs the whole candidate interval on the worse side of the whole baseline interval', () => {
    expect(worseBeyondIntervals(iv(10, 20), iv(21, 30), 'lower-is-better')).toBe(true);
    expect(worseBeyondIntervals(iv(10, 20), iv(19, 30), 'lower-is-better')).toBe(false);
    expect(worseBeyondIntervals(iv(10, 20), iv(0, 9), 'lower-is-better')).toBe(false);
    expect(worseBeyondIntervals(iv(0.5, 0.7), iv(0.2, 0.4), 'higher-is-better')).toBe(true);
    expect(worseBeyondIntervals(iv(0.5, 0.7), iv(0.8, 0.9), 'higher-is-better')).toBe(false);
  });
});

describe('gate', () => {
  it('passes a run against itself', () => {
    const r = gate(baseline, baseline, DEFAULT_GATE_METRICS);
    expect(r.pass).toBe(true);
    expect(r.checks.length).toBe(AGENTS.length * (DEFAULT_GATE_METRICS.length + 1));
    expect(formatGate(r).trim().split('\n').at(-1)).toMatch(/^gate: PASS/);
  });

  it('fails a clearly worse candidate and names the regressions', () => {
    const r = gate(baseline, worse, DEFAULT_GATE_METRICS);
    expect(r.pass).toBe(false);
    const flagged = r.regressions.map((c) => `${c.agent}/${c.metric}`);
    expect(flagged).toEqual(expect.arrayContaining(['hybrid/normalisedAuc', 'hybrid/evalMeanLatencyMs', 'hybrid/deviceEnergyMj']));
    expect(r.regressions.every((c) => c.agent === 'hybrid')).toBe(true);
    expect(formatGate(r).trim().split('\n').at(-1)).toMatch(/^gate: FAIL/);
  });

  it('does not flag an improvement', () => {
    expect(gate(worse, baseline, DEFAULT_GATE_METRICS).pass).toBe(true);
  });

  it('fails when an agent starts failing jobs', () => {
    const flaky = buildLeaderboard(fixtureResults(AGENTS.map((a) => (a.name === 'dqn' ? { ...a, failSeeds: [1] } : a))), META, TEST_STATS);
    const r = gate(baseline, flaky, ['normalisedAuc']);
    expect(r.regressions.map((c) => `${c.agent}/${c.metric}`)).toContain('dqn/failureRate');
  });

  it('gates per common scenario when the scenario sets differ, and says so', () => {
    const fewer = buildLeaderboard(fixtureResults(AGENTS, ['edge-light', 'crowded-edge']), META, TEST_STATS);
    const r = gate(baseline, fewer, ['normalisedAuc']);
    expect(new Set(r.checks.filter((c) => c.metric === 'normalisedAuc').map((c) => c.scope))).toEqual(new Set(['edge-light', 'crowded-edge']));
    expect(r.notes.some((n) => n.includes('different scenarios'))).toBe(true);
  });

  it('refuses leaderboards with no agent in common', () => {
    const other = buildLeaderboard(fixtureResults([{ name: 'someone-else', skill: 0.5, tau: 100 }]), META, TEST_STATS);
    expect(() => gate(baseline, other, DEFAULT_GATE_METRICS)).toThrow(/at least one agent also in the baseline/);
  });
});

const runGateCli = (args: string[]) => runCli(register, ['gate', ...args]);

describe('orchbench gate (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orchbench-gate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'base.json'), JSON.stringify(baseline));
  writeFileSync(join(dir, 'worse.json'), JSON.stringify(worse));

  it('exits 1 with a FAIL summary for a worse candidate, 0 with PASS for the same run', async () => {
    const bad = await runGateCli(['--baseline', join(dir, 'base.json'), '--candidate', join(dir, 'worse.json')]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout.trim().split('\n').at(-1)).toMatch(/^gate: FAIL/);
    const same = await runGateCli(['--baseline', join(dir, 'base.json'), '--candidate', join(dir, 'base.json'), '--json']);
    expect(same.exitCode).toBe(0);
    expect((JSON.parse(same.stdout) as { pass: boolean }).pass).toBe(true);
  });

  it('rejects an unknown metric and an invalid leaderboard file with located input errors', async () => {
    await expect(runGateCli(['--baseline', join(dir, 'base.json'), '--candidate', join(dir, 'base.json'), '--metrics', 'speed'])).rejects.toThrow(InputError);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...baseline, aggregates: 'none' }));
    await expect(runGateCli(['--baseline', join(dir, 'base.json'), '--candidate', join(dir, 'bad.json')])).rejects.toThrow(/bad\.json#\/aggregates/);
  });
});
