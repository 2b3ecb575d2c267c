/**
 * mahimahi packet-delivery traces (`.up` / `.down`): one integer millisecond timestamp per line,
 * each an opportunity to deliver one 1500-byte packet; a repeated timestamp means several packets
 * in that millisecond. mahimahi replays a file in a loop whose period is its last timestamp.
 *
 * Converted to bandwidth by windows of `windowMs`: Mbps = packets x 1500 x 8 / (window ms x 1000).
 * The last window may be shorter (it ends at the trace's end) and is divided by its real length,
 * so the time-weighted mean over the trace is exactly total packets x 12000 bits / duration.
 * A down/up pair becomes one trace spanning the longer file; the shorter one loops, as in mahimahi.
 */
import { InputError, show } from '../../errors.ts';
import type { NetworkTrace } from '../types.ts';
import { checkUplinkFraction, DEFAULT_UPLINK_FRACTION, MAX_TRACE_MS, MAX_TRACE_SAMPLES, sha256Hex } from './common.ts';

/** Bytes per delivery opportunity (one MTU-sized packet). */
export const MAHIMAHI_PACKET_BYTES = 1500;
/** Default window for the bandwidth series (ms). */
export const DEFAULT_WINDOW_MS = 1000;

/** One direction of a mahimahi trace. */
interface DeliverySchedule {
  /** Delivery times within one period, sorted, each in [0, periodMs). */
  positionsMs: number[];
  /** Loop period (ms): the file's last timestamp. */
  periodMs: number;
}

/** Parses one mahimahi file; a line that is not a non-negative integer is an error at its line. */
function parseSchedule(bytes: Uint8Array, file: string): DeliverySchedule {
  const stamps: number[] = [];
  const lines = Buffer.from(bytes).toString('utf8').split('\n');
  let previous = 0;
  lines.forEach((raw, i) => {
    const text = raw.trim();
    if (text === '') return;
    const line = i + 1;
    if (!/^\d+$/.test(text)) throw new InputError({ file, line, expected: 'one integer timestamp >= 0 per line (ms)', found: show(text) });
    const t = Number(text);
    if (t > MAX_TRACE_MS) throw new InputError({ file, line, expected: `a timestamp <= ${MAX_TRACE_MS} ms (365 days)`, found: show(text) });
    if (t < previous) throw new InputError({ file, line, expected: `timestamps not decreasing (>= ${previous} ms, the previous line)`, found: `${t} ms` });
    previous = t;
    stamps.push(t);
  });
  const periodMs = stamps[stamps.length - 1];
  if (periodMs === undefined) throw new InputError({ file, line: 1, expected: 'at least one timestamp (ms)', found: 'an empty trace' });
  if (periodMs === 0) throw new InputError({ file, line: stamps.length, expected: 'a last timestamp > 0 ms (it is the loop period)', found: '0' });
  // A delivery at the period coincides with time 0 of the next loop.
  const atEnd = stamps.filter((t) => t === periodMs).length;
  const positionsMs = [...new Array<number>(atEnd).fill(0), ...stamps.slice(0, stamps.length - atEnd)];
  return { positionsMs, periodMs };
}

/** First index of the sorted `a` whose value is >= `x` (a.length if none). */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Bandwidth per window (Mbps) of a looped schedule over [0, totalMs). Deliveries before time t
 * are counted in closed form (whole loops, plus a binary search into the last one), so the work
 * is O(windows x log deliveries) however many times a short file loops.
 */
function windowedMbps(s: DeliverySchedule, totalMs: number, windowMs: number): Float64Array {
  const n = Math.ceil(totalMs / windowMs);
  const before = (t: number): number => Math.floor(t / s.periodMs) * s.positionsMs.length + lowerBound(s.positionsMs, t % s.periodMs);
  const mbps = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const start = k * windowMs;
    const end = Math.min(start + windowMs, totalMs);
    mbps[k] = ((before(end) - before(start)) * MAHIMAHI_PACKET_BYTES * 8) / ((end - start) * 1000);
  }
  return mbps;
}

/** Options of the mahimahi importer. */
export interface MahimahiOptions {
  /** Window of the bandwidth series (ms, integer >= 1); default {@link DEFAULT_WINDOW_MS}. */
  windowMs?: number;
  /** Without an uplink file: uplink = fraction x downlink (default 1, flagged `derivedUplink`). */
  uplinkFraction?: number;
}

/**
 * Converts a mahimahi downlink file, and optionally its uplink file, into one NetworkTrace.
 * The trace's sha256 is that of the downlink bytes alone, or for a pair the sha256 of
 * `"<down sha256>\n<up sha256>\n"`, so a different uplink file is a different trace.
 */
export function parseMahimahiTrace(
  down: { bytes: Uint8Array; file: string },
  up: { bytes: Uint8Array; file: string } | undefined,
  options: MahimahiOptions = {},
): NetworkTrace {
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  if (!Number.isInteger(windowMs) || windowMs < 1) {
    throw new InputError({ file: down.file, expected: 'option windowMs as an integer >= 1 (ms)', found: show(windowMs) });
  }
  const downSchedule = parseSchedule(down.bytes, down.file);
  const upSchedule = up ? parseSchedule(up.bytes, up.file) : undefined;
  const durationMs = Math.max(downSchedule.periodMs, upSchedule?.periodMs ?? 0);
  const windows = Math.ceil(durationMs / windowMs);
  if (windows > MAX_TRACE_SAMPLES) {
    const atLeast = Math.ceil(durationMs / MAX_TRACE_SAMPLES);
    throw new InputError({ file: down.file, expected: `at most ${MAX_TRACE_SAMPLES} windows: option windowMs >= ${atLeast} ms for this ${durationMs} ms trace`, found: `windowMs ${windowMs} ms (${windows} windows)` });
  }
  const downlinkMbps = windowedMbps(downSchedule, durationMs, windowMs);
  let uplinkMbps: Float64Array;
  if (upSchedule) {
    uplinkMbps = windowedMbps(upSchedule, durationMs, windowMs);
  } else {
    const fraction = checkUplinkFraction(options.uplinkFraction ?? DEFAULT_UPLINK_FRACTION, down.file);
    uplinkMbps = downlinkMbps.map((v) => v * fraction);
  }
  const tMs = new Float64Array(downlinkMbps.length).map((_, k) => k * windowMs);
  const downSha = sha256Hex(down.bytes);
  return {
    tMs, uplinkMbps, downlinkMbps, rttMs: null, durationMs,
    source: up ? `${down.file} + ${up.file}` : down.file,
    sha256: up ? sha256Hex(`${downSha}\n${sha256Hex(up.bytes)}\n`) : downSha,
    derivedUplink: !up,
  };
}
