/**
 * The cellular radio's RRC state machine on each end device (the scenario's
 * `tiers.device.radio`): a cost that arrives after the decision that causes it.
 *
 * After its last transfer a radio does not go idle at once: it stays connected through a tail of
 * inactivity timers (`tail`, one stage per timer, each at its own power) and only then drops to
 * idle. A transfer that starts while the radio is idle first pays a promotion (`idlePromotionMs`
 * at `idlePromotionPowerW`, added to its latency); one that starts in a later, lower-power tail
 * stage pays that stage's promotion; one that starts in the first stage, or while another
 * transfer is under way, pays none. So an offload that opens a new tail is expensive and one
 * inside a running tail is cheap: the orchestrator's choice now changes what later offloads cost.
 * The figures are measured ones: LTE from Huang et al., "A Close Examination of Performance and
 * Power Characteristics of 4G LTE Networks", MobiSys 2012 (Table 3: promotion 260 ms at 1.21 W,
 * tail 11.576 s at 1.06 W), 3G (UMTS) from Qian et al., "Characterizing Radio Resource Allocation
 * for 3G Networks", IMC 2010 (DCH tail 5 s at 0.7 W, FACH tail 12 s at 0.35 W, promotions
 * IDLE->DCH 2 s at 0.53 W and FACH->DCH 1.5 s at 0.55 W), as AT&T's ARO tool uses them.
 *
 * Energy, exact and causal: the radio's connected power (the first stage's, the base while
 * transferring or waiting between a request's upload and download) and its tail are charged as a
 * profile over future time. A request is charged, when it is decided, the difference its
 * transfers make to that profile: the base from its start to the new last activity, the tail from
 * there, less the part of the previous tail that its activity supersedes. The sum over requests is
 * the radio's energy, every request's charge is >= 0 (stage powers do not increase), and nothing
 * charged to an earlier request ever changes. Transfers themselves cost `txPowerW` / `rxPowerW`
 * above the base (`energy.ts`). Modelling choice: a request's wait between upload and download
 * counts as connected time at the base power (the first stage lasts seconds, compute milliseconds).
 */
import type { RadioSpec } from '../scenario/types.ts';

/** A promotion a transfer must pay before it starts: delay (ms) and power (W) during it. */
export interface Promotion {
  delayMs: number;
  powerW: number;
}

/** No promotion: a transfer starting in the connected state, on the device, or without a radio model. */
export const NO_PROMOTION: Promotion = Object.freeze({ delayMs: 0, powerW: 0 });

/** Per-user RRC state: the end of each user's last radio activity, and of its last promotion. */
export class RadioTails {
  /** Per user: end (ms) of the last activity charged; -Infinity = never active (idle). */
  private readonly lastActivityEndMs: Float64Array;
  /** Per user: when its last promotion ends (a transfer starting earlier waits for it). */
  private readonly promotionEndMs: Float64Array;
  /** Cumulative stage ends (ms after the last activity). */
  private readonly stageEndMs: Float64Array;
  private readonly idlePromotion: Promotion;

  constructor(users: number, private readonly spec: RadioSpec) {
    this.lastActivityEndMs = new Float64Array(users).fill(-Infinity);
    this.promotionEndMs = new Float64Array(users).fill(-Infinity);
    this.stageEndMs = new Float64Array(spec.tail.length);
    let t = 0;
    spec.tail.forEach((s, i) => (this.stageEndMs[i] = t += s.durationMs));
    this.idlePromotion = Object.freeze({ delayMs: spec.idlePromotionMs, powerW: spec.idlePromotionPowerW });
  }

  reset(): void {
    this.lastActivityEndMs.fill(-Infinity);
    this.promotionEndMs.fill(-Infinity);
  }

  /** The connected (first tail stage's) power, W: what a transfer's tx/rx power is charged above. */
  get basePowerW(): number {
    return this.spec.tail[0]!.powerW;
  }

  /** The tail stage `user`'s radio is in at `tMs` (0 = first, connected), -1 while a transfer is under way, or `tail.length` when idle. */
  stageAt(user: number, tMs: number): number {
    const since = tMs - this.lastActivityEndMs[user]!;
    if (since < 0) return -1;
    let k = 0;
    while (k < this.stageEndMs.length && since >= this.stageEndMs[k]!) k++;
    return k;
  }

