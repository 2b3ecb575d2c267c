/**
 * scoreJob's plumbing around the agent: it disposes the agent, records its reported planning
 * work, runs the purity check only with a greedy curve, and its learning curve is the trailing
 * mean of the agent's own rewards at log-spaced checkpoints. References per scenario and seed
 * (cached per worker) stay those of their own scenario and seed.
 */
import { describe, expect, it } from 'vitest';
import type { AgentFactory } from '../../harness/agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import type { CompiledScenario } from '../../harness/scenario/compiled.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { learningCurve, logCheckpoints, normalise, resolutionCheckpoints } from '../../harness/score/curves.ts';
import { referenceRewards, scoreJob } from '../../harness/score/job.ts';

async function small(): Promise<CompiledScenario> {
  const s = await loadScenario('broadband-1u-loose-v1', { variant: 'testing' });
  return { ...s, hash: `job-test-${s.hash}`, spec: { ...s.spec, budgets: { ...s.spec.budgets, learningDecisions: 300, evaluationDecisions: 100 } } };
}

describe('scoreJob around the agent', async () => {
  const scenario = await small();
  let disposed = 0;
  const firstLegal: AgentFactory = () => ({
    name: 'first-legal',
    act: (obs) => obs.actionMask.indexOf(1),
    stats: () => ({ realSteps: 1, planningUpdates: 7, learnMs: 0, planningMs: 0 }),
    dispose: () => void disposed++,
  });

  it('disposes the agent once, records its planning updates (not its real steps), and the learning curve of its own rewards', async () => {
    disposed = 0;
    const { metrics } = await scoreJob(scenario, firstLegal, 3, { checkpointEval: false });
    expect(disposed).toBe(1);
    expect(metrics.planningUpdates).toBe(7);
    expect(metrics.realSteps).toBe(300);
    expect(metrics.info).toEqual({ reportedRealSteps: 1 });
    const env = new OrchestrationEnv(scenario);
    const rewards = runEpisode(env, await firstLegal({ env: env.spec, seed: 0 }), 3).learningRewards;
    const at = logCheckpoints(300);
    expect(metrics.curve.checkpoints).toEqual(at);
    expect(metrics.curve.meanReward).toEqual([...learningCurve(rewards, at, 200)]);
    expect(metrics.curve.normalised).toEqual(metrics.curve.meanReward.map((m) => normalise(m, metrics.refs.randomReward, metrics.refs.oracleReward)));
  });

  it('disposes the agent when its episode throws', async () => {
    disposed = 0;
    const throwing: AgentFactory = () => ({ name: 't', act: () => { throw new Error('boom'); }, dispose: () => void disposed++ });
    await expect(scoreJob(scenario, throwing, 3, { checkpointEval: false })).rejects.toThrow('boom');
    expect(disposed).toBe(1);
  });

  it('runs the purity check only where there is a greedy curve', async () => {
    const none = await scoreJob(scenario, firstLegal, 3, { checkpointEval: false, purityCheck: true });
    expect(none.metrics.greedyCurve).toBeUndefined();
    expect(none.timing.purityMs).toBeUndefined();
    const ck = { step: 100, maxRelativeStep: 0.5, atZero: false, unitUpTo: 0, segments: 2, decisionsPerSegment: 20, minDecisions: 40 };
    const some = await scoreJob(scenario, firstLegal, 3, { checkpointEval: ck, purityCheck: true });
    expect(some.metrics.greedyCurve?.evalPure).toBe(true);
    expect(some.metrics.greedyCurve?.checkpoints).toEqual(resolutionCheckpoints(300, 100, 0.5));
  });

  it('keeps the references of each seed apart (the per-worker cache is keyed by scenario and seed)', async () => {
    const a = referenceRewards(scenario, 3);
    const b = referenceRewards(scenario, 4);
    expect(b).not.toEqual(a);
    expect((await scoreJob(scenario, firstLegal, 4, { checkpointEval: false })).metrics.evalRefs).toEqual(b.evalRefs);
    const other = await small();
    const renamed = { ...other, hash: `${other.hash}-other`, spec: { ...other.spec, budgets: { ...other.spec.budgets, evaluationDecisions: 50 } } };
    expect(referenceRewards(renamed, 3)).not.toEqual(a);
  });
});

describe('resolutionCheckpoints', () => {
  it('refuses a relative step outside (0, 1)', () => {
    for (const r of [0, 1, -0.1, NaN]) expect(() => resolutionCheckpoints(100, 5, r)).toThrow(/maxRelativeStep/);
    expect(resolutionCheckpoints(30, 10, 0.5)).toEqual([10, 20, 30]);
  });
});
