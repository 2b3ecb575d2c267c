/**
 * Per-scenario sample-efficiency thresholds: `calibrateScenario` (non-learning policies only, the
 * best one's score rounded up), `orchbench scenario calibrate --write`, the testing variant's own
 * threshold, the job metric using it; and the acceptance checks of `harness/experiment/acceptance.ts`
 * on hand-made scores.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASELINES, loadBaseline } from '../../baselines/index.ts';
import { acceptance, acceptanceMarkdown, type AcceptanceJob } from '../../harness/experiment/acceptance.ts';
import { calibrateScenario, calibrationPolicies } from '../../harness/experiment/calibrate.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { DEFAULT_THRESHOLD, scoreJob } from '../../harness/score/job.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const BIN = join(REPO_ROOT, 'bin', 'orchbench.js');

/** A small copy of a shipped v3 scenario, without a threshold, in a fresh folder. */
function smallScenario(): string {
  const spec = JSON.parse(readFileSync(join(REPO_ROOT, 'scenarios', 'default-v3', 'lte-driving-4u-battery-v3.json'), 'utf8')) as Record<string, unknown> & { testing: Record<string, unknown> };
  delete spec.$schema;
  delete spec.sampleEfficiency;
  delete spec.testing.sampleEfficiency;
  spec.id = 'calibrate-fixture-v1';
  spec.suite = 'user';
  spec.testing.budgets = { learningDecisions: 400, evaluationDecisions: 200 };
  const file = join(mkdtempSync(join(tmpdir(), 'orchbench-calibrate-')), 'calibrate-fixture-v1.json');
  writeFileSync(file, `${JSON.stringify(spec, null, 2)}\n`);
  return file;
}

