/**
 * Causality, checked on what the agents are given: fed two scenarios whose traces are identical
 * up to time T and different after it, every baseline's log (`recordAgentLog`: each observation
 * it acted on and each transition it learned from, with its simulated delivery time) is
 * identical for every entry delivered before T, decisions included. No trimming of the window:
 * feedback arrives when a request completes, so nothing delivered before T depends on the trace
 * after T. Agents see nothing but their observations and their own outcomes.
 */
import { describe, expect, it } from 'vitest';
import { BASELINES, listBaselines, loadBaseline } from '../../baselines/index.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { recordAgentLog, type AgentLogEntry } from '../../harness/submission/agent-log.ts';
import { fixtureScenario, stepTrace } from '../env/fixtures.ts';

const STEP_MS = 250;
const N = 400;
const CUT = 200; // samples from index 200 (T = 50 s) on differ
const T_MS = CUT * STEP_MS;
const PROBE_MS = 500;

function scenarios() {
  const t = Array.from({ length: N }, (_, i) => i * STEP_MS);
  const up = t.map((_, i) => 2 + ((i * 3) % 11));
  const down = t.map((_, i) => 4 + ((i * 7) % 19));
  // After T: a shuffled copy of the future (reversed order, scaled), so the statistics change too.
  const upB = up.map((v, i) => (i >= CUT ? up[N - 1 - (i - CUT)]! * 2.5 : v));
  const downB = down.map((v, i) => (i >= CUT ? down[N - 1 - (i - CUT)]! * 0.3 : v));
  const opts = { users: 3, rateHz: 4, periodic: false, replay: { evaluationFraction: 0.01 }, probeIntervalMs: PROBE_MS, learningDecisions: 700, requirementTop1Pct: 75 } as const;
  return [
    fixtureScenario({ ...opts, access: [stepTrace(t, up, down, N * STEP_MS)] }),
    fixtureScenario({ ...opts, access: [stepTrace(t, upB, downB, N * STEP_MS)] }),
  ] as const;
}

/** The learning phase's log of baseline `name` (entries delivered before T). */
async function logBefore(name: string, env: OrchestrationEnv, untilMs: number): Promise<AgentLogEntry[]> {
  const agent = await (await loadBaseline(name))({ env: env.spec, seed: 5 });
  try {
    return recordAgentLog(env, agent, 3, { evaluationDecisions: 0 }).filter((e) => e.deliveredAtMs < untilMs);
  } finally {
    agent.dispose?.();
  }
}

// Privileged baselines (plug-in, clairvoyant) read the simulator by design, so they are not here.
const names = listBaselines().filter((n) => !BASELINES[n]!.privileged);

describe('agents are given nothing that depends on the future', () => {
  for (const name of names) {
    it(`${name}: identical logs (observations, transitions, decisions) for everything delivered before T`, async () => {
      const [a, b] = scenarios();
      const la = await logBefore(name, new OrchestrationEnv(a), T_MS);
      const lb = await logBefore(name, new OrchestrationEnv(b), T_MS);
      // About 4 requests/s for 50 s before T: a long comparison, transitions included.
      expect(la.filter((e) => e.kind === 'transition').length).toBeGreaterThan(100);
      expect(lb).toEqual(la);
    }, 120_000);
  }

  it('the two futures differ: right after T the logs differ (the check can fail)', async () => {
    const [a, b] = scenarios();
    const la = await logBefore('static-edge', new OrchestrationEnv(a), T_MS + 5 * PROBE_MS);
    const lb = await logBefore('static-edge', new OrchestrationEnv(b), T_MS + 5 * PROBE_MS);
    expect(lb).not.toEqual(la);
  });

  it('instant feedback (the ablation) leaks the future: the logs differ before T', async () => {
    const [a, b] = scenarios().map((s) => ({ ...s, spec: { ...s.spec, observation: { ...s.spec.observation, feedback: 'instant' as const } } }));
    const la = await logBefore('static-edge', new OrchestrationEnv(a!), T_MS);
    const lb = await logBefore('static-edge', new OrchestrationEnv(b!), T_MS);
    expect(lb).not.toEqual(la);
  });

  // The v2 factors read trace-driven timings (battery drains at completion, per-request deadlines):
  // the same check with a near-empty battery and log-normal deadlines, for the agents that read them.
  for (const name of ['static-device', 'bandit', 'hybrid', 'hybrid-v4', 'dqn', 'dqn-v4']) {
    it(`${name}, with a battery and per-request deadlines: identical logs for everything delivered before T`, async () => {
      const withFactors = scenarios().map((sc) => ({
        ...sc,
        spec: {
          ...sc.spec,
          users: { ...sc.spec.users, deadline: { distribution: 'lognormal' as const, medianMs: 200, sigma: 0.7, minMs: 50, maxMs: 5000 } },
          tiers: { ...sc.spec.tiers, device: { ...sc.spec.tiers.device, battery: { capacityWh: 14.8, initialSocPct: 0.05, emptyPenaltyPerRequest: 100, source: 'test' } } },
        },
      }));
      const la = await logBefore(name, new OrchestrationEnv(withFactors[0]!), T_MS);
      const lb = await logBefore(name, new OrchestrationEnv(withFactors[1]!), T_MS);
      expect(la.some((e) => e.kind === 'observation' && e.observation.user.batterySoc < 1)).toBe(true);
      expect(lb).toEqual(la);
    }, 120_000);
  }
});
