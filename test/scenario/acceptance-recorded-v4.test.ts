/**
 * Pre-registered acceptance checks of the v4 recorded suite (issue 20, item 4): the v4 factors on
 * the recorded traces, under the default suite's registration and checks
 * (`harness/experiment/acceptance-v4.ts`), on the testing variants with job seeds 1-5 (thresholds
 * calibrated on seeds 101-105 with rule v4, designs chosen on seeds 201-203: docs/recorded-v4.md),
 * on references and non-learning policies only:
 * 0. the scenario files are the pre-registered ones (hashes in scenarios/registry-recorded-v4.json);
 * 1. value of planning >= 0.15 on at least 3 of 4 scenarios (the default suite's 5 of 7, as a share);
 * 2. every constant policy <= 0.7 on every scenario;
 * 3. the greedy heuristic and plug-in <= 0.85 on every scenario;
 * 4. no non-learning policy's own learning curve reaches the scenario's threshold on a majority of seeds;
 * 5. the upper bound >= 1.05 on every scenario;
 * 6. the planning reference violates the accuracy requirement on <= 2% of requests.
 *
 * This file, the scenario files and their hashes are committed before any learner's results on
 * them were seen; the outcome is then recorded as measured (a failed check stays failed, never a
 * changed suite). One disclosure: `test/env/reference.test.ts`, which plays every non-neural
 * baseline (the learners q-learning-v4 and bandit among them) against the planning reference on
 * the recorded suite's testing variants, ran once on these files before this commit; it printed
 * pass or fail only (it passed), no score, and nothing was changed after it.
 *
 * Outcome (first run after registration, commit 377a0e2, 44 s): checks 0, 1, 5 and 6 hold (value of
 * planning 0.151 on 5Gophers, 0.357 and 0.352 on the two Norway scenarios, 0.057 on AT&T: 3 of 4;
 * upper bound 1.52-2.41; the planning reference violates no requirement: it is hard). Three do NOT
 * hold, recorded with `expectNotMet`:
 * 2. a constant policy scores above 0.7 on 3 of 4 scenarios: 0.718 on 5Gophers ("the cloud,
 *    vit_b_16"), 0.938 on AT&T and 0.719 on Norway 4 users ("the device, smallest legal model");
 *    0.671 on Norway 1 user;
 * 3. plug-in scores 0.870 on 5Gophers and 0.940 on AT&T (greedy-heuristic <= 0.806, plug-in <= 0.726
 *    on the Norway ones);
 * 4. the greedy heuristic's own learning curve reaches AT&T's threshold (0.85) on 4 of 5 seeds.
 * On AT&T the recorded uplink is below 0.01 Mbps a tenth of the time, so staying on the device wins
 * and there is little to plan (docs/recorded-v4.md); no AT&T design tried met any of checks 1-3.
 *
 * The recorded traces are third-party files read from ../shared at run time: without them the
 * suite cannot load, and the test says so.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceptanceV4Checks, acceptanceV4Markdown, acceptanceV4Row, type AcceptanceV4Row } from '../../harness/experiment/acceptance-v4.ts';
import { loadSuite } from '../../harness/scenario/load.ts';
import { PACKAGE_ROOT } from '../../harness/version.ts';
import { HAS_SHARED, NO_SHARED_REASON } from '../helpers/paths.ts';
import { expectNotMet, NoScores } from './registered-checks.ts';

const SEEDS = [1, 2, 3, 4, 5];
const SCENARIOS = 4;
const registry = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'scenarios', 'registry-recorded-v4.json'), 'utf8')) as { scenarios: Record<string, { full: string; testing: string }> };

describe.skipIf(!HAS_SHARED)(`v4 recorded suite: pre-registered acceptance checks (testing variants, 5 seeds, references and non-learners only)${HAS_SHARED ? '' : ` [skipped: ${NO_SHARED_REASON}]`}`, async () => {
  const scenarios = HAS_SHARED ? await loadSuite('recorded-v4', { variant: 'testing' }) : [];
  const full = HAS_SHARED ? await loadSuite('recorded-v4', { variant: 'full' }) : [];

  it('the suite is the pre-registered one (4 scenarios, hashes unchanged, every one with a calibrated threshold)', () => {
    expect(scenarios.map((s) => s.id).sort()).toEqual(Object.keys(registry.scenarios).sort());
    expect(scenarios).toHaveLength(SCENARIOS);
    for (const [i, s] of scenarios.entries()) {
      expect(registry.scenarios[s.id], s.id).toEqual({ full: full[i]!.hash, testing: s.hash });
      expect(s.spec.sampleEfficiency?.source, s.id).toMatch(/^rule v4: /);
      expect(full[i]!.spec.sampleEfficiency?.source, s.id).toMatch(/^rule v4: /);
    }
  });

  const rows: AcceptanceV4Row[] = [];
  it('scores the references and every non-learning policy', async () => {
    for (const scenario of scenarios) rows.push(await acceptanceV4Row(scenario, SEEDS));
    console.log(acceptanceV4Markdown(rows));
    expect(rows).toHaveLength(SCENARIOS);
  }, 1_200_000);

  // Every check reads the rows of all 4 scenarios (none, or fewer, fail them: never vacuously).
  const checks = () => {
    if (rows.length !== SCENARIOS) throw new NoScores(`${rows.length} of ${SCENARIOS} scenarios scored`);
    return acceptanceV4Checks(rows);
  };

  it('value of planning >= 0.15 on at least 3 of 4 scenarios', () => {
    expect(checks().valueOfPlanning.required).toBe(3);
    expect(checks().valueOfPlanning.scenarios).toBeGreaterThanOrEqual(3);
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
