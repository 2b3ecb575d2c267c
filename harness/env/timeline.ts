/**
 * Bandwidth timelines: a link's rate as a piecewise-linear function of time with precomputed
 * cumulative kilobits, so "when does a transfer of K kbit started at time x finish" is one binary
 * search plus a closed-form solve, whatever the number of bandwidth changes it spans.
 *
 * Units: time in ms, rate in Mbps. Mbps x ms = kbit, so cumulative amounts are in kbit.
 */
import type { NetworkTrace } from '../traces/types.ts';

/** A transfer that cannot finish within this time is cut to it (e.g. a link stuck at 0 Mbps). */
export const TRANSFER_CAP_MS = 120_000;

/** Length given to constant (fixed) links: any value works, they never change. */
export const FIXED_LINK_LENGTH_MS = 3_600_000;

/**
 * One direction of a link over `[0, lengthMs)`. Segment i covers `[tMs[i], tMs[i+1])` (the last
 * one ends at `lengthMs`) with rate `r0[i] + slope[i] * (x - tMs[i])`: step interpolation has zero
 * slopes; linear interpolation runs from one sample's value to the next and holds the last value.
 */
export class LinkTimeline {
  readonly lengthMs: number;
  /** kbit delivered over the whole timeline. */
  readonly totalKbit: number;
  /** One sample: the rate never changes. */
  readonly isConstant: boolean;
  /** The highest rate anywhere on the timeline (Mbps): no transfer on it is faster. */
  readonly peakMbps: number;
  /** The sample spacing when samples are evenly spaced (index = floor(x / step)), else 0. */
  private readonly uniformStepMs: number;
  /** Segment found by the last {@link cumAt}: where a transfer's end search starts. */
  lastSegment = 0;
  private readonly tMs: Float64Array;
  private readonly r0: Float64Array;
  private readonly slope: Float64Array;
  /** kbit delivered from 0 to tMs[i]; one extra entry for lengthMs. */
  private readonly cum: Float64Array;

  constructor(tMs: Float64Array, rateMbps: Float64Array, lengthMs: number, linear: boolean) {
    const n = tMs.length;
    if (n === 0 || tMs[0] !== 0 || !(lengthMs > tMs[n - 1]!)) {
      throw new Error(`a link timeline needs samples starting at 0 ms and a length beyond the last sample (got ${n} samples, length ${lengthMs} ms)`);
    }
    this.lengthMs = lengthMs;
    this.tMs = tMs;
    // Plain loops over local arrays: a generated trace's timelines are rebuilt at every reset with a new seed.
    const r0 = new Float64Array(n);
    let peak = 0;
    for (let i = 0; i < n; i++) {
      r0[i] = Math.max(0, rateMbps[i]!);
      peak = Math.max(peak, r0[i]!);
    }
    const slope = new Float64Array(n);
    const cum = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const dt = (i + 1 < n ? tMs[i + 1]! : lengthMs) - tMs[i]!;
      if (linear && i + 1 < n) slope[i] = (r0[i + 1]! - r0[i]!) / dt;
      cum[i + 1] = cum[i]! + r0[i]! * dt + 0.5 * slope[i]! * dt * dt;
    }
    this.r0 = r0;
    this.slope = slope;
    this.cum = cum;
    this.totalKbit = cum[n]!;
    this.isConstant = n === 1;
    this.peakMbps = peak;
    const step = n > 1 ? tMs[1]! : 0;
    let uniform = step > 0;
    for (let i = 2; i < n && uniform; i++) uniform = tMs[i] === i * step;
    this.uniformStepMs = uniform ? step : 0;
  }

  /** A constant link. */
  static constant(rateMbps: number): LinkTimeline {
    return new LinkTimeline(new Float64Array([0]), new Float64Array([rateMbps]), FIXED_LINK_LENGTH_MS, false);
  }

  /** One direction of a recorded or generated trace. */
  static fromTrace(trace: NetworkTrace, direction: 'up' | 'down', linear: boolean): LinkTimeline {
    return new LinkTimeline(trace.tMs, direction === 'up' ? trace.uplinkMbps : trace.downlinkMbps, trace.durationMs, linear);
  }

  /** Index of the segment holding x (largest i with tMs[i] <= x), for 0 <= x. */
  segmentAt(x: number): number {
    const t = this.tMs;
    if (this.uniformStepMs > 0) {
      const i = Math.floor(x / this.uniformStepMs);
      return i < t.length ? i : t.length - 1;
    }
    let lo = 0;
    let hi = t.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (t[mid]! <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Rate (Mbps) at x in [0, lengthMs). */
  rateAt(x: number): number {
    const i = this.segmentAt(x);
    return this.r0[i]! + this.slope[i]! * (x - this.tMs[i]!);
  }

  /** Rate just before x (the left limit), for x in (0, lengthMs]: what a link holds when it ends at x. */
  rateBefore(x: number): number {
    let i = this.segmentAt(x);
    if (i > 0 && this.tMs[i] === x) i--;
    return this.r0[i]! + this.slope[i]! * (x - this.tMs[i]!);
  }

  /** kbit delivered from 0 to x, for x in [0, lengthMs]. */
  cumAt(x: number): number {
    const i = this.segmentAt(x);
    this.lastSegment = i;
    const dx = x - this.tMs[i]!;
    return this.cum[i]! + this.r0[i]! * dx + 0.5 * this.slope[i]! * dx * dx;
  }

  /**
   * The earliest x with cumAt(x) >= y, for y in [0, totalKbit]. `fromSegment` is a segment known
   * to start at or before the answer (e.g. where the transfer started): the search gallops
   * forward from it, since most transfers end a few segments later.
   */
  invCum(y: number, fromSegment = 0): number {
    const c = this.cum;
    if (y <= 0) return 0;
    // First j in 1..n with cum[j] >= y: the answer lies in segment j - 1.
    let lo = 1;
    let hi = c.length - 1;
    if (fromSegment > 0 && c[fromSegment]! < y) {
      let bound = 1;
      while (fromSegment + bound < hi && c[fromSegment + bound]! < y) bound *= 2;
      lo = fromSegment + (bound >> 1) + 1;
      if (fromSegment + bound < hi) hi = fromSegment + bound;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid]! >= y) hi = mid;
      else lo = mid + 1;
    }
    const i = lo - 1;
    const rem = y - c[i]!;
    const b = this.r0[i]!;
    const a = 0.5 * this.slope[i]!;
    // Solve a dx^2 + b dx = rem in the form that stays exact when a is 0 or b is 0.
    const dx = a === 0 ? rem / b : (2 * rem) / (b + Math.sqrt(b * b + 4 * a * rem));
    return this.tMs[i]! + dx;
  }
}

