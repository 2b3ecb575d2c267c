/**
 * The DQN's cost per network implementation (tinybench): the typed-array MLP on its WebAssembly
 * SIMD kernel (`mlp-wasm`, the default) and on its JavaScript kernel (`mlp-js`; bit-identical
 * results, see `baselines/nn/mlp-wasm.ts`), against TensorFlow.js (`tfjs`, on the backend
 * `harness/tf.ts` picks), on the DQN's own network shape for a default scenario.
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
import { MLP_KERNEL_ENV } from '../baselines/nn/mlp-wasm.ts';
import { OrchestrationEnv } from '../harness/env/env.ts';
import { deriveRng } from '../harness/rng.ts';
import { runJob } from '../harness/runner/job.ts';
import { loadScenario, resolveScenarioFile } from '../harness/scenario/load.ts';

/** The scenario whose network shape and testing variant the benchmark runs. */
export const DQN_BENCH_SCENARIO = 'lte-driving-4u-mixed-v1';
/** Each implementation: its label, and the environment that selects it. */
const IMPLEMENTATIONS = [
  { label: 'mlp-wasm', env: { ORCHBENCH_NN: 'mlp', [MLP_KERNEL_ENV]: 'wasm' } },
  { label: 'mlp-js', env: { ORCHBENCH_NN: 'mlp', [MLP_KERNEL_ENV]: 'js' } },
  { label: 'tfjs', env: { ORCHBENCH_NN: 'tfjs', [MLP_KERNEL_ENV]: undefined } },
] as const;
type Implementation = (typeof IMPLEMENTATIONS)[number];

/** One implementation's measured costs. */
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

/** What {@link benchDqn} measured, per implementation, with the ratios between them. */
export interface DqnBenchReport {
  scenarioId: string;
  features: number;
  actions: number;
  figures: DqnBenchFigure[];
  /** Ratios of cost, per measure: `wall` of medians of wall time, `cpu` of CPU time. */
  speedup: {
    /** mlp-js / mlp-wasm. */
    wasmOverJs: { wall: Speedup; cpu: Speedup };
    /** tfjs / mlp-wasm. */
    wasmOverTfjs: { wall: Speedup; cpu: Speedup };
  };
}

/** A ratio of cost (slower over faster implementation) per measure of {@link DqnBenchFigure}. */
export interface Speedup {
  train: number;
  act: number;
  job: number;
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

/** Runs `fn` with `impl`'s environment variables set (undefined: unset), then restores them. */
async function withImplementation<T>(impl: Implementation, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(impl.env).map((k) => [k, process.env[k]]));
  const set = (vars: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(impl.env);
  try {
    return await fn();
  } finally {
    set(before);
  }
}

/** One dqn job on the bench scenario's testing variant with `impl`. */
async function dqnJob(impl: Implementation): Promise<void> {
  // By id: the scenario moved from default/ to legacy/ with the v2 suite.
  const file = resolveScenarioFile(DQN_BENCH_SCENARIO);
  const r = await withImplementation(impl, () => runJob({ agent: 'dqn', agentKind: 'baseline', scenario: DQN_BENCH_SCENARIO, scenarioFile: file, variant: 'testing', seed: 1 }));
  if (r.status !== 'ok') throw new Error(`bench dqn job failed: ${r.reason ?? ''}`);
}

/** Runs the benchmark; `timeMs` per step task, `jobIterations` jobs per implementation. */
export async function benchDqn(timeMs = 1500, jobIterations = 3): Promise<DqnBenchReport> {
  const scenario = await loadScenario(DQN_BENCH_SCENARIO, { variant: 'testing' });
  const env = new OrchestrationEnv(scenario);
  const bench = new Bench({ time: timeMs, warmup: true });
  const disposers: (() => void)[] = [];
  const cpu: Record<string, { trainMs: number; actUs: number; jobS: number }> = {};
  for (const impl of IMPLEMENTATIONS) {
    const network = impl.label;
    const ctx = { env: env.spec, seed: 1 };
    const { net } = await withImplementation(impl, () => createQNetwork(ctx, DEFAULT_CONFIG));
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
  for (const impl of IMPLEMENTATIONS) jobs.add(`job ${impl.label}`, () => dqnJob(impl));
  await jobs.run();
  for (const impl of IMPLEMENTATIONS) cpu[impl.label]!.jobS = (await cpuMs(1, () => dqnJob(impl))) / 1000;

  const figures = IMPLEMENTATIONS.map(({ label: network }): DqnBenchFigure => {
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
  const [w, j, t] = figures as [DqnBenchFigure, DqnBenchFigure, DqnBenchFigure];
  const ratios = (slow: DqnBenchFigure, fast: DqnBenchFigure): { wall: Speedup; cpu: Speedup } => ({
    wall: { train: slow.trainP50Ms / fast.trainP50Ms, act: slow.actP50Us / fast.actP50Us, job: slow.jobP50S / fast.jobP50S },
    cpu: { train: slow.cpu.trainMs / fast.cpu.trainMs, act: slow.cpu.actUs / fast.cpu.actUs, job: slow.cpu.jobS / fast.cpu.jobS },
  });
  return {
    scenarioId: DQN_BENCH_SCENARIO,
    features: env.spec.features.length,
    actions: env.spec.actions.length,
    figures,
    speedup: { wasmOverJs: ratios(j, w), wasmOverTfjs: ratios(t, w) },
  };
}

/** Human-readable lines. */
export function formatDqnBench(r: DqnBenchReport): string {
  const lines = [`dqn network (${r.scenarioId}: ${r.features} features, ${r.actions} actions; medians)`];
  for (const f of r.figures) {
    lines.push(`  ${f.network.padEnd(8)} train step ${f.trainP50Ms.toFixed(3)} ms  act ${f.actP50Us.toFixed(1)} us  testing job ${f.jobP50S.toFixed(2)} s` +
      `  (CPU time: ${f.cpu.trainMs.toFixed(3)} ms, ${f.cpu.actUs.toFixed(1)} us, ${f.cpu.jobS.toFixed(2)} s)`);
  }
  const show = (s: Speedup): string => `train x${s.train.toFixed(2)}, act x${s.act.toFixed(2)}, job x${s.job.toFixed(2)}`;
  for (const [name, s] of [['mlp-wasm over mlp-js', r.speedup.wasmOverJs], ['mlp-wasm over tfjs', r.speedup.wasmOverTfjs]] as const) {
    lines.push(`  speedup of ${name}, wall medians: ${show(s.wall)}; CPU time: ${show(s.cpu)}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = await benchDqn();
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatDqnBench(report)}\n`);
}
