/**
 * The greedy checkpoint evaluation: checkpoint resolution, and eval purity (a learner cannot learn
 * from the held-out evaluation segments).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Agent, Observation, Transition } from '../../harness/agent.ts';
import { CheckpointRun, sealLearning, type CheckpointOptions } from '../../harness/env/checkpoints.ts';
import { OrchestrationEnv, type StepResult } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { resolutionCheckpoints } from '../../harness/score/curves.ts';
import { CHECKPOINT_DEFAULTS, LEARNING_CURVE_WINDOW, RECORDED_MEASURE_BASE, scoreJob } from '../../harness/score/job.ts';
import { A, fixtureScenario } from '../env/fixtures.ts';

const LEGAL = [A.deviceSmall, A.edgeSmall, A.edgeBig, A.cloudSmall, A.cloudBig];

describe('resolutionCheckpoints', () => {
  it('steps by `step` until 10% of the checkpoint is larger, then by 10%', () => {
    expect(resolutionCheckpoints(120, 10, 0.1)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
    expect(resolutionCheckpoints(300, 10, 0.1).slice(10)).toEqual([110, 121, 133, 146, 160, 176, 193, 212, 233, 256, 281, 300]);
    expect(resolutionCheckpoints(3, 5)).toEqual([3]);
  });

  it('resolves every count to within maxRelativeStep above step / maxRelativeStep, and does not depend on the budget', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 30_000 }), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0.02, max: 0.5, noNaN: true }), (total, step, rel) => {
      const c = resolutionCheckpoints(total, step, rel);
      expect(c.at(-1)).toBe(total);
      for (let k = 1; k < c.length; k++) {
        const gap = c[k]! - c[k - 1]!;
        expect(gap).toBeGreaterThan(0);
        // A count reported as c[k] lies in (c[k-1], c[k]].
        if (c[k - 1]! >= step / rel) expect(gap / c[k - 1]!).toBeLessThanOrEqual(rel);
        else expect(gap).toBeLessThanOrEqual(step);
      }
      // A larger budget only adds checkpoints at the end.
      const longer = resolutionCheckpoints(total + 1000, step, rel);
      expect(longer.slice(0, c.length - 1)).toEqual(c.slice(0, -1));
    }));
  });

  it('a fine start: a checkpoint at 0 (the untrained policy) and at every interaction up to unitUpTo, then the spacing rule', () => {
    expect(resolutionCheckpoints(70, 5, 0.1, { atZero: true, unitUpTo: 50 })).toEqual([...Array.from({ length: 51 }, (_, i) => i), 55, 60, 66, 70]);
    expect(resolutionCheckpoints(4, 5, 0.1, { atZero: true, unitUpTo: 50 })).toEqual([0, 1, 2, 3, 4]);
    expect(resolutionCheckpoints(30, 10, 0.1, { unitUpTo: 3 })).toEqual([1, 2, 3, 13, 23, 30]);
    // Without a fine start: the schedule of results made before it existed.
    expect(resolutionCheckpoints(120, 10, 0.1, {})).toEqual(resolutionCheckpoints(120, 10, 0.1));
    expect(() => resolutionCheckpoints(30, 10, 0.1, { unitUpTo: -1 })).toThrow(/unitUpTo/);
  });

  it('with the defaults: unit resolution up to 50 (every count up to 50 exact), a checkpoint at 0, then within a factor 1.1', () => {
    const c = resolutionCheckpoints(20_000, CHECKPOINT_DEFAULTS.step, CHECKPOINT_DEFAULTS.maxRelativeStep, CHECKPOINT_DEFAULTS);
    expect(c.slice(0, 52)).toEqual([...Array.from({ length: 51 }, (_, i) => i), 55]);
    expect(c.length).toBeLessThan(150);
  });

  it('with the defaults: a ratio read off the checkpoints is within a factor 1.1 of the true ratio (counts >= 50)', () => {
    const c = resolutionCheckpoints(20_000, CHECKPOINT_DEFAULTS.step, CHECKPOINT_DEFAULTS.maxRelativeStep, CHECKPOINT_DEFAULTS);
    // A learner that first crosses at x is reported at the first checkpoint >= x.
    const reported = (x: number): number => c.find((k) => k >= x)!;
    fc.assert(fc.property(fc.integer({ min: 50, max: 20_000 }), fc.integer({ min: 50, max: 20_000 }), (x, y) => {
      const err = reported(x) / reported(y) / (x / y);
      expect(err).toBeGreaterThanOrEqual(1 / 1.1 - 1e-12);
      expect(err).toBeLessThanOrEqual(1.1 + 1e-12);
    }));
  });

  it('without the fine start: a ratio of two counts is resolved to 10% from 50 interactions on, with < 100 checkpoints up to 20,000', () => {
    const c = resolutionCheckpoints(20_000, CHECKPOINT_DEFAULTS.step, CHECKPOINT_DEFAULTS.maxRelativeStep);
    expect(c.length).toBeLessThan(100);
    for (let k = 1; k < c.length; k++) if (c[k - 1]! >= 50) expect(c[k]! / c[k - 1]!).toBeLessThanOrEqual(1.1);
    expect(CHECKPOINT_DEFAULTS.segments * CHECKPOINT_DEFAULTS.decisionsPerSegment).toBeGreaterThanOrEqual(1000);
  });
});

/**
 * A learner that takes everything it is given: it ignores setMode (so it would learn during an
 * evaluation if anything reached it) and learns from every transition; its act is deterministic
 * (least-tried action until each is tried twice, then the best mean reward).
 */
