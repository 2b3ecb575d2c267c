/**
 * Background load on the shared edge (the scenario's `tiers.edge.backgroundLoad`): other tenants'
 * CPU utilisation u(t) (percent) follows an AR(1) process fitted to a recorded cluster trace
 * (`scenarios/traces/load/`, fitted by `harness/traces/load-fit.ts`), on the process's grid
 * (step interpolation), drawn from the phase's own stream. The orchestrator's inferences share the
 * server with it: an inference that reaches the edge when the background uses u % of the CPU takes
 * 1 / (1 - u/100) times its time (processor sharing with the background), on top of the tier's
 * contention model (applied when the request reaches the edge). The observation carries the utilisation at the request's arrival, as a load
 * balancer reading the server's CPU counters would.
 */
import { Rng, type RngState } from '../rng.ts';
import type { LoadProcess } from '../traces/load-process.ts';

/** The state of a {@link BackgroundLoad}: the values drawn so far and the stream's generator. */
export interface BackgroundState {
  readonly values: readonly number[];
  readonly rng: RngState;
}

/** A lazily drawn utilisation series for one phase. */
export class BackgroundLoad {
  private values: number[] = [];
  private rng: Rng | null = null;
  private readonly innovationSd: number;

  constructor(readonly process: LoadProcess) {
    this.innovationSd = process.sdPct * Math.sqrt(Math.max(0, 1 - process.phi * process.phi));
  }

  /** Starts a phase's series from its own stream. */
  reset(rng: Rng): void {
    this.rng = rng;
    this.values = [this.clip(this.process.meanPct + this.process.sdPct * rng.normal())];
  }

  /** A copy of the series drawn so far and its stream's state, for {@link restore}. */
  snapshot(): BackgroundState {
    return { values: this.values.slice(), rng: this.rng!.state() };
  }

  /** Puts the series back to a {@link snapshot} (the same phase's: the stream continues from it). */
  restore(s: BackgroundState): void {
    this.values = s.values.slice();
    if (this.rng) this.rng.restoreState(s.rng);
    else this.rng = Rng.fromState(s.rng);
  }

  /** Background utilisation (%) at `tMs` from the phase start (draws the grid up to it on demand). */
  utilPctAt(tMs: number): number {
    const k = Math.max(0, Math.floor(tMs / this.process.stepMs));
    const p = this.process;
    while (this.values.length <= k) {
      const prev = this.values[this.values.length - 1]!;
      this.values.push(this.clip(p.meanPct + p.phi * (prev - p.meanPct) + this.innovationSd * this.rng!.normal()));
    }
    return this.values[k]!;
  }

  /** The compute-time multiplier of an inference starting at `tMs`: 1 / (1 - u/100). */
  slowdownAt(tMs: number): number {
    return 1 / (1 - this.utilPctAt(tMs) / 100);
  }

  private clip(u: number): number {
    return Math.min(this.process.maxPct, Math.max(this.process.minPct, u));
  }
}
