/**
 * The battery's charging windows (`harness/env/charging.ts`, `battery.ts`): the schedule and the
 * state of charge by hand, the closed form against a brute-force millisecond timeline, the
 * observation fields and their causality, determinism, the fork, the myopic reference's
 * charger-aware variant, and the scenario file's checks.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../harness/agent.ts';
import { Battery } from '../../harness/env/battery.ts';
import { ChargingWindows } from '../../harness/env/charging.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { CHARGING_FEATURES, FEATURES } from '../../harness/env/features.ts';
import { clairvoyantVariants, createClairvoyant } from '../../harness/reference/myopic.ts';
import { deriveRng } from '../../harness/rng.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import type { BatterySpec, ChargingSpec } from '../../harness/scenario/types.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { A, fixtureScenario, stepRecord } from './fixtures.ts';

const MJ_PER_WH = 3.6e6;
/** 100 s period, 20 s plugged in, 1 W (1 mJ per ms). */
const CHARGING: ChargingSpec = { periodS: 100, durationS: 20, powerW: 1, source: 'test' };
/** A 10 J battery starting half full, penalty 7 when empty. */
const BATTERY: BatterySpec = { capacityWh: 10_000 / MJ_PER_WH, initialSocPct: 50, emptyPenaltyPerRequest: 7, source: 'test' };

/** Windows for `users` users with these offsets (ms). */
function windows(offsetsMs: number[], spec: ChargingSpec = CHARGING): ChargingWindows {
  const c = new ChargingWindows(offsetsMs.length, spec);
  c.restore(Float64Array.from(offsetsMs));
  return c;
}

describe('ChargingWindows', () => {
  it('by hand: plugged in on [offset + k period, offset + k period + duration), the time to the next plug-in, and the plugged-in time of any interval', () => {
    const c = windows([30_000, 0]);
    expect(c.isPlugged(0, 29_999)).toBe(false);
    expect(c.isPlugged(0, 30_000)).toBe(true);
    expect(c.isPlugged(0, 49_999.5)).toBe(true);
    expect(c.isPlugged(0, 50_000)).toBe(false);
    expect(c.isPlugged(0, 130_000)).toBe(true);
    expect(c.isPlugged(1, 0)).toBe(true);
    expect(c.chargeInMs(0, 0)).toBe(30_000);
    expect(c.chargeInMs(0, 35_000)).toBe(0);
    expect(c.chargeInMs(0, 50_000)).toBe(80_000);
    expect(c.chargeInMs(1, 25_000)).toBe(75_000);
    expect(c.pluggedMs(0, 0, 30_000)).toBe(0);
    expect(c.pluggedMs(0, 0, 40_000)).toBe(10_000);
    expect(c.pluggedMs(0, 45_000, 135_000)).toBe(5_000 + 5_000);
    expect(c.pluggedMs(0, 0, 1_000_000)).toBe(10 * 20_000);
    expect(c.pluggedMs(0, 40_000, 40_000)).toBe(0);
    expect(c.pluggedMs(1, 10_000, 110_000)).toBe(10_000 + 10_000);
  });

  it('offsets are drawn per user in [0, period) from the streams given, deterministically', () => {
    const draw = (seed: number) => {
      const c = new ChargingWindows(3, CHARGING);
      c.reset([0, 1, 2].map((u) => deriveRng(seed, 'charging-test', u)));
      return [0, 1, 2].map((u) => c.offsetOf(u));
    };
    const a = draw(1);
    expect(draw(1)).toEqual(a);
    expect(draw(2)).not.toEqual(a);
    for (const x of a) expect(x >= 0 && x < 100_000).toBe(true);
    expect(new Set(a).size).toBe(3);
  });
});

