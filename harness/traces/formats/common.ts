/**
 * Pieces every trace importer shares: hashing the source bytes, checking numbers with located
 * errors, and turning parsed samples into a {@link NetworkTrace} with a well-defined duration.
 */
import { createHash } from 'node:crypto';
import { InputError, show } from '../../errors.ts';
import type { NetworkTrace } from '../types.ts';

/** Hex sha256 of a file's bytes: the identity of a recorded trace. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// Limits that bound the work and memory an importer spends on one file, whatever the file
// claims: a trace over them is refused with file:line and the limit, never half-loaded.
/** The largest trace file read (bytes): 7x the largest catalogued trace (2.3 MB); a CSV this size takes about 1.3 GB and 25 s to import. */
export const MAX_TRACE_FILE_BYTES = 16 * 1024 * 1024;
/** The longest span a trace may cover (ms): 365 days. */
export const MAX_TRACE_MS = 365 * 86_400_000;
/** The most samples an importer produces (mahimahi windows; rows are bounded by the file size). */
export const MAX_TRACE_SAMPLES = 10_000_000;
/** The highest bandwidth accepted (Mbps): 1 Tbit/s, beyond any recorded access or WAN link. */
export const MAX_BANDWIDTH_MBPS = 1_000_000;

/** Where a value was read from, for error messages. */
export interface Location { file: string; line: number }

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a finite decimal number; anything else (empty, `NaN`, `0x10`, `1e999`, `12abc`) is an
 * InputError at `at` naming what was expected (e.g. "number >= 0 (Mbps)").
 */
export function parseFinite(text: string | undefined, at: Location, expected: string): number {
  const trimmed = (text ?? '').trim();
  const v = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isFinite(v)) throw new InputError({ ...at, expected, found: text === undefined ? 'missing' : show(text) });
  return v;
}

/** {@link parseFinite} for a bandwidth: a number from 0 (an outage) to {@link MAX_BANDWIDTH_MBPS} Mbps. */
export function parseBandwidthMbps(text: string | undefined, at: Location, what: string): number {
  const expected = `${what} as a number from 0 to ${MAX_BANDWIDTH_MBPS} (Mbps)`;
  const v = parseFinite(text, at, expected);
  if (v < 0 || v > MAX_BANDWIDTH_MBPS) throw new InputError({ ...at, expected, found: show(text?.trim()) });
  return v;
}

/** One parsed sample before assembly; times are in the file's own origin (ms). */
export interface RawSample {
  tMs: number;
  downlinkMbps: number;
  uplinkMbps: number;
  rttMs?: number;
  /** Where the sample came from, for the ordering check. */
  line: number;
}

/**
 * Duration the last sample holds: the median step between samples (so a trace with regular 5 s
 * steps ends 5 s after its last sample), or 1000 ms for a single-sample (constant) trace.
 */
export function lastStepMs(tMs: ArrayLike<number>): number {
  if (tMs.length < 2) return 1000;
  const steps: number[] = [];
  for (let i = 1; i < tMs.length; i++) steps.push(tMs[i]! - tMs[i - 1]!);
  steps.sort((a, b) => a - b);
  const mid = steps.length >> 1;
  return steps.length % 2 ? steps[mid]! : (steps[mid - 1]! + steps[mid]!) / 2;
}

/** Fields of a trace that are not derived from the samples. */
export interface TraceMeta {
  file: string;
  source: string;
  sha256: string;
  derivedUplink: boolean;
  /** Duration (ms); by default the last sample holds for {@link lastStepMs}. */
  durationMs?: number;
}

/**
 * Assembles samples into a NetworkTrace: checks there is at least one, that time strictly
 * increases and spans at most {@link MAX_TRACE_MS} (error at the offending line), and shifts time
 * so the first sample is at 0 ms.
 * RTT is kept only when every sample has one.
 */
export function assembleTrace(samples: readonly RawSample[], meta: TraceMeta): NetworkTrace {
  const first = samples[0];
  if (!first) throw new InputError({ file: meta.file, line: 1, expected: 'at least one sample', found: 'an empty trace' });
  const n = samples.length;
  const tMs = new Float64Array(n);
  const downlinkMbps = new Float64Array(n);
  const uplinkMbps = new Float64Array(n);
  const hasRtt = samples.every((s) => s.rttMs !== undefined);
  const rttMs = hasRtt ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const s = samples[i]!;
    if (i > 0 && s.tMs <= samples[i - 1]!.tMs) {
      throw new InputError({ file: meta.file, line: s.line, expected: `time strictly increasing (> ${samples[i - 1]!.tMs} ms, the previous sample)`, found: `${s.tMs} ms` });
    }
    if (s.tMs - first.tMs > MAX_TRACE_MS) {
      throw new InputError({ file: meta.file, line: s.line, expected: `a trace spanning at most ${MAX_TRACE_MS} ms (365 days) from its first sample`, found: `${s.tMs - first.tMs} ms after it` });
    }
    tMs[i] = s.tMs - first.tMs;
    downlinkMbps[i] = s.downlinkMbps;
    uplinkMbps[i] = s.uplinkMbps;
    if (rttMs) rttMs[i] = s.rttMs!;
  }
  return {
    tMs, uplinkMbps, downlinkMbps, rttMs,
    durationMs: meta.durationMs ?? tMs[n - 1]! + lastStepMs(tMs),
    source: meta.source, sha256: meta.sha256, derivedUplink: meta.derivedUplink,
  };
}

/** Checks an uplink fraction option: a finite number > 0 (uplink = fraction x downlink). */
export function checkUplinkFraction(fraction: number, file: string): number {
  if (!Number.isFinite(fraction) || fraction <= 0) {
    throw new InputError({ file, expected: 'option uplinkFraction as a number > 0 (uplink Mbps / downlink Mbps)', found: show(fraction) });
  }
  return fraction;
}

/** Default uplink fraction for downlink-only traces: 1 (symmetric), so a scenario's own
 *  `uplinkFraction` can rescale the derived uplink without undoing an importer's guess. */
export const DEFAULT_UPLINK_FRACTION = 1;
