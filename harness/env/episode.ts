/**
 * One run of an agent on an environment: the learning phase (act, step, learn), then the
 * evaluation phase on the held-out segment (act, step; no learning), with a summary of the
 * evaluation and a sha256 over every decision for determinism checks. Optionally the greedy
 * policy is also evaluated at checkpoints during learning, on a separate environment instance
 * (see {@link CheckpointOptions}).
 */
import { createHash, type Hash } from 'node:crypto';
import type { Agent, AgentStats, Outcome } from '../agent.ts';
import { quantileSorted } from '../stats/descriptive.ts';
import { CheckpointRun, type CheckpointOptions } from './checkpoints.ts';
import type { OrchestrationEnv, Phase } from './env.ts';
import type { Seed } from '../rng.ts';

export type { CheckpointOptions } from './checkpoints.ts';

/** Evaluation-phase summary (times in ms, energies in mJ, rates in [0, 1]). */
export interface EvalSummary {
  meanLatencyMs: number;
  /** Type-7 95th percentile of the response times. */
  p95LatencyMs: number;
  meanDeviceEnergyMj: number;
  meanServerEnergyMj: number;
  accuracyViolationRate: number;
  deadlineMissRate: number;
  meanReward: number;
  decisions: number;
}

export interface EpisodeResult {
  /** Reward of every learning decision, in order. */
  learningRewards: Float64Array;
  eval: EvalSummary;
  agentStats: AgentStats | null;
  /** sha256 (hex) over every decision's phase, action and outcome, learning then evaluation. */
  logSha256: string;
  /**
   * With `opts.checkpoints`: the greedy policy's mean reward at each checkpoint reached, in order
   * (`at[i]` for i < length; a truncated trace can end learning before the last ones).
   */
  checkpointRewards?: Float64Array;
  /** With `opts.checkpoints`: `learn` calls dropped because they arrived during an evaluation (see `checkpoints.ts`). */
  sealedLearnCalls?: number;
  /** With `opts.checkpoints`: checkpoints whose previous evaluation was reused (the policy could not have changed). */
  reusedCheckpoints?: number;
}

export interface EpisodeOptions {
  /** Stop the learning phase after this many decisions (default: the scenario's budget). */
  learningDecisions?: number;
  /** Stop the evaluation phase after this many decisions (default: the scenario's budget). */
  evaluationDecisions?: number;
  /** Evaluate the greedy policy at these checkpoints of the learning phase. */
  checkpoints?: CheckpointOptions;
}

/** Fields hashed per decision. */
const LOG_FIELDS = 11;
const LOG_CHUNK_DECISIONS = 4096;

/** Buffers decisions in a typed array and hashes it a chunk at a time (one hash call per 4096). */
class DecisionLog {
  private readonly hash: Hash = createHash('sha256');
  private readonly buf = new Float64Array(LOG_FIELDS * LOG_CHUNK_DECISIONS);
  private n = 0;

  add(phase: Phase, o: Outcome): void {
    const b = this.buf;
    let i = this.n;
    b[i++] = phase === 'learn' ? 0 : 1;
    b[i++] = o.action;
    b[i++] = o.latencyMs;
    b[i++] = o.uploadMs;
    b[i++] = o.queueMs;
    b[i++] = o.computeMs;
    b[i++] = o.downloadMs;
    b[i++] = o.deviceEnergyMj;
    b[i++] = o.serverEnergyMj;
    b[i++] = o.accuracyViolation ? 1 : 0;
    b[i++] = o.deadlineMiss ? 1 : 0;
    this.n = i;
    if (i === b.length) this.flush();
  }

  private flush(): void {
    this.hash.update(new Uint8Array(this.buf.buffer, 0, this.n * 8));
    this.n = 0;
  }

  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }
}

