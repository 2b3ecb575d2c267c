/**
 * No agent reads anything but its observations and its own outcomes: fed two scenarios whose
 * traces are identical up to time T and different after it, every baseline makes identical
 * decisions on requests that arrive and complete before T (less one probe interval).
 */
import { describe, expect, it } from 'vitest';
import { BASELINES, listBaselines, loadBaseline } from '../../baselines/index.ts';
import type { Agent, Observation, Outcome } from '../../harness/agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
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

/** Runs the learning phase; returns (arrival time, completion time, action) per decision. */
async function decisions(name: string, env: OrchestrationEnv): Promise<[number, number, number][]> {
  const agent: Agent = await (await loadBaseline(name))({ env: env.spec, seed: 5 });
  const out: [number, number, number][] = [];
  let obs: Observation = env.reset(3, 'learn');
  for (let i = 0; i < env.spec.learningDecisions; i++) {
    const action = agent.act(obs);
    const r = env.step(action);
    const outcome: Outcome = { ...r.outcome };
    out.push([obs.timeMs, obs.timeMs + outcome.latencyMs, action]);
    agent.learn?.({ obs, action, reward: r.reward, outcome, nextObs: r.obs });
    obs = r.obs;
    if (r.done) break;
  }
  agent.dispose?.();
  return out;
}

// The oracle is privileged by design (it reads the simulator's present state), so it is not here.
const names = listBaselines().filter((n) => !BASELINES[n]!.privileged);

describe('agents see only observations and their own outcomes', () => {
  for (const name of names) {
    it(`${name}: identical decisions until the traces differ`, async () => {
      const [a, b] = scenarios();
      const da = await decisions(name, new OrchestrationEnv(a));
      const db = await decisions(name, new OrchestrationEnv(b));
      // A request's outcome reaches the agent at decision time, so compare only the prefix of
      // decisions made before any request that completes after T - probe interval.
      const horizon = da.findIndex(([, done]) => done >= T_MS - PROBE_MS);
      expect(horizon).toBeGreaterThan(100);
      expect(db.slice(0, horizon).map((d) => d[2])).toEqual(da.slice(0, horizon).map((d) => d[2]));
    }, 120_000);
  }

  it('the two futures differ: an offloading policy sees different outcomes after T', async () => {
    const [a, b] = scenarios();
    const da = await decisions('static-edge', new OrchestrationEnv(a));
    const db = await decisions('static-edge', new OrchestrationEnv(b));
    const horizon = da.findIndex(([, done]) => done >= T_MS - PROBE_MS);
    expect(da.slice(0, horizon)).toEqual(db.slice(0, horizon));
    expect(da.slice(horizon).some(([, done], i) => Math.abs(db[horizon + i]![1] - done) > 1e-9)).toBe(true);
  });
});
