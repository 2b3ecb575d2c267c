/**
 * Summary statistics of a network trace, for `orchbench traces inspect`, the catalog listing and
 * fitting checks.
 */
import { quantileSorted } from '../stats/descriptive.ts';
import type { NetworkTrace } from './types.ts';

/** Statistics of one direction's bandwidth (Mbps). */
export interface BandwidthStats {
  /** Mean over samples, each sample counted once regardless of how long it holds. */
  sampleMeanMbps: number;
  /** Mean over time: each sample weighted by how long it holds (the mean a replay sees). */
  timeWeightedMeanMbps: number;
  /** Sample quantiles (linear interpolation between order statistics, R type 7). */
  medianMbps: number;
  p5Mbps: number;
  p95Mbps: number;
  minMbps: number;
  maxMbps: number;
  /** Fraction of the duration at 0 Mbps (an outage). */
  outageFraction: number;
}

/** Statistics of a trace. */
export interface TraceStats {
  samples: number;
  durationS: number;
  downlink: BandwidthStats;
  uplink: BandwidthStats;
  /** Time-weighted mean RTT (ms), when the trace records RTT. */
  meanRttMs: number | null;
}

/** How long each sample holds (ms): until the next sample, the last until the trace's end. */
export function holdDurationsMs(trace: NetworkTrace): Float64Array {
  const n = trace.tMs.length;
  return new Float64Array(n).map((_, i) => (i + 1 < n ? trace.tMs[i + 1]! : trace.durationMs) - trace.tMs[i]!);
}

function bandwidthStats(values: Float64Array, holdMs: Float64Array, durationMs: number): BandwidthStats {
  let sum = 0;
  let weighted = 0;
  let outageMs = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    weighted += values[i]! * holdMs[i]!;
    if (values[i] === 0) outageMs += holdMs[i]!;
  }
  const sorted = Float64Array.from(values).sort();
  return {
    sampleMeanMbps: sum / values.length,
    timeWeightedMeanMbps: weighted / durationMs,
    medianMbps: quantileSorted(sorted, 0.5),
    p5Mbps: quantileSorted(sorted, 0.05),
    p95Mbps: quantileSorted(sorted, 0.95),
    minMbps: sorted[0]!,
    maxMbps: sorted[sorted.length - 1]!,
    outageFraction: outageMs / durationMs,
  };
}

/** Sample count, duration and per-direction bandwidth statistics of a (non-empty) trace. */
export function traceStats(trace: NetworkTrace): TraceStats {
  const holdMs = holdDurationsMs(trace);
  let meanRttMs: number | null = null;
  if (trace.rttMs) {
    let weighted = 0;
    trace.rttMs.forEach((v, i) => { weighted += v * holdMs[i]!; });
    meanRttMs = weighted / trace.durationMs;
  }
  return {
    samples: trace.tMs.length,
    durationS: trace.durationMs / 1000,
    downlink: bandwidthStats(trace.downlinkMbps, holdMs, trace.durationMs),
    uplink: bandwidthStats(trace.uplinkMbps, holdMs, trace.durationMs),
    meanRttMs,
  };
}
