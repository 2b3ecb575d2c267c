import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import { deriveRng } from '../../harness/rng.ts';
import { generateTrace, loadGenerator, stationaryDistribution } from '../../harness/traces/generator.ts';
import type { GeneratorParams } from '../../harness/traces/types.ts';

const TWO_STATE: GeneratorParams = {
  id: 'test-two-state-v1',
  description: 'a slow and a fast state',
  kind: 'markov-lognormal',
  stepMs: 1000,
  states: [
    { downlinkMbps: 2, uplinkMbps: 0.5, sigmaLog: 0.3 },
    { downlinkMbps: 30, uplinkMbps: 6, sigmaLog: 0.2 },
  ],
  transition: [[0.9, 0.1], [0.05, 0.95]],
  initial: [0.5, 0.5],
  derivedUplink: false,
  fittedTo: [{ catalogId: 'synthetic', sha256: '0'.repeat(64) }],
  fitCommand: 'none (hand-written test parameters)',
};

const mean = (a: ArrayLike<number>): number => Array.from(a).reduce((s, v) => s + v, 0) / a.length;

describe('generateTrace', () => {
  it('is deterministic per stream: same labels give identical arrays, other labels differ', () => {
    const a = generateTrace(TWO_STATE, 600_000, deriveRng(7, 'link', 0));
    const b = generateTrace(TWO_STATE, 600_000, deriveRng(7, 'link', 0));
    const c = generateTrace(TWO_STATE, 600_000, deriveRng(7, 'link', 1));
    expect(Array.from(a.downlinkMbps)).toEqual(Array.from(b.downlinkMbps));
    expect(Array.from(a.uplinkMbps)).toEqual(Array.from(b.uplinkMbps));
    expect(Array.from(a.downlinkMbps)).not.toEqual(Array.from(c.downlinkMbps));
    // The hash names the parameters and duration, not the stream.
    expect(a.sha256).toBe(c.sha256);
    expect(generateTrace(TWO_STATE, 300_000, deriveRng(7, 'link', 0)).sha256).not.toBe(a.sha256);
    expect(generateTrace({ ...TWO_STATE, initial: [1, 0] }, 600_000, deriveRng(7, 'link', 0)).sha256).not.toBe(a.sha256);
  });

  it('lays samples on the step grid and ends exactly at the requested duration', () => {
    const t = generateTrace(TWO_STATE, 3_500, deriveRng(1, 'grid'));
    expect(Array.from(t.tMs)).toEqual([0, 1000, 2000, 3000]);
    expect(t.durationMs).toBe(3_500);
    expect(t.rttMs).toBeNull();
    expect(t.source).toBe('generator:test-two-state-v1');
  });

  it('keeps each step uplink/downlink at the state ratio (one shared log-normal draw)', () => {
    const t = generateTrace(TWO_STATE, 100_000, deriveRng(3, 'ratio'));
    for (let i = 0; i < t.tMs.length; i++) {
      const r = t.uplinkMbps[i]! / t.downlinkMbps[i]!;
      expect([0.25, 0.2].some((x) => Math.abs(r - x) < 1e-9)).toBe(true);
    }
  });

  it('has the stationary mix mean over a long horizon', () => {
    const pi = stationaryDistribution(TWO_STATE.transition);
    // Two-state chain: pi_0 = p10 / (p01 + p10).
    expect(pi[0]).toBeCloseTo(0.05 / 0.15, 9);
    const expected = pi.reduce((s, p, i) => s + p * TWO_STATE.states[i]!.downlinkMbps, 0);
    const t = generateTrace(TWO_STATE, 400_000_000, deriveRng(11, 'long'));
    expect(Math.abs(mean(t.downlinkMbps) - expected) / expected).toBeLessThan(0.03);
  });

  it('rejects a non-positive duration', () => {
    expect(() => generateTrace(TWO_STATE, 0, deriveRng(1))).toThrow(InputError);
  });
});

describe('loadGenerator', () => {
  const write = (doc: unknown): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orchbench-gen-'));
    writeFileSync(path.join(dir, `${TWO_STATE.id}.json`), JSON.stringify(doc));
    return dir;
  };

  it('loads a valid file', () => {
    expect(loadGenerator(TWO_STATE.id, write(TWO_STATE))).toEqual(TWO_STATE);
  });

  it('reports a transition row that does not sum to 1 at its pointer', () => {
    const dir = write({ ...TWO_STATE, transition: [[0.9, 0.2], [0.05, 0.95]] });
    try {
      loadGenerator(TWO_STATE.id, dir);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).issues.map((i) => i.pointer)).toEqual(['/transition/0']);
    }
  });

  it('reports schema violations (negative bandwidth) with the unit', () => {
    const dir = write({ ...TWO_STATE, states: [TWO_STATE.states[0], { downlinkMbps: -1, uplinkMbps: 1, sigmaLog: 0 }] });
    try {
      loadGenerator(TWO_STATE.id, dir);
      expect.unreachable();
    } catch (e) {
      const issue = (e as InputError).issues[0]!;
      expect(issue.pointer).toBe('/states/1/downlinkMbps');
      expect(issue.expected).toContain('Mbps');
    }
  });
});
