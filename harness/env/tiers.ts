/**
 * Compute tiers: each user's own device (a single-server FIFO queue) and the shared edge and
 * cloud, whose capacity model follows from how their profile was measured
 * (`DeviceProfile.measurement`: cores per inference, cores the contention curve ran on):
 * - `queue`: `floor(cores / threadsPerInference)` servers, each running one inference at a time
 *   at the profile's measured speed. A request starts at the earliest time at or after its input
 *   arrives when some server is free for its whole compute time (the lowest-index server on
 *   ties): it may use an idle gap before a server's next booked request, so a server never idles
 *   while an arrived request waits for it, and no booked request moves. 4-thread samples on a
 *   4-core edge are one server, 1-thread samples four.
 * - `measured`: no queue; an inference starts when its input arrives and its compute time is the
 *   latency sample x the measured contention slowdown at n = the requests present at the server
 *   at that moment (arrived and not finished, itself included), with n scaled by the measured
 *   cores / the tier's cores. The model's own measured curve is used where it exists (it
 *   reproduces the measured latency-vs-users table), else the averaged one. A request's slowdown
 *   is fixed when it starts (later arrivals do not slow it down further).
 * Requests are scheduled in decision order: a request decided later never changes an earlier
 * one's timeline (the environment computes a request's timeline when it is decided).
 */
import type { ActionDef } from '../agent.ts';
import type { DeviceProfile } from '../profiles/types.ts';

/** Contention slowdown at n concurrent requests: linear between curve points, linear beyond. */
export function slowdownAt(curveN: Float64Array, curveS: Float64Array, n: number): number {
  const last = curveN.length - 1;
  if (last === 0 || n <= curveN[0]!) return curveS[0]!;
  let i = 1;
  while (i < last && curveN[i]! < n) i++;
  const n0 = curveN[i - 1]!;
  const s0 = curveS[i - 1]!;
  return s0 + ((curveS[i]! - s0) * (n - n0)) / (curveN[i]! - n0);
}

/** Parallel servers of a tier with `cores` cores running a profile measured with `threadsPerInference`. */
export function serversOf(tier: string, cores: number, profile: DeviceProfile): number {
  const threads = profile.measurement?.threadsPerInference ?? 1;
  const servers = Math.floor(cores / threads);
  if (!(servers >= 1)) {
    throw new Error(`the ${tier} has ${cores} cores but profile "${profile.id}" was measured with ${threads} cores per inference: at least ${threads} cores are needed`);
  }
  return servers;
}

/** The state of a {@link SharedTier}: per server its bookings, and the requests present. */
export interface SharedTierState {
  readonly bookedStart: readonly (readonly number[])[];
  readonly bookedEnd: readonly (readonly number[])[];
  readonly readyMs: Float64Array;
  readonly finishMs: Float64Array;
}

function copyInto(src: readonly number[], dst: number[]): void {
  dst.length = src.length;
  for (let i = 0; i < src.length; i++) dst[i] = src[i]!;
}

/** A shared tier (edge or cloud). `schedule` computes; `commit` applies. */
export class SharedTier {
  /** Parallel servers (what its load balancer reports as capacity). */
  readonly capacity: number;
  readonly queue: boolean;
  /** Per server (queue mode): booked compute intervals, sorted by start. */
  private readonly bookedStart: number[][];
  private readonly bookedEnd: number[][];
  /** measured cores / tier cores: the concurrency the curve is read at per present request. */
  private readonly loadScale: number;
  private readonly curveN: (Float64Array | null)[];
  private readonly curveS: (Float64Array | null)[];
  // Requests in the tier (decided, compute not finished): their arrival (ready) and finish times.
  private readyMs = new Float64Array(64);
  private finishMs = new Float64Array(64);
  private n = 0;

  /** Results of the last {@link schedule}. */
  startMs = 0;
  computeMs = 0;
  private server = 0;

  constructor(tier: 'edge' | 'cloud', cores: number, contention: 'queue' | 'measured', profile: DeviceProfile, actions: readonly ActionDef[]) {
    this.capacity = serversOf(tier, cores, profile);
    this.queue = contention === 'queue';
    this.bookedStart = Array.from({ length: this.capacity }, () => []);
    this.bookedEnd = Array.from({ length: this.capacity }, () => []);
    this.loadScale = (profile.measurement?.cores ?? cores) / cores;
    this.curveN = actions.map(() => null);
    this.curveS = actions.map(() => null);
    if (this.queue) return;
    const c = profile.contention;
    if (!c || c.concurrent.length === 0 || c.concurrent.length !== c.slowdown.length) {
      throw new Error(`the ${tier} uses contention "measured" but profile "${profile.id}" has no usable contention curve`);
    }
    actions.forEach((a, i) => {
      if (a.tier !== tier) return;
      const own = c.perModel?.[a.modelId];
      this.curveN[i] = Float64Array.from(own?.concurrent ?? c.concurrent);
      this.curveS[i] = Float64Array.from(own?.slowdown ?? c.slowdown);
    });
  }

