/**
 * The value of planning: positive where per-request choices queue later requests, and the upper
 * bound at or above the planning reference; `scenario list` prints it per scenario.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioReferences } from '../../harness/reference/value.ts';
import { PACKAGE_ROOT } from '../../harness/version.ts';
import { fixedLink, fixtureScenario } from '../env/fixtures.ts';

describe('value of planning', () => {
  it('is positive on a queueing scenario, with the bound above the planning reference', () => {
    const s = fixtureScenario({ users: 3, rateHz: 4, periodic: false, edgeCores: 1, wan: fixedLink(10, 10), edgeSamplesMs: [60], deviceSamplesMs: [200], evaluationDecisions: 300 });
    const r = scenarioReferences(s, [1, 2]);
    expect(r.valueOfPlanning).toBeGreaterThan(0);
    expect(r.valueOfPlanning).toBeCloseTo((r.planning - r.myopic) / (r.myopic - r.random), 12);
    expect(r.bound).toBeGreaterThan(r.planning);
    expect(r.boundNormalised).toBeGreaterThan(1);
  });

  it('scenario list --planning prints it per scenario (and leaves it out without)', () => {
    const bin = path.join(PACKAGE_ROOT, 'bin/orchbench.js');
    const env = { ...process.env, NO_COLOR: '1' };
    const list = (...extra: string[]) => JSON.parse(execFileSync('node', [bin, 'scenario', 'list', '--scenarios', 'lte-driving-4u-battery-v3', '--variant', 'testing', '--json', ...extra], { encoding: 'utf8', env })) as { scenarios: Record<string, unknown>[] };
    expect(typeof list('--planning').scenarios[0]!.valueOfPlanning).toBe('number');
    expect(list().scenarios[0]!.valueOfPlanning).toBeUndefined();
  });
});
