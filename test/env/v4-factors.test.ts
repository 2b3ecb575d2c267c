/**
 * Scenario features for the v4 suite: session arrivals, the hard accuracy requirement, and the
 * radio's connected what-if (the myopic reference's connected-radio variants).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { clairvoyantVariants } from '../../harness/reference/myopic.ts';
import { createPlanner } from '../../harness/reference/planning.ts';
import { checkScenario } from '../../harness/scenario/load.ts';
import type { RadioSpec } from '../../harness/scenario/types.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { A, fixtureScenario, stepRecord } from './fixtures.ts';

const LTE: RadioSpec = { tail: [{ durationMs: 11576, powerW: 1.06, promotionMs: 0, promotionPowerW: 0 }], idlePromotionMs: 260, idlePromotionPowerW: 1.21, source: 'Huang et al. MobiSys 2012' };

/** The arrival times (ms) of `n` requests of a one-user fixture with this arrival process. */
function arrivals(arrival: ReturnType<typeof fixtureScenario>['spec']['users']['arrival'], n: number, seed = 3): number[] {
  const s = fixtureScenario({ learningDecisions: n });
  s.spec.users.arrival = arrival;
  const env = new OrchestrationEnv(s);
  const out = [env.reset(seed, 'learn').timeMs];
  for (let i = 1; i < n; i++) out.push(env.step(A.deviceSmall).obs.timeMs);
  return out;
}

