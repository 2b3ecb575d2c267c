import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { curvesSpec, summarise, toMarkdown, type AgentCell, type HlSpeedupReport } from '../../harness/experiment/hl-speedup.ts';
import { renderSvg } from '../../harness/report/plots.ts';
import type { JobResult } from '../../harness/runner/types.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const BUDGET = 1000;

/**
 * A finished job with only what the experiment reads (interactions, AUC, a flat normalised curve,
 * and a greedy curve reaching the threshold at `greedy`, or never for null; none when undefined).
 */
function job(agent: string, scenario: string, seed: number, interactions: number | null, auc = 0.5, greedy?: number | null): JobResult {
  const checkpoints = [10, 100, BUDGET];
  const greedyNormalised = checkpoints.map((c) => (greedy !== null && greedy !== undefined && c >= greedy ? 1 : 0.2));
  return {
    jobHash: `${agent}/${scenario}/${seed}`, harnessVersion: 'test', agent, agentKind: 'baseline', agentCodeHash: '', scenario,
    scenarioHash: '', traceSha256s: [], variant: 'testing', seed, status: 'ok', resultHash: '',
    timing: { wallMs: 1, learnMs: 1, planningMs: agent === 'hybrid' ? 2 : 0, evalMs: 1 },
    metrics: {
      refs: { randomReward: -1, oracleReward: 0 },
      curve: { checkpoints, meanReward: [-1, -0.5, -0.1], normalised: [0, 0.5, auc], window: 50 },
      interactionsToThreshold: interactions, threshold: 0.9, normalisedAuc: auc,
      evalRefs: { randomReward: -1, oracleReward: 0 }, normalisedEvalReward: 0.9,
      eval: { decisions: 10, meanReward: -0.1, meanLatencyMs: 100, p95LatencyMs: 200, meanDeviceEnergyMj: 1, meanServerEnergyMj: 1, accuracyViolationRate: 0, deadlineMissRate: 0 },
      realSteps: BUDGET, planningUpdates: agent === 'hybrid' ? 5000 : 0, decisionLogSha256: '', info: {},
      ...(greedy === undefined ? {} : {
        greedyCurve: {
          decisions: 200, refs: { randomReward: -2, oracleReward: 0 }, checkpoints,
          meanReward: greedyNormalised.map((x) => 2 * x - 2), normalised: greedyNormalised, interactionsToThreshold: greedy,
        },
      }),
    },
  };
}

/** One scenario's report; greedy curves reached at `greedy.dqn[s]` and `greedy.hybrid[s]` when given. */
function report(dqn: (number | null)[], hybrid: (number | null)[], greedy?: { dqn: (number | null)[]; hybrid: (number | null)[] }): HlSpeedupReport {
  const results = [
    ...dqn.map((n, s) => job('dqn', 'sc-a', s, n, 0.5, greedy?.dqn[s])),
    ...hybrid.map((n, s) => job('hybrid', 'sc-a', s, n, 0.9, greedy?.hybrid[s])),
    ...dqn.map((_, s) => job('bandit', 'sc-a', s, 300, 0.5, greedy ? 100 : undefined)),
  ];
  return summarise(results, { suite: 'testing', seeds: dqn.length, rootSeed: 0, reps: 200 });
}

