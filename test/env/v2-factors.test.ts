/**
 * The scenario-v2 factors, computed by hand: the battery (drained at completion, the penalty and
 * recharge when empty, the state of charge in the observation and feature 13), per-request
 * deadlines (in the observation, used for the miss, common to every agent), and the clairvoyant's
 * battery price.
 */
import { describe, expect, it } from 'vitest';
import { Battery } from '../../harness/env/battery.ts';
import { drawDeadlineMs } from '../../harness/env/deadlines.ts';
import { createClairvoyant } from '../../harness/reference/index.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { FEATURES } from '../../harness/env/features.ts';
import { deriveRng } from '../../harness/rng.ts';
import type { CompiledScenario } from '../../harness/scenario/compiled.ts';
import type { BatterySpec, DeadlineSpec } from '../../harness/scenario/types.ts';
import { A, fixtureScenario, stepRecord, type FixtureOptions } from './fixtures.ts';

/** 0.001 Wh = 3600 mJ; 50 % = 1800 mJ = nine device requests of 200 mJ (fixture: busy 5 W, idle 0.5 W, 40 ms). */
const BATTERY: BatterySpec = { capacityWh: 0.001, initialSocPct: 50, emptyPenaltyPerRequest: 3, source: 'test' };

function withFactors(o: FixtureOptions, battery?: BatterySpec, deadline?: DeadlineSpec): CompiledScenario {
  const s = fixtureScenario(o);
  if (battery) s.spec.tiers.device.battery = battery;
  if (deadline) s.spec.users.deadline = deadline;
  return s;
}

describe('Battery', () => {
  it('drains in completion order, only when the clock passes the completion, and never below 0', () => {
    const b = new Battery(2, BATTERY);
    b.reset();
    b.drainAt(0, 300, 1000);
    b.drainAt(0, 100, 500);
    b.drainAt(1, 200, 5000);
    b.advance(99);
    expect(b.remainingMj(0)).toBe(1800);
    b.advance(100);
    expect(b.remainingMj(0)).toBe(1300);
    b.advance(300);
    expect(b.remainingMj(0)).toBe(300);
    expect(b.remainingMj(1)).toBe(0);
    expect(b.soc(0)).toBeCloseTo(300 / 3600, 12);
    expect(b.penaltyOnArrival(0)).toBe(0);
    expect(b.penaltyOnArrival(1)).toBe(3);
    expect(b.remainingMj(1)).toBe(1800);
    expect(b.shadowPricePerMj).toBeCloseTo(3 / 1800, 15);
  });
});

