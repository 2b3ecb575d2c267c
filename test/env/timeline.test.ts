import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompletionHeap, EventQueue } from '../../harness/env/heap.ts';
import { LinkReplay, LinkTimeline, TRANSFER_CAP_MS } from '../../harness/env/timeline.ts';

const f64 = (xs: number[]) => Float64Array.from(xs);

describe('LinkTimeline and LinkReplay', () => {
  it('linear interpolation integrates the trapezoid and inverts it exactly', () => {
    // 0 -> 10 Mbps over [0, 100) ms, then 10 held until 200 ms.
    const tl = new LinkTimeline(f64([0, 100]), f64([0, 10]), 200, true);
    expect(tl.rateAt(50)).toBeCloseTo(5, 12);
    expect(tl.cumAt(100)).toBeCloseTo(500, 9); // 0.5 x 100 ms x 10 Mbps
    expect(tl.totalKbit).toBeCloseTo(1500, 9);
    // Rate x at time x/10: cum(x) = x^2 / 20, so 125 kbit are reached at x = 50.
    expect(tl.invCum(125)).toBeCloseTo(50, 9);
  });

  it('wrap loops the segment; a transfer longer than the segment spans several loops', () => {
    const tl = new LinkTimeline(f64([0, 1000]), f64([2, 6]), 2000, false); // 2000 + 6000 = 8000 kbit per loop
    const r = new LinkReplay(tl, 0, 2000, true);
    expect(r.rateAt(2500)).toBe(2);
    // 20000 kbit from 0: two loops (16000 kbit, 4000 ms) + 2000 kbit at 2 Mbps (1000 ms) + 2000 at 6 Mbps (333.3 ms).
    expect(r.transferMs(0, 20000)).toBeCloseTo(4000 + 1000 + 2000 / 6, 6);
  });

  it('a replay segment starts mid-trace and truncate holds the last rate past its end', () => {
    const tl = new LinkTimeline(f64([0, 1000, 2000]), f64([1, 4, 9]), 3000, false);
    const r = new LinkReplay(tl, 1500, 2000, false); // 500 ms of the 4 Mbps sample
    expect(r.rateAt(0)).toBe(4);
    expect(r.rateAt(600)).toBe(4);
    // 400 ms at 4 Mbps = 1600 kbit, then 1000 kbit more at the held 4 Mbps: 650 ms.
    expect(r.transferMs(100, 2600)).toBeCloseTo(650, 9);
  });

  it('a link that is always down caps the transfer', () => {
    const r = new LinkReplay(LinkTimeline.constant(0), 0, 1000, true);
    expect(r.transferMs(10, 1)).toBe(TRANSFER_CAP_MS);
  });

  it('transfer time matches a brute-force 1 ms integration on random step traces', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 400 }),
        (rates, start, kbit) => {
          const t = rates.map((_, i) => i * 100);
          const tl = new LinkTimeline(f64(t), f64(rates), rates.length * 100, false);
          const r = new LinkReplay(tl, 0, tl.lengthMs, true);
          const got = r.transferMs(start, kbit);
          if (got === TRANSFER_CAP_MS) return rates.every((x) => x === 0);
          // Brute force in 0.25 ms steps (rates change only on 100 ms boundaries).
          let sent = 0;
          let x = start;
          while (sent + 1e-9 < kbit) {
            const rate = rates[Math.floor((x % tl.lengthMs) / 100)]!;
            const left = kbit - sent;
            if (rate * 0.25 >= left) return Math.abs(x + left / rate - start - got) < 1e-6;
            sent += rate * 0.25;
            x += 0.25;
          }
          return Math.abs(x - start - got) < 1e-6;
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('heaps', () => {
  it('the event queue pops by time, then by insertion order', () => {
    const q = new EventQueue(2);
    [[5, 0], [1, 1], [5, 2], [3, 3], [1, 4]].forEach(([t, p]) => q.push(t!, p!));
    const order: number[] = [];
    while (q.size > 0) {
      order.push(q.peekPayload());
      q.pop();
    }
    expect(order).toEqual([1, 4, 3, 0, 2]);
  });

  it('replaceTop keeps heap order under random use', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 60 }), (times) => {
        const q = new EventQueue(1);
        times.forEach((t, i) => q.push(t, i));
        q.replaceTop(q.peekTimeMs() + 7, -1);
        let last = -Infinity;
        while (q.size > 0) {
          if (q.peekTimeMs() < last) return false;
          last = q.peekTimeMs();
          q.pop();
        }
        return true;
      }),
    );
  });

  it('the completion heap counts what is still in the system', () => {
    const h = new CompletionHeap(1);
    [30, 10, 20, 40].forEach((t) => h.push(t));
    expect(h.drainUntil(5)).toBe(4);
    expect(h.drainUntil(20)).toBe(2);
    expect(h.drainUntil(39.9)).toBe(1);
    expect(h.drainUntil(100)).toBe(0);
  });
});
