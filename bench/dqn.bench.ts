/**
 * The DQN's cost per network implementation (tinybench): the typed-array MLP (`mlp`) against
 * TensorFlow.js (`tfjs`, on the backend `harness/tf.ts` picks), on the DQN's own network shape for
 * a default scenario.
 *
 * - `train`: one DQN gradient step (`dqnUpdate`: replay sample, target max over next states,
 *   Adam on the Huber loss), batch `DEFAULT_CONFIG.batchSize`;
 * - `act`: one greedy forward pass of a single state;
 * - `job`: one whole `dqn` job (learning, evaluation, checkpoints) on a scenario's testing
 *   variant, as the runner runs it (`runJob`).
 *
 * Run: `node --import tsx bench/dqn.bench.ts [--json]`.
 */
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { createQNetwork, DEFAULT_CONFIG, dqnUpdate, newBatch, ReplayBuffer } from '../baselines/dqn.ts';
import { OrchestrationEnv } from '../harness/env/env.ts';
import { deriveRng } from '../harness/rng.ts';
import { runJob } from '../harness/runner/job.ts';
import { loadScenario } from '../harness/scenario/load.ts';

export const DQN_BENCH_SCENARIO = 'lte-driving-4u-mixed-v1';
const IMPLEMENTATIONS = ['mlp', 'tfjs'] as const;

export interface DqnBenchFigure {
  network: string;
  /** Mean (median) wall time of one gradient step, ms. */
  trainMs: number;
  trainP50Ms: number;
  /** Mean (median) wall time of one greedy forward pass, microseconds. */
  actUs: number;
  actP50Us: number;
  /** Median wall time of one testing-variant job, s. */
  jobP50S: number;
  /** Process CPU time per step (ms), act (us) and job (s), over a fixed count: steadier than wall time on a busy machine. */
  cpu: { trainMs: number; actUs: number; jobS: number };
}

export interface DqnBenchReport {
  scenarioId: string;
  features: number;
  actions: number;
  figures: DqnBenchFigure[];
  /** tfjs / mlp, per measure (medians of wall time). */
  speedup: { train: number; act: number; job: number };
  /** tfjs / mlp, per measure (CPU time). */
  cpuSpeedup: { train: number; act: number; job: number };
}

const median = (task: { result?: unknown } | undefined): number => {
  const r = task?.result as { state?: string; latency?: { p50?: number } } | undefined;
  if (!r?.latency?.p50) throw new Error(`bench task did not complete (${r?.state ?? 'missing'})`);
  return r.latency.p50;
};

/** Process CPU time (ms) per call, over `n` calls of `fn`. */
async function cpuMs(n: number, fn: () => unknown): Promise<number> {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / n;
}

/** One dqn job on the bench scenario's testing variant with `network`. */
async function dqnJob(network: string): Promise<void> {
  const file = fileURLToPath(new URL(`../scenarios/default/${DQN_BENCH_SCENARIO}.json`, import.meta.url));
  const before = process.env.ORCHBENCH_NN;
  process.env.ORCHBENCH_NN = network;
  try {
    const r = await runJob({ agent: 'dqn', agentKind: 'baseline', scenario: DQN_BENCH_SCENARIO, scenarioFile: file, variant: 'testing', seed: 1 });
    if (r.status !== 'ok') throw new Error(`bench dqn job failed: ${r.reason ?? ''}`);
  } finally {
    if (before === undefined) delete process.env.ORCHBENCH_NN;
    else process.env.ORCHBENCH_NN = before;
  }
}

