/** The radio's RRC tail: promotions and charges by hand, and the charges summed against a brute-force power timeline. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RadioTails, type Promotion } from '../../harness/env/radio.ts';

/** Prices and records a request's radio activity, as the environment does. */
function charge(r: RadioTails, user: number, startMs: number, p: Promotion, endMs: number): number {
  const mj = r.chargeMj(user, startMs, p, endMs);
  r.commit(user, startMs, p, endMs);
  return mj;
}
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { FEATURES } from '../../harness/env/features.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import type { RadioSpec } from '../../harness/scenario/types.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { A, fixtureScenario, stepRecord } from './fixtures.ts';

const LTE: RadioSpec = { tail: [{ durationMs: 11576, powerW: 1.06, promotionMs: 0, promotionPowerW: 0 }], idlePromotionMs: 260, idlePromotionPowerW: 1.21, source: 'Huang et al. MobiSys 2012' };
const UMTS: RadioSpec = {
  tail: [{ durationMs: 5000, powerW: 0.7, promotionMs: 0, promotionPowerW: 0 }, { durationMs: 12000, powerW: 0.35, promotionMs: 1500, promotionPowerW: 0.55 }],
  idlePromotionMs: 2000, idlePromotionPowerW: 0.53, source: 'Qian et al. IMC 2010',
};

