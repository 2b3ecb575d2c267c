/**
 * Trust in the environment model, measured on held-out data: each real transition's reward is
 * predicted by the model as fitted before that transition arrived (prequential evaluation, so
 * every prediction is out of sample), and the trust is the skill of those predictions, on the
 * model's `symlog` reward scale (so one rare -100 penalty does not decide the trust alone),
 *
 *     skill = 1 - mean squared error / variance of the reward,   trust = clamp(skill / fullTrustSkill, 0, 1),
 *
 * both averages exponential over recent transitions (`trustHalfLife`). The skill is 0 for a model
 * no better than predicting the average reward (or worse), 1 for exact predictions; a request's
 * reward depends on link rates and compute draws after the decision, so even the true expected
 * reward has a skill well below 1, and the model is fully trusted from `fullTrustSkill` on.
 * It falls as soon as the system changes in a way the model has not learnt, and stays low where
 * the model class cannot fit the system. 0 until `trustMinSamples` transitions were measured.
 *
 * Used (index.ts): the weight of the model's lookahead in each decision (`planner.ts`) and the
 * number of simulated batches per real transition are proportional to it.
 */
export class TrustMonitor {
  private readonly decay: number;
  private n = 0;
  private err2 = 0;
  private mean = 0;
  private second = 0;
  private weight = 0;

  constructor(halfLife: number, private readonly minSamples: number, private readonly fullTrustSkill: number) {
    this.decay = Math.pow(0.5, 1 / halfLife);
  }

  /** Records a held-out prediction of a real reward (both on the scale the model regresses, `symlog`). */
  record(predicted: number, actual: number): void {
    const e = predicted - actual;
    // Bias-corrected exponential averages (weights sum to `weight`).
    this.weight = this.decay * this.weight + 1;
    const k = 1 / this.weight;
    this.err2 += k * (e * e - this.err2);
    this.mean += k * (actual - this.mean);
    this.second += k * (actual * actual - this.second);
    this.n++;
  }

  /** Held-out predictions recorded. */
  get samples(): number {
    return this.n;
  }

  /** Exponentially averaged squared error of the held-out predictions. */
  get meanSquaredError(): number {
    return this.err2;
  }

  /** The trust in [0, 1] (see the module comment). */
  trust(): number {
    if (this.n < this.minSamples) return 0;
    const variance = this.second - this.mean * this.mean;
    if (!(variance > 1e-12)) return this.err2 <= 1e-12 ? 1 : 0;
    const trust = (1 - this.err2 / variance) / this.fullTrustSkill;
    return trust < 0 ? 0 : trust > 1 ? 1 : trust;
  }
}
