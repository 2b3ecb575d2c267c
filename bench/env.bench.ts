/**
 * Environment throughput and memory (tinybench).
 *
 * - decisions/s of the simulator with a constant-action agent (the first edge action) on
 *   default-like scenarios, resetting whenever a phase ends (medians of the timed batches);
 * - on the scenario with every factor on ({@link ALL_FACTORS_SCENARIO}: 16 users, battery,
 *   residency, edge background load, heavy-tailed deadlines, the radio's RRC tail), also
 *   decisions/s with every legal action in turn (device queues, residency and both shared tiers
 *   in use), and what-ifs/s: a what-if of every legal action before each decision, as the
 *   references do, its cost being the difference from the same loop without them;
 * - beside it a reference loop doing, per decision, the same number of trace lookups (binary
 *   searches on the scenario's access timeline) and heap operations (event queue replace-top,
 *   completion-heap push and drain) alone: the ratio is the simulator's overhead over its own
 *   data structures;
 * - memory: RSS after a long run on the 16-user scenario.
 */
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { OrchestrationEnv } from '../harness/env/env.ts';
import { CompletionHeap, EventQueue } from '../harness/env/heap.ts';
import { LinkTimeline } from '../harness/env/timeline.ts';
import { deriveRng } from '../harness/rng.ts';
import type { CompiledScenario } from '../harness/scenario/compiled.ts';
import { loadScenario } from '../harness/scenario/load.ts';
import { generateTrace } from '../harness/traces/generator.ts';

/**
 * A copy of `lte-driving-16u-battery-deadlines-v3` with the LTE radio's RRC tail on: every factor
 * of the simulator at once (a benchmark scenario, not an evaluation one).
 */
export const ALL_FACTORS_ID = 'bench-lte-driving-16u-all-factors-v1';
/** Its file. */
export const ALL_FACTORS_SCENARIO = fileURLToPath(new URL(`./scenarios/${ALL_FACTORS_ID}.json`, import.meta.url));

/** The scenarios measured: every factor on (16 users), and the v1 default-like ones, 16 users (1-hour generated 5G trace) and 4 users. */
export const BENCH_SCENARIOS = [ALL_FACTORS_SCENARIO, '5g-mmwave-16u-mixed-v1', 'lte-driving-4u-mixed-v1'];

export interface EnvBenchFigure {
  scenarioId: string;
  users: number;
  /** Simulated decisions per second (constant-action agent). */
  decisionsPerS: number;
  /** Relative margin of error of the per-batch time (%). */
  rmePct: number;
  /** Decisions per second of process CPU time over a fixed run: steadier on a busy machine. */
  cpuDecisionsPerS: number;
  /** The reference loop's "decisions" per second (lookups + heap operations only). */
  referencePerS: number;
  /** referencePerS / decisionsPerS. */
  overheadRatio: number;
  /** Every legal action in turn, with and without a what-if of every legal action before each decision (the all-factors scenario only). */
  mixed?: MixedFigure;
}

/** Decisions with every legal action in turn, and what-ifs (medians). */
export interface MixedFigure {
  legalActions: number;
  /** Decisions per second, every legal action in turn. */
  decisionsPerS: number;
  /** Decisions per second with a what-if of every legal action before each. */
  withWhatIfsDecisionsPerS: number;
  /** What-ifs per second: legal actions / (time per decision with them - without). */
  whatIfsPerS: number;
  /** The same three figures per CPU-second of the process over fixed runs: steadier on a busy machine. */
  cpuDecisionsPerS: number;
  cpuWithWhatIfsDecisionsPerS: number;
  cpuWhatIfsPerS: number;
  /** CPU time (us) of a reset of the evaluation phase with a seed seen before, as each checkpoint evaluation does. */
  cpuRepeatResetUs: number;
}

export interface EnvBenchReport {
  /** `tsx` when run through the tsx loader, `node` when run as compiled JavaScript. */
  runtime: string;
  node: string;
  batchDecisions: number;
  figures: EnvBenchFigure[];
  memory: { scenarioId: string; decisions: number; rssBeforeMb: number; rssMb: number; heapUsedMb: number };
}

export interface EnvBenchOptions {
  /** Decisions per timed batch (default 100,000). */
  batchDecisions?: number;
  /** Time budget per task (ms, default 1500). */
  timeMs?: number;
  /** Decisions for the memory run (default 2,000,000). */
  memoryDecisions?: number;
  scenarios?: CompiledScenario[];
}

/** Steps `n` decisions with a constant action, resetting when a phase ends. */
function runConstant(env: OrchestrationEnv, action: number, n: number, seed: { next: number }): void {
  for (let i = 0; i < n; ) {
    env.reset(seed.next++, 'learn');
    for (let done = false; !done && i < n; i++) done = env.step(action).done;
  }
}

