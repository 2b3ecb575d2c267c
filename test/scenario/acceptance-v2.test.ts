/**
 * Pre-registered acceptance checks of the v2 default suite (issue 10, section 2), on the testing
 * variants with 5 seeds, scores normalised per seed with random = 0 and the clairvoyant reference
 * = 1 (the job metric `normalisedEvalReward`):
 * 1. the scenario files are the pre-registered ones (hashes in scenarios/registry-v2.json);
 * 2. on every scenario the best static policy scores <= 0.85;
 * 3. on at least 5 of the 7 scenarios no baseline scores above 0.9;
 * 4. on every scenario the best and worst non-random baselines are >= 0.15 apart;
 * 5. on every scenario at least one learner (q-learning or bandit: the fast ones; dqn and hybrid
 *    cost minutes per scenario and are left to the published runs) reaches the sample-efficiency
 *    threshold (interactionsToThreshold, 0.9 of the random-to-clairvoyant gap) on at least 3 of
 *    the 5 seeds within the testing budget.
 * Baselines: every registered non-reference baseline except the neural ones (dqn, hybrid,
 * dqn-informed), privileged plug-in included.
 *
 * Outcome (measured after pre-registration, reported in the README and not hidden): checks 1, 2
 * and 4 hold; checks 3 and 5 are NOT met by the pre-registered suite (3: headroom on 4 of 7
 * scenarios, the privileged present-state plug-in policy scores above 0.9 on the other three;
 * 5: q-learning or bandit reach the threshold on >= 3 of 5 seeds only on two scenarios). The suite
 * is not changed after seeing learner results, so those two stay recorded as failed checks:
 * `expectNotMet` passes while the check's own assertion fails (not on any other throw), and turns
 * red the day a change makes it pass (then it becomes an ordinary check again). The checks are in
 * `registered-checks.ts`, where a fast test shows that no scores fail them all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASELINES, listBaselines, loadBaseline } from '../../baselines/index.ts';
import { loadSuite } from '../../harness/scenario/load.ts';
import { scoreJob } from '../../harness/score/job.ts';
import { PACKAGE_ROOT } from '../../harness/version.ts';
import { expectNotMet, v2Headroom, v2LearnerReaches, v2Spread, v2StaticMax, V2_LEARNERS, type V2Scores } from './registered-checks.ts';

const SEEDS = [1, 2, 3, 4, 5];
const NEURAL = ['dqn', 'hybrid', 'dqn-informed'];
// As registered: the baselines of the time (q-learning itself, opt-in since v4; not its v4 wrapper).
const baselines = listBaselines().filter((n) => !BASELINES[n]!.reference && (!BASELINES[n]!.optIn || n === 'q-learning') && n !== 'q-learning-v4' && !NEURAL.includes(n));
const registry = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'scenarios', 'registry-v2.json'), 'utf8')) as { scenarios: Record<string, { full: string; testing: string }> };

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('v2 default suite: pre-registered acceptance checks (testing variants, 5 seeds)', async () => {
  const scenarios = await loadSuite('default-v2', { variant: 'testing' });
  const full = await loadSuite('default-v2', { variant: 'full' });

  it('the v2 suite is the pre-registered one (7 scenarios, hashes unchanged)', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(7);
    for (const [i, s] of scenarios.entries()) {
      expect(registry.scenarios[s.id], s.id).toEqual({ full: full[i]!.hash, testing: s.hash });
    }
  });

  const scores: V2Scores = new Map();
  it('scores every baseline', async () => {
    for (const scenario of scenarios) {
      const row = new Map<string, { evalScore: number; reached: number }>();
      for (const name of baselines) {
        const factory = await loadBaseline(name);
        const jobs = [];
        for (const seed of SEEDS) jobs.push(await scoreJob(scenario, factory, seed, { privileged: BASELINES[name]!.privileged === true, checkpointEval: false, scale: 'planning-v1' }));
        row.set(name, {
          evalScore: mean(jobs.map((j) => j.metrics.normalisedEvalReward)),
          reached: jobs.filter((j) => j.metrics.interactionsToThreshold !== null).length,
        });
      }
      scores.set(scenario.id, row);
      console.log(scenario.id, [...row].map(([n, v]) => `${n}=${v.evalScore.toFixed(3)}${V2_LEARNERS.includes(n) ? ` (threshold on ${v.reached}/5)` : ''}`).join(' '));
    }
  }, 1_200_000);

  it('the best static policy scores <= 0.85 on every scenario', () => v2StaticMax(scores));

  it('NOT MET (recorded result): on at least 5 of 7 scenarios no baseline scores above 0.9', () => {
    expectNotMet(() => v2Headroom(scores), /^expected \d+ to be greater than or equal to 5$/);
  });

  it('the best and worst non-random baselines are >= 0.15 apart on every scenario', () => v2Spread(scores));

  it('NOT MET (recorded result): a learner reaches the sample-efficiency threshold on >= 3 of 5 seeds on every scenario', () => {
    expectNotMet(() => v2LearnerReaches(scores), /^expected \[ .+ \] to deeply equal \[\]$/s);
  });
});
