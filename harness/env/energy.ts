/**
 * End-device energy (mJ = W x ms), attributed to requests without counting any time twice.
 *
 * The device draws `idlePowerW` whenever one of its user's requests is outstanding (decided and
 * not yet completed), plus, on top of that, `busyPowerW - idlePowerW` while it computes a local
 * inference and `txPowerW` / `rxPowerW` while its radio transmits / receives (radio power on top
 * of the idle draw). A request is charged its own compute and radio increments, and the idle draw
 * over the part of its outstanding interval that no earlier request of the same user already
 * covers. Requests are decided in time order and each interval starts at its decision, so the
 * earlier intervals cover exactly `[t, coveredUntil)` of a new one: one number per user suffices.
 * A lone request costs busy x compute + idle x its wait (local), or tx x upload + rx x download +
 * idle x its response time (offloaded).
 */
import type { DevicePowerSpec } from '../scenario/types.ts';

export class DeviceEnergy {
  /** Per user: the end of the union of its outstanding intervals charged so far (ms). */
  private readonly coveredUntilMs: Float64Array;

  constructor(users: number, private readonly power: DevicePowerSpec) {
    this.coveredUntilMs = new Float64Array(users);
  }

  reset(): void {
    this.coveredUntilMs.fill(0);
  }

  /** A copy of the per-user coverage, for {@link restore}. */
  snapshot(): Float64Array {
    return this.coveredUntilMs.slice();
  }

  /** Puts the coverage back to a {@link snapshot}. */
  restore(s: Float64Array): void {
    this.coveredUntilMs.set(s);
  }

  /**
   * Energy (mJ) of a request of `user` outstanding over `[decidedAtMs, completedAtMs]` that
   * computes locally for `computeMs` and transmits for `txMs` / receives for `rxMs`.
   */
  chargeMj(user: number, decidedAtMs: number, completedAtMs: number, computeMs: number, txMs: number, rxMs: number): number {
    const p = this.power;
    const idleFrom = Math.max(decidedAtMs, this.coveredUntilMs[user]!);
    const idleMs = completedAtMs > idleFrom ? completedAtMs - idleFrom : 0;
    return p.idlePowerW * idleMs + Math.max(0, p.busyPowerW - p.idlePowerW) * computeMs + p.txPowerW * txMs + p.rxPowerW * rxMs;
  }

  /**
   * The least energy (mJ) a request can cost that computes locally for `computeMs` and transmits
   * for `txMs` / receives for `rxMs`: its compute and radio increments, no idle draw (another
   * request may cover all of it). The upper bound's relaxation.
   */
  leastMj(computeMs: number, txMs: number, rxMs: number): number {
    const p = this.power;
    return Math.max(0, p.busyPowerW - p.idlePowerW) * computeMs + p.txPowerW * txMs + p.rxPowerW * rxMs;
  }

  /** Records that `user` has a request outstanding until `completedAtMs`. */
  commit(user: number, completedAtMs: number): void {
    if (completedAtMs > this.coveredUntilMs[user]!) this.coveredUntilMs[user] = completedAtMs;
  }
}
