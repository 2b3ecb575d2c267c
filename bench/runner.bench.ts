/**
 * Runner benchmark (wall-clock, not a test): `node --import tsx bench/runner.bench.ts [--scaling-only | --main-only] [--json]`
 * (`--main-only`: the scaling and the main command's estimate, without the testing suite).
 * 1. Scaling: the same CPU-bound job set (four v1 scenarios, full budgets) at 1 and 2
 *    workers; goal: 2 workers >= 1.8x the throughput of 1. Pool start-up is included, as a user
 *    would see it (`startupS`: pool creation and thread warm-up alone).
 * 2. The `testing` suite with every baseline and 3 seeds at one worker per core; goal <= 30 s (with
 *    the time its checkpoint evaluations took and how many were reused).
 * 3. The README's main command (`orchbench run`: default suite, every baseline, 10 seeds) is an
 *    hour-scale run, so it is estimated, not run: one full-budget job per agent on a 4-user
 *    default scenario gives each agent's cost per decision; the estimate is the plan's total
 *    expected cost (every job's decisions x its agent's rate) over the workers, divided by the
 *    2-worker efficiency measured in 1. Goal <= 8 minutes (issue 24).
 * Results go to a temporary directory that is removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultBaselines } from '../baselines/index.ts';
import { executeJobs } from '../harness/runner/execute.ts';
import { planJobs, type AgentRef } from '../harness/runner/plan.ts';
import { CostModel } from '../harness/runner/cost.ts';
import type { JobResult, PlannedJob } from '../harness/runner/types.ts';

/** The references' time in a run's jobs (`timing.referenceMs`) and its share of the jobs' wall time. */
export function referenceShare(results: readonly JobResult[]): { referenceS: number; referenceShare: number } {
  const refMs = results.reduce((sum, r) => sum + (r.timing.referenceMs ?? 0), 0);
  const wallMs = results.reduce((sum, r) => sum + r.timing.wallMs, 0);
  return { referenceS: refMs / 1000, referenceShare: wallMs > 0 ? refMs / wallMs : 0 };
}

export interface RunnerBench {
  /** `meanJobS`: mean per-job wall time inside the worker; it rises at 2 workers when the cores are contended. */
  scaling: {
    jobs: number;
    oneWorkerS: number;
    twoWorkersS: number;
    speedup: number;
    /** Pool creation and warm-up of 1 and 2 threads alone (no jobs), s. */
    startupS: { one: number; two: number };
    cpuS: { one: number; two: number };
    meanJobS: { one: number; two: number };
    loadAverage1m: number;
  };
  testingSuite?: {
    jobs: number;
    workers: number;
    planS: number;
    runS: number;
    /** Process CPU time of the run (all threads), s. */
    cpuS: number;
    /** Sum of the jobs' `checkpointMs` (greedy evaluations during learning), s, and checkpoints whose evaluation was reused. */
    checkpointS: number;
    checkpointsReused: number;
    /** Sum of the jobs' `referenceMs` (references and the upper bound, computed once per run), s, and its share of the jobs' wall time. */
    referenceS: number;
    referenceShare: number;
    failed: number;
    failureReasons: string[];
    slowestJobs: { agent: string; scenario: string; wallS: number }[];
    loadAverage1m: number;
  };
  mainCommand?: {
    jobs: number;
    workers: number;
    /** Full-budget job wall time per agent on the calibration scenario, s. */
    calibrationJobS: Record<string, number>;
    calibrationScenario: string;
    /** Total expected job time of the plan, s (one thread). */
    totalJobS: number;
    /** The 2-worker efficiency applied (speedup / 2, at most 1). */
    efficiency: number;
    estimateS: number;
    /**
     * Process CPU time over wall time of the calibration run (1 thread): the share of a core it got.
     * On a busy machine `estimateS` grows by about 1 / cpuShare; `cpuLowerBoundS` is the plan's job
     * time at a full core each, over the workers with perfect scaling: what an idle machine cannot beat.
     */
    cpuShare: number;
    cpuLowerBoundS: number;
    /** The references' share of the calibration run's job time (one (scenario, seed): every agent's job, the references once). */
    referenceShare: number;
    loadAverage1m: number;
  };
}

