/**
 * Runner benchmark (wall-clock, not a test): `node --import tsx bench/runner.bench.ts [--scaling-only]`,
 * printing JSON.
 * 1. Scaling: the same CPU-bound job set (default-suite scenarios, full budgets) at 1 and 2
 *    workers; goal: 2 workers >= 1.7x the throughput of 1. Pool start-up is included, as a user
 *    would see it.
 * 2. The `testing` suite with every baseline and 3 seeds at one worker per core; goal < 60 s.
 * Results go to a temporary directory that is removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { listBaselines } from '../baselines/index.ts';
import { executeJobs } from '../harness/runner/execute.ts';
import { planJobs, type AgentRef } from '../harness/runner/plan.ts';
import type { PlannedJob } from '../harness/runner/types.ts';

export interface RunnerBench {
  /** `meanJobS`: mean per-job wall time inside the worker; it rises at 2 workers when the cores are contended. */
  scaling: { jobs: number; oneWorkerS: number; twoWorkersS: number; speedup: number; cpuS: { one: number; two: number }; meanJobS: { one: number; two: number }; loadAverage1m: number };
  testingSuite?: {
    jobs: number;
    workers: number;
    planS: number;
    runS: number;
    failed: number;
    failureReasons: string[];
    slowestJobs: { agent: string; scenario: string; wallS: number }[];
  };
}

const baselines = (names: readonly string[]): AgentRef[] => names.map((name) => ({ name, kind: 'baseline' }));

async function timed(jobs: readonly PlannedJob[], workers: number, dir: string): Promise<{ s: number; cpuS: number; failed: number; results: Awaited<ReturnType<typeof executeJobs>>['results'] }> {
  const t0 = performance.now();
  // Process CPU time covers the worker threads too: equal at 1 and 2 workers = no duplicated work.
  const c0 = process.cpuUsage();
  const out = await executeJobs(jobs, { outDir: dir, workers });
  const c = process.cpuUsage(c0);
  return { s: (performance.now() - t0) / 1000, cpuS: (c.user + c.system) / 1e6, failed: out.failed, results: out.results };
}

/** Runs the scaling measurement and, unless `scalingOnly`, the testing-suite wall time. */
export async function benchRunner(scalingOnly = false): Promise<RunnerBench> {
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
      cpuS: { one: one.cpuS, two: two.cpuS },
      meanJobS: { one: meanJobS(one.results), two: meanJobS(two.results) },
      // Other processes on the machine cap the speedup; the load average says how busy it was.
      loadAverage1m: loadavg()[0]!,
    };
    if (scalingOnly) return { scaling };

    const workers = availableParallelism();
    const t0 = performance.now();
    const testing = await planJobs({ suite: 'testing', agents: baselines(listBaselines()), seeds: 3, rootSeed: 0 });
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
        failed: run.failed,
        failureReasons: [...new Set(run.results.filter((r) => r.status === 'failed').map((r) => `${r.agent}: ${r.reason ?? ''}`))],
        slowestJobs,
      },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const report = await benchRunner(process.argv.includes('--scaling-only'));
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