function eagerLearner(): Agent & { learned: number; trajectory: number[] } {
  const sum = new Float64Array(6);
  const count = new Float64Array(6);
  const self = {
    name: 'eager',
    learned: 0,
    trajectory: [] as number[],
    act(obs: Observation): number {
      let best = -1;
      for (const a of LEGAL) {
        if (obs.actionMask[a] !== 1) continue;
        if (count[a]! < 2) return a;
        if (best < 0 || sum[a]! / count[a]! > sum[best]! / count[best]!) best = a;
      }
      return best;
    },
    learn(t: Transition): void {
      self.learned++;
      self.trajectory.push(t.action, t.reward);
      sum[t.action]! += t.reward;
      count[t.action]!++;
    },
  };
  return self;
}

/** An evaluation environment that delivers each of its transitions to `deliver`, as an environment that hands out completed requests could. */
class LeakyEnv extends OrchestrationEnv {
  deliver: ((t: Transition) => void) | null = null;
  override step(action: number): StepResult {
    const r = super.step(action);
    const d = this.lastDecision;
    this.deliver?.({ obs: r.obs, action, reward: d.reward, outcome: d.outcome, decidedAtMs: d.decidedAtMs, completedAtMs: d.completedAtMs, nextObs: r.obs });
    return r;
  }
}

const scenario = fixtureScenario({ users: 2, periodic: false, learningDecisions: 200, evaluationDecisions: 50 });