/** The legal actions of a scenario (its mask is static). */
function legalActions(env: OrchestrationEnv): number[] {
  const mask = env.currentObservation.actionMask;
  return [...mask.keys()].filter((a) => mask[a] === 1);
}

/**
 * Steps `n` decisions with every legal action in turn, resetting when a phase ends; with
 * `whatIfs`, a what-if of every legal action before each decision. Returns a sum of the what-ifs' rewards.
 */
function runMixed(env: OrchestrationEnv, legal: readonly number[], n: number, seed: { next: number }, whatIfs: boolean): number {
  let sum = 0;
  for (let i = 0; i < n; ) {
    env.reset(seed.next++, 'learn');
    for (let done = false; !done && i < n; i++) {
      if (whatIfs) for (let k = 0; k < legal.length; k++) sum += env.whatIf(legal[k]!).reward;
      done = env.step(legal[i % legal.length]!).done;
    }
  }
  return sum;
}

/** The first unmasked edge action (a constant policy every scenario allows). */
function constantAction(env: OrchestrationEnv): number {
  const a = env.spec.actions.find((x) => x.tier === 'edge' && env.currentObservation.actionMask[x.index] === 1);
  if (!a) throw new Error(`bench: scenario ${env.spec.scenarioId} has no unmasked edge action`);
  return a.index;
}

/** The access timeline of user 0's trace (a generated one drawn once), for the reference loop. */
function referenceTimeline(s: CompiledScenario): LinkTimeline {
  const src = s.access[0]!;
  if (src.kind === 'fixed') return LinkTimeline.constant(src.uplinkMbps);
  const trace = src.kind === 'recorded' ? src.trace : generateTrace(src.params, src.durationS * 1000, deriveRng(0, 'bench'));
  return LinkTimeline.fromTrace(trace, 'up', false);
}

/**
 * Per decision: 5 binary searches (probe up/down, upload, download x 2 lookups in the simulator)
 * and the heap work of one arrival and one completion.
 */
function referenceLoop(tl: LinkTimeline, users: number, n: number): number {
  const q = new EventQueue(users);
  const h = new CompletionHeap(64);
  for (let u = 0; u < users; u++) q.push(u * 3.7, u);
  let acc = 0;
  const len = tl.lengthMs;
  for (let i = 0; i < n; i++) {
    const t = q.peekTimeMs();
    const x = (t * 7.3) % len;
    acc += tl.segmentAt(x) + tl.segmentAt((x + 11) % len) + tl.segmentAt((x + 23) % len) + tl.segmentAt((x + 31) % len) + tl.segmentAt((x + 47) % len);
    q.replaceTop(t + 50 + (i % 97), q.peekPayload());
    h.push(t + 120);
    acc += h.drainUntil(t);
  }
  return acc;
}

