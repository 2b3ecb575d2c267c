/**
 * Cost of running a submission out of process (tinybench).
 *
 * Per decision: one decision = `learn` of the previous transition + `act` on the next observation
 * (batched into one round trip), for the same agent (the template's greedy rule) in-process, in the
 * sandbox (a Node child under bubblewrap and the permission model, JSON lines through two FIFOs
 * the harness thread writes and reads itself), and for the Python example as an isolated and as a trusted
 * external process. The overhead is the time minus the in-process time. The isolation is set up once per job, so it adds nothing here.
 *
 * Per job: the set-up an out-of-process agent costs before its first decision (starting its
 * sandbox, `hello`/`ready`), then its disposal; and the bundling a JS/TS submission's first job in a
 * thread adds (esbuild in its own sandbox; later jobs reuse the bundle).
 *
 * Run: `node --import tsx bench/sandbox.bench.ts [--json]`.
 */
import { Bench } from 'tinybench';
import type { Agent, AgentContext, Transition } from '../harness/agent.ts';
import { OrchestrationEnv } from '../harness/env/env.ts';
import { loadScenario } from '../harness/scenario/load.ts';
import { CHECK_SCENARIO } from '../harness/submission/check.ts';
import { bundleUncached } from '../harness/submission/bundle.ts';
import { requireBubblewrap } from '../harness/submission/isolation.ts';
import { submissionFactory } from '../harness/submission/load.ts';
import { readSubmission } from '../harness/submission/manifest.ts';
import { fileURLToPath } from 'node:url';

type Mode = 'in-process' | 'sandbox' | 'external-python' | 'external-python-trusted';

/** The submission and isolation of each mode. */
const MODES: readonly [Mode, string, boolean][] = [
  ['in-process', 'template', false],
  ['sandbox', 'template', true],
  ['external-python', 'example-python', true],
  ['external-python-trusted', 'example-python', false],
];

export interface SandboxBenchFigure {
  mode: Mode;
  /** Mean time per decision (learn + act), microseconds. */
  meanUs: number;
  p50Us: number;
  p99Us: number;
  /** meanUs minus the in-process meanUs. */
  overheadUs: number;
  /**
   * CPU time of the harness process per decision (us; all its threads, not the agent's process),
   * over a separate run of {@link CPU_DECISIONS} decisions: what waiting for the reply costs it,
   * the poll before blocking included.
   */
  harnessCpuUs: number;
}

/** Decisions of the CPU-time run of each mode. */
const CPU_DECISIONS = 5000;

export interface SetupFigure {
  mode: Mode | 'bundling (first job only)';
  /** Time from the factory call to a ready agent, plus its disposal (ms). */
  meanMs: number;
  p50Ms: number;
  samples: number;
}

const factoryOf = (name: string, sandbox: boolean) => submissionFactory(readSubmission(fileURLToPath(new URL(`../submissions/${name}`, import.meta.url))).submission, { sandbox });

/** Measures the modes on the checker's scenario (tinybench, `timeMs` per task). */
export async function benchSandbox(timeMs = 1500): Promise<SandboxBenchFigure[]> {
  const env = new OrchestrationEnv(await loadScenario(CHECK_SCENARIO, { variant: 'testing' }));
  const agents: [Mode, Agent][] = [];
  for (const [mode, name, sandbox] of MODES) agents.push([mode, await factoryOf(name, sandbox)({ env: env.spec, seed: 1 })]);
  const bench = new Bench({ time: timeMs, warmup: true });
  const decisions: [Mode, () => void][] = [];
  for (const [mode, agent] of agents) {
    // A fixed transition: the cost measured is the round trip, not the environment.
    let obs = env.reset(1, 'learn');
    const step = env.step(agent.act(obs));
    const d = env.lastDecision;
    const t: Transition = { obs, action: d.outcome.action, reward: d.reward, outcome: { ...d.outcome }, decidedAtMs: d.decidedAtMs, completedAtMs: d.completedAtMs, nextObs: step.obs };
    obs = step.obs;
    const decide = (): void => {
      agent.learn?.(t);
      agent.act(obs);
    };
    decisions.push([mode, decide]);
    bench.add(mode, decide);
  }
  await bench.run();
  const harnessCpuUs = new Map<string, number>();
  for (const [mode, decide] of decisions) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < CPU_DECISIONS; i++) decide();
    const c = process.cpuUsage(c0);
    harnessCpuUs.set(mode, (c.user + c.system) / CPU_DECISIONS);
  }
  for (const [, agent] of agents) agent.dispose?.();
  const figures = bench.tasks.map((task) => {
    const r = task.result as { latency: { mean: number; p50?: number; p99?: number } };
    return { mode: task.name as Mode, meanUs: r.latency.mean * 1000, p50Us: (r.latency.p50 ?? NaN) * 1000, p99Us: (r.latency.p99 ?? NaN) * 1000, overheadUs: 0, harnessCpuUs: harnessCpuUs.get(task.name)! };
  });
  const base = figures.find((f) => f.mode === 'in-process')!.meanUs;
  for (const f of figures) f.overheadUs = f.meanUs - base;
  return figures;
}

/** Measures the per-job set-up of the out-of-process modes (at least `iterations` each). */
export async function benchSetup(iterations = 10): Promise<SetupFigure[]> {
  const env = new OrchestrationEnv(await loadScenario(CHECK_SCENARIO, { variant: 'testing' }));
  const ctx: AgentContext = { env: env.spec, seed: 1 };
  const bench = new Bench({ time: 1, iterations, warmup: true, warmupIterations: 1 });
  for (const [mode, name, sandbox] of MODES.filter(([m]) => m !== 'in-process')) {
    const factory = factoryOf(name, sandbox);
    bench.add(mode, async () => {
      (await factory(ctx)).dispose?.();
    });
  }
  // Bundling (inside its own sandbox) is cached per thread: what a submission's first job adds.
  const template = readSubmission(fileURLToPath(new URL('../submissions/template', import.meta.url))).submission;
  bench.add('bundling (first job only)', () => bundleUncached(requireBubblewrap(), template).then(() => undefined));
  await bench.run();
  return bench.tasks.map((task) => {
    const r = task.result as { latency: { mean: number; p50?: number; samplesCount: number } };
    return { mode: task.name as SetupFigure['mode'], meanMs: r.latency.mean, p50Ms: r.latency.p50 ?? NaN, samples: r.latency.samplesCount };
  });
}

/** One line per mode. */
export function formatSandboxBench(figures: SandboxBenchFigure[], setup: SetupFigure[] = []): string {
  return [
    ...figures.map(
      (f) =>
        `${f.mode.padEnd(24)} mean ${f.meanUs.toFixed(1)} us  p50 ${f.p50Us.toFixed(1)} us  p99 ${f.p99Us.toFixed(1)} us  overhead ${f.overheadUs.toFixed(1)} us/decision  harness CPU ${f.harnessCpuUs.toFixed(1)} us/decision`,
    ),
    ...setup.map((s) => `${`set-up ${s.mode}`.padEnd(33)} mean ${s.meanMs.toFixed(1)} ms  p50 ${s.p50Ms.toFixed(1)} ms per job (${s.samples} samples)`),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const figures = await benchSandbox();
  const setup = await benchSetup();
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify({ figures, setup }, null, 2)}\n` : `${formatSandboxBench(figures, setup)}\n`);
  process.exit(0);
}
