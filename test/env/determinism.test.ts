import { describe, expect, it } from 'vitest';
import type { Observation } from '../../harness/agent.ts';
import { checkEnv } from '../../harness/env/check.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { createRandomAgent } from '../../harness/reference/index.ts';
import { fixtureScenario, stepTrace } from './fixtures.ts';

const poissonTrace = () => {
  // A 60 s trace with a new rate every 500 ms, varied deterministically.
  const n = 120;
  const t = Array.from({ length: n }, (_, i) => i * 500);
  const up = t.map((_, i) => 1 + ((i * 7) % 13));
  const down = t.map((_, i) => 2 + ((i * 5) % 17));
  return stepTrace(t, up, down, n * 500);
};

describe('determinism', () => {
  const scenario = fixtureScenario({ users: 4, rateHz: 5, periodic: false, access: [poissonTrace()], replay: { startOffset: 'seeded' } });

  it('the same seed gives the same decision log; different seeds give different logs', () => {
    const env = new OrchestrationEnv(scenario);
    const a = runEpisode(env, createRandomAgent(3), 11);
    const b = runEpisode(new OrchestrationEnv(scenario), createRandomAgent(3), 11);
    const c = runEpisode(env, createRandomAgent(3), 12);
    expect(a.logSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.logSha256).toBe(a.logSha256);
    expect(Array.from(b.learningRewards)).toEqual(Array.from(a.learningRewards));
    expect(c.logSha256).not.toBe(a.logSha256);
  });

  it("a user's request stream does not depend on the actions taken", () => {
    const env = new OrchestrationEnv(scenario);
    const requests = (agentSeed: number) => {
      const agent = createRandomAgent(agentSeed);
      let obs = env.reset(5, 'learn');
      const seen: string[] = [];
      for (let i = 0; i < 100; i++) {
        seen.push(`${obs.userId}@${obs.timeMs}:${obs.request.accuracyRequirementTop1Pct}`);
        obs = env.step(agent.act(obs)).obs;
      }
      return seen;
    };
    expect(requests(1)).toEqual(requests(2));
  });

  it('the learning and evaluation phases replay different segments', () => {
    const env = new OrchestrationEnv(scenario);
    const links = (phase: 'learn' | 'eval') => {
      let obs = env.reset(5, phase);
      const out: number[] = [];
      for (let i = 0; i < 50; i++) {
        out.push(obs.link.uplinkMbps);
        obs = env.step(2).obs;
      }
      return out;
    };
    expect(links('learn')).not.toEqual(links('eval'));
  });
});

describe('no observation leaks a future value', () => {
  it('traces identical up to T and different after give identical observations before T - probe interval', () => {
    const n = 200;
    const t = Array.from({ length: n }, (_, i) => i * 250);
    const up = t.map((_, i) => 2 + ((i * 3) % 11));
    const down = t.map((_, i) => 4 + ((i * 7) % 19));
    const cut = 100; // samples from index 100 (T = 25 s) differ
    const T = cut * 250;
    const upB = up.map((v, i) => (i >= cut ? v * 3 + 1 : v));
    const downB = down.map((v, i) => (i >= cut ? 0 : v));
    const opts = { users: 3, rateHz: 4, periodic: false, replay: { evaluationFraction: 0 }, probeIntervalMs: 500, learningDecisions: 1000 } as const;
    const envA = new OrchestrationEnv(fixtureScenario({ ...opts, access: [stepTrace(t, up, down, n * 250)] }));
    const envB = new OrchestrationEnv(fixtureScenario({ ...opts, access: [stepTrace(t, upB, downB, n * 250)] }));
    const snap = (o: Observation) => JSON.stringify([o.timeMs, o.userId, o.request, o.link, o.load, Array.from(o.features)]);
    let a = envA.reset(9, 'learn');
    let b = envB.reset(9, 'learn');
    let compared = 0;
    const agentA = createRandomAgent(4);
    const agentB = createRandomAgent(4);
    // Actions are the same in both (same agent seed, same masks); outcomes may differ only after T.
    while (a.timeMs < T - 500) {
      expect(snap(b)).toBe(snap(a));
      compared++;
      a = envA.step(agentA.act(a)).obs;
      b = envB.step(agentB.act(b)).obs;
    }
    expect(compared).toBeGreaterThan(50);
    // And the traces do matter after T: some later observation differs.
    let differs = false;
    for (let i = 0; i < 200 && !differs; i++) {
      differs = snap(a) !== snap(b);
      a = envA.step(agentA.act(a)).obs;
      b = envB.step(agentB.act(b)).obs;
    }
    expect(differs).toBe(true);
  });
});

describe('checkEnv', () => {
  it('passes on the fixtures (fixed links, step traces, truncate, linear interpolation)', () => {
    const variants = [
      fixtureScenario(),
      fixtureScenario({ users: 4, rateHz: 5, periodic: false, edgeContention: 'measured' }),
      fixtureScenario({ users: 3, access: [poissonTrace()], replay: { atEnd: 'truncate', startOffset: 'seeded' } }),
      fixtureScenario({ users: 2, access: [poissonTrace()], replay: { interpolation: 'linear', startOffset: 'seeded' } }),
    ];
    variants[1]!.profiles.edge.contention = { concurrent: [1, 4, 16], slowdown: [1, 1.2, 4], basis: 'fixture' };
    for (const s of variants) {
      const r = checkEnv(s);
      expect(r.decisionsPerPhase.learn).toBeGreaterThan(0);
      expect(r.decisionsPerPhase.eval).toBeGreaterThan(0);
      expect(r.actions).toBe(6);
    }
  });

  it('reports a scenario whose measured contention has no curve', () => {
    expect(() => checkEnv(fixtureScenario({ edgeContention: 'measured' }))).toThrow(/contention "measured" but profile "fixture-edge" has no usable contention curve/);
  });
});
