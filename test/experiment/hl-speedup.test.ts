import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkPairAndTuned, claimOf, curvesSpec, experimentLearners, summarise, toMarkdown, V4_PAIR, type HlSpeedupReport } from '../../harness/experiment/hl-speedup.ts';
import { readTunedConfigs } from '../../harness/experiment/tuned.ts';
import { readVariants, type LearnerSpec } from '../../harness/experiment/learners.ts';
import { renderSvg } from '../../harness/report/plots.ts';
import type { JobResult } from '../../harness/runner/types.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const BUDGET = 1000;
const CHECKPOINTS = [10, 100, BUDGET];

/**
 * A finished job with only what the experiment reads: the learning curve reaching the threshold at
 * `learning` and the greedy curve at `greedy` (null = never; no greedy curve when undefined).
 */
function job(agent: string, scenario: string, seed: number, learning: number | null, greedy?: number | null): JobResult {
  const greedyNormalised = CHECKPOINTS.map((c) => (greedy !== null && greedy !== undefined && c >= greedy ? 1 : 0.2));
  return {
    jobHash: `${agent}/${scenario}/${seed}`, harnessVersion: 'test', agent, agentKind: 'baseline', agentCodeHash: '', scenario,
    scenarioHash: '', traceSha256s: [], variant: 'testing', seed, status: 'ok', resultHash: '',
    timing: { wallMs: 3000, learnMs: 1, planningMs: agent === 'hybrid' ? 2 : 0, evalMs: 1, checkpointMs: 5 },
    metrics: {
      refs: { randomReward: -1, oracleReward: 0 },
      curve: { checkpoints: CHECKPOINTS, meanReward: [-1, -0.5, -0.1], normalised: [0, 0.5, 0.9], window: 200 },
      interactionsToThreshold: learning, threshold: 0.9, normalisedAuc: 0.5,
      evalRefs: { randomReward: -1, oracleReward: 0 }, normalisedEvalReward: 0.9,
      eval: { decisions: 10, meanReward: -0.1, meanLatencyMs: 100, p95LatencyMs: 200, meanDeviceEnergyMj: 1, meanServerEnergyMj: 1, accuracyViolationRate: 0, deadlineMissRate: 0 },
      realSteps: BUDGET, planningUpdates: agent === 'hybrid' ? 5000 : 0, decisionLogSha256: '', info: {},
      ...(greedy === undefined ? {} : {
        greedyCurve: {
          decisions: 1000, segments: 4, sealedLearnCalls: 0, ...(seed === 0 ? { evalPure: true } : {}), refs: { randomReward: -2, oracleReward: 0 }, checkpoints: CHECKPOINTS,
          meanReward: greedyNormalised.map((x) => 2 * x - 2), normalised: greedyNormalised, interactionsToThreshold: greedy,
        },
      }),
    },
  };
}

type Runs = Record<string, (number | null)[]>;

/** A report over scenarios: per scenario, per learner, the greedy interactions per seed (the learning curve gets the same values). */
function report(scenarios: Record<string, Runs>, variants: LearnerSpec[] = []): HlSpeedupReport {
  const learners = experimentLearners(['bandit'], variants);
  const results = Object.entries(scenarios).flatMap(([sc, runs]) => Object.entries(runs).flatMap(([agent, xs]) => xs.map((x, seed) => job(agent, sc, seed, x, x))));
  return summarise(results, { suite: 'testing', seeds: 3, rootSeed: 0, reps: 300, learners, variants: variants.filter((v) => !v.control).map((v) => v.id) });
}

const ratio = (rep: HlSpeedupReport, learner = 'dqn', row = 0) => rep.rows[row]!.ratios.find((r) => r.learner === learner)!.greedy!;

