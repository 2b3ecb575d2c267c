import { describe, expect, it } from 'vitest';
import type { Agent, AgentMode, Transition } from '../../harness/agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { evaluatePolicy, runEpisode, type EpisodeOptions } from '../../harness/env/episode.ts';
import { deriveRng } from '../../harness/rng.ts';
import { A, fixtureScenario } from './fixtures.ts';

const LEGAL = [A.deviceSmall, A.edgeSmall, A.edgeBig, A.cloudSmall, A.cloudBig];

/**
 * A toy learner: explores uniformly from its own stream while learning and acts with the best
 * action seen so far in eval mode. `impureEval` makes eval-mode act draw from the same stream
 * (what an agent must not do). Counts its eval-mode decisions and records its mode switches.
 */
function toyLearner(seed: number, impureEval = false) {
  const rng = deriveRng(seed, 'toy-learner');
  let mode: AgentMode = 'learn';
  let best: number = A.deviceSmall;
  let bestReward = -Infinity;
  const evalActs: number[] = [];
  const modes: AgentMode[] = [];
  const agent: Agent = {
    name: 'toy',
    act() {
      if (mode === 'learn') return LEGAL[rng.int(LEGAL.length)]!;
      if (impureEval) rng.float();
      evalActs[evalActs.length - 1]!++;
      return best;
    },
    learn(t) {
      if (t.reward > bestReward) [best, bestReward] = [t.action, t.reward];
    },
    setMode(m) {
      mode = m;
      modes.push(m);
      if (m === 'eval') evalActs.push(0);
    },
  };
  return { agent, evalActs, modes };
}

describe('runEpisode', () => {
  it('learns on every learning decision, then evaluates greedily and summarises the held-out phase', () => {
    const env = new OrchestrationEnv(fixtureScenario({ learningDecisions: 200, evaluationDecisions: 100 }));
    const modes: AgentMode[] = [];
    let learned = 0;
    let orderOk = true;
    const agent: Agent = {
      name: 'always-edge-small',
      act: () => A.edgeSmall,
      learn(t: Transition) {
        learned++;
        // Both observations of a transition are valid and distinct while learn runs.
        orderOk &&= t.nextObs !== t.obs && t.nextObs.timeMs >= t.completedAtMs && t.completedAtMs > t.decidedAtMs && t.action === A.edgeSmall;
      },
      setMode: (m) => modes.push(m),
      stats: () => ({ realSteps: learned, planningUpdates: 0, learnMs: 0, planningMs: 0 }),
    };
    const r = runEpisode(env, agent, 3);
    // 1 request/s completing in 131 ms: each is delivered with the next request's observation,
    // the last one too (it completes before the observation the phase ends on).
    expect(learned).toBe(200);
    expect(orderOk).toBe(true);
    expect(modes).toEqual(['eval']);
    expect(r.learningRewards.length).toBe(200);
    // 1 request/s on fixed links never queue: every request takes the hand-computed 131 ms
    // (100 ms upload + 10 RTT/2 + 10 compute + 1 download + 10 RTT/2) and 266.5 mJ (see env.test.ts).
    expect(Math.max(...r.learningRewards) - Math.min(...r.learningRewards)).toBeLessThan(1e-12);
    expect(r.eval.decisions).toBe(100);
    expect(r.eval.meanLatencyMs).toBeCloseTo(131, 9);
    expect(r.eval.p95LatencyMs).toBeCloseTo(131, 9);
    expect(r.eval.meanDeviceEnergyMj).toBeCloseTo(266.5, 9);
    expect(r.eval.meanServerEnergyMj).toBeCloseTo(100, 9);
    expect(r.eval.accuracyViolationRate).toBe(0);
    expect(r.eval.meanReward).toBeCloseTo(-0.131, 9);
    expect(r.agentStats?.realSteps).toBe(200);
  });

  it('counts violations and misses as rates and honours decision caps', () => {
    const env = new OrchestrationEnv(fixtureScenario({ requirementTop1Pct: 75, deadlineMs: 120 }));
    let i = 0;
    // Alternate edge/small (70 %, 131 ms: violation and miss) and cloud/big (80 %, ~136 ms: miss).
    const r = runEpisode(env, { name: 'alternate', act: () => (i++ % 2 === 0 ? A.edgeSmall : A.cloudBig) }, 1, { learningDecisions: 10, evaluationDecisions: 40 });
    expect(r.learningRewards.length).toBe(10);
    expect(r.eval.decisions).toBe(40);
    expect(r.eval.accuracyViolationRate).toBe(0.5);
    expect(r.eval.deadlineMissRate).toBe(1);
  });
});