describe('Battery with charging windows', () => {
  it('by hand: plugging in charges up to capacity, a drain while unplugged leaves the battery, one while plugged in comes from the charger, and an empty battery costs the penalty', () => {
    const b = new Battery(1, BATTERY, windows([30_000]));
    b.reset();
    /** The charge (mJ) after advancing to `tMs`. */
    const at = (tMs: number, mj: number) => {
      b.advance(tMs);
      expect(b.remainingMj(0)).toBeCloseTo(mj, 9);
    };
    // Unplugged until 30 s: nothing gained. 5 s plugged in at 1 W = 5 J: full; 10 s more adds nothing (capacity).
    at(29_000, 5000);
    at(35_000, 10_000);
    expect(b.soc(0)).toBeCloseTo(1, 12);
    at(45_000, 10_000);
    // A drain completing unplugged (at 60 s) leaves the battery; another completing in the next window (135 s) does not.
    b.drainAt(0, 60_000, 3000);
    b.drainAt(0, 135_000, 2000);
    at(59_999, 10_000);
    expect(b.committedMj(0)).toBeCloseTo(10_000 - 5000, 9);
    at(60_000, 7000);
    // 130 -> 133 s plugged in: +3 J = full again; the 2 J drain at 135 s comes from the charger.
    at(133_000, 10_000);
    at(140_000, 10_000);
    expect(b.committedMj(0)).toBeCloseTo(10_000, 9);
    // Unplugged at 160 s: a 12 J drain empties it; the next arrival pays the penalty and is recharged to the initial 5 J.
    b.drainAt(0, 160_000, 12_000);
    b.advance(170_000);
    expect(b.remainingMj(0)).toBe(0);
    expect(b.penaltyOnArrival(0)).toBe(7);
    expect(b.remainingMj(0)).toBeCloseTo(5000, 9);
    expect(b.penaltyOnArrival(0)).toBe(0);
    // Charging resumes from the recharged level at the next window (230 s): 4 s -> 9 J.
    at(234_000, 9000);
  });

  it('the closed form equals a brute-force millisecond timeline for random drains, offsets and users, and a snapshot restores it', () => {
    const drain = fc.record({ user: fc.integer({ min: 0, max: 1 }), atMs: fc.integer({ min: 0, max: 400_000 }), mj: fc.integer({ min: 0, max: 6000 }) });
    const spec = fc.record({ periodS: fc.integer({ min: 5, max: 150 }), fraction: fc.double({ min: 0.05, max: 0.95, noNaN: true }), powerW: fc.double({ min: 0.1, max: 3, noNaN: true }) });
    fc.assert(fc.property(spec, fc.tuple(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 1e6 })), fc.array(drain, { maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 400_000 }), { minLength: 1, maxLength: 8 }), (s, raw, drains, queries) => {
      const periodMs = s.periodS * 1000;
      const durationMs = Math.max(1, Math.min(periodMs - 1, Math.round(s.fraction * periodMs)));
      const ch: ChargingSpec = { periodS: s.periodS, durationS: durationMs / 1000, powerW: s.powerW, source: 'test' };
      const offsets = raw.map((x) => x % periodMs);
      const b = new Battery(2, BATTERY, windows(offsets, ch));
      b.reset();
      for (const d of drains) b.drainAt(d.user, d.atMs, d.mj);
      const times = [...queries].sort((x, y) => x - y);
      const got: number[][] = [];
      let snapAt = -1;
      let snap = b.snapshot();
      for (const t of times) {
        b.advance(t);
        got.push([b.remainingMj(0), b.remainingMj(1)]);
        if (snapAt < 0) [snapAt, snap] = [got.length, b.snapshot()];
      }
      // The truth: 1 ms at a time, each drain at its millisecond (from the battery unless plugged in
      // then), then the charger's power over that millisecond when plugged in, up to capacity.
      const cap = b.capacityMj;
      const charge = [b.initialMj, b.initialMj];
      const plugged = (u: number, ms: number) => (((ms - offsets[u]!) % periodMs) + periodMs) % periodMs < durationMs;
      const truth: number[][] = [];
      let q = 0;
      for (let ms = 0; ms <= times[times.length - 1]!; ms++) {
        for (const d of drains) if (d.atMs === ms && !plugged(d.user, ms)) charge[d.user] = Math.max(0, charge[d.user]! - d.mj);
        while (q < times.length && times[q] === ms) {
          truth.push([...charge]);
          q++;
        }
        for (const u of [0, 1]) if (plugged(u, ms)) charge[u] = Math.min(cap, charge[u]! + s.powerW);
      }
      expect(got.length).toBe(truth.length);
      got.forEach((g, i) => {
        expect(g[0]).toBeCloseTo(truth[i]![0]!, 5);
        expect(g[1]).toBeCloseTo(truth[i]![1]!, 5);
      });
      // Restored to the snapshot after the first query, the rest of the queries give the same charges.
      b.restore(snap);
      for (let i = snapAt; i < times.length; i++) {
        b.advance(times[i]!);
        expect([b.remainingMj(0), b.remainingMj(1)]).toEqual(got[i]);
      }
    }), { numRuns: 40 });
  });
});