describe('sealed evaluation', () => {
  it('sealLearning: learn calls during the sealed call are dropped and counted; the view has act only', () => {
    const inner = eagerLearner();
    const s = sealLearning(inner);
    const env = new OrchestrationEnv(scenario);
    const obs = env.reset(1, 'learn');
    const r = env.step(A.edgeSmall);
    const d = env.lastDecision;
    const t: Transition = { obs, action: A.edgeSmall, reward: d.reward, outcome: d.outcome, decidedAtMs: d.decidedAtMs, completedAtMs: d.completedAtMs, nextObs: r.obs };
    s.sealed(() => s.agent.learn!(t));
    expect(inner.learned).toBe(0);
    expect(s.blocked()).toBe(1);
    s.agent.learn!(t);
    expect(inner.learned).toBe(1);
    expect(Object.keys(s.view).sort()).toEqual(['act', 'name']);
  });

  it('a learner that tries to learn during evaluation gets nothing: same trajectory and decisions with and without checkpoints', () => {
    const run = (withCheckpoints: boolean) => {
      const agent = eagerLearner();
      const env = new OrchestrationEnv(scenario);
      const leaky = new LeakyEnv(scenario);
      const ck: CheckpointOptions = { at: [5, 20, 50, 120, 200], decisions: 50, env: leaky, seed: [7, 8, 9] };
      const checkpoints = withCheckpoints ? new CheckpointRun(ck, env, agent) : null;
      // The leak: every evaluation transition is handed to the agent the episode learns with.
      if (checkpoints) leaky.deliver = (t) => checkpoints.agent.learn!(t);
      const used = checkpoints?.agent ?? agent;
      const actions: number[] = [];
      let obs = env.reset(3, 'learn');
      for (let n = 1; n <= 200; n++) {
        const action = used.act(obs);
        actions.push(action);
        const r = env.step(action);
        for (const t of r.feedback) used.learn!(t);
        checkpoints?.after(n);
        obs = r.obs;
      }
      return { agent, actions, rewards: checkpoints ? [...checkpoints.rewards()] : [], blocked: checkpoints?.blockedLearnCalls() ?? 0 };
    };
    const plain = run(false);
    const checked = run(true);
    expect(checked.rewards).toHaveLength(5);
    // Every evaluation decision tried to reach the learner (5 checkpoints x 3 segments x 50), and none did.
    expect(checked.blocked).toBe(5 * 3 * 50);
    expect(checked.agent.learned).toBe(200);
    expect(checked.agent.trajectory).toEqual(plain.agent.trajectory);
    expect(checked.actions).toEqual(plain.actions);
  });

  it('through runEpisode and scoreJob: same decision log, nothing sealed, and the purity check passes', async () => {
    const plain = runEpisode(new OrchestrationEnv(scenario), eagerLearner(), 3);
    const ck = { at: [5, 50, 200], decisions: 50, env: new OrchestrationEnv(scenario), seed: [7, 8] };
    const checked = runEpisode(new OrchestrationEnv(scenario), eagerLearner(), 3, { checkpoints: ck });
    expect(checked.logSha256).toBe(plain.logSha256);
    expect(checked.sealedLearnCalls).toBe(0);
    const { metrics } = await scoreJob(scenario, () => eagerLearner(), 3, { purityCheck: true });
    expect(metrics.greedyCurve!.evalPure).toBe(true);
    // The 50-decision evaluation budget caps each segment: 20 segments make up the 1,000 decisions.
    expect(metrics.greedyCurve!.segments).toBe(20);
    expect(metrics.greedyCurve!.decisions).toBe(CHECKPOINT_DEFAULTS.minDecisions);
  });

  it('evaluates the untrained policy at checkpoint 0, before the first decision, and every interaction up to 50 by default', async () => {
    const ck = { at: [0, 1, 200], decisions: 50, env: new OrchestrationEnv(scenario), seed: [7] };
    const seen: number[] = [];
    const agent = eagerLearner();
    const counting: Agent = { ...agent, learn: (t) => agent.learn!(t), act: (obs) => agent.act(obs), setMode: (m) => seen.push(m === 'eval' ? agent.learned : -1) };
    const r = runEpisode(new OrchestrationEnv(scenario), counting, 3, { checkpoints: ck });
    expect(r.checkpointRewards).toHaveLength(3);
    // setMode('eval') at checkpoint 0 comes before any learning.
    expect(seen[0]).toBe(0);
    const { metrics } = await scoreJob(scenario, () => eagerLearner(), 3);
    expect(metrics.greedyCurve!.checkpoints.slice(0, 52)).toEqual([...Array.from({ length: 51 }, (_, i) => i), 55]);
    // Options given in code take the fine start from the defaults; a measure recorded before it
    // existed is replayed over RECORDED_MEASURE_BASE and keeps its schedule (its lines still verify).
    const recorded = { step: 5, maxRelativeStep: 0.1, segments: 1, decisionsPerSegment: 50, minDecisions: 50 };
    const partial = await scoreJob(scenario, () => eagerLearner(), 3, { checkpointEval: recorded });
    expect(partial.metrics.greedyCurve!.checkpoints.slice(0, 3)).toEqual([0, 1, 2]);
    const old = await scoreJob(scenario, () => eagerLearner(), 3, { checkpointEval: { ...RECORDED_MEASURE_BASE, ...recorded } });
    expect(old.metrics.greedyCurve!.checkpoints).toEqual(resolutionCheckpoints(200, 5, 0.1));
    expect(() => new CheckpointRun({ ...ck, at: [-1, 3] }, new OrchestrationEnv(scenario), agent)).toThrow(/strictly increasing integers >= 0/);
  });

  it('the purity check flags a learner that changes itself in eval-mode act (learning from held-out observations)', async () => {
    // Counts the observations it is shown in any mode and lets the count steer its choices.
    const observer = (): Agent => {
      const base = eagerLearner();
      let seen = 0;
      return { ...base, learn: (t) => base.learn!(t), act: (obs) => (++seen % 7 === 0 ? LEGAL[seen % LEGAL.length]! : base.act(obs)) };
    };
    const { metrics } = await scoreJob(scenario, () => observer(), 3, { purityCheck: true });
    expect(metrics.greedyCurve!.evalPure).toBe(false);
  });
});

describe('learning-curve window', () => {
  it('is a fixed number of decisions, the same for every budget', async () => {
    const windows = [];
    for (const learningDecisions of [100, 400, 4000]) {
      const { metrics } = await scoreJob(fixtureScenario({ learningDecisions, evaluationDecisions: 20 }), () => eagerLearner(), 1, { checkpointEval: false });
      windows.push(metrics.curve.window);
    }
    expect(windows).toEqual([LEARNING_CURVE_WINDOW, LEARNING_CURVE_WINDOW, LEARNING_CURVE_WINDOW]);
  });
});