describe('hl-speedup summary', () => {
  it('gives the paired ratio of medians: seeds that are hard for both learners stay paired', () => {
    // Each seed has its own difficulty; the DQN needs exactly 20x the hybrid's interactions on each.
    const rep = report({ a: { dqn: [200, 600, 1000], hybrid: [10, 30, 50], bandit: [100, 100, 100] } });
    const r = ratio(rep);
    expect(r.kind).toBe('exact');
    // The paired interval is exactly [20, 20]; an independent resampling would reach 200/50 = 4 and 1000/10 = 100.
    expect([r.point, r.lo, r.hi]).toEqual([20, 20, 20]);
    expect(rep.rows[0]!.learners.map((c) => c.learner)).toEqual(['hybrid', 'dqn', 'bandit']);
    expect(rep.rows[0]!.ratios.map((c) => c.learner)).toEqual(['dqn', 'bandit']);
    expect(ratio(rep, 'bandit').point).toBeCloseTo(100 / 30, 12);
  });

  it('meets the target only with exact ratios >= 10x (CI lower end >= 5x) everywhere and a median >= 50x', () => {
    const met = report({ a: { dqn: [600, 600, 600], hybrid: [10, 10, 10], bandit: [5, 5, 5] }, b: { dqn: [500, 600, 700], hybrid: [10, 10, 10], bandit: [5, 5, 5] } });
    expect(met.verdict.greedy).toMatchObject({ exact: 2, notExact: 0, meeting: 2, targetMet: true });
    expect(met.verdict.greedy!.medianExact).toBe(60);
    const small = report({ a: { dqn: [600, 600, 600], hybrid: [10, 10, 10], bandit: [5, 5, 5] }, b: { dqn: [90, 90, 90], hybrid: [10, 10, 10], bandit: [5, 5, 5] } });
    expect(small.verdict.greedy).toMatchObject({ meeting: 1, targetMet: false });
  });

  it('censoring: a lower-bound ratio is shown with its counts and never counts toward the target or the median', () => {
    // The DQN never reaches the threshold on two of three seeds: its median is only a lower bound (>= budget).
    const rep = report({
      a: { dqn: [null, null, 600], hybrid: [10, 10, 10], bandit: [5, 5, 5] },
      b: { dqn: [600, 600, 600], hybrid: [10, 10, 10], bandit: [5, 5, 5] },
    });
    const r = ratio(rep);
    expect(r.kind).toBe('lower-bound');
    expect(r.point).toBe(100);
    expect(r.censored).toEqual({ numerator: 2, denominator: 0 });
    // 100x on a and 60x on b, but a's 100x is a bound: one scenario meets, the median is b's alone.
    expect(rep.verdict.greedy).toMatchObject({ exact: 1, notExact: 1, meeting: 1, medianExact: 60, targetMet: false });
    const dqn = rep.rows[0]!.learners.find((c) => c.learner === 'dqn')!.greedy!;
    expect(dqn.median).toEqual({ value: BUDGET, censored: true, reached: 1, runs: 3 });
    const md = toMarkdown(rep);
    expect(md).toContain('>= 1000 (1/3)');
    expect(md).toContain('>= 100 [');
    expect(md).toContain('censored 2+0/3');
    expect(md).toMatch(/1 of 2 scenarios meet .* median over the 1 scenarios with an exact ratio 60x \(1 bounds or undetermined, not counted\)\. Target .*: NOT met/);
  });

  it('a median with a minority of censored runs is a value, but an interval end that rests on them is shown as a lower bound', () => {
    const rep = report({ a: { dqn: [600, 600, 600, 600, 600], hybrid: [196, 1000, null, 900, 950].map((x) => (x === 1000 ? 400 : x)), bandit: [5, 5, 5, 5, 5] } });
    const hybrid = rep.rows[0]!.learners.find((c) => c.learner === 'hybrid')!.greedy!;
    expect(hybrid.median).toMatchObject({ censored: false, reached: 4, runs: 5 });
    expect(hybrid.medianInterval).toMatchObject({ hi: BUDGET, hiKind: 'lower-bound', loKind: 'exact' });
    expect(toMarkdown(rep)).toMatch(/\| 900 \[\d+, >= 1000\] \(4\/5\) \|/);
  });

  it("censors each seed's runs at that seed's own budget (a trace that ended early), and refuses learners that disagree on it", () => {
    const results = [0, 1, 2].flatMap((seed) => ['hybrid', 'dqn'].map((agent) => {
      const j = job(agent, 'a', seed, null, agent === 'dqn' || seed === 0 ? null : 10 * (seed + 1));
      return seed === 0 ? { ...j, metrics: { ...j.metrics!, realSteps: 400 } } : j;
    }));
    const learners = experimentLearners([], []);
    const rep = summarise(results, { suite: 'testing', seeds: 3, rootSeed: 0, reps: 300, learners });
    const hybrid = rep.rows[0]!.learners.find((c) => c.learner === 'hybrid')!.greedy!;
    // Seed 0 stopped at 400 interactions: its censored run enters at 400, not at the other seeds' 1000.
    expect(hybrid.median).toEqual({ value: 30, censored: false, reached: 2, runs: 3 });
    expect(rep.rows[0]!.learners.find((c) => c.learner === 'dqn')!.greedy!.median).toEqual({ value: BUDGET, censored: true, reached: 0, runs: 3 });
    const broken = results.map((r) => (r.agent === 'dqn' && r.seed === 0 ? { ...r, metrics: { ...r.metrics!, realSteps: BUDGET } } : r));
    expect(() => summarise(broken, { suite: 'testing', seeds: 3, rootSeed: 0, reps: 300, learners })).toThrow(/on a seed 0 the learners ran different numbers of real interactions \(400, 1000\)/);
  });

  it('a censored hybrid makes the ratio an upper bound, or undetermined when both are censored', () => {
    expect(ratio(report({ a: { dqn: [600, 600, 600], hybrid: [null, null, 10], bandit: [5, 5, 5] } })).kind).toBe('upper-bound');
    const both = report({ a: { dqn: [null, null, 600], hybrid: [null, null, 10], bandit: [5, 5, 5] } });
    expect(ratio(both).kind).toBe('undetermined');
    expect(toMarkdown(both)).toContain('n/a (both medians censored');
    // No exact ratio anywhere: the verdict says so instead of printing a NaN median.
    expect(toMarkdown(both)).toContain('no scenario with an exact ratio (1 bounds or undetermined, not counted)');
    expect(toMarkdown(both)).not.toContain('NaN');
  });

  it('words claims by the intervals: fewer only when the whole CI is above 1', () => {
    const rep = report({
      a: { dqn: [200, 600, 1000], hybrid: [10, 30, 50], bandit: [5, 5, 5] },
      // Hybrid faster on two seeds, much slower on one: the interval includes 1.
      b: { dqn: [100, 100, 10], hybrid: [50, 50, 100], bandit: [100, 100, 100] },
    });
    expect(claimOf(ratio(rep, 'dqn', 0))).toBe('fewer');
    expect(claimOf(ratio(rep, 'dqn', 1))).toBe('not resolved');
    expect(claimOf(ratio(rep, 'bandit', 0))).toBe('more');
    const md = toMarkdown(rep);
    expect(md).toContain('- against dqn: hybrid needs fewer real interactions on 1 of 2 scenarios (95% CI of dqn / hybrid above 1): a; more on 0 (CI below 1); not resolved on 1 (CI includes 1, or censored): b.');
    expect(md).not.toMatch(/on every/);
  });

  it('writes an ablation table of dqn / variant for the hybrid and each variant, and the work and purity of every learner', async () => {
    const variants: LearnerSpec[] = [
      { id: 'hybrid-no-model', agent: 'hybrid', config: { decisionTimePlanning: false }, description: 'no planning' },
      { id: 'dqn-informed', agent: 'dqn', config: { learningRate: 0.002 }, description: 'a DQN control', control: true },
    ];
    const rep = report({ a: { dqn: [200, 600, 1000], hybrid: [10, 30, 50], bandit: [5, 5, 5], 'hybrid-no-model': [100, 300, 500], 'dqn-informed': [100, 300, 500] } }, variants.slice(0, 1));
    expect(rep.rows[0]!.ablation.map((a) => [a.learner, a.greedy!.point])).toEqual([['hybrid', 20], ['hybrid-no-model', 2]]);
    // Ablation variants are not controls: no variant / hybrid column in the main table.
    expect(rep.rows[0]!.ratios.map((r) => r.learner)).toEqual(['dqn', 'bandit']);
    // A control variant is a ratio column, not an ablation row.
    const withControl = report({ a: { dqn: [200, 600, 1000], hybrid: [10, 30, 50], bandit: [5, 5, 5], 'hybrid-no-model': [100, 300, 500], 'dqn-informed': [100, 300, 500] } }, variants);
    expect(withControl.rows[0]!.ratios.map((r) => [r.learner, r.greedy!.point])).toEqual([['dqn', 20], ['bandit', 5 / 30], ['dqn-informed', 10]]);
    expect(withControl.rows[0]!.ablation.map((a) => a.learner)).toEqual(['hybrid', 'hybrid-no-model']);
    const md = toMarkdown(rep);
    expect(md).toContain('## Ablation (dqn / variant, greedy measure)');
    expect(md).toContain('| hybrid-no-model | no planning | 2 [2, 2] | 2 (1 of 1) |');
    expect(md).toContain('| a | hybrid | 3 | 1 | 2 | 5000 | 5 | 1000 | -0.1 |');
    expect(md).toContain('4 runs checked, all pure.');
    const svg = await renderSvg(curvesSpec(rep, 'greedy'));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('hybrid-no-model');
  });

  it('is deterministic', () => {
    const runs = { a: { dqn: [200, 650, 1000], hybrid: [10, 31, 50], bandit: [5, 7, 5] } };
    expect(report(runs)).toEqual(report(runs));
  });
});

