/**
 * Pre-registered acceptance checks of the v4 default suite (issue 20), on the testing variants with
 * job seeds 1-5 (the thresholds were calibrated on seeds 101-105 with rule v4, the designs chosen on
 * seeds 201-203), on references and non-learning policies only (`harness/experiment/acceptance-v4.ts`):
 * 0. the scenario files are the pre-registered ones (hashes in scenarios/registry-v4.json);
 * 1. value of planning >= 0.15 on at least 5 of 7 scenarios;
 * 2. every constant policy <= 0.7 on every scenario;
 * 3. the greedy heuristic and plug-in <= 0.85 on every scenario;
 * 4. no non-learning policy's own learning curve reaches the scenario's threshold on a majority of seeds;
 * 5. the upper bound >= 1.05 on every scenario;
 * 6. the planning reference violates the accuracy requirement on <= 2% of requests.
 *
 * This file, the scenario files and their hashes were committed before the learners' runs on v4;
 * the outcome is reported as measured (a failed check stays failed: recorded as NOT MET in the
 * commit that records it, never a changed suite). One disclosure: a helper building `dqn-v4` ran
 * `dqn` and `dqn-v4` on the v4 files of commit b5243d6 (the designs, before their thresholds were
 * calibrated; testing variants, seeds 1-3) before this registration; the designs had been fixed in
 * that commit, the thresholds follow calibration rule v4 from non-learners only, and nothing was
 * changed after those runs.
 *
 * Outcome (first run after registration, commit 468c8ba, 78 s): checks 0, 1, 5 and 6 hold (value of
 * planning 0.151-0.363 on all 7; upper bound 2.10-2.44; the planning reference violates no
 * requirement: it is hard). Three do NOT hold, recorded with `expectNotMet`:
 * 2. a constant policy scores above 0.7 on 4 of 7 scenarios, each time "the device with the
 *    smallest legal model" (its action device efficientnet_b0; masked requests fall back to the first
 *    legal action, the smallest model on the device that meets the requirement): 0.707 on
 *    3g-commute-1u-charging, 0.769 on lte-driving-16u, 0.717 on lte-driving-4u-battery, 0.775 on
 *    lte-driving-4u-deadlines-energy (on LTE its 260 ms promotion makes opening the radio cheap and
 *    staying local strong, docs/scenario-design.md);
 * 3. plug-in scores 0.870 on 5g-mmwave-16u (greedy-heuristic <= 0.824 and plug-in <= 0.817 elsewhere);
 * 4. the greedy heuristic's own learning curve reaches the threshold on a majority of the job seeds
 *    on 4 scenarios (5/5 on 3g-commute-1u-battery, 4/5 on 3g-commute-1u-charging and
 *    3g-commute-4u-strict, 3/5 on lte-driving-4u-deadlines-energy): rule v4 puts the threshold 0.01
 *    above the non-learners' end levels on the calibration seeds (101-105), and that margin is
 *    within the seed-to-seed spread of the job seeds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceptanceV4Checks, acceptanceV4Markdown, acceptanceV4Row, type AcceptanceV4Row } from '../../harness/experiment/acceptance-v4.ts';
import { loadScenario, loadSuite } from '../../harness/scenario/load.ts';
import { PACKAGE_ROOT } from '../../harness/version.ts';
import { expectNotMet, NoScores } from './registered-checks.ts';

const SEEDS = [1, 2, 3, 4, 5];
const registry = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'scenarios', 'registry-v4.json'), 'utf8')) as { scenarios: Record<string, { full: string; testing: string }> };

describe('v4 default suite: pre-registered acceptance checks (testing variants, 5 seeds, references and non-learners only)', async () => {
  const scenarios = await loadSuite('default-v4', { variant: 'testing' });
  const full = await loadSuite('default-v4', { variant: 'full' });

  it('the suite is the pre-registered one (7 scenarios, hashes unchanged, every one with a calibrated threshold)', () => {
    expect(scenarios.map((s) => s.id).sort()).toEqual(Object.keys(registry.scenarios).filter((id) => !id.startsWith('tuning-')).sort());
    for (const [i, s] of scenarios.entries()) {
      expect(registry.scenarios[s.id], s.id).toEqual({ full: full[i]!.hash, testing: s.hash });
      expect(s.spec.sampleEfficiency?.source, s.id).toMatch(/^rule v4: /);
      expect(full[i]!.spec.sampleEfficiency?.source, s.id).toMatch(/^rule v4: /);
    }
  });

  it('the v4 tuning scenarios are the pre-registered ones', async () => {
    const ids = Object.keys(registry.scenarios).filter((id) => id.startsWith('tuning-'));
    expect(ids.length).toBe(3);
    for (const id of ids) {
      expect((await loadScenario(id, { variant: 'full' })).hash, id).toBe(registry.scenarios[id]!.full);
      expect((await loadScenario(id, { variant: 'testing' })).hash, id).toBe(registry.scenarios[id]!.testing);
    }
  });

  const rows: AcceptanceV4Row[] = [];
  it('scores the references and every non-learning policy', async () => {
    for (const scenario of scenarios) rows.push(await acceptanceV4Row(scenario, SEEDS));
    console.log(acceptanceV4Markdown(rows));
    expect(rows).toHaveLength(7);
  }, 1_200_000);

  // Every check reads the rows of all 7 scenarios (none, or fewer, fail them: never vacuously).
  const checks = () => {
    if (rows.length !== 7) throw new NoScores(`${rows.length} of 7 scenarios scored`);
    return acceptanceV4Checks(rows);
  };

  it('value of planning >= 0.15 on at least 5 of 7 scenarios', () => {
    expect(checks().valueOfPlanning.scenarios).toBeGreaterThanOrEqual(5);
  });

  it('NOT MET (recorded result): every constant policy scores <= 0.7 on every scenario', () => {
    const c = checks();
    expectNotMet(() => expect(c.constants).toEqual([]), /^expected \[.+\] to deeply equal \[\]$/s);
  });

  it('NOT MET (recorded result): the greedy heuristic and plug-in score <= 0.85 on every scenario', () => {
    const c = checks();
    expectNotMet(() => expect(c.heuristics).toEqual([]), /^expected \[.+\] to deeply equal \[\]$/s);
  });

  it("NOT MET (recorded result): no non-learning policy's own learning curve reaches its scenario's threshold on a majority of seeds", () => {
    const c = checks();
    expectNotMet(() => expect(c.thresholds).toEqual([]), /^expected \[.+\] to deeply equal \[\]$/s);
  });

  it('the upper bound is at least 0.05 above the planning reference on every scenario', () => {
    expect(checks().bound).toEqual([]);
  });

  it('the planning reference violates the accuracy requirement on at most 2% of requests on every scenario', () => {
    expect(checks().violations).toEqual([]);
  });
});
