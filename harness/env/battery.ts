/**
 * The end device's battery: each user's device starts a phase with a state of charge (SoC) and
 * loses the device energy of its requests (`energy.ts`), so energy spent now constrains later
 * decisions (the scenario's `tiers.device.battery`; figures and their sources in
 * `scenarios/README.md`).
 *
 * - Causal drain: a request's device energy leaves the battery when the request completes (the
 *   SoC an orchestrator reads lags by at most one response time, as a fuel gauge does). Drains are
 *   applied in completion order as the clock passes their completion times; the observation's SoC
 *   therefore depends only on requests already completed.
 * - Empty: the first request that finds its user's battery empty (SoC 0 after the drains
 *   completed by its arrival) pays `emptyPenaltyPerRequest` on top of the scenario's reward (the
 *   user's session is interrupted to recharge), and the battery is recharged to `initialSocPct`
 *   before the request runs (a renewal: every depletion costs one penalty). Energy spent now thus
 *   brings the next interruption closer: a sequential cost whose long-run price is
 *   `emptyPenaltyPerRequest / initial charge` per mJ (see {@link Battery.shadowPricePerMj}). The
 *   SoC never goes below 0; every phase starts at `initialSocPct`.
 * - Charging windows (optional, `charging.ts`): while its device is plugged in, a user's battery
 *   gains the charging power (up to capacity), and a request that completes while it is plugged in
 *   takes its energy from the charger, not the battery (modelling choice: the drain is attributed
 *   to the completion time, as above; the adapter supplies the device's draw on top of the
 *   charging power). Between two drains the charge only rises, so the SoC at any time is exact in
 *   closed form: min(capacity, charge + powerW x plugged-in time), with the plugged-in time
 *   integrated exactly by {@link ChargingWindows.pluggedMs}.
 */
import type { BatterySpec } from '../scenario/types.ts';
import type { ChargingWindows } from './charging.ts';

const MJ_PER_WH = 3.6e6;

/** The state of a {@link Battery}: charges, pending energy, and the pending drains' heap. */
export interface BatteryState {
  readonly chargeMj: Float64Array;
  readonly pendingMj: Float64Array;
  readonly atMs: Float64Array;
  readonly user: Int32Array;
  readonly mj: Float64Array;
  /** With charging windows: per user, the time its charge was last brought up to date, and the offsets. */
  readonly asOfMs: Float64Array | null;
  readonly chargingOffsetMs: Float64Array | null;
}

/** Per-user battery charge with drains applied at request completion. */
export class Battery {
  /** Energy at the start of a phase (mJ). */
  readonly initialMj: number;
  /** Full charge (mJ). */
  readonly capacityMj: number;
  readonly emptyPenalty: number;
  private readonly chargeMj: Float64Array;
  /** Per user: energy of its requests decided and not yet drained (mJ). */
  private readonly pendingMj: Float64Array;
  // Pending drains, a binary min-heap on completion time (parallel arrays, grown on demand).
  private atMs = new Float64Array(64);
  private user = new Int32Array(64);
  private mj = new Float64Array(64);
  private n = 0;
  /** Per user: the time `chargeMj` is up to date at (only with charging windows). */
  private readonly asOfMs: Float64Array;

  /** `charging`: the device's charging windows, or null when it is never plugged in. */
  constructor(users: number, spec: BatterySpec, readonly charging: ChargingWindows | null = null) {
    this.capacityMj = spec.capacityWh * MJ_PER_WH;
    this.initialMj = (this.capacityMj * spec.initialSocPct) / 100;
    this.emptyPenalty = spec.emptyPenaltyPerRequest;
    this.chargeMj = new Float64Array(users);
    this.pendingMj = new Float64Array(users);
    this.asOfMs = new Float64Array(users);
  }

  reset(): void {
    this.chargeMj.fill(this.initialMj);
    this.pendingMj.fill(0);
    this.asOfMs.fill(0);
    this.n = 0;
  }

  /** A copy of the charges and the pending drains, for {@link restore}. */
  snapshot(): BatteryState {
    const n = this.n;
    const c = this.charging;
    return { chargeMj: this.chargeMj.slice(), pendingMj: this.pendingMj.slice(), atMs: this.atMs.slice(0, n), user: this.user.slice(0, n), mj: this.mj.slice(0, n), asOfMs: c ? this.asOfMs.slice() : null, chargingOffsetMs: c ? c.snapshot() : null };
  }

