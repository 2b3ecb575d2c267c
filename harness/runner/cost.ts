/**
 * Expected job cost, for scheduling (longest jobs first) and an honest ETA.
 *
 * A job's cost is a fixed part (scenario and agent set-up, its share of the reference episodes,
 * greedy checkpoints) plus a part proportional to its budget in decisions (learning +
 * evaluation), at a rate that depends mostly on the agent: a DQN decision costs a hundred times a
 * static policy's.
 * The model starts from prior rates per agent (measured on this project's 2-core reference
 * machine, full budgets, see the README's Benchmarks) and replaces them with what the run
 * measures: once an agent has finished jobs, its rate is their total wall time over their total
 * decisions; an agent with none yet gets its prior scaled by how the finished jobs compare with
 * their priors (the machine's speed). Cost figures only order jobs and estimate time: they never
 * change a result.
 */
import type { PlannedJob } from './types.ts';

/**
 * Prior wall time per 1000 decisions (ms), by agent, beside the fixed part below: from the main
 * command on this project's 2-core machine (`npx orchbench run`, 770 full-budget jobs of 22,000
 * decisions at 2 workers, 2026-11-27: `dqn` 7.7 s per job on the WebAssembly MLP kernel, `hybrid`
 * 0.9 s, every other baseline <= 0.3 s) and one full-budget `dqn-informed` job (79.9 s: its
 * network scores every action of every next state, 3 updates per training step).
 */
export const PRIOR_MS_PER_KILO_DECISION: Readonly<Record<string, number>> = {
  random: 5,
  'static-device': 5,
  'static-edge': 5,
  'static-cloud': 5,
  clairvoyant: 10,
  'plug-in': 10,
  'greedy-heuristic': 10,
  'q-learning': 10,
  // q-learning.ts's agent on the first 15 features: q-learning's prior.
  'q-learning-v4': 10,
  bandit: 15,
  dqn: 340,
  // The DQN with 1 + actions more inputs: testing jobs of the v3 default scenarios without the greedy curve took 1.4-3.0 s, dqn's 2.0-6.5 s (3 seeds, same run): the DQN's prior.
  'dqn-v4': 340,
  'dqn-informed': 3600,
  hybrid: 40,
  // 109-185 s per testing job at load 13-16, against 8-40 s for dqn (first measurements).
  'hybrid-v4': 2000,
};

/**
 * Prior fixed cost of a job (ms): full-budget jobs of the cheapest agents take 0.1-0.3 s in all
 * (see the README's Benchmarks). Without it, a cheap agent's job that is slower than its tiny
 * per-decision prior (a thread's first job, a busy machine) would scale every prior up by a
 * factor of ten or more.
 */
export const PRIOR_JOB_OVERHEAD_MS = 250;

/** The prior of an agent not in the table (a submission): a light learner. */
export const DEFAULT_PRIOR_MS_PER_KILO_DECISION = 100;

/** Decisions of a job whose plan does not say (jobs planned by older code, test fakes). */
const UNKNOWN_DECISIONS = 1000;

/** What the model needs of a job. */
export type CostedJob = Pick<PlannedJob, 'spec' | 'decisions'>;

export class CostModel {
  /** Per agent: finished jobs' total wall ms and decisions. */
  private readonly seen = new Map<string, { ms: number; decisions: number }>();
  private actualMs = 0;
  private priorMs = 0;

  /** The prior expected wall time of a job (ms). */
  static priorMs(job: CostedJob): number {
    const rate = PRIOR_MS_PER_KILO_DECISION[job.spec.agent] ?? DEFAULT_PRIOR_MS_PER_KILO_DECISION;
    return PRIOR_JOB_OVERHEAD_MS + (rate * (job.decisions ?? UNKNOWN_DECISIONS)) / 1000;
  }

  /** The expected wall time of a job (ms), from what has been measured so far. */
  expectedMs(job: CostedJob): number {
    const decisions = job.decisions ?? UNKNOWN_DECISIONS;
    const s = this.seen.get(job.spec.agent);
    if (s && s.decisions > 0) return (s.ms / s.decisions) * decisions;
    const speed = this.priorMs > 0 ? this.actualMs / this.priorMs : 1;
    return CostModel.priorMs(job) * speed;
  }

  /** Records a finished job's wall time. */
  observe(job: CostedJob, wallMs: number): void {
    const decisions = job.decisions ?? UNKNOWN_DECISIONS;
    const s = this.seen.get(job.spec.agent) ?? { ms: 0, decisions: 0 };
    s.ms += wallMs;
    s.decisions += decisions;
    this.seen.set(job.spec.agent, s);
    this.actualMs += wallMs;
    this.priorMs += CostModel.priorMs(job);
  }
}

/**
 * Estimated wall time (ms) to finish `pending` jobs (not started) and `running` ones (started
 * `elapsedMs` ago) on `workers` threads: the remaining work spread over the threads, but never
 * less than the longest single remaining job.
 */
export function etaMs(model: CostModel, pending: readonly CostedJob[], running: readonly { job: CostedJob; elapsedMs: number }[], workers: number): number {
  let work = 0;
  let longest = 0;
  for (const j of pending) {
    const e = model.expectedMs(j);
    work += e;
    longest = Math.max(longest, e);
  }
  for (const { job, elapsedMs } of running) {
    const e = Math.max(0, model.expectedMs(job) - elapsedMs);
    work += e;
    longest = Math.max(longest, e);
  }
  const lanes = Math.max(1, Math.min(workers, pending.length + running.length));
  return Math.max(work / lanes, longest);
}
