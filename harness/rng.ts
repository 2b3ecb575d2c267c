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

/** sha256 of the labels joined unambiguously (after `secret`, when keyed), as 4 signed 32-bit words. */
function stateOf(labels: readonly StreamLabel[], secret?: Uint8Array): number[] {
  const d = digestOf(labels, secret);
  const words: number[] = [d.readInt32LE(0), d.readInt32LE(4), d.readInt32LE(8), d.readInt32LE(12)];
  // xoroshiro must not start from the all-zero state.
  if ((words[0]! | words[1]! | words[2]! | words[3]!) === 0) words[0] = 1;
  return words;
}

/** A generator state exported by {@link Rng.state}. */
export type RngState = readonly number[];
/** sha256 of a label path; a keyed path starts with a domain tag and the secret, which no public path can. */
function digestOf(labels: readonly StreamLabel[], secret?: Uint8Array): Buffer {
  const h = createHash('sha256');
  if (secret) h.update('orchbench-sealed-stream\0').update(secret);
  for (const l of labels) h.update(labelText(l));
  return h.digest();
}

/** One label as the digest reads it: its type and length, so no two label paths read alike. */
function labelText(l: StreamLabel): string {
  const s = String(l);
  return `${typeof l === 'number' ? 'n' : 's'}${s.length}:${s};`;
}

/**
 * A secret stream key (a sealed run's): a path of labels under a secret of at least 128 bits.
 * Streams and sub-keys derived from it never pass through a short numeric seed, so no stream's
 * state can be found by searching fewer candidates than the secret has values.
 */
export class SealedKey {
  readonly #secret: Uint8Array;
  readonly #path: readonly StreamLabel[];

  /** `secret`: at least 16 random bytes. @throws Error when shorter. */
  constructor(secret: Uint8Array, path: readonly StreamLabel[] = []) {
    if (secret.length < 16) throw new Error(`SealedKey: a secret of at least 16 bytes (128 bits) is needed, got ${secret.length}`);
    this.#secret = secret;
    this.#path = path;
  }

  /** The key of a sub-path. */
  child(...labels: StreamLabel[]): SealedKey {
    return new SealedKey(this.#secret, [...this.#path, ...labels]);
  }

  /** The stream at a sub-path. */
  rng(...labels: StreamLabel[]): Rng {
    return new Rng([...this.#path, ...labels], this.#secret);
  }

  /** A 31-bit number for a sub-path (for whoever needs a numeric seed, e.g. an agent): reveals nothing of the secret. */
  number(...labels: StreamLabel[]): number {
    return stateOf([...this.#path, ...labels], this.#secret)[0]! >>> 1;
  }

  /** A one-way name of this key (for in-memory cache keys; never the secret). */
  toString(): string {
    return `sealed:${digestOf(['key-id', ...this.#path], this.#secret).toString('hex')}`;
  }
}

/** What streams derive from: a public numeric seed, or a secret key (sealed runs). */
export type Seed = number | SealedKey;

/** A seeded random stream with the few distributions the harness needs. */
export class Rng {
  private g: { next(): number; getState(): readonly number[] };

  /** Prefer {@link deriveRng}; this takes the stream's full label path (under `secret` when keyed). */
  constructor(labels: readonly StreamLabel[], secret?: Uint8Array) {
    this.g = xoroshiro128plusFromState(stateOf(labels, secret));
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

/** The stream for `(root, ...labels)`. Same labels, same stream, in any process; a {@link SealedKey} root keys it with its secret. */
export function deriveRng(root: Seed, ...labels: StreamLabel[]): Rng {
  return typeof root === 'number' ? new Rng([root, ...labels]) : root.rng(...labels);
}

/**
 * The seed of a sub-path: from a number, a 31-bit integer (for libraries that take a numeric seed,
 * e.g. tfjs); from a {@link SealedKey}, the sub-key (never narrowed to a short seed).
 */
export function deriveSeed(root: number, ...labels: StreamLabel[]): number;
export function deriveSeed(root: SealedKey, ...labels: StreamLabel[]): SealedKey;
export function deriveSeed(root: Seed, ...labels: StreamLabel[]): Seed;
export function deriveSeed(root: Seed, ...labels: StreamLabel[]): Seed {
  return typeof root === 'number' ? stateOf([root, ...labels])[0]! >>> 1 : root.child(...labels);
}

/** A 31-bit numeric seed of a sub-path whatever the root (what an agent or a numeric-seed library receives). */
export function numericSeed(root: Seed, ...labels: StreamLabel[]): number {
  return typeof root === 'number' ? deriveSeed(root, ...labels) : root.number(...labels);
}

/**
 * Streams derived again and again from the same paths (an environment reset with the same seed
 * and phase at every checkpoint evaluation): the first derivation of a path hashes it, the next
 * ones restart from its remembered initial state, the same stream without the sha256. Bounded:
 * forgets everything past `maxPaths` paths.
 */
export class StreamCache {
  private readonly initial = new Map<string, RngState>();
  private readonly sealedNames = new WeakMap<SealedKey, string>();

  constructor(private readonly maxPaths = 4096) {}

  /** The stream {@link deriveRng} gives for `(root, ...labels)`. */
  derive(root: Seed, ...labels: StreamLabel[]): Rng {
    let key = typeof root === 'number' ? labelText(root) : this.sealedName(root);
    for (const l of labels) key += labelText(l);
    const state = this.initial.get(key);
    if (state) return Rng.fromState(state);
    const rng = deriveRng(root, ...labels);
    if (this.initial.size >= this.maxPaths) this.initial.clear();
    this.initial.set(key, rng.state());
    return rng;
  }

  private sealedName(root: SealedKey): string {
    let name = this.sealedNames.get(root);
    if (name === undefined) {
      name = `k${root.toString()};`;
      this.sealedNames.set(root, name);
    }
    return name;
  }
}
