/**
 * q-learning-v4: q-learning.ts's agent on any feature vector. On a v3 scenario (15 features) it
 * decides exactly as q-learning; on a v4 scenario, whose vector q-learning refuses, it runs.
 */
import { describe, expect, it } from 'vitest';
import { loadBaseline } from '../../baselines/index.ts';
import { envSpecOf } from '../../harness/env/spec.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { scoreJob } from '../../harness/score/job.ts';

const small = { learningDecisions: 600, evaluationDecisions: 200 };

describe('q-learning-v4', () => {
  it('decides exactly as q-learning on a v3 scenario', async () => {
    const scenario = await loadScenario('lte-driving-4u-battery-v3', { variant: 'testing' });
    scenario.spec.budgets = small;
    const [q, q4] = await Promise.all([loadBaseline('q-learning'), loadBaseline('q-learning-v4')]);
    const a = await scoreJob(scenario, q, 3, { checkpointEval: false });
    const b = await scoreJob(scenario, q4, 3, { checkpointEval: false });
    expect(b.metrics.decisionLogSha256).toBe(a.metrics.decisionLogSha256);
    expect(b.metrics.eval).toEqual(a.metrics.eval);
  });

  it('runs on a v4 scenario, which q-learning refuses', async () => {
    const scenario = await loadScenario('3g-commute-1u-charging-v4', { variant: 'testing' });
    const spec = envSpecOf(scenario);
    expect(spec.features.length).toBe(18);
    const q = await loadBaseline('q-learning');
    await expect(Promise.resolve().then(() => q({ env: spec, seed: 1 }))).rejects.toThrow('q-learning: config.bins needs one count per feature (18), got 15');
    const job = await scoreJob(scenario, await loadBaseline('q-learning-v4'), 2, { checkpointEval: false });
    expect(job.metrics.realSteps).toBe(scenario.spec.budgets.learningDecisions);
    expect(Number.isFinite(job.metrics.normalisedEvalReward)).toBe(true);
  });
});
