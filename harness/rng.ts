/**
 * Seeded, derived random streams.
 *
 * One root seed drives everything. A stream is identified by a path of labels, e.g.
 * `(rootSeed, scenarioId, episode, "arrivals", userId)`: the 128-bit state of its xoroshiro128+
 * generator (pure-rand) is the first 16 bytes of sha256 of the path, so streams are independent
 * of each other and of the order in which they are created, which is what makes results
 * identical at any worker count and in any job order. `Math.random` is never used.
 */
import { createHash } from 'node:crypto';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

/** One label of a stream path. */
export type StreamLabel = string | number;

/** sha256 of the labels joined unambiguously, as 4 signed 32-bit words. */
function stateOf(labels: readonly StreamLabel[]): number[] {
  const h = createHash('sha256');
  for (const l of labels) h.update(`${typeof l === 'number' ? 'n' : 's'}${String(l).length}:${String(l)};`);
  const d = h.digest();
  const words: number[] = [d.readInt32LE(0), d.readInt32LE(4), d.readInt32LE(8), d.readInt32LE(12)];
  // xoroshiro must not start from the all-zero state.
  if ((words[0]! | words[1]! | words[2]! | words[3]!) === 0) words[0] = 1;
  return words;
}

/** A generator state exported by {@link Rng.state}. */
export type RngState = readonly number[];

/** A seeded random stream with the few distributions the harness needs. */
export class Rng {
  private g: { next(): number; getState(): readonly number[] };

  /** Prefer {@link deriveRng}; this takes the stream's full label path. */
  constructor(labels: readonly StreamLabel[]) {
    this.g = xoroshiro128plusFromState(stateOf(labels));
  }

  /** The generator's state (4 words): {@link restoreState} with it replays the same draws from here. */
  state(): RngState {
    return this.g.getState();
  }

  /** A stream that continues from a state taken by {@link state}. */
  static fromState(state: RngState): Rng {
    const r = Object.create(Rng.prototype) as Rng;
    r.g = xoroshiro128plusFromState(state);
    return r;
  }

  /** Puts the generator back to a state taken by {@link state} (of this or any other stream). */
  restoreState(state: RngState): void {
    this.g = xoroshiro128plusFromState(state);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.g.next() & 0x3ffffff;
    const lo = this.g.next() & 0x7ffffff;
    return hi * 1.4901161193847656e-8 + lo * 1.1102230246251565e-16;
  }

  /** Uniform integer in [0, n), n >= 1 (n below 2^32). */
  int(n: number): number {
    // Rejection keeps it exactly uniform.
    const limit = Math.floor(4294967296 / n) * n;
    let v = this.g.next() + 2147483648;
    while (v >= limit) v = this.g.next() + 2147483648;
    return v % n;
  }

  /** Exponential with the given rate (events per unit); mean 1/rate. */
  exponential(rate: number): number {
    return -Math.log(1 - this.float()) / rate;
  }

  /** Standard normal (Box-Muller; one value per call for reproducibility regardless of use). */
  normal(): number {
    const u1 = 1 - this.float();
    const u2 = this.float();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Index drawn with probability proportional to `weights` (non-negative, positive sum). */
  weighted(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    let x = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
}

/** The stream for `(rootSeed, ...labels)`. Same labels, same stream, in any process. */
export function deriveRng(rootSeed: number, ...labels: StreamLabel[]): Rng {
  return new Rng([rootSeed, ...labels]);
}

/** A 31-bit integer seed derived from a path, for libraries that take a numeric seed (e.g. tfjs). */
export function deriveSeed(rootSeed: number, ...labels: StreamLabel[]): number {
  return (stateOf([rootSeed, ...labels])[0]! >>> 1);
}
