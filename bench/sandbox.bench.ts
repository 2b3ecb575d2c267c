/**
 * Per-decision cost of running a submission out of process (tinybench): one decision = `learn`
 * of the previous transition + `act` on the next observation (batched into one round trip), for
 * the same agent (the template's greedy rule) in-process, in the sandbox (Node child under the
 * permission model, relay thread, JSON lines) and as an external Python process. The sandbox's
 * overhead is its time minus the in-process time. A raw pipe ping-pong through the same relay
 * design (no JSON, no agent) is measured too: the transport's floor on this machine.
 *
 * Run: `node --import tsx bench/sandbox.bench.ts [--json]`.
 */
import { Bench } from 'tinybench';
import type { Agent, Transition } from '../harness/agent.ts';
import { OrchestrationEnv } from '../harness/env/env.ts';
import { loadScenario } from '../harness/scenario/load.ts';
import { CHECK_SCENARIO } from '../harness/submission/check.ts';
import { submissionFactory } from '../harness/submission/load.ts';
import { readSubmission } from '../harness/submission/manifest.ts';
import { fileURLToPath } from 'node:url';

export interface SandboxBenchFigure {
  mode: 'in-process' | 'sandbox' | 'external-python';
  /** Mean time per decision (learn + act), microseconds. */
  meanUs: number;
  p50Us: number;
  p99Us: number;
  /** meanUs minus the in-process meanUs. */
  overheadUs: number;
}

/** Measures the three modes on the checker's scenario (tinybench, `timeMs` per task). */
export async function benchSandbox(timeMs = 1500): Promise<SandboxBenchFigure[]> {
  const env = new OrchestrationEnv(await loadScenario(CHECK_SCENARIO, { variant: 'testing' }));
  const dir = (name: string): string => fileURLToPath(new URL(`../submissions/${name}`, import.meta.url));
  const agents: [SandboxBenchFigure['mode'], Agent][] = [];
  for (const [mode, name, sandbox] of [['in-process', 'template', false], ['sandbox', 'template', true], ['external-python', 'example-python', false]] as const) {
    agents.push([mode, await submissionFactory(readSubmission(dir(name)).submission, { sandbox })({ env: env.spec, seed: 1 })]);
  }
  const bench = new Bench({ time: timeMs, warmup: true });
  for (const [mode, agent] of agents) {
    // A fixed transition: the cost measured is the round trip, not the environment.
    let obs = env.reset(1, 'learn');
    const step = env.step(agent.act(obs));
    const d = env.lastDecision;
    const t: Transition = { obs, action: d.outcome.action, reward: d.reward, outcome: { ...d.outcome }, decidedAtMs: d.decidedAtMs, completedAtMs: d.completedAtMs, nextObs: step.obs };
    obs = step.obs;
    bench.add(mode, () => {
      agent.learn?.(t);
      agent.act(obs);
    });
  }
  await bench.run();
  for (const [, agent] of agents) agent.dispose?.();
  const figures = bench.tasks.map((task) => {
    const r = task.result as { latency: { mean: number; p50?: number; p99?: number } };
    return { mode: task.name as SandboxBenchFigure['mode'], meanUs: r.latency.mean * 1000, p50Us: (r.latency.p50 ?? NaN) * 1000, p99Us: (r.latency.p99 ?? NaN) * 1000, overheadUs: 0 };
  });
  const base = figures.find((f) => f.mode === 'in-process')!.meanUs;
  for (const f of figures) f.overheadUs = f.meanUs - base;
  return figures;
}

/** One line per mode. */
export function formatSandboxBench(figures: SandboxBenchFigure[]): string {
  return figures.map((f) => `${f.mode.padEnd(16)} mean ${f.meanUs.toFixed(1)} us  p50 ${f.p50Us.toFixed(1)} us  p99 ${f.p99Us.toFixed(1)} us  overhead ${f.overheadUs.toFixed(1)} us/decision`).join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const figures = await benchSandbox();
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(figures, null, 2)}\n` : `${formatSandboxBench(figures)}\n`);
  process.exit(0);
}