describe('the battery in the environment', () => {
  it('one request a second on the device: SoC falls by 200 mJ per completed request; the tenth pays the penalty and recharges', () => {
    const env = new OrchestrationEnv(withFactors({}, BATTERY));
    let obs = env.reset(1, 'learn');
    const socIdx = FEATURES.findIndex((f) => f.name === 'batterySoc');
    for (let k = 0; k < 12; k++) {
      const before = k < 9 ? 1800 - 200 * k : k === 9 ? 1800 : 1800 - 200 * (k - 9);
      expect(obs.user.batterySoc, `request ${k}`).toBeCloseTo(before / 3600, 12);
      expect(obs.features[socIdx], `request ${k}`).toBeCloseTo(before / 3600, 6);
      const r = stepRecord(env, A.deviceSmall);
      expect(r.outcome.deviceEnergyMj).toBeCloseTo(200, 9);
      expect(r.reward, `request ${k}`).toBeCloseTo(-(0.04 + (k === 9 ? 3 : 0)), 12);
      obs = r.obs;
    }
  });

  it('the SoC seen at an arrival counts only the requests completed by then (queued device requests)', () => {
    const env = new OrchestrationEnv(withFactors({ rateHz: 50 }, { ...BATTERY, initialSocPct: 100 }));
    let obs = env.reset(1, 'learn');
    const done: { atMs: number; mj: number }[] = [];
    for (let k = 0; k < 10; k++) {
      const drained = done.filter((d) => d.atMs <= obs.timeMs).reduce((t, d) => t + d.mj, 0);
      expect(obs.user.batterySoc, `request ${k}`).toBeCloseTo((3600 - drained) / 3600, 12);
      const r = stepRecord(env, A.deviceSmall);
      done.push({ atMs: r.completedAtMs, mj: r.outcome.deviceEnergyMj });
      obs = r.obs;
    }
    // The backlog builds (40 ms of work every 20 ms), so some requests were still running.
    expect(done.filter((d) => d.atMs > obs.timeMs).length).toBeGreaterThan(0);
  });

  it('the clairvoyant prices device energy at penalty / initial charge only when the battery is projected to run empty in the phase', () => {
    // 200 decisions of 200 mJ each: far more than the 1800 mJ charge, so after the first decision the price applies.
    // The clairvoyant counts the decisions it sees stepped (act, then the step of any action).
    const afterOneDeviceStep = (e: OrchestrationEnv) => {
      const c = createClairvoyant(e);
      c.act(e.reset(1, 'learn'));
      const first = c.score(A.deviceSmall);
      e.step(A.deviceSmall);
      c.act(e.currentObservation);
      return { c, first };
    };
    const env = new OrchestrationEnv(withFactors({}, BATTERY));
    const { c, first } = afterOneDeviceStep(env);
    expect(first).toBeLessThan(0);
    expect(c.score(A.deviceSmall)).toBeCloseTo(env.whatIf(A.deviceSmall).reward - (3 / 1800) * 200, 12);
    // A charge of 3.6 kJ covers the whole phase: no price.
    const big = new OrchestrationEnv(withFactors({}, { ...BATTERY, capacityWh: 1, initialSocPct: 100 }));
    expect(afterOneDeviceStep(big).c.score(A.deviceSmall)).toBe(big.whatIf(A.deviceSmall).reward);
    const plain = new OrchestrationEnv(fixtureScenario());
    const p = createClairvoyant(plain);
    p.act(plain.reset(1, 'learn'));
    expect(p.score(A.edgeSmall)).toBe(plain.whatIf(A.edgeSmall).reward);
    expect(plain.currentObservation.user.batterySoc).toBe(1);
  });
});

describe('per-request deadlines', () => {
  const LOGNORMAL: DeadlineSpec = { distribution: 'lognormal', medianMs: 60, sigma: 0.8, minMs: 20, maxMs: 400 };

  it('draws log-normal and Pareto deadlines within their bounds, with the right median / scale', () => {
    const rng = deriveRng(1, 'deadline-test');
    const ln = Array.from({ length: 4001 }, () => drawDeadlineMs(LOGNORMAL, rng)).sort((a, b) => a - b);
    expect(ln[0]).toBeGreaterThanOrEqual(20);
    expect(ln[ln.length - 1]).toBeLessThanOrEqual(400);
    expect(ln[2000]).toBeGreaterThan(55);
    expect(ln[2000]).toBeLessThan(65);
    const pa = Array.from({ length: 4001 }, () => drawDeadlineMs({ distribution: 'pareto', alpha: 1.5, minMs: 50, maxMs: 1e9 }, rng)).sort((a, b) => a - b);
    // Pareto median = scale x 2^(1/alpha) = 79.37 ms.
    expect(pa[2000]).toBeGreaterThan(75);
    expect(pa[2000]).toBeLessThan(84);
  });

  it("the observation carries the request's own deadline, the miss uses it, and the sequence does not depend on the actions", () => {
    const scenario = withFactors({ rateHz: 5, periodic: false }, undefined, LOGNORMAL);
    const seen = (action: number) => {
      const env = new OrchestrationEnv(scenario);
      let obs = env.reset(3, 'learn');
      const out: number[] = [];
      for (let k = 0; k < 40; k++) {
        const d = obs.request.deadlineMs!;
        out.push(d);
        const r = stepRecord(env, action);
        expect(r.outcome.deadlineMiss).toBe(r.outcome.latencyMs > d);
        obs = r.obs;
      }
      return out;
    };
    const device = seen(A.deviceSmall);
    expect(seen(A.edgeBig)).toEqual(device);
    expect(new Set(device).size).toBeGreaterThan(30);
  });
});
