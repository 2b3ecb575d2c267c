/**
 * Cost of forking the simulator (tinybench): one `env.snapshot()` and one `env.restore(s)` on the
 * 16-user scenario with every factor on (battery, residency, background load, deadlines,
 * measured contention, the radio's RRC tail), taken mid-phase after a warm-up of decisions so the queues, feedback and
 * battery drains are populated. Goal (issue 19): under 20 us for the two together. The planning
 * reference does one snapshot and a restore per candidate action at each decision.
 */
import { Bench } from 'tinybench';
import { OrchestrationEnv } from '../harness/env/env.ts';
import { loadScenario } from '../harness/scenario/load.ts';
import { ALL_FACTORS_SCENARIO } from './env.bench.ts';

/** `lte-driving-16u-battery-deadlines-v3` with the radio's RRC tail on (`env.bench.ts`). */
export const FORK_SCENARIO = ALL_FACTORS_SCENARIO;

export interface ForkBenchReport {
  scenarioId: string;
  users: number;
  /** Decisions taken before the measured snapshot. */
  warmupDecisions: number;
  snapshotUs: number;
  restoreUs: number;
  /** snapshotUs + restoreUs: the goal is under 20 us. */
  totalUs: number;
  rmePct: number;
  /** snapshot + restore in process CPU time over a fixed loop: steadier than wall time on a busy machine. */
  cpuTotalUs: number;
}

/** Measures a snapshot, a restore, and both (median us per operation). */
export async function benchFork(timeMs = 1500, warmupDecisions = 500): Promise<ForkBenchReport> {
  // The full variant: 16 users (the testing variant has 8).
  const scenario = await loadScenario(FORK_SCENARIO);
  const env = new OrchestrationEnv(scenario);
  const legal = [...env.reset(1, 'learn').actionMask.keys()].filter((a) => env.currentObservation.actionMask[a] === 1);
  // Every legal action in turn: device queues, both shared tiers, residency and battery all in use.
  for (let i = 0; i < warmupDecisions; i++) env.step(legal[i % legal.length]!);
  const snap = env.snapshot();
  const bench = new Bench({ time: timeMs, warmupTime: 300 });
  bench.add('snapshot', () => void env.snapshot());
  bench.add('restore', () => env.restore(snap));
  bench.add('snapshot + restore', () => env.restore(env.snapshot()));
  await bench.run();
  const task = (name: string) => {
    const r = bench.getTask(name)?.result;
    if (!r || r.state !== 'completed') throw new Error(`bench task ${name} did not complete (${r?.state ?? 'missing'})`);
    return { us: r.latency.p50 * 1000, rme: r.latency.rme };
  };
  const both = task('snapshot + restore');
  const loops = 20_000;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < loops; i++) env.restore(env.snapshot());
  const cpu = process.cpuUsage(cpu0);
  return { scenarioId: scenario.id, users: scenario.spec.users.count, warmupDecisions, snapshotUs: task('snapshot').us, restoreUs: task('restore').us, totalUs: both.us, rmePct: both.rme, cpuTotalUs: (cpu.user + cpu.system) / loops };
}

export function formatForkBench(r: ForkBenchReport): string {
  return `fork (goal: snapshot + restore < 20 us) on ${r.scenarioId} (${r.users} users, after ${r.warmupDecisions} decisions): snapshot ${r.snapshotUs.toFixed(1)} us, restore ${r.restoreUs.toFixed(1)} us, both ${r.totalUs.toFixed(1)} us (+-${r.rmePct.toFixed(1)}%), both in CPU time ${r.cpuTotalUs.toFixed(1)} us`;
}
