/**
 * The acceptance tests' own checks, on hand-made scores: none holds on no scores, and a check
 * recorded as NOT MET passes only on its registered assertion's failure.
 */
import { describe, expect, it } from 'vitest';
import { acceptance } from '../../harness/experiment/acceptance.ts';
import { expectNotMet, NoScores, reportRows, v2Headroom, v2LearnerReaches, v2Spread, v2StaticMax, type V2Scores } from './registered-checks.ts';

const V2_CHECKS = [v2StaticMax, v2Headroom, v2Spread, v2LearnerReaches];
/** One v2 scenario row: static policies at `staticScore`, learners at 0.5 reaching on `reached` seeds, a best baseline at `best`. */
type Row = V2Scores extends Map<string, infer R> ? R : never;
const row = (staticScore: number, reached: number, best: number): Row => new Map([
  ...['static-device', 'static-edge', 'static-cloud'].map((n): [string, { evalScore: number; reached: number }] => [n, { evalScore: staticScore, reached: 0 }]),
  ...['q-learning', 'bandit'].map((n): [string, { evalScore: number; reached: number }] => [n, { evalScore: 0.5, reached }]),
  ['plug-in', { evalScore: best, reached: 0 }],
]);
const suite = (n: number, r: Row): V2Scores => new Map(Array.from({ length: n }, (_, i) => [`s${i}`, r]));

describe('v2 acceptance checks', () => {
  it.each(V2_CHECKS.map((c) => [c.name, c]))('%s fails on an empty score map (never met vacuously)', (_, check) => {
    expect(() => check(new Map())).toThrow(NoScores);
    expect(() => check(new Map([['s0', new Map()]]))).toThrow(NoScores);
  });

  it('are met and not met on hand-made scores', () => {
    const good = suite(7, row(0.3, 4, 0.8));
    for (const check of V2_CHECKS) expect(() => check(good)).not.toThrow();
    const bad = suite(7, row(0.9, 2, 0.95));
    for (const check of V2_CHECKS.filter((c) => c !== v2Spread)) expect(() => check(bad)).toThrow(expect.objectContaining({ name: 'AssertionError' }));
    expect(() => v2Spread(suite(7, row(0.5, 4, 0.55)))).toThrow(expect.objectContaining({ name: 'AssertionError' }));
  });

  it('the NOT MET checks pass on their registered assertion, as the acceptance test matches it', () => {
    const bad = suite(7, row(0.9, 2, 0.95));
    expectNotMet(() => v2Headroom(bad), /^expected \d+ to be greater than or equal to 5$/);
    expectNotMet(() => v2LearnerReaches(bad), /^expected \[ .+ \] to deeply equal \[\]$/s);
  });
});

describe('expectNotMet', () => {
  const registered = /^expected \d+ to be greater than or equal to 5$/;
  it('passes while the registered assertion fails', () => {
    expect(() => expectNotMet(() => expect(4).toBeGreaterThanOrEqual(5), registered)).not.toThrow();
  });

  it('fails when the check holds (the result changed)', () => {
    expect(() => expectNotMet(() => expect(5).toBeGreaterThanOrEqual(5), registered)).toThrow(/the check is met now/);
  });

  it('fails on any other throw: a TypeError on a missing report, missing scores, another assertion', () => {
    const missing = undefined as unknown as { checks: { headroom: { scenarios: number } } };
    expect(() => expectNotMet(() => expect(missing.checks.headroom.scenarios).toBeGreaterThanOrEqual(5), registered)).toThrow(/another reason.*TypeError/);
    expect(() => expectNotMet(() => v2Headroom(new Map()), registered)).toThrow(/another reason.*NoScores/);
    expect(() => expectNotMet(() => expect(7).toBe(5), registered)).toThrow(/another reason.*AssertionError/);
  });
});

describe('v3 acceptance report rows', () => {
  it('are required for every scenario: no report, an empty one or a partial one fails', () => {
    expect(() => reportRows(undefined, 7)).toThrow(NoScores);
    expect(() => reportRows(acceptance([]), 7)).toThrow(NoScores);
    const one = acceptance([{ scenario: 'a', agent: 'static-edge', normalisedEvalReward: 0.2, interactionsToThreshold: null }]);
    expect(() => reportRows(one, 7)).toThrow(/1 scenarios, not 7/);
    expect(reportRows(one, 1)).toEqual(one.rows);
  });
});
