/**
 * Trust in the environment model, measured on held-out data and used as the weight of the model
 * in each decision. The planner (`planner.ts`) blends two estimates of an action's value:
 *
 *     model-free:  Q(s, a)
 *     model-based: r^(s, a) + gamma x max_b Q(s'^(s, a), b)      (the model's step, then Q)
 *
 * Each real transition (s, a, r, s') is, before anything is fitted on it, a held-out check of
 * both against the same real target r + gamma x max_b Q(s', b). With the exponentially averaged
 * squared errors E_free and E_model of the two (`trustHalfLife`),
 *
 *     trust = E_free / (E_free + E_model)
 *
 * the weight that minimises the error of a blend of two independent estimators (inverse-variance
 * weighting): 1 when the model's estimate is exact, 0 when it is useless beside Q, 1/2 when both
 * err alike. A model that has not learnt the system (or cannot) loses the decisions to Q, and
 * regains them as its errors fall. Errors are taken on the {@link symlog} scale, so one rare -100
 * (an empty battery) does not decide them alone. 0 until `trustMinSamples` checks.
 */

/** sign(x) log(1 + |x|) (DreamerV3's symlog, Hafner et al. 2023). */
export function symlog(x: number): number {
  return Math.sign(x) * Math.log1p(Math.abs(x));
}

export class TrustMonitor {
  private readonly decay: number;
  private n = 0;
  private weight = 0;
  private errModel = 0;
  private errFree = 0;

  constructor(halfLife: number, private readonly minSamples: number) {
    this.decay = Math.pow(0.5, 1 / halfLife);
  }

  /** Records one held-out check: both estimates of a real transition's value, and its real target. */
  record(modelEstimate: number, freeEstimate: number, target: number): void {
    const y = symlog(target);
    // Bias-corrected exponential averages (weights sum to `weight`).
    this.weight = this.decay * this.weight + 1;
    const k = 1 / this.weight;
    this.errModel += k * ((symlog(modelEstimate) - y) ** 2 - this.errModel);
    this.errFree += k * ((symlog(freeEstimate) - y) ** 2 - this.errFree);
    this.n++;
  }

  /** Held-out checks recorded. */
  get samples(): number {
    return this.n;
  }

  /** Averaged squared held-out errors (symlog scale) of the model-based and the model-free estimate. */
  get errors(): { model: number; free: number } {
    return { model: this.errModel, free: this.errFree };
  }

  /** The trust in [0, 1] (see the module comment). */
  trust(): number {
    if (this.n < this.minSamples) return 0;
    const total = this.errFree + this.errModel;
    return total > 0 ? this.errFree / total : 0.5;
  }
}
