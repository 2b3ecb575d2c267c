/** The radio's RRC tail: promotions and charges by hand, and the charges summed against a brute-force power timeline. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RadioTails } from '../../harness/env/radio.ts';
import type { RadioSpec } from '../../harness/scenario/types.ts';

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
    expect(r.charge(0, 1000, r.promotionAt(0, 1000), 1500)).toBeCloseTo(1.21 * 260 + 1.06 * 240 + 1.06 * 11576, 9);
    expect(r.stageAt(0, 2000)).toBe(0);
    expect(r.tailRemainingMs(0, 2000)).toBe(1500 + 11576 - 2000);
    expect(r.promotionAt(0, 2000)).toEqual({ delayMs: 0, powerW: 0 });
    // Inside the tail: the tail ends 800 ms later than it would have.
    expect(r.charge(0, 2000, r.promotionAt(0, 2000), 2300)).toBeCloseTo(1.06 * 800, 9);
    // Overlapping a transfer under way and ending before it: nothing more.
    expect(r.stageAt(0, 2100)).toBe(-1);
    expect(r.charge(0, 2100, r.promotionAt(0, 2100), 2200)).toBeCloseTo(0, 12);
    // The other user's radio is its own, and idle.
    expect(r.stageAt(1, 2100)).toBe(1);
    expect(r.tailRemainingMs(1, 2100)).toBe(0);
    // After the tail: idle again, a new promotion.
    expect(r.promotionAt(0, 2300 + 11576)).toEqual({ delayMs: 260, powerW: 1.21 });
  });

  it('3G by hand: a transfer in the FACH stage pays the FACH->DCH promotion, and the rest of the FACH tail is refunded', () => {
    const r = new RadioTails(1, UMTS);
    expect(r.charge(0, 0, r.promotionAt(0, 0), 3000)).toBeCloseTo(0.53 * 2000 + 0.7 * 1000 + 0.7 * 5000 + 0.35 * 12000, 9);
    expect(r.stageAt(0, 10_000)).toBe(1);
    const p = r.promotionAt(0, 10_000);
    expect(p).toEqual({ delayMs: 1500, powerW: 0.55 });
    // Promotion 0.55 x 1500, base 0.7 x 500, a full tail 7,700, less the FACH tail left at 10 s (0.35 x 10,000).
    expect(r.charge(0, 10_000, p, 12_000)).toBeCloseTo(0.55 * 1500 + 0.7 * 500 + 7700 - 0.35 * 10_000, 9);
  });

  it('a request arriving during another one\'s promotion waits for the rest of it at no further energy', () => {
    const r = new RadioTails(1, LTE);
    r.charge(0, 0, r.promotionAt(0, 0), 400);
    expect(r.promotionAt(0, 100)).toEqual({ delayMs: 160, powerW: 0 });
    expect(r.charge(0, 100, r.promotionAt(0, 100), 500)).toBeCloseTo(1.06 * 100, 9);
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
        const mj = r.charge(0, t, p, end);
        // A snapshot taken before the charge gives the same charge again.
        const after = r.snapshot();
        r.restore(before);
        expect(r.charge(0, t, p, end)).toBe(mj);
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