describe('runEpisode with greedy checkpoint evaluations', () => {
  // 1 request/s on fixed links, periodic: each action has one constant reward, so the greedy
  // policy's reward at a checkpoint is the reward of the best action explored so far.
  const scenario = fixtureScenario({ learningDecisions: 300, evaluationDecisions: 60 });
  const at = [1, 2, 5, 10, 50, 300];
  const run = (agent: Agent, opts: EpisodeOptions = {}) => runEpisode(new OrchestrationEnv(scenario), agent, 4, opts);
  const checkpoints = (decisions = 40): EpisodeOptions => ({ checkpoints: { at, decisions, env: new OrchestrationEnv(scenario), seed: 9 } });

  it('evaluates the greedy policy after each checkpoint without touching the learning trajectory', () => {
    const plain = run(toyLearner(1).agent);
    const toy = toyLearner(1);
    const r = run(toy.agent, checkpoints());
    expect(r.logSha256).toBe(plain.logSha256);
    expect([...r.learningRewards]).toEqual([...plain.learningRewards]);
    expect(r.eval).toEqual(plain.eval);
    expect(toy.modes).toEqual([...at.flatMap(() => ['eval', 'learn']), 'eval']);
    // 40 decisions per checkpoint, then the evaluation phase's 60.
    expect(toy.evalActs).toEqual([...at.map(() => 40), 60]);
    // Each checkpoint's reward is the greedy action's reward on the evaluation segment.
    const rewards = [...r.checkpointRewards!];
    expect(rewards.length).toBe(at.length);
    for (let i = 1; i < rewards.length; i++) expect(rewards[i]!).toBeGreaterThanOrEqual(rewards[i - 1]!);
    const rewardOf = (action: number) => evaluatePolicy(new OrchestrationEnv(scenario), { name: 'fixed', act: () => action }, 9, 40).meanReward;
    const bestAction = LEGAL.reduce((a, b) => (rewardOf(b) > rewardOf(a) ? b : a));
    expect(rewards.at(-1)).toBeCloseTo(rewardOf(bestAction), 12);
    expect(rewards[0]).toBeLessThan(rewards.at(-1)!);
  });

  it('detects an agent whose eval-mode act consumes its learning randomness (the trajectory changes)', () => {
    const plain = run(toyLearner(1, true).agent);
    expect(run(toyLearner(1, true).agent, checkpoints()).logSha256).not.toBe(plain.logSha256);
  });

  it('caps each evaluation at the evaluation budget and skips checkpoints past the end of learning', () => {
    const toy = toyLearner(2);
    const r = run(toy.agent, { learningDecisions: 20, ...checkpoints(1000) });
    expect(r.checkpointRewards!.length).toBe(4);
    expect(toy.evalActs).toEqual([60, 60, 60, 60, 60]);
  });

  it('needs its own environment instance and strictly increasing checkpoints', () => {
    const env = new OrchestrationEnv(scenario);
    expect(() => runEpisode(env, toyLearner(3).agent, 1, { checkpoints: { at, decisions: 5, env, seed: 1 } })).toThrow(/own environment/);
    expect(() => run(toyLearner(3).agent, { checkpoints: { at: [5, 5], decisions: 5, env: new OrchestrationEnv(scenario), seed: 1 } })).toThrow(/strictly increasing/);
  });
});
