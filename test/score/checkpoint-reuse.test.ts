/**
 * Checkpoint evaluations are reused where the policy cannot have changed (a declared fixed policy,
 * or a learner that received no `learn` since the previous checkpoint), and reusing them changes
 * no result: the same checkpoint rewards, decision logs and result metrics as evaluating every time.
 */
import { describe, expect, it } from 'vitest';
import { BASELINES } from '../../baselines/index.ts';
import type { Agent, Observation, Transition } from '../../harness/agent.ts';
import { CheckpointRun } from '../../harness/env/checkpoints.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { scoreJob } from '../../harness/score/job.ts';
import { A, fixtureScenario } from '../env/fixtures.ts';

const LEGAL = [A.deviceSmall, A.edgeSmall, A.edgeBig, A.cloudSmall, A.cloudBig];

/** A learner (best mean reward so far, each action tried once first) that counts its eval-mode decisions. */
function countingLearner(): Agent & { evalActs: number } {
  const sum = new Float64Array(6);
  const count = new Float64Array(6);
  let mode = 'learn';
  const self = {
    name: 'counting',
    evalActs: 0,
    act(obs: Observation): number {
      if (mode === 'eval') self.evalActs++;
      let best = -1;
      for (const a of LEGAL) {
        if (obs.actionMask[a] !== 1) continue;
        if (count[a] === 0) return a;
        if (best < 0 || sum[a]! / count[a]! > sum[best]! / count[best]!) best = a;
      }
      return best;
    },
    learn(t: Transition): void {
      sum[t.action]! += t.reward;
      count[t.action]!++;
    },
    setMode(m: string): void {
      mode = m;
    },
  };
  return self;
}

const scenario = fixtureScenario({ users: 2, periodic: false, learningDecisions: 200, evaluationDecisions: 50 });

/**
 * Runs 200 learning decisions with checkpoints every 20, delivering feedback only while `learning(n)`
 * holds (as a phase without completions would), and returns the checkpoint rewards and decisions.
 */
function drive(agent: Agent, reuse: boolean, learning: (n: number) => boolean): { rewards: number[]; actions: number[]; reused: number } {
  const env = new OrchestrationEnv(scenario);
  const at = Array.from({ length: 10 }, (_, i) => 20 * (i + 1));
  const ck = new CheckpointRun({ at, decisions: 50, env: new OrchestrationEnv(scenario), seed: [7, 8], reuse }, env, agent);
  const actions: number[] = [];
  let obs = env.reset(3, 'learn');
  for (let n = 1; n <= 200; n++) {
    const action = ck.agent.act(obs);
    actions.push(action);
    const r = env.step(action);
    if (learning(n)) for (const t of r.feedback) ck.agent.learn!(t);
    ck.after(n);
    obs = r.obs;
  }
  return { rewards: [...ck.rewards()], actions, reused: ck.reused() };
}

describe('checkpoint reuse', () => {
  it('a learner is evaluated again only after a learn call: the same rewards and decisions as evaluating every time', () => {
    // Feedback during decisions 1-50 and 121-160 only: checkpoints 60..120 and 180, 200 follow no learn call.
    const learning = (n: number): boolean => n <= 50 || (n > 120 && n <= 160);
    const a = countingLearner();
    const reused = drive(a, true, learning);
    const b = countingLearner();
    const every = drive(b, false, learning);
    expect(reused.rewards).toEqual(every.rewards);
    expect(reused.actions).toEqual(every.actions);
    expect(every.reused).toBe(0);
    // Checkpoints 80, 100, 120 (after 60) and 180, 200 (after 160) are reused.
    expect(reused.reused).toBe(5);
    expect(a.evalActs).toBe(5 * 2 * 50);
    expect(b.evalActs).toBe(10 * 2 * 50);
  });

  it('a declared fixed policy is evaluated at the first checkpoint only, with the same rewards', () => {
    const fixed = (): Agent & { evalActs: number } => Object.assign(countingLearner(), { fixedPolicy: true });
    const a = fixed();
    const reused = drive(a, true, () => false);
    const every = drive(fixed(), false, () => false);
    expect(reused.rewards).toEqual(every.rewards);
    expect(reused.reused).toBe(9);
    expect(a.evalActs).toBe(2 * 50);
  });

  it('a learner that never learns and declares nothing is evaluated at every checkpoint (its acts may change it)', () => {
    const { learn: _unused, ...noLearn } = countingLearner();
    expect(drive(noLearn, true, () => false).reused).toBe(0);
  });

  // Every baseline of a run but DQN (a learner like q-learning and bandit, and the slowest) on a
  // testing variant with 16 users: identical metrics (checkpoint rewards and decision log included).
  it('over a run: every result is the same with and without reuse, and the static policies are evaluated once', async () => {
    const v3 = await loadScenario(new URL('../../scenarios/default-v3/lte-driving-16u-battery-deadlines-v3.json', import.meta.url).pathname, { variant: 'testing' });
    const agents = Object.keys(BASELINES).filter((n) => !BASELINES[n]!.privileged && !BASELINES[n]!.control && !BASELINES[n]!.optIn && n !== 'dqn');
    expect(agents).toEqual(expect.arrayContaining(['random', 'static-device', 'static-edge', 'static-cloud', 'greedy-heuristic', 'q-learning-v4', 'bandit', 'hybrid']));
    const reused: Record<string, number> = {};
    for (const name of agents) {
      const factory = await BASELINES[name]!.load();
      const withReuse = await scoreJob(v3, factory, 5, {});
      const without = await scoreJob(v3, factory, 5, { checkpointEval: { reuse: false } });
      expect(withReuse.metrics, name).toEqual(without.metrics);
      expect(without.timing.checkpointsReused, name).toBe(0);
      reused[name] = withReuse.timing.checkpointsReused!;
      if (name.startsWith('static-')) expect(reused[name], name).toBe(withReuse.metrics.greedyCurve!.checkpoints.length - 1);
    }
    // Neither declares a fixed policy nor learns: evaluated every time.
    expect([reused['random'], reused['greedy-heuristic']]).toEqual([0, 0]);
    // With this seed q-learning-v4 (q-learning's agent) gets no learn call between two of its checkpoints: the learn rule is exercised on a real learner.
    expect(reused['q-learning-v4']).toBeGreaterThan(0);
  });
});