describe('charging windows in the environment', () => {
  /** The fixture (1 request/s) with a 10 J battery, with or without charging windows and a radio. */
  const env = (charging: boolean, opts: { deviceSamplesMs?: number[]; radio?: boolean; users?: number } = {}) => {
    const s = fixtureScenario({ deviceSamplesMs: opts.deviceSamplesMs ?? [400], learningDecisions: 600, users: opts.users ?? 1 });
    s.spec.tiers.device.battery = { ...BATTERY, ...(charging ? { charging: CHARGING } : {}) };
    if (opts.radio) s.spec.tiers.device.radio = { tail: [{ durationMs: 11576, powerW: 1.06, promotionMs: 0, promotionPowerW: 0 }], idlePromotionMs: 260, idlePromotionPowerW: 1.21, source: 'test' };
    return new OrchestrationEnv(s);
  };
  const names = (e: OrchestrationEnv) => e.spec.features.map((f) => f.name);

  it('appends the charger features only with charging windows (after the radio\'s), and fills them from the observation', () => {
    expect(env(false).spec.features).toEqual(FEATURES);
    expect(names(env(true))).toEqual([...FEATURES.map((f) => f.name), ...CHARGING_FEATURES.map((f) => f.name)]);
    expect(names(env(true, { radio: true }))).toEqual([...FEATURES.map((f) => f.name), 'radioTailS', 'chargeInPeriods', 'charging']);
    const off = env(false).reset(1, 'learn');
    expect(off.user.chargeInS).toBeNull();
    expect(off.user.charging).toBe(false);
    for (const e of [env(true), env(true, { radio: true })]) {
      let obs = e.reset(1, 'learn');
      let seenPlugged = 0;
      for (let i = 0; i < 250; i++) {
        const n = obs.features.length;
        expect(obs.user.charging).toBe(obs.user.chargeInS === 0);
        if (obs.user.charging) seenPlugged++;
        expect(obs.user.chargeInS! >= 0 && obs.user.chargeInS! <= 80).toBe(true);
        expect(obs.features[n - 2]).toBeCloseTo(obs.user.chargeInS! / 100, 6);
        expect(obs.features[n - 1]).toBe(obs.user.charging ? 1 : 0);
        obs = e.step(A.deviceSmall).obs;
      }
      // 250 requests at 1/s span 2.5 periods: about 50 of them plugged in.
      expect(seenPlugged).toBeGreaterThanOrEqual(40);
      expect(seenPlugged).toBeLessThanOrEqual(60);
    }
  });

  it('the schedule moves on by the clock: chargeInS falls by the time between requests until the plug-in, and the battery charges while plugged in', () => {
    const e = env(true);
    let prev = e.reset(3, 'learn');
    let rises = 0;
    for (let i = 0; i < 300; i++) {
      const r = stepRecord(e, A.deviceSmall);
      const o = r.obs;
      const dt = (o.timeMs - prev.timeMs) / 1000;
      if (!prev.user.charging && prev.user.chargeInS! > dt) expect(o.user.chargeInS).toBeCloseTo(prev.user.chargeInS! - dt, 6);
      // Both in one window: every drain between them came from the charger; the SoC cannot fall.
      if (prev.user.charging && o.user.charging && o.timeMs - prev.timeMs < 20_000) {
        expect(o.user.batterySoc).toBeGreaterThanOrEqual(prev.user.batterySoc - 1e-12);
        if (o.user.batterySoc > prev.user.batterySoc) rises++;
      }
      prev = o;
    }
    expect(rises).toBeGreaterThan(0);
  });

  it('is causal: the state of charge shown equals a battery fed only the requests completed by then, and the schedule does not depend on actions', () => {
    // Local requests take 2.5 s at 1 request/s, so several are in flight at each decision.
    const e = env(true, { deviceSamplesMs: [2500] });
    const b = env(true, { deviceSamplesMs: [2500] });
    let obs = e.reset(4, 'learn');
    let other = b.reset(4, 'learn');
    const ref = new Battery(1, BATTERY, windows(Array.from(e.snapshot().battery!.chargingOffsetMs!)));
    ref.reset();
    let maxInFlight = 0;
    let pending: { atMs: number; mj: number }[] = [];
    let penalties = 0;
    for (let i = 0; i < 300; i++) {
      // The reference learns of a request only once it has completed.
      for (const d of pending.filter((x) => x.atMs <= obs.timeMs)) ref.drainAt(0, d.atMs, d.mj);
      pending = pending.filter((x) => x.atMs > obs.timeMs);
      maxInFlight = Math.max(maxInFlight, pending.length);
      ref.advance(obs.timeMs);
      penalties += ref.penaltyOnArrival(0);
      expect(obs.user.batterySoc).toBe(ref.soc(0));
      // Another action sequence: the same schedule at the same times.
      expect([other.timeMs, other.user.chargeInS, other.user.charging]).toEqual([obs.timeMs, obs.user.chargeInS, obs.user.charging]);
      const r = stepRecord(e, i % 4 === 3 ? A.edgeSmall : A.deviceSmall);
      pending.push({ atMs: r.completedAtMs, mj: r.outcome.deviceEnergyMj });
      obs = r.obs;
      other = b.step(A.cloudSmall).obs;
    }
    // Requests were in flight at decisions, and the battery ran empty at least once.
    expect(maxInFlight).toBeGreaterThanOrEqual(2);
    expect(penalties).toBeGreaterThan(0);
  });

  it('is deterministic (same seed, same observations) and its offsets come from the seed and phase', () => {
    const trace = (seed: number, phase: 'learn' | 'eval') => {
      const e = env(true);
      let o = e.reset(seed, phase);
      const out: unknown[] = [];
      for (let i = 0; i < 60; i++) {
        out.push([o.timeMs, o.user.chargeInS, o.user.batterySoc, Array.from(o.features)]);
        o = e.step(i % 3 === 0 ? A.edgeSmall : A.deviceSmall).obs;
      }
      return out;
    };
    expect(trace(5, 'learn')).toEqual(trace(5, 'learn'));
    expect(trace(5, 'learn')).not.toEqual(trace(6, 'learn'));
    expect(trace(5, 'learn')).not.toEqual(trace(5, 'eval'));
  });

  for (const users of [1, 4]) {
    it(`a snapshot restores the charge, the pending drains and the schedule (${users} users): the same decisions after a restore give the same outcomes and observations, also in another instance`, () => {
      const e = env(true, { users });
      e.reset(2, 'learn');
      for (let k = 0; k < 37; k++) e.step(k % 2 ? A.deviceSmall : A.edgeSmall);
      const snap = e.snapshot();
      const run = (x: OrchestrationEnv) => Array.from({ length: 120 }, (_, k) => stepRecord(x, k % 3 ? A.deviceSmall : A.cloudSmall)).map((r) => JSON.stringify([r.reward, r.outcome, r.obs]));
      const first = run(e);
      e.restore(snap);
      expect(run(e)).toEqual(first);
      const other = env(true, { users });
      other.reset(9, 'eval');
      other.restore(snap);
      expect(run(other)).toEqual(first);
    });
  }

  it('the myopic reference: with charging windows every price variant also comes with energy from the charger priced at 0, and that variant scores a request completing plugged in at its reward', () => {
    const on = env(true);
    const off = env(false);
    off.reset(1, 'learn');
    expect(clairvoyantVariants(on).length).toBe(2 * clairvoyantVariants(off).length);
    expect(clairvoyantVariants(on).filter((p) => p.freeWhilePlugged).length).toBe(clairvoyantVariants(off).length);
    let obs = on.reset(1, 'learn');
    const priced = createClairvoyant(on, { energyPriceScale: 16, asIfResident: false, evictionPriceScale: 0 });
    const free = createClairvoyant(on, { energyPriceScale: 16, asIfResident: false, evictionPriceScale: 0, freeWhilePlugged: true });
    let checked = [0, 0];
    for (let i = 0; i < 200; i++) {
      priced.act(obs);
      free.act(obs);
      const w = on.whatIf(A.deviceSmall);
      const reward = w.reward;
      const plugged = on.chargingReadout!.isPlugged(0, obs.timeMs + w.latencyMs);
      expect(free.score(A.deviceSmall)).toBe(plugged ? reward : priced.score(A.deviceSmall));
      if (plugged) expect(priced.score(A.deviceSmall)).toBeLessThan(reward);
      checked[plugged ? 1 : 0]!++;
      obs = on.step(A.deviceSmall).obs;
    }
    expect(checked[0]).toBeGreaterThan(0);
    expect(checked[1]).toBeGreaterThan(0);
  });
});