describe('the compared pair and tuned configurations', () => {
  it('measures the subject against the reference named (v4: hybrid-v4 vs dqn-v4), and says so in the report', () => {
    const learners = experimentLearners(['bandit'], [], V4_PAIR);
    expect(learners.map((l) => l.id)).toEqual(['hybrid-v4', 'dqn-v4', 'bandit']);
    const runs: Runs = { 'dqn-v4': [200, 600, 1000], 'hybrid-v4': [10, 30, 50], bandit: [100, 100, 100], dqn: [10, 10, 10], hybrid: [1000, 1000, 1000] };
    const results = Object.entries(runs).flatMap(([agent, xs]) => xs.map((x, seed) => job(agent, 'a', seed, x, x)));
    const rep = summarise(results, { suite: 'testing', seeds: 3, rootSeed: 0, reps: 300, learners, pair: V4_PAIR });
    // The v1-v3 pair's lines in the same results are not learners of this run.
    expect(rep.rows[0]!.learners.map((c) => c.learner)).toEqual(['hybrid-v4', 'dqn-v4', 'bandit']);
    expect(ratio(rep, 'dqn-v4')).toMatchObject({ kind: 'exact', point: 20 });
    expect(rep.verdict.greedy!.meeting).toBe(1);
    expect(rep).toMatchObject({ subject: 'hybrid-v4', reference: 'dqn-v4' });
    const md = toMarkdown(rep);
    expect(md).toContain('dqn-v4 / hybrid-v4');
    expect(md).toContain('scenarios meet dqn-v4 / hybrid-v4 >= 10x');
    expect(md).not.toMatch(/\bdqn \/ hybrid\b/);
    // The level each learner reached, per scenario (every job here has 0.9).
    expect(md).toContain('| normalised evaluation reward after learning | a |');
    expect(md).toContain('| hybrid-v4 | 0.9 [0.9, 0.9] |');
    // The v1-v3 pair's reports carry neither field (their published JSON is unchanged).
    expect(Object.keys(report({ a: { dqn: [200, 600, 1000], hybrid: [10, 30, 50], bandit: [100, 100, 100] } }))).not.toContain('subject');
  });

  it('runs tuned learners under their own names with the best configurations, variants on top of them; others keep their defaults', () => {
    const tuned = { 'hybrid-v4': { config: { gamma: 0.5, planningWeight: 1 }, source: 'tuned: hybrid-v4-trial-3' }, 'dqn-v4': { config: { gamma: 0.9 }, source: 'tuned: dqn-v4-trial-7' } };
    const variant: LearnerSpec = { id: 'hybrid-v4-no-planning', agent: 'hybrid-v4', config: { planningWeight: 0 }, description: 'no lookahead' };
    const learners = experimentLearners(['bandit'], [variant], V4_PAIR, tuned);
    expect(learners).toEqual([
      { id: 'hybrid-v4', agent: 'hybrid-v4', config: { gamma: 0.5, planningWeight: 1 }, description: 'tuned: hybrid-v4-trial-3' },
      { id: 'dqn-v4', agent: 'dqn-v4', config: { gamma: 0.9 }, description: 'tuned: dqn-v4-trial-7' },
      { id: 'bandit', agent: 'bandit' },
      { ...variant, config: { gamma: 0.5, planningWeight: 0 } },
    ]);
    const results = ['hybrid-v4', 'dqn-v4', 'bandit', 'hybrid-v4-no-planning'].flatMap((agent) => [0, 1, 2].map((seed) => job(agent, 'a', seed, 10, 10)));
    const md = toMarkdown(summarise(results, { suite: 'testing', seeds: 3, rootSeed: 0, reps: 300, learners, variants: [variant.id], pair: V4_PAIR }));
    expect(md).toContain('- hybrid-v4: {"gamma":0.5,"planningWeight":1} (tuned: hybrid-v4-trial-3)');
    expect(md).toContain('- dqn-v4: {"gamma":0.9} (tuned: dqn-v4-trial-7)');
    expect(md).not.toContain('- hybrid-v4-no-planning:');
  });

  it("readTunedConfigs takes each search record's best trial, recomputed from the trials, and refuses a folder without records, a misnamed record or an edited best", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tuned-'));
    const trial = (id: string, gamma: number, auc: number) => ({ id, config: { gamma }, cases: [{ scenario: 's', seed: 1, greedyLogAuc: auc, interactions: null }] });
    const record = (agent: string, best: unknown) => ({
      agent, variant: 'testing', measure: {}, harnessVersion: 'x', agentCodeHash: 'y',
      trials: [{ ...trial(`${agent}-trial-0`, 0.5, 0.4), score: 0.4 }, { ...trial(`${agent}-trial-1`, 0.9, 0.61), score: 0.61 }], best,
    });
    try {
      expect(() => readTunedConfigs(dir)).toThrow(/search records \(search-<agent>\.json[\s\S]*none/);
      writeFileSync(join(dir, 'search-dqn-v4.json'), JSON.stringify(record('dqn-v4', { id: 'dqn-v4-trial-1', config: { gamma: 0.9 }, score: 0.61 })));
      expect(readTunedConfigs(dir)).toEqual({ 'dqn-v4': { config: { gamma: 0.9 }, source: `tuned: dqn-v4-trial-1 of ${join(dir, 'search-dqn-v4.json')} (score 0.61)` } });
      writeFileSync(join(dir, 'search-hybrid-v4.json'), JSON.stringify(record('hybrid-v4', { id: 'hybrid-v4-trial-0', config: { gamma: 0.5 }, score: 0.4 })));
      expect(() => readTunedConfigs(dir)).toThrow(/search-hybrid-v4\.json#\/best[\s\S]*the best of its trials \(hybrid-v4-trial-1, score 0\.61\)/);
      writeFileSync(join(dir, 'search-hybrid-v4.json'), JSON.stringify(record('dqn-v4', { id: 'dqn-v4-trial-1', config: { gamma: 0.9 }, score: 0.61 })));
      expect(() => readTunedConfigs(dir)).toThrow(/search-hybrid-v4\.json#\/agent[\s\S]*the agent the file is named for \(hybrid-v4\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a subject or reference that is no baseline, the two the same, and a tuned configuration the run would ignore', () => {
    const tuned = { 'dqn-v4': { config: {}, source: 'tuned: dqn-v4-trial-1 of t/search-dqn-v4.json' } };
    expect(() => checkPairAndTuned(V4_PAIR, ['bandit'], [], tuned)).not.toThrow();
    expect(() => checkPairAndTuned({ subject: 'hybrid-v5', reference: 'dqn-v4' }, [], [])).toThrow(/--subject: expected a baseline: [\s\S]*found "hybrid-v5"/);
    expect(() => checkPairAndTuned({ subject: 'hybrid-v4', reference: 'dqn-x' }, [], [])).toThrow(/--reference: expected a baseline/);
    expect(() => checkPairAndTuned({ subject: 'dqn-v4', reference: 'dqn-v4' }, [], [])).toThrow(/--reference: expected a baseline other than the subject \(dqn-v4\)/);
    // hybrid vs dqn with the v4 records: dqn-v4's record would be silently ignored.
    expect(() => checkPairAndTuned({ subject: 'hybrid', reference: 'dqn' }, ['bandit'], [], tuned)).toThrow(/--tuned: expected search records only of agents the run runs \(hybrid, dqn, bandit\)[\s\S]*search-dqn-v4\.json/);
  });
});

describe('readVariants', () => {
  it('reads variants and names the JSON pointer of every problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'variants-'));
    try {
      const good = join(dir, 'good.json');
      writeFileSync(good, JSON.stringify({ variants: [{ id: 'hybrid-x', agent: 'hybrid', config: { gamma: 0.5 }, description: 'a continuation value' }] }));
      expect(readVariants(good)).toEqual([{ id: 'hybrid-x', agent: 'hybrid', config: { gamma: 0.5 }, description: 'a continuation value' }]);
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify([{ id: 'Bad Id', agent: 'nope', config: [] }, { id: 'x', agent: 'dqn', extra: 1, control: 'yes' }]));
      expect(() => readVariants(bad)).toThrow(/bad\.json#\/0\/id[\s\S]*#\/0\/agent[\s\S]*#\/0\/config[\s\S]*#\/1\/extra[\s\S]*#\/1\/control/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('orchbench experiment hl-speedup (CLI)', () => {
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'harness/cli/main.ts'), 'experiment', 'hl-speedup', ...args], { cwd: REPO_ROOT, maxBuffer: 64 << 20 });

  // A smoke slice (one stationary scenario's testing variant, 2 seeds, one cheap control and one
  // cheap variant); the full experiment is run by hand (`orchbench experiment hl-speedup`).
  it('runs a slice of the testing suite with a control and a variant, writes the tables and plots, and resumes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hl-speedup-'));
    const variants = join(out, 'variants.json');
    writeFileSync(variants, JSON.stringify([{ id: 'q-learning-lr04', agent: 'q-learning', config: { learningRate: 0.4 }, description: 'step size 0.4' }]));
    const args = ['--suite', 'testing', '--scenarios', 'broadband-1u-loose-v1', '--agents', 'bandit', '--variants', variants, '--seeds', '2', '--workers', '1', '--json', '--out', out];
    try {
      const rep = JSON.parse((await cli(args)).stdout) as HlSpeedupReport;
      expect(rep.failedJobs).toEqual([]);
      const row = rep.rows[0]!;
      expect(row.learners.map((c) => c.learner)).toEqual(['hybrid', 'dqn', 'bandit', 'q-learning-lr04']);
      expect(row.checkpointDecisions).toBeGreaterThanOrEqual(1000);
      expect(row.window).toBe(200);
      for (const c of row.learners) {
        expect(c.greedy!.interactions.length).toBe(2);
        expect(c.work.realSteps).toBe(row.learningBudget);
        // The first seed's job of every learner ran the purity check; learning stayed sealed.
        expect(c.purity).toEqual({ checked: 1, impure: 0, sealedLearnCalls: 0 });
      }
      // The Hybrid plans at decision time (with its default gamma 0 it trains no value learner, so no planning updates).
      expect(row.learners[0]!.work.planningMs).toBeGreaterThan(0);
      expect(row.ratios.map((r) => r.learner)).toEqual(['dqn', 'bandit']);
      expect(row.ablation.map((r) => r.learner)).toEqual(['hybrid', 'q-learning-lr04']);
      const md = readFileSync(join(out, 'hl-speedup.md'), 'utf8');
      expect(md).toContain('## Greedy policy at checkpoints (the measure)');
      expect(md).toContain('## Ablation');
      for (const svg of ['hl-speedup.svg', 'hl-speedup-greedy.svg']) expect(readFileSync(join(out, svg), 'utf8').startsWith('<svg')).toBe(true);
      // Resuming the same directory runs nothing again and reports the same (timings come from the journal).
      expect(JSON.parse((await cli(args)).stdout)).toEqual(rep);
      // verify re-runs experiment lines as experiment jobs (learner config and measure from
      // hl-speedup.json): every line reproduces.
      const verify = (...v: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'harness/cli/main.ts'), 'verify', out, ...v], { cwd: REPO_ROOT, maxBuffer: 64 << 20 });
      expect((await verify()).stdout).toMatch(/verify: OK \(8 lines sealed-checked, 8 re-run, 0 bad\)\n$/);
      // A report edited after the run cannot vouch for its lines: the variant's line no longer matches.
      const reportFile = join(out, 'hl-speedup.json');
      writeFileSync(reportFile, readFileSync(reportFile, 'utf8').replace('"learningRate": 0.4', '"learningRate": 0.5'));
      const edited = await verify().then(() => null, (e: { code: number; stdout: string }) => e);
      expect(edited?.code).toBe(1);
      expect(edited?.stdout).toMatch(/DIFFERS +line \d+: q-learning-lr04 on broadband-1u-loose-v1[^\n]*\n +re-run threw: [^\n]*learner "q-learning-lr04" of hl-speedup\.json with this config and measure gives another job hash/);
      expect(edited?.stdout).toMatch(/verify: FAILED \(8 lines sealed-checked, 8 re-run, 2 bad\)/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 600_000);

  it('rejects unknown controls, bad variants files and unknown scenarios before running anything', async () => {
    await expect(cli(['--agents', 'no-such-agent', '--out', join(tmpdir(), 'hl-never')])).rejects.toMatchObject({ stderr: expect.stringMatching(/--agents[\s\S]*no-such-agent/) });
    await expect(cli(['--variants', join(tmpdir(), 'no-such-file.json'), '--out', join(tmpdir(), 'hl-never')])).rejects.toMatchObject({ stderr: expect.stringContaining('no-such-file.json') });
    await expect(cli(['--scenarios', 'no-such-scenario', '--out', join(tmpdir(), 'hl-never')])).rejects.toMatchObject({ stderr: expect.stringContaining('no-such-scenario') });
    await expect(cli(['--ablation', 'greedy,nope', '--out', join(tmpdir(), 'hl-never')])).rejects.toMatchObject({ stderr: expect.stringMatching(/--ablation: expected all, or comma-separated names of [^\n]*; found nope/) });
    // A config field the baseline does not have would run its defaults under the variant's name.
    const dir = mkdtempSync(join(tmpdir(), 'variants-'));
    try {
      const stale = join(dir, 'stale.json');
      writeFileSync(stale, JSON.stringify([{ id: 'hybrid-no-model', agent: 'hybrid', config: { planningBatches: 0 } }]));
      await expect(cli(['--variants', stale, '--out', join(dir, 'out')])).rejects.toMatchObject({ stderr: expect.stringMatching(/config of agent "hybrid-no-model"#\/planningBatches: expected one of the fields [^\n]*; found unknown field "planningBatches"/) });
      expect(existsSync(join(dir, 'out', 'results.jsonl'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
