/**
 * The greedy curve of the per-job metrics (`harness/score/job.ts`): the greedy policy evaluated at
 * checkpoints on fixed evaluation segments, the measurement the hl-speedup experiment reports.
 */
import { describe, expect, it } from 'vitest';
import { BASELINES } from '../../baselines/index.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { resolutionCheckpoints } from '../../harness/score/curves.ts';
import { checkpointsToThreshold, scoreJob } from '../../harness/score/job.ts';
import { withTickingClock } from '../helpers/ticking-clock.ts';

describe('checkpointsToThreshold', () => {
  const at = [10, 20, 40, 80, 160];

  it('is the first checkpoint from which every later one is at or above the threshold', () => {
    expect(checkpointsToThreshold(at, [0.5, 0.95, 0.8, 0.9, 0.99], 0.9)).toBe(80);
    expect(checkpointsToThreshold(at, [0.91, 0.95, 0.93, 0.9, 0.99], 0.9)).toBe(10);
  });

  it('is null when the last checkpoint is below the threshold', () => {
    expect(checkpointsToThreshold(at, [0.95, 0.95, 0.95, 0.95, 0.89], 0.9)).toBeNull();
    expect(checkpointsToThreshold([], [], 0.9)).toBeNull();
  });
});

describe('scoreJob: the greedy curve', () => {
  // Cheap learners on a default scenario's testing variant (2000 learning decisions).
  const SCENARIO = 'lte-driving-4u-mixed-v1';

  it('is measured on segments shared by every agent, without changing the decisions of learners with a pure eval mode', async () => {
    const scenario = await loadScenario(SCENARIO, { variant: 'testing' });
    const curves = [];
    for (const name of ['q-learning', 'bandit']) {
      const factory = await BASELINES[name]!.load();
      // A ticking clock: the checkpoint time is > 0 exactly when the checkpoint evaluations were timed.
      const plain = await withTickingClock(() => scoreJob(scenario, factory, 3, { checkpointEval: false }));
      const { metrics, timing } = await withTickingClock(() => scoreJob(scenario, factory, 3, { checkpointEval: { step: 50, maxRelativeStep: 0.2, atZero: false, unitUpTo: 0, segments: 2, decisionsPerSegment: 100, minDecisions: 200 } }));
      expect(plain.metrics.greedyCurve, name).toBeUndefined();
      expect(metrics.decisionLogSha256, name).toBe(plain.metrics.decisionLogSha256);
      expect(metrics.interactionsToThreshold, name).toBe(plain.metrics.interactionsToThreshold);
      const g = metrics.greedyCurve!;
      expect(g.checkpoints, name).toEqual(resolutionCheckpoints(2000, 50, 0.2));
      expect(g.decisions).toBe(200);
      expect(g.segments).toBe(2);
      expect(g.sealedLearnCalls).toBe(0);
      expect(g.normalised.length).toBe(g.checkpoints.length);
      // Normalised by the references on the same segment.
      g.meanReward.forEach((m, i) => expect(g.normalised[i]).toBeCloseTo((m - g.refs.randomReward) / (g.refs.oracleReward - g.refs.randomReward), 12));
      expect(g.refs.oracleReward).toBeGreaterThan(g.refs.randomReward);
      expect(g.interactionsToThreshold === null || g.normalised.at(-1)! >= metrics.threshold).toBe(true);
      expect(timing.checkpointMs).toBeGreaterThan(0);
      expect(plain.timing.checkpointMs).toBe(0);
      curves.push(g);
    }
    // Common random numbers: both agents' greedy policies are scored on the same requests.
    expect(curves[0]!.refs).toEqual(curves[1]!.refs);
  });

  it('is flat for a fixed policy (the same segments at every checkpoint) and not measured for the privileged clairvoyant reference', async () => {
    const scenario = await loadScenario(SCENARIO, { variant: 'testing' });
    const fixed = (await scoreJob(scenario, await BASELINES['static-edge']!.load(), 3)).metrics.greedyCurve!;
    expect(new Set(fixed.meanReward).size).toBe(1);
    const oracle = await scoreJob(scenario, await BASELINES.clairvoyant!.load(), 3, { privileged: true });
    expect(oracle.metrics.greedyCurve).toBeUndefined();
  });
});