describe('sample-efficiency thresholds', () => {
  it('are set by the non-learning, non-privileged baselines only', () => {
    const names = calibrationPolicies();
    expect(names).toEqual(expect.arrayContaining(['static-device', 'static-edge', 'static-cloud', 'greedy-heuristic']));
    for (const n of names) expect(BASELINES[n]!.learning || BASELINES[n]!.privileged === true || BASELINES[n]!.reference !== undefined).toBe(false);
    expect(names).not.toContain('plug-in');
    expect(names).not.toContain('random');
  });

  it('calibrate gives the best calibration policy score rounded up (rule v3), raised above the non-learners\' learning curves (rule v4, the default); --write stores it for the variant; jobs use it', async () => {
    const file = smallScenario();
    const v3 = await calibrateScenario(await loadScenario(file, { variant: 'testing' }), [1, 2], 'v3');
    const counted = calibrationPolicies().map((n) => v3.scores[n]!);
    const best = Math.max(...counted);
    expect(v3.scores[v3.best]).toBe(best);
    expect(v3.scores['plug-in']).toBeTypeOf('number');
    expect(v3.sampleEfficiency.thresholdFraction).toBe(Math.ceil(best * 100 - 1e-9) / 100);
    expect(v3.sampleEfficiency.thresholdFraction).toBeGreaterThanOrEqual(best);
    expect(v3.sampleEfficiency.thresholdFraction - best).toBeLessThan(0.01);
    expect(v3.sampleEfficiency.source).toContain('seeds 1,2');
    // Rule v4: the same scores, a threshold at least as high that no calibration policy's own curve reaches on a majority of seeds.
    const cal = await calibrateScenario(await loadScenario(file, { variant: 'testing' }), [1, 2]);
    expect(cal.scores).toEqual(v3.scores);
    expect(cal.sampleEfficiency.thresholdFraction).toBeGreaterThanOrEqual(v3.sampleEfficiency.thresholdFraction);
    expect(cal.controlMajority).toEqual([]);
    expect(cal.sampleEfficiency.source).toMatch(/^rule v4: .*seeds 1,2/);
    // The control: each calibration policy's own learning curve against the derived threshold.
    expect(Object.keys(cal.control).sort()).toEqual(calibrationPolicies().sort());
    const sd = await loadBaseline('static-device');
    const testingScenario = await loadScenario(file, { variant: 'testing' });
    let reached = 0;
    for (const seed of [1, 2]) if ((await scoreJob(testingScenario, sd, seed, { threshold: cal.sampleEfficiency.thresholdFraction, checkpointEval: false })).metrics.interactionsToThreshold !== null) reached++;
    expect(cal.control['static-device']).toBe(reached);
    expect(cal.controlMajority).toEqual(Object.entries(cal.control).filter(([, n]) => n > 1).map(([n]) => n));

    const out = execFileSync('node', [BIN, 'scenario', 'calibrate', '--scenarios', file, '--variant', 'testing', '--seeds', '1,2', '--write'], { encoding: 'utf8' });
    expect(out).toContain(`threshold ${cal.sampleEfficiency.thresholdFraction}`);
    const written = JSON.parse(readFileSync(file, 'utf8')) as { sampleEfficiency?: unknown; testing: { sampleEfficiency?: unknown } };
    expect(written.testing.sampleEfficiency).toEqual(cal.sampleEfficiency);
    expect(written.sampleEfficiency).toBeUndefined();
    // A threshold already in the file is not replaced without --overwrite: refused before any scoring, the file untouched.
    const before = readFileSync(file, 'utf8');
    const again = spawnSync('node', [BIN, 'scenario', 'calibrate', '--scenarios', file, '--variant', 'testing', '--seeds', '3', '--write'], { encoding: 'utf8' });
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('/testing/sampleEfficiency');
    expect(again.stderr).toContain('--overwrite');
    expect(readFileSync(file, 'utf8')).toBe(before);
    execFileSync('node', [BIN, 'scenario', 'calibrate', '--scenarios', file, '--variant', 'testing', '--seeds', '1,2', '--write', '--overwrite'], { encoding: 'utf8' });
    expect(readFileSync(file, 'utf8')).toBe(before); // same seeds, same threshold, same bytes

    const testing = await loadScenario(file, { variant: 'testing' });
    const full = await loadScenario(file, { variant: 'full' });
    expect(testing.spec.sampleEfficiency).toEqual(cal.sampleEfficiency);
    expect(full.spec.sampleEfficiency).toBeUndefined();
    const factory = await loadBaseline('static-device');
    const job = await scoreJob(testing, factory, 1, { checkpointEval: false });
    expect(job.metrics.threshold).toBe(cal.sampleEfficiency.thresholdFraction);
    expect((await scoreJob(testing, factory, 1, { checkpointEval: false, threshold: 0.5 })).metrics.threshold).toBe(0.5);
    // Without one (the full variant here): 0.9 of the gap, as for every v1 and v2 scenario.
    full.spec.budgets = { learningDecisions: 200, evaluationDecisions: 100 };
    expect((await scoreJob(full, factory, 1, { checkpointEval: false })).metrics.threshold).toBe(DEFAULT_THRESHOLD);
    expect(DEFAULT_THRESHOLD).toBe(0.9);
  }, 120_000);

  it('calibrate refuses bad seeds with the option named', () => {
    const r = spawnSync('node', [BIN, 'scenario', 'calibrate', '--scenarios', 'lte-driving-4u-battery-v3', '--seeds', '1,x'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--seeds');
    expect(r.stderr).toContain('non-negative integers');
  });

  it('calibrate refuses empty seed entries (Number("") would be seed 0)', () => {
    for (const seeds of ['1,,2', '', ' ']) {
      const r = spawnSync('node', [BIN, 'scenario', 'calibrate', '--scenarios', 'lte-driving-4u-battery-v3', '--seeds', seeds], { encoding: 'utf8' });
      expect(r.status, JSON.stringify(seeds)).toBe(1);
      expect(r.stderr).toContain(`--seeds: expected a comma-separated list of non-negative integers; found ${JSON.stringify(seeds)}`);
    }
  });

  it('a threshold outside (0, 1] is a schema error with its JSON pointer', () => {
    const file = smallScenario();
    const spec = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    spec.sampleEfficiency = { thresholdFraction: 1.5, source: 'by hand' };
    writeFileSync(file, JSON.stringify(spec));
    const r = spawnSync('node', [BIN, 'scenario', 'check', file], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('/sampleEfficiency/thresholdFraction');
  });
});

describe('acceptance checks', () => {
  const job = (scenario: string, agent: string, score: number, reached: boolean): AcceptanceJob => ({ scenario, agent, normalisedEvalReward: score, interactionsToThreshold: reached ? 100 : null });

  it('computes the table and the four checks from per-job scores', () => {
    const jobs: AcceptanceJob[] = [];
    for (const seed of [0, 1, 2]) {
      jobs.push(job('a', 'static-device', 0.8, false), job('a', 'static-edge', 0.1, false), job('a', 'q-learning-v4', 0.85, seed < 2), job('a', 'random', 0, false));
      jobs.push(job('b', 'static-device', 0.9, false), job('b', 'static-edge', 0.88, seed < 2), job('b', 'hybrid', 0.95, seed < 1), job('b', 'plug-in', 0.97, true));
    }
    jobs.push(job('a', 'clairvoyant', 1, false), job('a', 'dqn-informed', 2, true));
    const rep = acceptance(jobs);
    expect(rep.rows.map((r) => r.scenario)).toEqual(['a', 'b']);
    const [a, b] = rep.rows;
    // References and controls are not counted.
    expect(Object.keys(a!.scores).sort()).toEqual(['q-learning-v4', 'static-device', 'static-edge']);
    expect(a!.best).toEqual({ agent: 'q-learning-v4', score: 0.85 });
    expect(a!.spread).toBeCloseTo(0.75, 12);
    expect(a!.reaching).toEqual([{ agent: 'q-learning-v4', reached: 2, runs: 3 }]);
    expect(b!.reaching).toEqual([]); // 1 of 3 is not a majority
    // The control: a non-learning policy reaching the threshold (privileged plug-in not counted).
    expect(a!.controlsReaching).toEqual([]);
    expect(b!.controlsReaching).toEqual([{ agent: 'static-edge', reached: 2, runs: 3 }]);
    expect(b!.spread).toBeCloseTo(0.09, 12); // plug-in 0.97 - static-edge 0.88
    expect(rep.checks).toEqual({ staticMax: false, headroom: { scenarios: 1, ok: false }, spread: false, learnerReaches: false });
  });

  it('a check is never met vacuously: no static policy run, or no counted jobs at all', () => {
    const rep = acceptance([job('a', 'q-learning', 0.5, true), job('a', 'hybrid', 0.8, true)]);
    expect(rep.rows[0]!.bestStatic).toBeNaN();
    expect(rep.checks.staticMax).toBe(false);
    expect(acceptanceMarkdown(rep)).toContain('best static <= 0.85 everywhere: NOT met');
    expect(acceptance([job('a', 'clairvoyant', 1, true)]).checks).toEqual({ staticMax: false, headroom: { scenarios: 0, ok: false }, spread: false, learnerReaches: false });
  });

  it('orchbench scenario acceptance: one line per job, clear errors for a missing file and a bad variant', () => {
    const lines = readFileSync(join(REPO_ROOT, 'leaderboard', 'testing-v3', 'results.jsonl'), 'utf8').trim().split('\n');
    const pick = lines.filter((l) => l.includes('"scenario":"broadband-4u-battery-v3"') && /"agent":"(static-device|hybrid)"/.test(l));
    expect(pick.length).toBe(6);
    const file = join(mkdtempSync(join(tmpdir(), 'orchbench-acceptance-')), 'results.jsonl');
    writeFileSync(file, `${[...pick, ...pick].join('\n')}\n`);
    const out = JSON.parse(execFileSync('node', [BIN, 'scenario', 'acceptance', file, '--json'], { encoding: 'utf8' })) as { variant: string; rows: { runs: Record<string, number> }[] };
    expect(out.variant).toBe('testing');
    expect(out.rows[0]!.runs).toEqual({ 'static-device': 3, hybrid: 3 });
    const missing = spawnSync('node', [BIN, 'scenario', 'acceptance', join(tmpdir(), 'no-such-results.jsonl')], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no-such-results.jsonl: expected a results.jsonl written by orchbench run; found no such file');
    const bad = spawnSync('node', [BIN, 'scenario', 'acceptance', file, '--variant', 'small'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--variant: expected full | testing; found "small"');
  });
});