describe('the scenario file', () => {
  it('refuses a window as long as its period at its pointer, and a missing or out-of-range field by the schema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charging-'));
    const withCharging = async (charging: unknown) => {
      const spec = JSON.parse(readFileSync(join(REPO_ROOT, 'scenarios/default-v3/lte-driving-4u-battery-v3.json'), 'utf8'));
      spec.tiers.device.battery.charging = charging;
      const file = join(dir, `${spec.id}.json`);
      writeFileSync(file, JSON.stringify(spec));
      return loadScenario(file, { variant: 'testing' });
    };
    try {
      await expect(withCharging({ periodS: 60, durationS: 60, powerW: 7.5, source: 'x' })).rejects.toThrow(/#\/tiers\/device\/battery\/charging\/durationS: expected < periodS \(60 s\)/);
      await expect(withCharging({ periodS: 60, durationS: 10, source: 'x' })).rejects.toThrow(/\/tiers\/device\/battery\/charging[\s\S]*powerW/);
      await expect(withCharging({ periodS: 60, durationS: 10, powerW: -1, source: 'x' })).rejects.toThrow(/\/tiers\/device\/battery\/charging\/powerW/);
      const ok = await withCharging({ periodS: 60, durationS: 10, powerW: 7.5, source: 'x' });
      expect(new OrchestrationEnv(ok).spec.features).toHaveLength(FEATURES.length + CHARGING_FEATURES.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
