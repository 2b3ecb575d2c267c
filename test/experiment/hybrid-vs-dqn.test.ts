/**
 * The claim behind the Hybrid Learner, on the testing variant of every scenario of the suite the
 * claim was registered on (the v1 default suite, now `legacy`): it needs no more real interactions
 * than the pure DQN to reach the threshold (a run that never reaches it counts as its whole budget,
 * by both the learning-curve and the greedy-checkpoint measures), and it learns strictly more over
 * the budget (normalised AUC). On the v2 suite's battery scenarios the claim does not hold for
 * every measure (the DQN learns more on some): that is reported in the README's Hybrid Learner
 * section, not tested away.
 */
import { describe, expect, it } from 'vitest';
import { loadBaseline } from '../../baselines/index.ts';
import { loadSuite } from '../../harness/scenario/load.ts';
import { scoreJob } from '../../harness/score/job.ts';

const SEED = 1;

describe('hybrid vs dqn on every v1 (legacy) scenario (testing variant)', async () => {
  const scenarios = await loadSuite('legacy', { variant: 'testing' });
  for (const s of scenarios) {
    it(s.id, async () => {
      const budget = s.spec.budgets.learningDecisions;
      const dqn = (await scoreJob(s, await loadBaseline('dqn'), SEED)).metrics;
      const hybrid = (await scoreJob(s, await loadBaseline('hybrid'), SEED)).metrics;
      const n = (v: number | null | undefined) => v ?? budget;
      expect(n(hybrid.interactionsToThreshold)).toBeLessThanOrEqual(n(dqn.interactionsToThreshold));
      expect(n(hybrid.greedyCurve?.interactionsToThreshold)).toBeLessThanOrEqual(n(dqn.greedyCurve?.interactionsToThreshold));
      expect(hybrid.normalisedAuc).toBeGreaterThan(dqn.normalisedAuc);
    }, 180_000);
  }
});
