import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import { deriveRng } from '../../harness/rng.ts';
import { getCatalogEntry } from '../../harness/traces/catalog.ts';
import { fitGenerator, kmeans1d, resample } from '../../harness/traces/fit.ts';
import { GENERATORS_DIR, generateTrace, loadGenerator } from '../../harness/traces/generator.ts';
import { loadCatalogTrace } from '../../harness/traces/load.ts';
import type { GeneratorParams, NetworkTrace } from '../../harness/traces/types.ts';
import { HAS_SHARED, NO_SHARED_REASON, SHARED } from '../helpers/paths.ts';

const SHIPPED = readdirSync(GENERATORS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
const MIRROR = path.join(SHARED, 'traces', 'mirror');

/** A step-function trace from (tMs, downlinkMbps) pairs; uplink = downlink / 4. */
function traceOf(points: [number, number][], durationMs: number): NetworkTrace {
  return {
    tMs: Float64Array.from(points.map((p) => p[0])),
    downlinkMbps: Float64Array.from(points.map((p) => p[1])),
    uplinkMbps: Float64Array.from(points.map((p) => p[1] / 4)),
    rttMs: null,
    durationMs,
    source: 'catalog:hand-made',
    sha256: 'a'.repeat(64),
    derivedUplink: true,
  };
}

describe('resample', () => {
  it('time-averages a step function over whole windows and drops the partial last one', () => {
    const t = traceOf([[0, 10], [500, 20], [1500, 40]], 2_700);
    // [0,1000): half 10, half 20; [1000,2000): half 20, half 40; [2000,2700) is partial.
    expect(resample(t, 1000).downlinkMbps).toEqual([15, 30]);
    expect(resample(t, 1000).uplinkMbps).toEqual([3.75, 7.5]);
  });

  it('repeats a coarse sample over several fine windows', () => {
    const t = traceOf([[0, 8], [5000, 2]], 10_000);
    expect(resample(t, 2500).downlinkMbps).toEqual([8, 8, 2, 2]);
  });
});

describe('kmeans1d', () => {
  it('separates obvious clusters, ascending, and is deterministic', () => {
    const values = [10.1, 0.2, 5.0, 0.1, 9.9, 5.2, 0.0, 10.0, 4.8];
    const a = kmeans1d(values, 3);
    expect(a.centroids.map((c) => Number(c.toFixed(3)))).toEqual([0.1, 5, 10]);
    expect(Array.from(a.labels)).toEqual([2, 0, 1, 0, 2, 1, 0, 2, 1]);
    expect(kmeans1d(values, 3)).toEqual(a);
  });
});

describe('fitGenerator', () => {
  const truth: GeneratorParams = {
    id: 'synthetic-v1',
    description: 'two well separated states',
    kind: 'markov-lognormal',
    stepMs: 1000,
    states: [
      { downlinkMbps: 3, uplinkMbps: 1, sigmaLog: 0.25 },
      { downlinkMbps: 40, uplinkMbps: 8, sigmaLog: 0.15 },
    ],
    transition: [[0.95, 0.05], [0.1, 0.9]],
    initial: [0.5, 0.5],
    derivedUplink: false,
    fittedTo: [{ catalogId: 'none', sha256: '0'.repeat(64) }],
    fitCommand: '',
  };

  it('recovers the parameters of a synthetic 2-state process', () => {
    // Three traces from independent streams: transitions are counted within each trace only.
    const traces = [0, 1, 2].map((i) => ({ ...generateTrace(truth, 20_000_000, deriveRng(5, 'fit', i)), source: `catalog:synthetic-${i}` }));
    const fit = fitGenerator(traces, { states: 2, stepMs: 1000 });
    fit.states.forEach((s, i) => {
      const want = truth.states[i]!;
      expect(Math.abs(s.downlinkMbps - want.downlinkMbps) / want.downlinkMbps).toBeLessThan(0.03);
      expect(Math.abs(s.uplinkMbps - want.uplinkMbps) / want.uplinkMbps).toBeLessThan(0.03);
      expect(Math.abs(s.sigmaLog - want.sigmaLog)).toBeLessThan(0.02);
    });
    fit.transition.forEach((row, i) => row.forEach((p, j) => expect(Math.abs(p - truth.transition[i]![j]!)).toBeLessThan(0.01)));
    // Occupancy ~ the stationary distribution: pi_0 = p10 / (p01 + p10) = 2/3.
    expect(Math.abs(fit.initial[0]! - 2 / 3)).toBeLessThan(0.03);
    expect(fit.fittedTo.map((f) => f.catalogId)).toEqual(['synthetic-0', 'synthetic-1', 'synthetic-2']);
    expect(fit.derivedUplink).toBe(false);
  });

  it('rows and initial are probability vectors summing to 1', () => {
    const t = traceOf([[0, 1], [3000, 50], [6000, 0], [9000, 12]], 20_000);
    const fit = fitGenerator([t], { states: 3, stepMs: 1000 });
    for (const row of [...fit.transition, fit.initial]) expect(row.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
    // The 0 Mbps outage is clamped to a floor state rather than breaking the logs.
    expect(fit.states[0]!.downlinkMbps).toBeGreaterThan(0);
    expect(fit.states[0]!.downlinkMbps).toBeLessThan(0.1);
    expect(fit.derivedUplink).toBe(true);
  });

  it('too little data for K states is an InputError', () => {
    expect(() => fitGenerator([traceOf([[0, 5]], 3_000)], { states: 2, stepMs: 1000 })).toThrow(InputError);
  });
});

describe('shipped generator files', () => {
  it('are the five fitted conditions', () => {
    expect(SHIPPED).toEqual(['3g-commute-v1', '5g-mmwave-v1', 'broadband-stable-v1', 'lte-driving-v1', 'lte-short-v1']);
  });

  it.each(SHIPPED)('%s validates, names catalogued traces and records its fit command', (id) => {
    const g = loadGenerator(id);
    for (const f of g.fittedTo) expect(getCatalogEntry(f.catalogId).sha256).toBe(f.sha256);
    expect(g.fitCommand).toContain(`--id ${id}`);
    // State 0 is the slowest: the fit orders states by bandwidth.
    const means = g.states.map((s) => s.downlinkMbps);
    expect(means).toEqual([...means].sort((a, b) => a - b));
  });
});

describe.skipIf(!HAS_SHARED)(`shipped generators against ../shared traces${HAS_SHARED ? '' : ` (skipped: ${NO_SHARED_REASON})`}`, () => {
  it.each(SHIPPED)('%s: fittedTo sha256s match the mirror files', (id) => {
    for (const f of loadGenerator(id).fittedTo) {
      const e = getCatalogEntry(f.catalogId);
      const bytes = readFileSync(path.join(MIRROR, e.repository!, e.commit!, e.path!));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
    }
  });

  it.each(SHIPPED)('%s: refitting the recorded traces gives the shipped parameters', async (id) => {
    const g = loadGenerator(id);
    const traces = await Promise.all(g.fittedTo.map((f) => loadCatalogTrace(f.catalogId, undefined, { mirror: MIRROR })));
    const refit = fitGenerator(traces, { states: g.states.length, stepMs: g.stepMs, fittedTo: g.fittedTo });
    expect(refit.states).toEqual(g.states);
    expect(refit.transition).toEqual(g.transition);
    expect(refit.initial).toEqual(g.initial);
    expect(refit.derivedUplink).toBe(g.derivedUplink);
  });
});