  reset(): void {
    for (let k = 0; k < this.capacity; k++) {
      this.bookedStart[k]!.length = 0;
      this.bookedEnd[k]!.length = 0;
    }
    this.n = 0;
  }

  /** A copy of the tier's state (bookings and requests present), for {@link restore}. */
  snapshot(): SharedTierState {
    return {
      bookedStart: this.bookedStart.map((b) => b.slice()),
      bookedEnd: this.bookedEnd.map((b) => b.slice()),
      readyMs: this.readyMs.slice(0, this.n),
      finishMs: this.finishMs.slice(0, this.n),
    };
  }

  /** Puts the tier back to a {@link snapshot} of a tier of the same scenario. */
  restore(s: SharedTierState): void {
    for (let c = 0; c < this.capacity; c++) {
      copyInto(s.bookedStart[c]!, this.bookedStart[c]!);
      copyInto(s.bookedEnd[c]!, this.bookedEnd[c]!);
    }
    const n = s.readyMs.length;
    if (this.readyMs.length < n) {
      this.readyMs = new Float64Array(2 * n);
      this.finishMs = new Float64Array(2 * n);
    }
    this.readyMs.set(s.readyMs);
    this.finishMs.set(s.finishMs);
    this.n = n;
  }

  /** Forgets requests finished at or before `tMs` (time only moves forward). */
  prune(tMs: number): void {
    if (this.queue) {
      for (let c = 0; c < this.capacity; c++) {
        const ends = this.bookedEnd[c]!;
        let drop = 0;
        while (drop < ends.length && ends[drop]! <= tMs) drop++;
        if (drop > 0) {
          ends.splice(0, drop);
          this.bookedStart[c]!.splice(0, drop);
        }
      }
    }
    let k = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.finishMs[i]! > tMs) {
        this.readyMs[k] = this.readyMs[i]!;
        this.finishMs[k++] = this.finishMs[i]!;
      }
    }
    this.n = k;
  }

  /** Requests present at the server at `tMs` (arrived, waiting or in service), for `tMs` >= the last prune. */
  presentAt(tMs: number): number {
    let c = 0;
    for (let i = 0; i < this.n; i++) if (this.readyMs[i]! <= tMs && this.finishMs[i]! > tMs) c++;
    return c;
  }

  /**
   * The least compute time a request of `action` with base compute `baseMs` can take here, however
   * loaded the tier (queue: its base time; measured: the lowest slowdown the curve gives at one or
   * more requests present). The upper bound's free-queue relaxation.
   */
  uncontendedMs(action: number, baseMs: number): number {
    if (this.queue) return baseMs;
    const n = this.curveN[action]!;
    const s = this.curveS[action]!;
    let least = slowdownAt(n, s, this.loadScale);
    for (let i = 0; i < n.length; i++) if (n[i]! >= this.loadScale) least = Math.min(least, s[i]!);
    // Extrapolated beyond the last point: a falling last segment has no floor but 0.
    const last = n.length - 1;
    if (last > 0 && s[last]! < s[last - 1]!) least = 0;
    return baseMs * least;
  }

  /** Start and compute time of a request of `action` whose input arrives at `readyMs` with base compute `baseMs`. */
  schedule(action: number, readyMs: number, baseMs: number): void {
    if (this.queue) {
      this.startMs = Infinity;
      for (let c = 0; c < this.capacity; c++) {
        const start = this.earliestFit(c, readyMs, baseMs);
        if (start < this.startMs) {
          this.startMs = start;
          this.server = c;
        }
      }
      this.computeMs = baseMs;
      return;
    }
    this.startMs = readyMs;
    this.computeMs = baseMs * slowdownAt(this.curveN[action]!, this.curveS[action]!, (this.presentAt(readyMs) + 1) * this.loadScale);
  }

  /** The earliest start at or after `readyMs` when server `c` is free for `durationMs`. */
  private earliestFit(c: number, readyMs: number, durationMs: number): number {
    const starts = this.bookedStart[c]!;
    const ends = this.bookedEnd[c]!;
    let t = readyMs;
    for (let i = 0; i < starts.length; i++) {
      if (ends[i]! <= t) continue;
      if (starts[i]! >= t + durationMs) break;
      t = ends[i]!;
    }
    return t;
  }

  /** Applies the last {@link schedule}: the request occupies the tier from `readyMs` until `finishMs`. */
  commit(readyMs: number, finishMs: number): void {
    if (this.queue) {
      const starts = this.bookedStart[this.server]!;
      let i = starts.length;
      while (i > 0 && starts[i - 1]! > this.startMs) i--;
      starts.splice(i, 0, this.startMs);
      this.bookedEnd[this.server]!.splice(i, 0, finishMs);
    }
    if (this.n === this.readyMs.length) {
      const grow = (a: Float64Array): Float64Array<ArrayBuffer> => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.readyMs = grow(this.readyMs);
      this.finishMs = grow(this.finishMs);
    }
    this.readyMs[this.n] = readyMs;
    this.finishMs[this.n++] = finishMs;
  }
}