/** Runs the benchmark; `timeMs` per step task, `jobIterations` jobs per implementation. */
export async function benchDqn(timeMs = 1500, jobIterations = 3): Promise<DqnBenchReport> {
  const scenario = await loadScenario(DQN_BENCH_SCENARIO, { variant: 'testing' });
  const env = new OrchestrationEnv(scenario);
  const bench = new Bench({ time: timeMs, warmup: true });
  const disposers: (() => void)[] = [];
  const cpu: Record<string, { trainMs: number; actUs: number; jobS: number }> = {};
  for (const network of IMPLEMENTATIONS) {
    const ctx = { env: env.spec, seed: 1, config: { network } };
    const { net } = await createQNetwork(ctx, { ...DEFAULT_CONFIG, network });
    disposers.push(() => net.dispose());
    // A replay buffer filled with real transitions of a random policy.
    const buf = new ReplayBuffer(2000, env.spec.features.length, env.spec.actions.length);
    const rng = deriveRng(1, 'bench-dqn');
    let obs = env.reset(1, 'learn');
    for (let i = 0; i < 2000; i++) {
      const legal = [...obs.actionMask.keys()].filter((a) => obs.actionMask[a] === 1);
      const prev = { ...obs, actionMask: obs.actionMask.slice(), features: obs.features.slice() };
      const step = env.step(legal[rng.int(legal.length)]!);
      const d = env.lastDecision;
      buf.push(env.spec, { obs: prev, action: d.outcome.action, reward: d.reward, outcome: d.outcome, decidedAtMs: d.decidedAtMs, completedAtMs: d.completedAtMs, nextObs: step.obs });
      obs = step.obs;
    }
    const batch = newBatch(DEFAULT_CONFIG.batchSize, env.spec.features.length, env.spec.actions.length);
    const maxNext = new Float32Array(DEFAULT_CONFIG.batchSize);
    const state = buf.states.slice(0, env.spec.features.length);
    const train = (): void => dqnUpdate(net, buf, batch, rng, DEFAULT_CONFIG.gamma, maxNext);
    const act = (): void => {
      net.q(state);
    };
    bench.add(`train ${network}`, train);
    bench.add(`act ${network}`, act);
    cpu[network] = { trainMs: await cpuMs(300, train), actUs: 1000 * (await cpuMs(3000, act)), jobS: NaN };
  }
  await bench.run();
  for (const d of disposers) d();

  // One untimed job per implementation first (scenario caches, tfjs loading).
  const jobs = new Bench({ iterations: jobIterations, time: 0, warmup: true, warmupIterations: 1, warmupTime: 0 });
  for (const network of IMPLEMENTATIONS) jobs.add(`job ${network}`, () => dqnJob(network));
  await jobs.run();
  for (const network of IMPLEMENTATIONS) cpu[network]!.jobS = (await cpuMs(1, () => dqnJob(network))) / 1000;

  const figures = IMPLEMENTATIONS.map((network): DqnBenchFigure => {
    const train = bench.getTask(`train ${network}`)!.result as { latency: { mean: number } };
    const act = bench.getTask(`act ${network}`)!.result as { latency: { mean: number } };
    return {
      network,
      trainMs: train.latency.mean,
      trainP50Ms: median(bench.getTask(`train ${network}`)),
      actUs: act.latency.mean * 1000,
      actP50Us: median(bench.getTask(`act ${network}`)) * 1000,
      jobP50S: median(jobs.getTask(`job ${network}`)) / 1000,
      cpu: cpu[network]!,
    };
  });
  const [m, t] = figures as [DqnBenchFigure, DqnBenchFigure];
  return {
    scenarioId: DQN_BENCH_SCENARIO,
    features: env.spec.features.length,
    actions: env.spec.actions.length,
    figures,
    speedup: { train: t.trainP50Ms / m.trainP50Ms, act: t.actP50Us / m.actP50Us, job: t.jobP50S / m.jobP50S },
    cpuSpeedup: { train: t.cpu.trainMs / m.cpu.trainMs, act: t.cpu.actUs / m.cpu.actUs, job: t.cpu.jobS / m.cpu.jobS },
  };
}

/** Human-readable lines. */
export function formatDqnBench(r: DqnBenchReport): string {
  const lines = [`dqn network (${r.scenarioId}: ${r.features} features, ${r.actions} actions; medians)`];
  for (const f of r.figures) {
    lines.push(`  ${f.network.padEnd(5)} train step ${f.trainP50Ms.toFixed(3)} ms  act ${f.actP50Us.toFixed(1)} us  testing job ${f.jobP50S.toFixed(2)} s` +
      `  (CPU time: ${f.cpu.trainMs.toFixed(3)} ms, ${f.cpu.actUs.toFixed(1)} us, ${f.cpu.jobS.toFixed(2)} s)`);
  }
  lines.push(`  speedup of mlp over tfjs, wall medians: train x${r.speedup.train.toFixed(2)}, act x${r.speedup.act.toFixed(2)}, job x${r.speedup.job.toFixed(2)}`);
  lines.push(`  speedup of mlp over tfjs, CPU time: train x${r.cpuSpeedup.train.toFixed(2)}, act x${r.cpuSpeedup.act.toFixed(2)}, job x${r.cpuSpeedup.job.toFixed(2)}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = await benchDqn();
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatDqnBench(report)}\n`);
}
