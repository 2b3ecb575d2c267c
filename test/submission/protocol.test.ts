import { describe, expect, it } from 'vitest';
import type { Observation, Transition } from '../../harness/agent.ts';
import { fromWire, observationJson, transitionJson } from '../../harness/submission/protocol.ts';

/** What the wire text must equal: JSON.stringify with every top-level typed array as a plain array. */
const reference = (o: object): string => JSON.stringify(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v])));

describe('protocol: the wire text of observations and transitions', () => {
  it('is what JSON.stringify writes, typed arrays as arrays (non-finite numbers, -0, extremes, nested fields, skipped values)', () => {
    const odd = { a: 1, b: null, c: undefined, f: () => 1, m: new Uint8Array([1, 0, 255]), x: new Float32Array([0.1, -0, NaN, Infinity, -Infinity, 1e-45, 3.4e38]), e: new Float32Array(0), d: new Float64Array([1e300, -1e-300, 5e-324]), n: { deep: [1, 2], s: 'q"\u2028' }, z: -0, 'we"ird': 2 };
    expect(observationJson(odd as unknown as Observation)).toBe(reference(odd));
    expect(observationJson({} as Observation)).toBe('{}');
  });

  it('gives finite float32 features that convert back to the same bits (every exponent, both signs); -0 and non-finite ones as JSON has them', () => {
    const features = new Float32Array(2 * 256 * 4);
    const bits = new Uint32Array(features.buffer);
    // Every exponent and sign, with four mantissas each (zero, one, a middle one, all ones).
    for (let e = 0; e < 256; e++) for (let s = 0; s < 2; s++) [0, 1, 0x2aaaaa, 0x7fffff].forEach((m, j) => (bits[(e * 2 + s) * 4 + j] = (s << 31) | (e << 23) | m));
    const o = { actionMask: new Uint8Array([1, 0]), features };
    const text = observationJson(o as unknown as Observation);
    expect(text).toBe(reference(o));
    const wire = JSON.parse(text) as { features: (number | null)[] };
    const backBits = new Uint32Array(fromWire(wire as never).features.buffer);
    for (let i = 0; i < bits.length; i++) {
      const f = features[i]!;
      if (!Number.isFinite(f)) expect(wire.features[i]).toBeNull();
      else if (f === 0) expect(backBits[i]).toBe(0); // JSON has no -0
      else expect(backBits[i]).toBe(bits[i]);
    }
  });

  it('writes a transition with its observations given already serialised', () => {
    const obs = { timeMs: 1, actionMask: new Uint8Array([1]), features: new Float32Array([0.5]) } as unknown as Observation;
    const t = { obs, action: 0, reward: -1.5, outcome: { latencyMs: 3 }, decidedAtMs: 1, completedAtMs: 2, nextObs: obs } as unknown as Transition;
    const text = transitionJson(t, observationJson(obs), observationJson(obs));
    expect(JSON.parse(text)).toEqual({ obs: JSON.parse(reference(obs)), nextObs: JSON.parse(reference(obs)), action: 0, reward: -1.5, outcome: { latencyMs: 3 }, decidedAtMs: 1, completedAtMs: 2 });
  });
});