const baselines = (names: readonly string[]): AgentRef[] => names.map((name) => ({ name, kind: 'baseline' }));

async function timed(jobs: readonly PlannedJob[], workers: number, dir: string): Promise<{ s: number; cpuS: number; failed: number; startupMs: number; results: Awaited<ReturnType<typeof executeJobs>>['results'] }> {
  const t0 = performance.now();
  // Process CPU time covers the worker threads too: equal at 1 and 2 workers = no duplicated work.
  const c0 = process.cpuUsage();
  const out = await executeJobs(jobs, { outDir: dir, workers });
  const c = process.cpuUsage(c0);
  return { s: (performance.now() - t0) / 1000, cpuS: (c.user + c.system) / 1e6, failed: out.failed, startupMs: out.startupMs, results: out.results };
}

/** Runs the scaling measurement and, unless `scalingOnly`, the testing-suite wall time. */
export async function benchRunner(scalingOnly = false, mainOnly = false): Promise<RunnerBench> {
  const root = mkdtempSync(join(tmpdir(), 'orchbench-bench-'));
  try {
    const cpu = await planJobs({
      suite: 'default',
      scenarios: ['broadband-1u-loose-v1', 'lte-driving-4u-mixed-v1', '3g-commute-4u-strict-v1', '5g-mmwave-16u-mixed-v1'],
      agents: baselines(['q-learning', 'bandit', 'greedy-heuristic']),
      seeds: 6,
      rootSeed: 0,
    });
    const one = await timed(cpu, 1, join(root, 'one'));
    const two = await timed(cpu, 2, join(root, 'two'));
    const meanJobS = (rs: typeof one.results): number => rs.reduce((sum, r) => sum + r.timing.wallMs, 0) / rs.length / 1000;
    const scaling = {
      jobs: cpu.length,
      oneWorkerS: one.s,
      twoWorkersS: two.s,
      speedup: one.s / two.s,
      startupS: { one: one.startupMs / 1000, two: two.startupMs / 1000 },
      cpuS: { one: one.cpuS, two: two.cpuS },
      meanJobS: { one: meanJobS(one.results), two: meanJobS(two.results) },
      // Other processes on the machine cap the speedup; the load average says how busy it was.
      loadAverage1m: loadavg()[0]!,
    };
    if (scalingOnly) return { scaling };
    if (mainOnly) return { scaling, mainCommand: await estimateMainCommand(root, scaling.speedup) };

    const workers = availableParallelism();
    const t0 = performance.now();
    const testing = await planJobs({ suite: 'testing', agents: baselines(defaultBaselines()), seeds: 3, rootSeed: 0 });
    const planS = (performance.now() - t0) / 1000;
    const run = await timed(testing, workers, join(root, 'testing'));
    const slowestJobs = [...run.results]
      .sort((a, b) => b.timing.wallMs - a.timing.wallMs)
      .slice(0, 5)
      .map((r) => ({ agent: r.agent, scenario: r.scenario, wallS: r.timing.wallMs / 1000 }));
    return {
      scaling,
      testingSuite: {
        jobs: testing.length,
        workers,
        planS,
        runS: run.s,
        cpuS: run.cpuS,
        checkpointS: run.results.reduce((sum, r) => sum + (r.timing.checkpointMs ?? 0), 0) / 1000,
        checkpointsReused: run.results.reduce((sum, r) => sum + (r.timing.checkpointsReused ?? 0), 0),
        ...referenceShare(run.results),
        failed: run.failed,
        failureReasons: [...new Set(run.results.filter((r) => r.status === 'failed').map((r) => `${r.agent}: ${r.reason ?? ''}`))],
        slowestJobs,
        loadAverage1m: loadavg()[0]!,
      },
      mainCommand: await estimateMainCommand(root, scaling.speedup),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The main command's wall time, estimated (see the file comment, point 3). */
async function estimateMainCommand(root: string, speedup: number): Promise<NonNullable<RunnerBench['mainCommand']>> {
  const workers = availableParallelism();
  const calibrationScenario = 'lte-driving-4u-battery-v3';
  const agents = baselines(defaultBaselines());
  const calibration = await planJobs({ suite: 'default', scenarios: [calibrationScenario], agents, seeds: 1, rootSeed: 0 });
  const model = new CostModel();
  const calibrationJobS: Record<string, number> = {};
  const run = await timed(calibration, 1, join(root, 'calibration'));
  for (const r of run.results) {
    const job = calibration.find((j) => j.id.jobHash === r.jobHash)!;
    model.observe(job, r.timing.wallMs);
    calibrationJobS[r.agent] = r.timing.wallMs / 1000;
  }
  const plan = await planJobs({ suite: 'default', agents, seeds: 10, rootSeed: 0 });
  const totalJobS = plan.reduce((sum, j) => sum + model.expectedMs(j), 0) / 1000;
  const efficiency = Math.min(1, workers > 1 ? speedup / 2 : 1);
  const cpuShare = Math.min(1, run.cpuS / run.s);
  return {
    jobs: plan.length,
    workers,
    calibrationJobS,
    calibrationScenario,
    totalJobS,
    efficiency,
    estimateS: totalJobS / workers / efficiency,
    cpuShare,
    cpuLowerBoundS: (totalJobS * cpuShare) / workers,
    referenceShare: referenceShare(run.results).referenceShare,
    loadAverage1m: loadavg()[0]!,
  };
}

/** Human-readable lines. */
export function formatRunnerBench(r: RunnerBench): string {
  const s = r.scaling;
  const lines = [
    `runner: ${s.jobs} CPU-bound jobs: 1 worker ${s.oneWorkerS.toFixed(1)} s, 2 workers ${s.twoWorkersS.toFixed(1)} s: x${s.speedup.toFixed(2)} (goal >= 1.8; pool start-up ${s.startupS.one.toFixed(2)} / ${s.startupS.two.toFixed(2)} s included; mean job ${s.meanJobS.one.toFixed(2)} / ${s.meanJobS.two.toFixed(2)} s; process CPU ${s.cpuS.one.toFixed(1)} / ${s.cpuS.two.toFixed(1)} s; load average ${s.loadAverage1m.toFixed(2)})`,
  ];
  const t = r.testingSuite;
  if (t) {
    lines.push(`testing suite: ${t.jobs} jobs on ${t.workers} workers: ${t.runS.toFixed(1)} s run + ${t.planS.toFixed(1)} s plan (goal <= 30 s; ${t.cpuS.toFixed(1)} s CPU; ${t.failed} failed; load average ${t.loadAverage1m.toFixed(2)})`);
    lines.push(`  checkpoint evaluations: ${t.checkpointS.toFixed(1)} s in all jobs (checkpointMs), ${t.checkpointsReused} checkpoints reused`);
    lines.push(`  references (planning-v1, computed once per run): ${t.referenceS.toFixed(1)} s in all jobs (referenceMs), ${(100 * t.referenceShare).toFixed(1)}% of the jobs' wall time`);
    lines.push(`  slowest jobs: ${t.slowestJobs.map((j) => `${j.agent} ${j.scenario} ${j.wallS.toFixed(1)} s`).join('; ')}`);
  }
  const m = r.mainCommand;
  if (m) {
    lines.push(`main command (estimate): ${m.jobs} jobs on ${m.workers} workers: ${(m.estimateS / 60).toFixed(1)} min (goal <= 8 min; ${m.totalJobS.toFixed(0)} s of jobs, 2-worker efficiency ${m.efficiency.toFixed(2)}; load average ${m.loadAverage1m.toFixed(2)})`);
    lines.push(`  at a full core per job (the calibration got ${(100 * m.cpuShare).toFixed(0)}% of one) and perfect scaling: ${(m.cpuLowerBoundS / 60).toFixed(1)} min (a lower bound)`);
    lines.push(`  references (planning-v1, once per (scenario, seed)): ${(100 * m.referenceShare).toFixed(1)}% of the calibration run's job time`);
    lines.push(`  full-budget job on ${m.calibrationScenario}: ${Object.entries(m.calibrationJobS).map(([a, sec]) => `${a} ${sec.toFixed(1)} s`).join(', ')}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = await benchRunner(process.argv.includes('--scaling-only'), process.argv.includes('--main-only'));
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatRunnerBench(report)}\n`);
}
