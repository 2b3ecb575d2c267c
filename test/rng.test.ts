import { describe, expect, it } from 'vitest';
import { deriveRng, SealedKey, StreamCache, type Rng } from '../harness/rng.ts';

const draws = (r: Rng, n = 5): number[] => Array.from({ length: n }, () => r.float());

describe('StreamCache', () => {
  it('gives the stream deriveRng gives, on the first derivation of a path and on every later one', () => {
    const cache = new StreamCache();
    for (let round = 0; round < 3; round++) {
      expect(draws(cache.derive(7, 'scenario', 'learn', 'arrivals', 3))).toEqual(draws(deriveRng(7, 'scenario', 'learn', 'arrivals', 3)));
    }
    // Label types and boundaries are part of the path: none of these is the stream above.
    const first = draws(cache.derive(7, 'scenario', 'learn', 'arrivals', 3));
    for (const other of [cache.derive(7, 'scenario', 'learn', 'arrivals', '3'), cache.derive(7, 'scenariolearn', 'arrivals', 3), cache.derive(8, 'scenario', 'learn', 'arrivals', 3)]) {
      expect(draws(other)).not.toEqual(first);
    }
  });

  it('keys sealed roots by their secret: the same secret and path, the same stream; another secret, another', () => {
    const cache = new StreamCache();
    const key = (fill: number): SealedKey => new SealedKey(new Uint8Array(16).fill(fill), ['episode', 0]);
    expect(draws(cache.derive(key(1), 'arrivals', 0))).toEqual(draws(deriveRng(key(1), 'arrivals', 0)));
    expect(draws(cache.derive(key(1), 'arrivals', 0))).toEqual(draws(key(1).rng('arrivals', 0)));
    expect(draws(cache.derive(key(2), 'arrivals', 0))).toEqual(draws(key(2).rng('arrivals', 0)));
    expect(draws(cache.derive(key(2), 'arrivals', 0))).not.toEqual(draws(key(1).rng('arrivals', 0)));
  });

  it('stays correct when it forgets (more paths than it keeps)', () => {
    const cache = new StreamCache(4);
    for (let u = 0; u < 10; u++) expect(draws(cache.derive(1, 'u', u), 2)).toEqual(draws(deriveRng(1, 'u', u), 2));
    for (let u = 0; u < 10; u++) expect(draws(cache.derive(1, 'u', u), 2)).toEqual(draws(deriveRng(1, 'u', u), 2));
  });
});