  /**
   * What the device shows the orchestrator at `tMs`: while a transfer of the user's is under way,
   * the whole tail (its timers have not started; when the transfer ends is not known yet: it
   * depends on link rates after `tMs`); after the last one ended, the tail left (0 when idle).
   */
  tailRemainingMs(user: number, tMs: number): number {
    const tailMs = this.stageEndMs[this.stageEndMs.length - 1]!;
    const last = this.lastActivityEndMs[user]!;
    if (last > tMs) return tailMs;
    return Math.max(0, last + tailMs - tMs);
  }

  /**
   * The promotion a transfer of `user` starting at `tMs` pays first; during another request's
   * promotion, the rest of it as a delay at no further energy (that request pays for it).
   */
  promotionAt(user: number, tMs: number): Promotion {
    const promoting = this.promotionEndMs[user]! - tMs;
    if (promoting > 0) return { delayMs: promoting, powerW: 0 };
    const k = this.stageAt(user, tMs);
    if (k <= 0) return NO_PROMOTION;
    if (k >= this.spec.tail.length) return this.idlePromotion;
    const s = this.spec.tail[k]!;
    return { delayMs: s.promotionMs, powerW: s.promotionPowerW };
  }

  /**
   * The RRC energy (mJ) of a request of `user` that starts at `startMs` (its arrival: the upload
   * begins then, after `promotion`) and whose last transfer ends at `endMs`: promotion, connected
   * base and tail, less the part of the previous tail its activity supersedes. Its transfers'
   * tx/rx increments are not included. No state change ({@link commit} records it).
   */
  chargeMj(user: number, startMs: number, promotion: Promotion, endMs: number): number {
    const last = this.lastActivityEndMs[user]!;
    // What earlier requests were charged starts after their promotion (charged as such).
    const chargedFrom = Math.max(startMs, this.promotionEndMs[user]!);
    return promotion.powerW * promotion.delayMs + this.profileEnergyFrom(Math.max(last, endMs), startMs + promotion.delayMs) - this.profileEnergyFrom(last, chargedFrom);
  }

  /** Energy (mJ) of activity from `startMs` to `endMs` at the connected power: a request's own share when the tail is counted as shared (what-if `connected`). */
  activeMj(startMs: number, endMs: number): number {
    return this.basePowerW * (endMs - startMs);
  }

  /** Records the activity {@link chargeMj} priced. */
  commit(user: number, startMs: number, promotion: Promotion, endMs: number): void {
    if (promotion.powerW > 0) this.promotionEndMs[user] = startMs + promotion.delayMs;
    if (endMs > this.lastActivityEndMs[user]!) this.lastActivityEndMs[user] = endMs;
  }

  /** Energy (mJ) of the charged profile from `fromMs` on, for a last activity ending at `lastEndMs`: the base until then, the tail after. */
  private profileEnergyFrom(lastEndMs: number, fromMs: number): number {
    if (lastEndMs === -Infinity) return 0;
    let mj = 0;
    if (fromMs < lastEndMs) mj += this.basePowerW * (lastEndMs - fromMs);
    const since = Math.max(0, fromMs - lastEndMs);
    let stageStart = 0;
    // A loop, not forEach: this runs twice per offload, and a closure's captured doubles are boxed.
    const tail = this.spec.tail;
    for (let k = 0; k < tail.length; k++) {
      const end = this.stageEndMs[k]!;
      if (since < end) mj += tail[k]!.powerW * (end - Math.max(since, stageStart));
      stageStart = end;
    }
    return mj;
  }

  /** A copy of the state, for a fork of the environment. */
  snapshot(): { lastActivityEndMs: Float64Array; promotionEndMs: Float64Array } {
    return { lastActivityEndMs: this.lastActivityEndMs.slice(), promotionEndMs: this.promotionEndMs.slice() };
  }

  /** Restores a state taken by {@link snapshot}. */
  restore(s: { lastActivityEndMs: Float64Array; promotionEndMs: Float64Array }): void {
    this.lastActivityEndMs.set(s.lastActivityEndMs);
    this.promotionEndMs.set(s.promotionEndMs);
  }
}
