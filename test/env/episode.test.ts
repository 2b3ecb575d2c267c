import { describe, expect, it } from 'vitest';
import type { Agent, AgentMode, Transition } from '../../harness/agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { A, fixtureScenario } from './fixtures.ts';

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
        orderOk &&= t.nextObs !== t.obs && t.nextObs.timeMs > t.obs.timeMs && t.action === A.edgeSmall;
      },
      setMode: (m) => modes.push(m),
      stats: () => ({ realSteps: learned, planningUpdates: 0, learnMs: 0, planningMs: 0 }),
    };
    const r = runEpisode(env, agent, 3);
    expect(learned).toBe(200);
    expect(orderOk).toBe(true);
    expect(modes).toEqual(['eval']);
    expect(r.learningRewards.length).toBe(200);
    // 1 request/s on fixed links never queue: every request takes the hand-computed 131 ms
    // (100 ms upload + 10 RTT/2 + 10 compute + 1 download + 10 RTT/2) and 216 mJ (see env.test.ts).
    expect(Math.max(...r.learningRewards) - Math.min(...r.learningRewards)).toBeLessThan(1e-12);
    expect(r.eval.decisions).toBe(100);
    expect(r.eval.meanLatencyMs).toBeCloseTo(131, 9);
    expect(r.eval.p95LatencyMs).toBeCloseTo(131, 9);
    expect(r.eval.meanDeviceEnergyMj).toBeCloseTo(216, 9);
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