/**
 * Runs `agent` on `env`: `reset(seed, 'learn')`, then act / step until the phase is done, giving
 * `learn` each transition the step delivers (the requests completed by the next observation's
 * time: feedback is causal) before the next `act`; greedy evaluations at `opts.checkpoints` (see
 * `CheckpointOptions` in `checkpoints.ts`); then `agent.setMode('eval')`, `reset(seed, 'eval')` and
 * act / step until done, with no learning. Transitions given to `learn` are reused buffers (copy
 * what you keep). Learning rewards and the decision log are recorded per decision, by the harness.
 *
 * @example
 * ```ts
 * const env = new OrchestrationEnv(scenario);
 * const r = runEpisode(env, createRandomAgent(7), 1);
 * console.log(r.eval.meanLatencyMs, r.logSha256);
 * ```
 */
export function runEpisode(env: OrchestrationEnv, agent: Agent, seed: Seed, opts: EpisodeOptions = {}): EpisodeResult {
  const log = new DecisionLog();
  const learnCap = opts.learningDecisions ?? env.spec.learningDecisions;
  const rewards = new Float64Array(Math.min(learnCap, env.spec.learningDecisions));
  let obs = env.reset(seed, 'learn');
  let n = 0;
  let done = rewards.length === 0;
  // Checkpoint evaluations live in checkpoints.ts; the episode uses the agent with sealable learning.
  const ck = opts.checkpoints ? new CheckpointRun(opts.checkpoints, env, agent) : null;
  if (ck) {
    agent = ck.agent;
    ck.after(0);
  }
  while (!done) {
    const action = agent.act(obs);
    const r = env.step(action);
    const d = env.lastDecision;
    rewards[n++] = d.reward;
    log.add('learn', d.outcome);
    // Causal feedback: the transitions of the requests completed by the next observation's time.
    if (agent.learn) for (const t of r.feedback) agent.learn(t);
    ck?.after(n);
    obs = r.obs;
    done = r.done || n >= rewards.length;
  }
  agent.setMode?.('eval');
  const evalCap = Math.min(opts.evaluationDecisions ?? env.spec.evaluationDecisions, env.spec.evaluationDecisions);
  return {
    learningRewards: rewards.subarray(0, n),
    eval: evaluatePolicy(env, agent, seed, evalCap, (o) => log.add('eval', o)),
    agentStats: agent.stats?.() ?? null,
    logSha256: log.digest(),
    ...(ck ? { checkpointRewards: ck.rewards(), sealedLearnCalls: ck.blockedLearnCalls(), reusedCheckpoints: ck.reused() } : {}),
  };
}

/**
 * Runs `agent` as it is (no mode switch, no learning) for up to `cap` decisions of the
 * evaluation phase of `env` reset with `seed`, and summarises them; `onOutcome` sees each
 * decision's outcome (valid only during the call).
 */
export function evaluatePolicy(env: OrchestrationEnv, agent: Agent, seed: Seed, cap: number, onOutcome?: (o: Outcome) => void): EvalSummary {
  const latencies = new Float64Array(cap);
  let m = 0;
  let device = 0;
  let server = 0;
  let violations = 0;
  let misses = 0;
  let reward = 0;
  let obs = env.reset(seed, 'eval');
  let done = cap === 0;
  while (!done) {
    const r = env.step(agent.act(obs));
    const o = env.lastDecision.outcome;
    onOutcome?.(o);
    latencies[m++] = o.latencyMs;
    device += o.deviceEnergyMj;
    server += o.serverEnergyMj;
    violations += o.accuracyViolation ? 1 : 0;
    misses += o.deadlineMiss ? 1 : 0;
    reward += env.lastDecision.reward;
    obs = r.obs;
    done = r.done || m >= cap;
  }
  const lat = latencies.subarray(0, m);
  let latSum = 0;
  for (let i = 0; i < m; i++) latSum += lat[i]!;
  return {
    meanLatencyMs: m > 0 ? latSum / m : NaN,
    p95LatencyMs: m > 0 ? quantileSorted(Float64Array.from(lat).sort(), 0.95) : NaN,
    meanDeviceEnergyMj: m > 0 ? device / m : NaN,
    meanServerEnergyMj: m > 0 ? server / m : NaN,
    accuracyViolationRate: m > 0 ? violations / m : NaN,
    deadlineMissRate: m > 0 ? misses / m : NaN,
    meanReward: m > 0 ? reward / m : NaN,
    decisions: m,
  };
}
