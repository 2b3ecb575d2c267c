import { describe, expect, it } from 'vitest';
import { holdDurationsMs, quantileSorted, traceStats } from '../../harness/traces/stats.ts';
import type { NetworkTrace } from '../../harness/traces/types.ts';

function trace(tMs: number[], down: number[], durationMs: number, rtt?: number[]): NetworkTrace {
  return {
    tMs: Float64Array.from(tMs), downlinkMbps: Float64Array.from(down), uplinkMbps: Float64Array.from(down.map((v) => v / 2)),
    rttMs: rtt ? Float64Array.from(rtt) : null, durationMs, source: 'test', sha256: '0'.repeat(64), derivedUplink: true,
  };
}

describe('trace statistics', () => {
  it('quantiles interpolate linearly between order statistics (R type 7)', () => {
    const oneTo100 = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    // (n - 1) q = 4.95 -> between the 5th and 6th values.
    expect(quantileSorted(oneTo100, 0.05)).toBeCloseTo(5.95, 12);
    expect(quantileSorted(oneTo100, 0.5)).toBe(50.5);
    expect(quantileSorted(oneTo100, 0.95)).toBeCloseTo(95.05, 12);
    expect(quantileSorted([7], 0.95)).toBe(7);
  });

  it('separates the sample mean from the time-weighted mean', () => {
    // 10 Mbps for 9 s, then 100 Mbps for 1 s.
    const s = traceStats(trace([0, 9000], [10, 100], 10000, [20, 40]));
    expect(s.samples).toBe(2);
    expect(s.durationS).toBe(10);
    expect(s.downlink.sampleMeanMbps).toBe(55);
    expect(s.downlink.timeWeightedMeanMbps).toBeCloseTo(19, 12);
    expect(s.uplink.timeWeightedMeanMbps).toBeCloseTo(9.5, 12);
    expect(s.meanRttMs).toBeCloseTo(22, 12);
    expect(s.downlink.minMbps).toBe(10);
    expect(s.downlink.maxMbps).toBe(100);
  });

  it('reports the share of time at 0 Mbps as outage', () => {
    const s = traceStats(trace([0, 1000, 4000], [5, 0, 5], 5000));
    expect(s.downlink.outageFraction).toBeCloseTo(0.6, 12);
    expect(s.meanRttMs).toBeNull();
    expect(Array.from(holdDurationsMs(trace([0, 1000, 4000], [5, 0, 5], 5000)))).toEqual([1000, 3000, 1000]);
  });
});
