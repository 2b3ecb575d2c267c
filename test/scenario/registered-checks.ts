/**
 * The pre-registered acceptance checks as the acceptance tests assert them, in a form a fast test
 * can try on hand-made scores: a check never holds vacuously (no scores fail every check), and a
 * check recorded as NOT MET passes only while its own assertion fails, not on any throw (a
 * TypeError on a missing report must turn the test red, not pass it as "not met").
 */
import { expect } from 'vitest';
import type { AcceptanceReport, AcceptanceRow } from '../../harness/experiment/acceptance.ts';

/** Thrown when there is nothing to judge: never an assertion of a check, so never "not met" either. */
export class NoScores extends Error {
  override name = 'NoScores';
}

/**
 * Runs a check recorded as NOT MET: passes when the check's own assertion fails with a message
 * matching `failure`; throws when the check now holds (record the new result) or when it failed
 * for another reason (a TypeError, missing scores, another assertion).
 */
export function expectNotMet(check: () => void, failure: RegExp): void {
  let thrown: unknown = null;
  try {
    check();
  } catch (e) {
    thrown = e;
  }
  if (thrown === null) throw new Error('the check is met now: record the new result (make this an ordinary test)');
  if (!(thrown instanceof Error && thrown.name === 'AssertionError' && failure.test(thrown.message))) {
    throw new Error(`the check failed for another reason than its registered assertion (${failure}): ${String(thrown)}`, { cause: thrown });
  }
}

/** The rows of a v3 acceptance report, which must hold every scenario of the suite. */
export function reportRows(report: AcceptanceReport | undefined, scenarios: number): AcceptanceRow[] {
  if (report === undefined) throw new NoScores('no acceptance report: did the scoring test run?');
  if (report.rows.length !== scenarios) throw new NoScores(`the acceptance report has ${report.rows.length} scenarios, not ${scenarios}`);
  return report.rows;
}

/** v2 scores: scenario -> baseline -> mean normalised evaluation reward, and seeds reaching the threshold. */
export type V2Scores = Map<string, Map<string, { evalScore: number; reached: number }>>;

export const V2_STATIC = ['static-device', 'static-edge', 'static-cloud'];
export const V2_LEARNERS = ['q-learning', 'bandit'];

/** Every scenario's row, each with the baselines every check reads (the static ones and the learners). */
function v2Rows(scores: V2Scores): [string, Map<string, { evalScore: number; reached: number }>][] {
  if (scores.size === 0) throw new NoScores('no v2 scores: did the scoring test run?');
  for (const [id, row] of scores) {
    const missing = [...V2_STATIC, ...V2_LEARNERS].filter((n) => !row.has(n));
    if (missing.length) throw new NoScores(`no v2 scores of ${missing.join(', ')} on ${id}`);
  }
  return [...scores];
}

/** v2 check 2: the best static policy scores <= 0.85 on every scenario. */
export function v2StaticMax(scores: V2Scores): void {
  const over = v2Rows(scores).map(([id, row]) => [id, Math.max(...V2_STATIC.map((n) => row.get(n)!.evalScore))] as const).filter(([, v]) => v > 0.85);
  expect(over).toEqual([]);
}

/** v2 check 3: on at least 5 scenarios no baseline scores above 0.9. */
export function v2Headroom(scores: V2Scores): void {
  const headroom = v2Rows(scores).filter(([, row]) => Math.max(...[...row.values()].map((v) => v.evalScore)) <= 0.9);
  expect(headroom.length).toBeGreaterThanOrEqual(5);
}

/** v2 check 4: the best and worst non-random baselines are >= 0.15 apart on every scenario. */
export function v2Spread(scores: V2Scores): void {
  const narrow = v2Rows(scores).map(([id, row]) => {
    const v = [...row.values()].map((x) => x.evalScore);
    return [id, Math.max(...v) - Math.min(...v)] as const;
  }).filter(([, spread]) => spread < 0.15);
  expect(narrow).toEqual([]);
}

/** v2 check 5: a learner reaches the sample-efficiency threshold on >= 3 of 5 seeds on every scenario. */
export function v2LearnerReaches(scores: V2Scores): void {
  const none = v2Rows(scores).filter(([, row]) => !V2_LEARNERS.some((n) => row.get(n)!.reached >= 3)).map(([id]) => id);
  expect(none).toEqual([]);
}
