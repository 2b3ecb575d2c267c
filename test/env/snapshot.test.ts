/**
 * The fork is bit-exact: N decisions, a snapshot, M more, a restore, the same M again gives
 * identical observations, rewards, outcomes and feedback, on a default scenario with every factor
 * on (battery, residency, background load, deadlines, measured contention, 16 users), in both
 * phases, restored into the same instance or into another one; and for random action sequences
 * (a property test).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../harness/agent.ts';
import { OrchestrationEnv, type Phase } from '../../harness/env/env.ts';
import { Rng, deriveRng } from '../../harness/rng.ts';
import type { CompiledScenario } from '../../harness/scenario/compiled.ts';
import { loadScenario } from '../../harness/scenario/load.ts';

let scenario: CompiledScenario;
beforeAll(async () => {
  scenario = await loadScenario('lte-driving-16u-battery-deadlines-v3', { variant: 'testing' });
});

/** The legal action `k` picks (k taken modulo the legal count). */
function legal(obs: Observation, k: number): number {
  const ids: number[] = [];
  obs.actionMask.forEach((m, a) => m === 1 && ids.push(a));
  return ids[k % ids.length]!;
}

/** Everything an agent and the harness see over `picks.length` steps (or until done), as text. */
function run(env: OrchestrationEnv, picks: readonly number[]): string[] {
  const seen: string[] = [];
  let obs = env.currentObservation;
  for (const k of picks) {
    const r = env.step(legal(obs, k));
    const d = env.lastDecision;
    seen.push(JSON.stringify({ d, obs: r.obs, feedback: r.feedback.map((t) => ({ ...t, nextObs: t.nextObs.timeMs })), done: r.done }));
    obs = r.obs;
    if (r.done) break;
  }
  return seen;
}

function picksOf(seed: number, n: number): number[] {
  const rng = deriveRng(seed, 'snapshot-test');
  return Array.from({ length: n }, () => rng.int(1000));
}

describe('env.snapshot() / env.restore(): a bit-exact fork', () => {
  for (const phase of ['learn', 'eval'] as Phase[]) {
    for (const [n, m] of [[0, 1], [7, 40], [150, 300], [400, 25]] as const) {
      it(`${phase}: ${n} decisions, snapshot, ${m} more, restore, the same ${m} again`, () => {
        const env = new OrchestrationEnv(scenario);
        env.reset(3, phase);
        run(env, picksOf(n, n));
        const snap = env.snapshot();
        const picks = picksOf(1000 + m, m);
        const first = run(env, picks);
        expect(first.length).toBe(m);
        env.restore(snap);
        expect(run(env, picks)).toEqual(first);
        // Into another instance (a fork), twice from the same snapshot.
        const other = new OrchestrationEnv(scenario);
        other.restore(snap);
        expect(run(other, picks)).toEqual(first);
        other.restore(snap);
        expect(run(other, picks)).toEqual(first);
      });
    }
  }

  it('fork() runs the same future as the original, and the original is not disturbed', () => {
    const env = new OrchestrationEnv(scenario);
    env.reset(5, 'learn');
    run(env, picksOf(1, 60));
    const copy = env.fork();
    const picks = picksOf(2, 80);
    const a = run(copy, picks);
    expect(run(env, picks)).toEqual(a);
  });

  it('refuses a snapshot of another scenario, and a snapshot before reset', async () => {
    const env = new OrchestrationEnv(scenario);
    expect(() => env.snapshot()).toThrow('snapshot() before reset()');
    const other = new OrchestrationEnv(await loadScenario('lte-driving-4u-battery-v3', { variant: 'testing' }));
    other.reset(1, 'learn');
    expect(() => env.restore(other.snapshot())).toThrow(/snapshot is of another scenario.*lte-driving-16u-battery-deadlines-v3/);
  });

  it('property: any action sequence, any N and M: the restored run repeats the first exactly', () => {
    const env = new OrchestrationEnv(scenario);
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 0, maxLength: 120 }), fc.array(fc.nat(50), { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 9 }), (before, after, seed) => {
        env.reset(seed, seed % 2 === 0 ? 'learn' : 'eval');
        run(env, before);
        const snap = env.snapshot();
        const first = run(env, after);
        env.restore(snap);
        expect(run(env, after)).toEqual(first);
      }),
      { numRuns: 40, seed: 19 },
    );
  });
});

describe('Rng state export', () => {
  it('restoreState replays the same draws; fromState continues the stream', () => {
    const r = new Rng([1, 'x']);
    r.float();
    const s = r.state();
    const a = [r.float(), r.int(10), r.normal()];
    r.restoreState(s);
    expect([r.float(), r.int(10), r.normal()]).toEqual(a);
    const c = Rng.fromState(s);
    expect([c.float(), c.int(10), c.normal()]).toEqual(a);
  });
});