describe('RadioTails', () => {
  it('LTE by hand: an offload from idle opens a tail (promotion + 11.6 s at 1.06 W); one inside it pays only the extension', () => {
    const r = new RadioTails(2, LTE);
    expect(r.promotionAt(0, 1000)).toEqual({ delayMs: 260, powerW: 1.21 });
    // 1.21 W x 260 ms + 1.06 W x (1500 - 1260) ms + 1.06 W x 11,576 ms.
    expect(charge(r, 0, 1000, r.promotionAt(0, 1000), 1500)).toBeCloseTo(1.21 * 260 + 1.06 * 240 + 1.06 * 11576, 9);
    expect(r.stageAt(0, 2000)).toBe(0);
    expect(r.tailRemainingMs(0, 2000)).toBe(1500 + 11576 - 2000);
    expect(r.promotionAt(0, 2000)).toEqual({ delayMs: 0, powerW: 0 });
    // Inside the tail: the tail ends 800 ms later than it would have.
    expect(charge(r, 0, 2000, r.promotionAt(0, 2000), 2300)).toBeCloseTo(1.06 * 800, 9);
    // While a transfer is under way the device shows the whole tail, never the transfer's end (it
    // depends on link rates not yet seen): the same at 2100 ms whenever the transfer will end.
    expect(r.tailRemainingMs(0, 2100)).toBe(11576);
    const later = new RadioTails(1, LTE);
    charge(later, 0, 2000, later.promotionAt(0, 2000), 9000);
    expect(later.tailRemainingMs(0, 2100)).toBe(11576);
    // Overlapping a transfer under way and ending before it: nothing more.
    expect(r.stageAt(0, 2100)).toBe(-1);
    expect(charge(r, 0, 2100, r.promotionAt(0, 2100), 2200)).toBeCloseTo(0, 12);
    // The other user's radio is its own, and idle.
    expect(r.stageAt(1, 2100)).toBe(1);
    expect(r.tailRemainingMs(1, 2100)).toBe(0);
    // After the tail: idle again, a new promotion.
    expect(r.promotionAt(0, 2300 + 11576)).toEqual({ delayMs: 260, powerW: 1.21 });
  });

  it('3G by hand: a transfer in the FACH stage pays the FACH->DCH promotion, and the rest of the FACH tail is refunded', () => {
    const r = new RadioTails(1, UMTS);
    expect(charge(r, 0, 0, r.promotionAt(0, 0), 3000)).toBeCloseTo(0.53 * 2000 + 0.7 * 1000 + 0.7 * 5000 + 0.35 * 12000, 9);
    expect(r.stageAt(0, 10_000)).toBe(1);
    const p = r.promotionAt(0, 10_000);
    expect(p).toEqual({ delayMs: 1500, powerW: 0.55 });
    // Promotion 0.55 x 1500, base 0.7 x 500, a full tail 7,700, less the FACH tail left at 10 s (0.35 x 10,000).
    expect(charge(r, 0, 10_000, p, 12_000)).toBeCloseTo(0.55 * 1500 + 0.7 * 500 + 7700 - 0.35 * 10_000, 9);
  });

  it('a request arriving during another one\'s promotion waits for the rest of it at no further energy', () => {
    const r = new RadioTails(1, LTE);
    charge(r, 0, 0, r.promotionAt(0, 0), 400);
    expect(r.promotionAt(0, 100)).toEqual({ delayMs: 160, powerW: 0 });
    expect(charge(r, 0, 100, r.promotionAt(0, 100), 500)).toBeCloseTo(1.06 * 100, 9);
  });

  it('the charges sum to the radio\'s energy over a brute-force power timeline, every charge >= 0, and a snapshot restores the state', () => {
    const request = fc.record({ gapMs: fc.integer({ min: 0, max: 20_000 }), spanMs: fc.integer({ min: 1, max: 3000 }) });
    fc.assert(fc.property(fc.constantFrom(LTE, UMTS), fc.array(request, { minLength: 1, maxLength: 12 }), (spec, reqs) => {
      const r = new RadioTails(1, spec);
      let t = 0;
      let total = 0;
      const promos: [number, number, number][] = [];
      const spans: [number, number][] = [];
      const ends: number[] = [];
      for (const q of reqs) {
        t += q.gapMs;
        const p = r.promotionAt(0, t);
        const end = t + p.delayMs + q.spanMs;
        const before = r.snapshot();
        const mj = charge(r, 0, t, p, end);
        // A snapshot taken before the charge gives the same charge again.
        const after = r.snapshot();
        r.restore(before);
        expect(charge(r, 0, t, p, end)).toBe(mj);
        expect(r.snapshot()).toEqual(after);
        expect(mj).toBeGreaterThanOrEqual(-1e-9);
        total += mj;
        if (p.powerW > 0) promos.push([t, t + p.delayMs, p.powerW]);
        spans.push([t + p.delayMs, end]);
        ends.push(end);
      }
      // The truth, 1 ms at a time: promotion power, else the base while connected, else the tail
      // stage since the last activity that has ended, else idle.
      const horizon = Math.max(...ends) + spec.tail.reduce((s, x) => s + x.durationMs, 0) + 1;
      let truth = 0;
      for (let ms = 0; ms < horizon; ms++) {
        const mid = ms + 0.5;
        const promo = promos.find(([a, b]) => mid >= a && mid < b);
        if (promo) truth += promo[2];
        else if (spans.some(([a, b]) => mid >= a && mid < b)) truth += spec.tail[0]!.powerW;
        else {
          const last = Math.max(-Infinity, ...ends.filter((e) => e <= mid));
          let since = mid - last;
          for (const s of spec.tail) {
            if (since < s.durationMs) {
              truth += s.powerW;
              break;
            }
            since -= s.durationMs;
          }
        }
      }
      expect(total).toBeCloseTo(truth, 6);
    }), { numRuns: 60 });
  });
});

