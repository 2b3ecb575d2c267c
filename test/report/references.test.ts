/**
 * The leaderboard's references of each scenario: value of planning, the upper bound on the scale
 * and each reference's accuracy-violation rate, from the lines' recorded references, in both the
 * Markdown and the HTML page; a page never mixes scales.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leaderboardScale, scenarioReferenceRows } from '../../harness/report/references.ts';
import { writeLeaderboard } from '../../harness/report/leaderboard.ts';
import type { JobResult } from '../../harness/runner/types.ts';
import { META, SCENARIOS, TEST_STATS, fixtureResults } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'orchbench-lb-refs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fixture's lines on planning-v1, with references per seed: random 0.1 s, myopic 0.5 s, planning 0.6 s, bound 1.1 s (s = 1 + seed index). */
function planningLines(): JobResult[] {
  const seeds = [...new Set(fixtureResults().map((r) => r.seed))].sort((a, b) => a - b);
  return fixtureResults().map((r) => {
    const s = 1 + seeds.indexOf(r.seed);
    const evalRefs = { randomReward: 0.1 * s, oracleReward: 0.6 * s, myopicReward: 0.5 * s, planningReward: 0.6 * s, boundReward: 1.1 * s, accuracyViolationRate: { random: 0.5, myopic: 0.1 * (s % 2), planning: 0 } };
    return { ...r, scale: 'planning-v1', metrics: { ...r.metrics!, evalRefs } };
  });
}

describe('references of each scenario on the leaderboard', () => {
  it('value of planning, the bound on the scale and the accuracy-violation rates, from the lines', async () => {
    const lines = planningLines();
    const seeds = new Set(lines.map((r) => r.seed)).size;
    const rows = scenarioReferenceRows(lines, SCENARIOS);
    expect(rows.map((r) => r.scenario)).toEqual([...SCENARIOS]);
    // Means over seeds: random 0.1 m, myopic 0.5 m, planning 0.6 m, bound 1.1 m (m the mean multiplier).
    for (const r of rows) {
      expect(r).toMatchObject({ scale: 'planning-v1', seeds });
      expect(r.valueOfPlanning).toBeCloseTo(0.1 / 0.4, 12);
      expect(r.boundNormalised).toBeCloseTo(1.0 / 0.5, 12);
      expect(r.accuracyViolationRate!.random).toBeCloseTo(0.5, 12);
      expect(r.accuracyViolationRate!.planning).toBe(0);
    }
    await writeLeaderboard(dir, lines, META, TEST_STATS);
    const md = readFileSync(join(dir, 'leaderboard.md'), 'utf8');
    expect(md).toContain('References of each scenario (evaluation phase, means over seeds; scale planning-v1: random = 0, the planning reference = 1)');
    expect(md).toContain('| scenario | seeds | value of planning | upper bound (normalised) | accuracy violations: random | myopic | planning |');
    expect(md).toContain(`| ${SCENARIOS[0]} | ${seeds} | 0.25 | 2 | 50% |`);
    const html = readFileSync(join(dir, 'leaderboard.html'), 'utf8');
    expect(html).toContain('value of planning');
    expect(html).toContain('scale planning-v1');
  });

  it('lines on clairvoyant-v3 (no scale field) say the figures are not recorded; mixed scales are refused', () => {
    const legacy = fixtureResults();
    expect(leaderboardScale(legacy)).toBe('clairvoyant-v3');
    expect(scenarioReferenceRows(legacy, SCENARIOS.slice(0, 1))).toEqual([{ scenario: SCENARIOS[0], scale: 'clairvoyant-v3', seeds: new Set(legacy.map((r) => r.seed)).size, valueOfPlanning: null, boundNormalised: null, accuracyViolationRate: null }]);
    const mixed = [...legacy.slice(0, 3), ...planningLines().slice(3)];
    expect(() => leaderboardScale(mixed)).toThrow(/one normalised scale.*3 lines on clairvoyant-v3, \d+ lines on planning-v1/s);
  });
});
