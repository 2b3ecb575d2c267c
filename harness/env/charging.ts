/**
 * The device's charging windows (the scenario's `tiers.device.battery.charging`): each user's
 * device is plugged in for `durationS` every `periodS`, so battery energy is worth more long before
 * a charge than just before one (energy left at the plug-in is refilled anyway, up to capacity).
 *
 * Schedule: user `u` is plugged in during `[offset_u + k periodS, offset_u + k periodS +
 * durationS)` for every integer k, with `offset_u` drawn uniformly in `[0, periodS)` at each
 * phase's reset from the user's own seeded stream (`deriveRng(seed, scenario, phase, 'charging',
 * u)`), so users do not plug in together and the schedule never depends on actions. The periodic
 * schedule is a modelling choice (e.g. a commute that ends at a charger); the charging power is a
 * cited figure (`source`). A real phone knows whether it is plugged in and, for a scheduled
 * charge, when the next one begins: the observation carries both ({@link ChargingWindows.chargeInMs}).
 *
 * Everything is closed form: {@link ChargingWindows.pluggedMs} integrates the plugged-in indicator
 * over any interval exactly, so `battery.ts` computes the state of charge at any time without
 * stepping time.
 */
import type { ChargingSpec } from '../scenario/types.ts';
import type { Rng } from '../rng.ts';

/** Per-user charging windows: a fixed period and duration, a per-user phase offset. */
export class ChargingWindows {
  readonly periodMs: number;
  readonly durationMs: number;
  /** Charging power into the battery (W = mJ per ms). */
  readonly powerW: number;
  /** Per user: start of its first window (ms, in [0, periodMs)). */
  private readonly offsetMs: Float64Array;

  constructor(users: number, spec: ChargingSpec) {
    this.periodMs = spec.periodS * 1000;
    this.durationMs = spec.durationS * 1000;
    this.powerW = spec.powerW;
    this.offsetMs = new Float64Array(users);
  }

  /** Draws each user's offset from its own stream (one draw per user). */
  reset(rngs: readonly Rng[]): void {
    for (let u = 0; u < this.offsetMs.length; u++) this.offsetMs[u] = rngs[u]!.float() * this.periodMs;
  }

  /** `user`'s phase offset (ms). */
  offsetOf(user: number): number {
    return this.offsetMs[user]!;
  }

  /** Time since `user`'s last window started (ms, in [0, periodMs)) at `tMs`. */
  private sinceStartMs(user: number, tMs: number): number {
    const x = (tMs - this.offsetMs[user]!) % this.periodMs;
    return x < 0 ? x + this.periodMs : x;
  }

  /** Whether `user`'s device is plugged in at `tMs` (windows are closed at their start, open at their end). */
  isPlugged(user: number, tMs: number): boolean {
    return this.sinceStartMs(user, tMs) < this.durationMs;
  }

  /** Milliseconds from `tMs` until `user`'s next plug-in; 0 while plugged in. */
  chargeInMs(user: number, tMs: number): number {
    const since = this.sinceStartMs(user, tMs);
    return since < this.durationMs ? 0 : this.periodMs - since;
  }

  /** Time `user` is plugged in within `[fromMs, toMs]` (ms; 0 when `toMs <= fromMs`). */
  pluggedMs(user: number, fromMs: number, toMs: number): number {
    return toMs > fromMs ? this.pluggedBefore(user, toMs) - this.pluggedBefore(user, fromMs) : 0;
  }

  /** Plugged-in time from `offset - periodMs` (before any phase time) to `tMs`: whole periods, then the part of the current window. */
  private pluggedBefore(user: number, tMs: number): number {
    const x = tMs - this.offsetMs[user]! + this.periodMs;
    const k = Math.floor(x / this.periodMs);
    return k * this.durationMs + Math.min(this.durationMs, x - k * this.periodMs);
  }

  /** A copy of the offsets, for {@link restore}. */
  snapshot(): Float64Array {
    return this.offsetMs.slice();
  }

  /** Puts the offsets back to a {@link snapshot}. */
  restore(s: Float64Array): void {
    this.offsetMs.set(s);
  }
}