describe('the radio in the environment', () => {
  /** The fixture (1 request/s, fixed 8/16 Mbps) with rx power above the LTE base, with and without the radio. */
  const twins = () => {
    const make = (radio: boolean) => {
      const s = fixtureScenario({});
      s.spec.tiers.device.power = { busyPowerW: 5, idlePowerW: 0.5, txPowerW: 2, rxPowerW: 1.1 };
      if (radio) s.spec.tiers.device.radio = LTE;
      return new OrchestrationEnv(s);
    };
    return { on: make(true), off: make(false) };
  };

  it('an offload from idle waits 260 ms for the promotion and opens a tail; the next one, 1 s later, pays only the 740 ms extension', () => {
    const { on, off } = twins();
    const o1 = on.reset(1, 'learn');
    off.reset(1, 'learn');
    expect(o1.user.radioTailMs).toBe(0);
    expect(on.spec.features.map((f) => f.name)).toEqual([...FEATURES.map((f) => f.name), 'radioTailS']);
    expect(off.spec.features).toEqual(FEATURES);
    const a = stepRecord(on, A.edgeSmall);
    const b = stepRecord(off, A.edgeSmall);
    expect(a.outcome.uploadMs).toBeCloseTo(b.outcome.uploadMs + 260, 9);
    const txRxMs = 100 + 1; // 100 kB at 8 Mbps, 2 kB at 16 Mbps
    // Transfers above the 1.06 W base, 260 ms more idle draw, and the radio's charge: promotion, base while connected, a full tail.
    const radioMj = 1.21 * 260 + 1.06 * b.outcome.latencyMs + 1.06 * 11576;
    expect(a.outcome.deviceEnergyMj).toBeCloseTo(b.outcome.deviceEnergyMj + 0.5 * 260 - 1.06 * txRxMs + radioMj, 6);
    // The next request (1 s later) sees the tail left, in the observation and as the appended feature.
    const lastEndMs = a.completedAtMs;
    expect(a.obs.user.radioTailMs).toBeCloseTo(lastEndMs + 11576 - a.obs.timeMs, 9);
    expect(a.obs.features[FEATURES.length]).toBeCloseTo(a.obs.user.radioTailMs / 1000, 4);
    const c = stepRecord(on, A.edgeSmall);
    const d = stepRecord(off, A.edgeSmall);
    expect(c.outcome.uploadMs).toBeCloseTo(d.outcome.uploadMs, 9);
    expect(c.outcome.deviceEnergyMj).toBeCloseTo(d.outcome.deviceEnergyMj - 1.06 * txRxMs + 1.06 * (c.completedAtMs - lastEndMs), 6);
    expect(c.completedAtMs - lastEndMs).toBeCloseTo(1000 - 260, 6);
    // A local request uses no radio: the same energy as without one; the tail runs on.
    const e = stepRecord(on, A.deviceSmall);
    const f = stepRecord(off, A.deviceSmall);
    expect(e.outcome.deviceEnergyMj).toBeCloseTo(f.outcome.deviceEnergyMj, 9);
    expect(e.obs.user.radioTailMs).toBeCloseTo(c.completedAtMs + 11576 - e.obs.timeMs, 9);
  });

  it('a snapshot restores the radio: the same decisions after a restore give the same outcomes', () => {
    const { on } = twins();
    on.reset(2, 'learn');
    for (let k = 0; k < 5; k++) on.step(k % 2 ? A.deviceSmall : A.edgeSmall);
    const snap = on.snapshot();
    const run = () => [A.deviceSmall, A.edgeSmall, A.cloudSmall, A.edgeSmall].map((x) => stepRecord(on, x)).map((r) => [r.outcome.deviceEnergyMj, r.outcome.latencyMs, r.obs.user.radioTailMs]);
    const first = run();
    on.restore(snap);
    expect(run()).toEqual(first);
  });

  it('the scenario file is checked: a rising tail, a promotion from the connected stage, or tx/rx power below the base is refused at its pointer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radio-'));
    const withRadio = async (radio: RadioSpec, power: { txPowerW: number; rxPowerW: number }) => {
      const spec = JSON.parse(readFileSync(join(REPO_ROOT, 'scenarios/default-v3/lte-driving-4u-battery-v3.json'), 'utf8'));
      spec.tiers.device.radio = radio;
      Object.assign(spec.tiers.device.power, power);
      const file = join(dir, `${spec.id}.json`);
      writeFileSync(file, JSON.stringify(spec));
      return loadScenario(file, { variant: 'testing' });
    };
    try {
      const bad = { ...LTE, tail: [{ durationMs: 100, powerW: 1, promotionMs: 5, promotionPowerW: 1 }, { durationMs: 100, powerW: 2, promotionMs: 0, promotionPowerW: 0 }] };
      await expect(withRadio(bad, { txPowerW: 0.5, rxPowerW: 2 })).rejects.toThrow(/#\/tiers\/device\/radio\/tail\/0: expected no promotion[\s\S]*#\/tiers\/device\/radio\/tail\/1\/powerW: expected <= the previous stage's power \(1 W\)[\s\S]*#\/tiers\/device\/power\/txPowerW: expected >= the radio's connected power \(1 W/);
      const ok = await withRadio(LTE, { txPowerW: 1.6, rxPowerW: 1.1 });
      expect(new OrchestrationEnv(ok).spec.features).toHaveLength(FEATURES.length + 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
