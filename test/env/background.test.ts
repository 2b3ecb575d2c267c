/**
 * Background load on the edge: the AR(1) fit by hand, the process's statistics, the slowdown of an
 * edge inference and the observation, and the shipped process is what the fit writes from the
 * Alibaba 2018 mirror.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackgroundLoad } from '../../harness/env/background.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { FEATURES } from '../../harness/env/features.ts';
import { toJsonText } from '../../harness/profiles/convert.ts';
import { deriveRng } from '../../harness/rng.ts';
import { fitAr1, fitLoadProcess } from '../../harness/traces/load-fit.ts';
import { LOAD_PROCESS_DIR, type LoadProcess } from '../../harness/traces/load-process.ts';
import { PACKAGE_ROOT } from '../../harness/version.ts';
import { A, fixtureScenario, stepRecord } from './fixtures.ts';

const process0 = (o: Partial<LoadProcess>): LoadProcess => ({
  id: 'test', description: 'test', stepMs: 10_000, meanPct: 50, sdPct: 0, phi: 0.9, minPct: 0, maxPct: 95,
  fittedTo: { repo: 'x/y', commit: '0', files: [] }, method: 'test', ...o,
});

describe('fitAr1', () => {
  it('pools mean, spread and lag-1 correlation, lags only within a series', () => {
    // [1..5]: mean 3, variance 2, lag products (-2)(-1) + (-1)(0) + 0 x 1 + 1 x 2 = 4 over 4 pairs -> phi 0.5.
    expect(fitAr1([[1, 2, 3, 4, 5]])).toEqual({ meanPct: 3, sdPct: Math.sqrt(2), phi: 0.5 });
    // Split in two: the pair (3, 4) is no longer a lag: (2 + 0 + 2) / 3 pairs ... only (1,2), (2,3), (4,5).
    const split = fitAr1([[1, 2, 3], [4, 5]]);
    expect(split.phi).toBeCloseTo((2 + 0 + 2) / 3 / 2, 12);
  });
});

describe('BackgroundLoad', () => {
  it('draws a series with the fitted mean and lag-1 correlation, clipped, and deterministic per stream', () => {
    const p = process0({ meanPct: 37, sdPct: 9, phi: 0.97, minPct: 14, maxPct: 77 });
    const b = new BackgroundLoad(p);
    b.reset(deriveRng(1, 'bg-test'));
    const u = Array.from({ length: 40_000 }, (_, k) => b.utilPctAt(k * p.stepMs));
    const fit = fitAr1([u]);
    expect(fit.meanPct).toBeGreaterThan(34);
    expect(fit.meanPct).toBeLessThan(40);
    expect(fit.phi).toBeGreaterThan(0.95);
    expect(fit.phi).toBeLessThan(0.985);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(14);
    expect(Math.max(...u)).toBeLessThanOrEqual(77);
    const again = new BackgroundLoad(p);
    again.reset(deriveRng(1, 'bg-test'));
    expect(again.utilPctAt(123 * p.stepMs + 5)).toBe(u[123]);
  });

  it('slows an edge inference by 1 / (1 - u/100) and shows u in the observation', () => {
    const s = fixtureScenario();
    s.backgroundLoad = process0({ meanPct: 50, sdPct: 0 });
    const env = new OrchestrationEnv(s);
    const obs = env.reset(1, 'learn');
    expect(obs.load.edgeBackgroundPct).toBe(50);
    expect(obs.features[FEATURES.findIndex((f) => f.name === 'edgeBackground')]).toBeCloseTo(0.5, 6);
    // Fixture edge "small": 10 ms -> 20 ms at 50 % background.
    expect(stepRecord(env, A.edgeSmall).outcome.computeMs).toBeCloseTo(20, 12);
    const plain = new OrchestrationEnv(fixtureScenario());
    expect(plain.reset(1, 'learn').load.edgeBackgroundPct).toBe(0);
    expect(stepRecord(plain, A.edgeSmall).outcome.computeMs).toBe(10);
  });
});

const ALIBABA = path.join(PACKAGE_ROOT, '..', 'shared', 'traces', 'mirror', 'alejandrofdez-us', 'DataCenter-Traces-Datasets', '003bb8e7ce9aaf4ed16ddf1652bc1a279c8ac2e6', 'alibaba2018');
describe.skipIf(!existsSync(ALIBABA))('the shipped Alibaba process (needs the mirror in ../shared/traces/mirror)', () => {
  it('is exactly what the fit writes from the recorded trace', () => {
    const shipped = JSON.parse(readFileSync(path.join(LOAD_PROCESS_DIR, 'alibaba2018-cpu-ar1-v1.json'), 'utf8')) as LoadProcess;
    const fitted = fitLoadProcess(shipped.id, ALIBABA, shipped.fittedTo.repo, shipped.fittedTo.commit, shipped.description);
    expect(toJsonText(shipped)).toBe(toJsonText(fitted));
  });
});