/** Runs the benchmark and returns the figures (prints nothing). */
export async function benchEnv(opts: EnvBenchOptions = {}): Promise<EnvBenchReport> {
  const batch = opts.batchDecisions ?? 100_000;
  const scenarios = opts.scenarios ?? (await Promise.all(BENCH_SCENARIOS.map((id) => loadScenario(id, { variant: 'full' }))));
  const bench = new Bench({ time: opts.timeMs ?? 1500, warmup: true });
  let sink = 0;
  const mixedBatch = Math.max(1, Math.floor(batch / 10));
  for (const s of scenarios) {
    const env = new OrchestrationEnv(s);
    env.reset(0, 'learn');
    const action = constantAction(env);
    const seed = { next: 1 };
    const tl = referenceTimeline(s);
    bench.add(`env ${s.id}`, () => runConstant(env, action, batch, seed));
    bench.add(`reference ${s.id}`, () => {
      sink += referenceLoop(tl, s.spec.users.count, batch);
    });
    if (s.id === ALL_FACTORS_ID) {
      const legal = legalActions(env);
      bench.add(`mixed ${s.id}`, () => void runMixed(env, legal, mixedBatch, seed, false));
      bench.add(`what-ifs ${s.id}`, () => {
        sink += runMixed(env, legal, mixedBatch, seed, true);
      });
    }
  }
  await bench.run();
  if (sink === -1) throw new Error('unreachable: keeps the reference loop from being optimised away');
  const perS = (name: string, n = batch): { perS: number; rme: number } => {
    const r = bench.getTask(name)?.result;
    if (!r || r.state !== 'completed') throw new Error(`bench task ${name} did not complete (${r?.state ?? 'missing'})`);
    return { perS: n / (r.latency.p50 / 1000), rme: r.latency.rme };
  };
  const figures = scenarios.map((s) => {
    const e = perS(`env ${s.id}`);
    const ref = perS(`reference ${s.id}`);
    const env = new OrchestrationEnv(s);
    env.reset(0, 'learn');
    const action = constantAction(env);
    const cpu0 = process.cpuUsage();
    runConstant(env, action, 10 * batch, { next: 1 });
    const cpu = process.cpuUsage(cpu0);
    const cpuDecisionsPerS = (10 * batch) / ((cpu.user + cpu.system) / 1e6);
    const figure: EnvBenchFigure = { scenarioId: s.id, users: s.spec.users.count, decisionsPerS: e.perS, rmePct: e.rme, cpuDecisionsPerS, referencePerS: ref.perS, overheadRatio: ref.perS / e.perS };
    if (s.id === ALL_FACTORS_ID) {
      const legal = legalActions(env);
      const mixed = perS(`mixed ${s.id}`, mixedBatch).perS;
      const withWhatIfs = perS(`what-ifs ${s.id}`, mixedBatch).perS;
      const cpuPerS = (whatIfs: boolean): number => {
        const n = 5 * mixedBatch;
        const c0 = process.cpuUsage();
        sink += runMixed(env, legal, n, { next: 1 }, whatIfs);
        const c = process.cpuUsage(c0);
        return n / ((c.user + c.system) / 1e6);
      };
      const resets = 2000;
      env.reset(1, 'eval');
      const r0 = process.cpuUsage();
      for (let i = 0; i < resets; i++) env.reset(1, 'eval');
      const r = process.cpuUsage(r0);
      const cpuMixed = cpuPerS(false);
      const cpuWithWhatIfs = cpuPerS(true);
      figure.mixed = {
        legalActions: legal.length,
        decisionsPerS: mixed,
        withWhatIfsDecisionsPerS: withWhatIfs,
        whatIfsPerS: legal.length / (1 / withWhatIfs - 1 / mixed),
        cpuDecisionsPerS: cpuMixed,
        cpuWithWhatIfsDecisionsPerS: cpuWithWhatIfs,
        cpuWhatIfsPerS: legal.length / (1 / cpuWithWhatIfs - 1 / cpuMixed),
        cpuRepeatResetUs: (r.user + r.system) / resets,
      };
    }
    return figure;
  });
  // Memory: the scenario with the most users, a long run from a fresh environment.
  const big = scenarios.reduce((a, b) => (b.spec.users.count > a.spec.users.count ? b : a));
  const env = new OrchestrationEnv(big);
  env.reset(0, 'learn');
  const memoryDecisions = opts.memoryDecisions ?? 2_000_000;
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  runConstant(env, constantAction(env), memoryDecisions, { next: 1 });
  const mem = process.memoryUsage();
  return {
    runtime: process.execArgv.some((a) => a.includes('tsx')) ? 'tsx' : 'node',
    node: process.version,
    batchDecisions: batch,
    figures,
    memory: { scenarioId: big.id, decisions: memoryDecisions, rssBeforeMb, rssMb: mem.rss / 2 ** 20, heapUsedMb: mem.heapUsed / 2 ** 20 },
  };
}

/** Human-readable lines for a report. */
export function formatEnvBench(r: EnvBenchReport): string {
  const lines = [`env benchmark (${r.runtime}, Node ${r.node}, batches of ${r.batchDecisions} decisions, medians; goal >= 2 M decisions/s with 16 users and every factor on)`];
  for (const f of r.figures) {
    lines.push(
      `  ${f.scenarioId} (${f.users} users): ${(f.decisionsPerS / 1e6).toFixed(2)} M decisions/s (±${f.rmePct.toFixed(1)}%), ` +
        `${(f.cpuDecisionsPerS / 1e6).toFixed(2)} M per CPU-second; ` +
        `reference lookups+heap ${(f.referencePerS / 1e6).toFixed(2)} M/s; overhead x${f.overheadRatio.toFixed(2)}`,
    );
    const m = f.mixed;
    if (m) {
      lines.push(
        `    every legal action in turn (${m.legalActions}): ${(m.decisionsPerS / 1e6).toFixed(2)} M decisions/s; with a what-if of each before every decision ` +
          `${(m.withWhatIfsDecisionsPerS / 1e6).toFixed(3)} M decisions/s, i.e. ${(m.whatIfsPerS / 1e6).toFixed(2)} M what-ifs/s; ` +
          `per CPU-second ${(m.cpuDecisionsPerS / 1e6).toFixed(2)} M, ${(m.cpuWithWhatIfsDecisionsPerS / 1e6).toFixed(3)} M and ${(m.cpuWhatIfsPerS / 1e6).toFixed(2)} M what-ifs; ` +
          `a reset with a seed seen before ${m.cpuRepeatResetUs.toFixed(0)} us of CPU`,
      );
    }
  }
  const m = r.memory;
  lines.push(`  memory: ${m.scenarioId} after ${m.decisions} decisions: RSS ${m.rssMb.toFixed(0)} MB (${m.rssBeforeMb.toFixed(0)} MB before the run), heap ${m.heapUsedMb.toFixed(0)} MB (goal < 200 MB RSS)`);
  return lines.join('\n');
}