describe('session arrivals', () => {
  it('bursts at rateHz with pauses: the mean gap and the share of long gaps are those of the mixture', () => {
    const n = 20_000;
    const t = arrivals({ process: 'sessions', rateHz: 5, requestsPerSession: 4, pauseS: 20 }, n);
    const gaps = t.slice(1).map((x, i) => x - t[i]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    // E[gap] = 1/4 x 20 s + 3/4 x 0.2 s = 5.15 s; a Poisson process at the same mean rate has no such bursts.
    expect(mean).toBeGreaterThan(5150 * 0.95);
    expect(mean).toBeLessThan(5150 * 1.05);
    // Gaps over 5 s: a pause longer than 5 s (1/4 x e^-0.25) or a within-session gap that long (e^-25, none).
    const long = gaps.filter((g) => g > 5000).length / gaps.length;
    expect(long).toBeGreaterThan(0.25 * Math.exp(-0.25) - 0.015);
    expect(long).toBeLessThan(0.25 * Math.exp(-0.25) + 0.015);
    // Half the gaps under 0.2 s x ln 2 (the within-session median), far more than the Poisson twin's.
    const short = gaps.filter((g) => g < 200 * Math.LN2).length / gaps.length;
    expect(short).toBeGreaterThan(0.75 * 0.5 - 0.02);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = { process: 'sessions', rateHz: 2, requestsPerSession: 3, pauseS: 10 } as const;
    expect(arrivals(a, 200, 5)).toEqual(arrivals(a, 200, 5));
    expect(arrivals(a, 200, 5)).not.toEqual(arrivals(a, 200, 6));
  });

  it('the scenario file is checked: sessions need requestsPerSession and pauseS, other processes refuse them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sessions-'));
    try {
      const base = JSON.parse(readFileSync(join(REPO_ROOT, 'scenarios/default-v3/lte-driving-4u-battery-v3.json'), 'utf8'));
      const check = (arrival: object) => {
        const file = join(dir, 'x.json');
        writeFileSync(file, JSON.stringify({ ...base, users: { ...base.users, arrival } }));
        return checkScenario(file).map((i) => `${i.pointer}: ${i.expected}`).join('\n');
      };
      expect(check({ process: 'sessions', rateHz: 2, requestsPerSession: 3, pauseS: 10 })).toBe('');
      expect(check({ process: 'sessions', rateHz: 2, pauseS: 10 })).toMatch(/\/users\/arrival.*requestsPerSession/);
      expect(check({ process: 'poisson', rateHz: 2, pauseS: 10 })).toMatch(/\/users\/arrival/);
      expect(check({ process: 'sessions', rateHz: 2, requestsPerSession: 0.5, pauseS: 10 })).toMatch(/requestsPerSession/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the hard accuracy requirement', () => {
  const env = (requirementTop1Pct: number, hard: boolean) => {
    const s = fixtureScenario({ requirementTop1Pct });
    s.spec.users.accuracyRequirement = { distribution: 'fixed', valueTop1Pct: requirementTop1Pct, hard };
    return new OrchestrationEnv(s);
  };

  it('masks the actions below the requirement out of each request, and step and whatIf refuse them with the reason', () => {
    const e = env(75, true);
    const obs = e.reset(1, 'learn');
    // "small" is 70 %, "big" 80 % (not on the device): only the big model on edge and cloud remain.
    expect(Array.from(obs.actionMask)).toEqual([0, 0, 0, 1, 0, 1]);
    expect(() => e.whatIf(A.deviceSmall)).toThrow(/accuracy 70% top-1 is below its hard requirement of 75%/);
    expect(() => e.step(A.edgeSmall)).toThrow(/masked for this request/);
    const r = stepRecord(e, A.edgeBig);
    expect(r.outcome.accuracyViolation).toBe(false);
    expect(Array.from(r.obs.actionMask)).toEqual([0, 0, 0, 1, 0, 1]);
    // Without `hard`, the same request may violate (and pays the penalty).
    const soft = env(75, false);
    expect(Array.from(soft.reset(1, 'learn').actionMask)).toEqual([1, 0, 1, 1, 1, 1]);
    expect(stepRecord(soft, A.deviceSmall).outcome.accuracyViolation).toBe(true);
  });

  it('keeps every legal action when no model meets the requirement (then a violation costs its penalty)', () => {
    const e = env(90, true);
    expect(Array.from(e.reset(1, 'learn').actionMask)).toEqual([1, 0, 1, 1, 1, 1]);
    expect(stepRecord(e, A.cloudBig).outcome.accuracyViolation).toBe(true);
  });

  it('a snapshot restores the mask with the request', () => {
    const s = fixtureScenario({});
    s.spec.users.accuracyRequirement = { distribution: 'choice', valuesTop1Pct: [65, 75], hard: true };
    const e = new OrchestrationEnv(s);
    e.reset(4, 'learn');
    for (let i = 0; i < 7; i++) e.step(e.currentObservation.actionMask.lastIndexOf(1));
    const snap = e.snapshot();
    const masks = () => Array.from({ length: 6 }, () => Array.from(e.step(e.currentObservation.actionMask.lastIndexOf(1)).obs.actionMask).join(''));
    const first = masks();
    expect(new Set(first).size).toBe(2);
    e.restore(snap);
    expect(masks()).toEqual(first);
  });
});

describe("the radio's connected what-if", () => {
  const radioEnv = () => {
    const s = fixtureScenario({ energyWeightPerJ: 0.5 });
    s.spec.tiers.device.power = { busyPowerW: 5, idlePowerW: 0.5, txPowerW: 2, rxPowerW: 1.1 };
    s.spec.tiers.device.radio = LTE;
    return new OrchestrationEnv(s);
  };

  it('prices an offload from idle without the promotion and the tail: its own activity at the connected power', () => {
    const e = radioEnv();
    e.reset(1, 'learn');
    const real = { ...e.whatIf(A.edgeSmall) };
    const connected = { ...e.whatIf(A.edgeSmall, { connected: true }) };
    expect(real.latencyMs - connected.latencyMs).toBeCloseTo(260, 9);
    // The real charge: the promotion at 1.21 W (the connected base starts after it) and the whole
    // tail; the connected one: neither, and 260 ms less idle draw.
    expect(real.deviceEnergyMj - connected.deviceEnergyMj).toBeCloseTo(1.21 * 260 + 1.06 * 11576 + 0.5 * 260, 6);
    // No state changes: the real what-if again is the same.
    expect(e.whatIf(A.edgeSmall).deviceEnergyMj).toBe(real.deviceEnergyMj);
  });

  it('doubles the myopic variants with a radio, and the planner still decides legal actions', () => {
    const e = radioEnv();
    const variants = clairvoyantVariants(e);
    expect(variants.filter((p) => p.asIfConnected)).toHaveLength(variants.length / 2);
    const s = fixtureScenario({});
    expect(clairvoyantVariants(new OrchestrationEnv(s)).some((p) => p.asIfConnected)).toBe(false);
    const planner = createPlanner(e, { horizon: 4, candidates: 6 });
    let obs = e.reset(2, 'eval');
    for (let i = 0; i < 20; i++) {
      const a = planner.act(obs);
      expect(obs.actionMask[a]).toBe(1);
      obs = e.step(a).obs;
    }
  });
});