/**
 * One direction of a link as a user replays it: the part `[segStartMs, segStartMs + segLengthMs)`
 * of a timeline, starting at replay position 0, either looping (`wrap`) or, past its end, holding
 * the segment's last rate (`truncate`: the environment ends the phase when a user's replay passes
 * the end, so the hold only covers transfers in flight at that moment).
 * Positions are unwrapped ms since the segment start (they may exceed the segment length).
 */
export class LinkReplay {
  readonly segLengthMs: number;
  private readonly segStartMs: number;
  private readonly segCumStart: number;
  private readonly segKbit: number;
  private readonly holdMbps: number;
  /** True when the link never changes (a fixed link): lookups skip the searches. */
  private readonly constant: boolean;

  constructor(readonly timeline: LinkTimeline, segStartMs: number, segEndMs: number, readonly wrap: boolean) {
    if (!(segEndMs > segStartMs) || segStartMs < 0 || segEndMs > timeline.lengthMs) {
      throw new Error(`replay segment [${segStartMs}, ${segEndMs}) ms is not inside the trace [0, ${timeline.lengthMs}) ms`);
    }
    this.segStartMs = segStartMs;
    this.segLengthMs = segEndMs - segStartMs;
    this.segCumStart = timeline.cumAt(segStartMs);
    this.segKbit = timeline.cumAt(segEndMs) - this.segCumStart;
    this.holdMbps = timeline.rateBefore(segEndMs);
    this.constant = timeline.isConstant;
  }

  /** Rate (Mbps) at a replay position. */
  rateAt(pos: number): number {
    if (this.constant) return this.holdMbps;
    if (this.wrap) return this.timeline.rateAt(this.segStartMs + (pos % this.segLengthMs));
    return pos < this.segLengthMs ? this.timeline.rateAt(this.segStartMs + pos) : this.holdMbps;
  }

  /** kbit delivered from position 0 to pos. */
  private cumAt(pos: number): number {
    const len = this.segLengthMs;
    if (this.wrap) {
      const loops = Math.floor(pos / len);
      return loops * this.segKbit + this.timeline.cumAt(this.segStartMs + (pos - loops * len)) - this.segCumStart;
    }
    if (pos <= len) return this.timeline.cumAt(this.segStartMs + pos) - this.segCumStart;
    return this.segKbit + this.holdMbps * (pos - len);
  }

  /**
   * Duration (ms) of a transfer of `kbit` starting at position `pos`, integrated over every
   * bandwidth change it spans (0 Mbps stretches wait), capped at {@link TRANSFER_CAP_MS}.
   */
  transferMs(pos: number, kbit: number): number {
    if (this.constant) return constantRateTransferMs(kbit, this.holdMbps);
    if (kbit <= 0) return 0;
    const y = this.cumAt(pos) + kbit;
    let end: number;
    if (this.wrap) {
      if (this.segKbit <= 0) return TRANSFER_CAP_MS;
      const loops = Math.floor(y / this.segKbit);
      // Within the start's loop the end lies after the start's segment (set by cumAt above).
      const hint = loops === Math.floor(pos / this.segLengthMs) ? this.timeline.lastSegment : 0;
      end = loops * this.segLengthMs + this.timeline.invCum(this.segCumStart + (y - loops * this.segKbit), hint) - this.segStartMs;
    } else if (y <= this.segKbit) {
      end = this.timeline.invCum(this.segCumStart + y, pos < this.segLengthMs ? this.timeline.lastSegment : 0) - this.segStartMs;
    } else {
      if (this.holdMbps <= 0) return TRANSFER_CAP_MS;
      end = this.segLengthMs + (y - this.segKbit) / this.holdMbps;
    }
    // Rounding in the unwrapping can land a hair before pos; a transfer never takes negative time.
    const ms = end - pos;
    return ms < 0 ? 0 : ms > TRANSFER_CAP_MS ? TRANSFER_CAP_MS : ms;
  }
}

/** Transfer time (ms) of `kbit` at a constant `rateMbps` (0 Mbps: the cap). */
export function constantRateTransferMs(kbit: number, rateMbps: number): number {
  if (kbit <= 0) return 0;
  if (rateMbps <= 0) return TRANSFER_CAP_MS;
  const ms = kbit / rateMbps;
  return ms > TRANSFER_CAP_MS ? TRANSFER_CAP_MS : ms;
}
