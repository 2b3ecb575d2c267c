import { describe, expect, it } from 'vitest';
import { holdDurationsMs, traceStats } from '../../harness/traces/stats.ts';
import type { NetworkTrace } from '../../harness/traces/types.ts';

function trace(tMs: number[], down: number[], durationMs: number, rtt?: number[]): NetworkTrace {
  return {
    tMs: Float64Array.from(tMs), downlinkMbps: Float64Array.from(down), uplinkMbps: Float64Array.from(down.map((v) => v / 2)),
    rttMs: rtt ? Float64Array.from(rtt) : null, durationMs, source: 'test', sha256: '0'.repeat(64), derivedUplink: true,
  };
}

describe('trace statistics', () => {
  it('percentiles are sample quantiles, linear between order statistics (R type 7)', () => {
    // Downlink 100, 99, ..., 1 Mbps, one per second: order does not matter to sample quantiles.
    const s = traceStats(trace(Array.from({ length: 100 }, (_, i) => i * 1000), Array.from({ length: 100 }, (_, i) => 100 - i), 100_000));
    // (n - 1) q = 4.95 -> between the 5th and 6th smallest values.
    expect(s.downlink.p5Mbps).toBeCloseTo(5.95, 12);
    expect(s.downlink.medianMbps).toBe(50.5);
    expect(s.downlink.p95Mbps).toBeCloseTo(95.05, 12);
    expect(traceStats(trace([0], [7], 1000)).downlink.p95Mbps).toBe(7);
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