describe('hl-speedup summary', () => {
  it('reports the ratio of median interactions with a bootstrap interval around it', () => {
    const rep = report([400, 500, 600], [40, 50, 60]);
    const row = rep.rows[0]!;
    expect(row.ratio.kind).toBe('exact');
    expect(row.ratio.point).toBeCloseTo(10, 12);
    expect(row.ratio.lo).toBeLessThanOrEqual(row.ratio.point);
    expect(row.ratio.hi).toBeGreaterThanOrEqual(row.ratio.point);
    expect(row.ratio.lo).toBeGreaterThanOrEqual(400 / 60 - 1e-9);
    expect(row.ratio.hi).toBeLessThanOrEqual(600 / 40 + 1e-9);
    expect(rep.medianRatio).toBeCloseTo(10, 12);
    // 10x on the only scenario, but the median target of 100x is not met.
    expect(rep.targetMet).toBe(false);
    expect(row.cells.map((c) => c.agent)).toEqual(['dqn', 'hybrid', 'bandit']);
  });

  it('makes the ratio a lower bound when DQN runs never reach the threshold, counting them as the budget', () => {
    const rep = report([null, 500, null], [40, 50, 60]);
    const row = rep.rows[0]!;
    expect(row.ratio.kind).toBe('lower-bound');
    expect(row.ratio.point).toBeCloseTo(BUDGET / 50, 12);
    const dqn = row.cells.find((c) => c.agent === 'dqn')!;
    expect(dqn.reached).toBe(1);
    expect(dqn.medianCensored).toBe(true);
    expect(toMarkdown(rep)).toMatch(/>= 20 \[/);
  });

  it('marks the ratio n/a when the hybrid itself mostly never reaches the threshold', () => {
    const rep = report([400, 500, 600], [null, null, 60]);
    expect(rep.rows[0]!.ratio.kind).toBe('n/a');
    expect(Number.isNaN(rep.medianRatio)).toBe(true);
    expect(toMarkdown(rep)).toContain('n/a (hybrid censored)');
  });

  it('reports the greedy-curve interactions and their ratio beside the learning curve, with the same censoring rules', () => {
    const rep = report([400, 500, 600], [40, 50, 60], { dqn: [100, 1000, null], hybrid: [10, 10, 100] });
    const row = rep.rows[0]!;
    const dqn = row.cells.find((c) => c.agent === 'dqn')!;
    expect(dqn.greedy!.interactions).toEqual([100, 1000, null]);
    expect(dqn.greedy!.reached).toBe(2);
    expect(dqn.greedy!.medianInteractions.point).toBe(BUDGET);
    expect(dqn.greedy!.curve.checkpoints).toEqual([10, 100, BUDGET]);
    // Median over seeds of the greedy curve: at checkpoint 100 one of three DQN seeds is there, at 1000 two.
    expect(dqn.greedy!.curve.median).toEqual([0.2, 0.2, 1]);
    expect(row.greedyRatio!.kind).toBe('lower-bound');
    expect(row.greedyRatio!.point).toBeCloseTo(BUDGET / 10, 12);
    expect(row.checkpointDecisions).toBe(200);
    // The learning-curve ratio is unchanged by the greedy curves.
    expect(row.ratio).toEqual(report([400, 500, 600], [40, 50, 60]).rows[0]!.ratio);
    expect(rep.greedy).toEqual({ medianRatio: row.greedyRatio!.point, minRatio: row.greedyRatio!.point, targetMet: true });
    const md = toMarkdown(rep);
    expect(md).toContain('## Greedy policy at checkpoints');
    expect(md).toContain('| sc-a | 1000 | 200 | 1000 [100, 1000] (2/3) | 10 [10, 100] (3/3) |');
    expect(md).toMatch(/Greedy policy at checkpoints: median ratio over scenarios 100; smallest 100\. Target .*: met\./);
  });

  it('leaves the greedy columns out for results without greedy curves (older journals)', () => {
    const rep = report([400, 500, 600], [40, 50, 60]);
    expect(rep.greedy).toBeNull();
    expect(rep.rows[0]!.greedyRatio).toBeNull();
    expect(rep.rows[0]!.cells.every((c) => c.greedy === null)).toBe(true);
    expect(toMarkdown(rep)).not.toContain('Greedy policy');
  });

  it('is deterministic and renders a Markdown table and an SVG of the curves', async () => {
    const a = report([400, 500, 600], [40, 50, 60]);
    expect(report([400, 500, 600], [40, 50, 60])).toEqual(a);
    const md = toMarkdown(a);
    expect(md).toContain('| sc-a | 1000 | 50 |');
    expect(md).toContain('Target (every scenario >= 10x, median >= 100x): NOT met');
    const svg = await renderSvg(curvesSpec(a));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('sc-a');
  });
});

describe('orchbench experiment hl-speedup (CLI)', () => {
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'harness/cli/main.ts'), 'experiment', 'hl-speedup', ...args], { cwd: REPO_ROOT, maxBuffer: 64 << 20 });

  // A slice (one stationary scenario, dqn and hybrid, 2 seeds): every agent on every scenario takes
  // minutes; the full experiment is run by hand (`orchbench experiment hl-speedup`).
  it('runs a slice of the testing suite, writes the tables and plots, and the hybrid needs fewer real interactions by both measures', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hl-speedup-'));
    try {
      const { stdout } = await cli(['--suite', 'testing', '--scenarios', 'broadband-1u-loose-v1', '--agents', 'dqn,hybrid', '--seeds', '2', '--json', '--out', out]);
      const rep = JSON.parse(stdout) as HlSpeedupReport;
      expect(rep.failedJobs).toEqual([]);
      expect(rep.rows.map((r) => r.scenario)).toEqual(['broadband-1u-loose-v1']);
      const row = rep.rows[0]!;
      expect(row.cells.map((c) => c.agent)).toEqual(['dqn', 'hybrid']);
      const [dqn, hybrid] = row.cells as [AgentCell, AgentCell];
      for (const c of [dqn, hybrid]) {
        expect(c.interactions.length).toBe(2);
        expect(c.greedy!.interactions.length).toBe(2);
        expect(c.realSteps).toBe(row.learningBudget);
      }
      expect(hybrid.planningUpdates).toBeGreaterThan(0);
      // On this stationary scenario both learn within the 2000-decision budget, the hybrid faster.
      expect(hybrid.medianCensored || dqn.medianCensored || hybrid.greedy!.medianCensored || dqn.greedy!.medianCensored).toBe(false);
      expect(hybrid.medianInteractions.point).toBeLessThan(dqn.medianInteractions.point);
      expect(hybrid.greedy!.medianInteractions.point).toBeLessThan(dqn.greedy!.medianInteractions.point);
      expect(row.greedyRatio!.kind).toBe('exact');
      expect(row.greedyRatio!.point).toBeGreaterThan(1);
      const md = readFileSync(join(out, 'hl-speedup.md'), 'utf8');
      expect(md).toContain('| broadband-1u-loose-v1 | 2000 | 100 |');
      expect(md).toContain('## Greedy policy at checkpoints');
      for (const svg of ['hl-speedup.svg', 'hl-speedup-greedy.svg']) expect(readFileSync(join(out, svg), 'utf8').startsWith('<svg')).toBe(true);
      // Resuming the same directory runs nothing again and reports the same.
      const again = await cli(['--suite', 'testing', '--scenarios', 'broadband-1u-loose-v1', '--agents', 'dqn,hybrid', '--seeds', '2', '--json', '--out', out]);
      expect(JSON.parse(again.stdout)).toEqual(rep);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);

  it('rejects an agent list without both dqn and hybrid, and unknown scenarios, before running anything', async () => {
    await expect(cli(['--agents', 'dqn,bandit', '--out', join(tmpdir(), 'hl-never')])).rejects.toMatchObject({ stderr: expect.stringMatching(/--agents[\s\S]*including dqn and hybrid/) });
    await expect(cli(['--scenarios', 'no-such-scenario', '--out', join(tmpdir(), 'hl-never')])).rejects.toMatchObject({ stderr: expect.stringContaining('no-such-scenario') });
  }, 60_000);
});