  /** Puts the battery back to a {@link snapshot}. */
  restore(s: BatteryState): void {
    const n = s.atMs.length;
    while (this.atMs.length < n) this.grow();
    this.chargeMj.set(s.chargeMj);
    this.pendingMj.set(s.pendingMj);
    this.atMs.set(s.atMs);
    this.user.set(s.user);
    this.mj.set(s.mj);
    this.n = n;
    if (s.asOfMs) this.asOfMs.set(s.asOfMs);
    if (s.chargingOffsetMs) this.charging!.restore(s.chargingOffsetMs);
  }

  /** Schedules a drain of `energyMj` from `user`'s battery at `completedAtMs`. */
  drainAt(user: number, completedAtMs: number, energyMj: number): void {
    if (this.n === this.atMs.length) this.grow();
    this.pendingMj[user] = this.pendingMj[user]! + energyMj;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.atMs[p]! <= completedAtMs) break;
      this.move(p, i);
      i = p;
    }
    this.atMs[i] = completedAtMs;
    this.user[i] = user;
    this.mj[i] = energyMj;
  }

  /** Applies every drain completed at or before `timeMs` (and, with charging windows, the charge gained up to `timeMs`). */
  advance(timeMs: number): void {
    const c = this.charging;
    while (this.n > 0 && this.atMs[0]! <= timeMs) {
      const u = this.user[0]!;
      const at = this.atMs[0]!;
      if (c === null) this.chargeMj[u] = Math.max(0, this.chargeMj[u]! - this.mj[0]!);
      else {
        this.chargeTo(c, u, at);
        if (!c.isPlugged(u, at)) this.chargeMj[u] = Math.max(0, this.chargeMj[u]! - this.mj[0]!);
      }
      this.pendingMj[u] = this.pendingMj[u]! - this.mj[0]!;
      this.pop();
    }
    if (c !== null) for (let u = 0; u < this.chargeMj.length; u++) this.chargeTo(c, u, timeMs);
  }

  /** Brings `user`'s charge up to `tMs`: the charging power over its plugged-in time since the last update, up to capacity. */
  private chargeTo(c: ChargingWindows, user: number, tMs: number): void {
    const from = this.asOfMs[user]!;
    if (tMs <= from) return;
    const gained = c.powerW * c.pluggedMs(user, from, tMs);
    if (gained > 0) this.chargeMj[user] = Math.min(this.capacityMj, this.chargeMj[user]! + gained);
    this.asOfMs[user] = tMs;
  }

  /** `user`'s state of charge (fraction of full charge, 0..1) as of the last `advance`. */
  soc(user: number): number {
    return this.chargeMj[user]! / this.capacityMj;
  }

  /** `user`'s remaining energy (mJ) as of the last `advance`. */
  remainingMj(user: number): number {
    return this.chargeMj[user]!;
  }

  /**
   * Called for each request at its arrival (after {@link advance}): when `user`'s battery is
   * empty, recharges it to the initial charge and returns the penalty the request pays; else 0.
   */
  penaltyOnArrival(user: number): number {
    if (this.chargeMj[user]! > 0) return 0;
    this.chargeMj[user] = this.initialMj;
    return this.emptyPenalty;
  }

  /** The long-run cost of one mJ of device energy: one penalty per initial charge. */
  get shadowPricePerMj(): number {
    return this.emptyPenalty / this.initialMj;
  }

  /** `user`'s charge once its requests already decided have drained (mJ, may be negative). */
  committedMj(user: number): number {
    return this.chargeMj[user]! - this.pendingMj[user]!;
  }

  private pop(): void {
    const last = --this.n;
    if (last === 0) return;
    const t = this.atMs[last]!;
    const u = this.user[last]!;
    const e = this.mj[last]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && this.atMs[c + 1]! < this.atMs[c]!) c++;
      if (this.atMs[c]! >= t) break;
      this.move(c, i);
      i = c;
    }
    this.atMs[i] = t;
    this.user[i] = u;
    this.mj[i] = e;
  }

  private move(from: number, to: number): void {
    this.atMs[to] = this.atMs[from]!;
    this.user[to] = this.user[from]!;
    this.mj[to] = this.mj[from]!;
  }

  private grow(): void {
    const size = this.atMs.length * 2;
    const a = new Float64Array(size); a.set(this.atMs); this.atMs = a;
    const u = new Int32Array(size); u.set(this.user); this.user = u;
    const m = new Float64Array(size); m.set(this.mj); this.mj = m;
  }
}
