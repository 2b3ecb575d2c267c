/**
 * Greedy-policy evaluations during learning (the standard sample-efficiency measurement), kept out
 * of `runEpisode`'s loop, which only calls {@link CheckpointRun.after} after each real interaction.
 *
 * Eval purity is enforced, not assumed:
 * - the evaluation runs the agent through a read-only view that exposes `act` and nothing else, so
 *   no outcome, reward or transition of the held-out evaluation segments can reach it;
 * - while an evaluation runs, the agent's learning entry point is sealed: a `learn` call that
 *   reaches the agent the episode uses (e.g. a transition delivered by an environment while the
 *   evaluation runs) is dropped and counted (`blockedLearnCalls`), never forwarded.
 * What a view cannot stop is an agent changing its own state inside eval-mode `act` (consuming its
 * random stream, updating statistics from observations). That shows as a different decision log
 * with and without checkpoints; `scoreJob`'s purity check compares the two.
 *
 * An evaluation is not repeated where the policy cannot have changed since the previous checkpoint
 * (the agent contract's rules, see `Agent.fixedPolicy` and `Agent.learn`): the agent declares a
 * fixed policy, or it learns and no `learn` call reached it since. The previous checkpoint's reward
 * is reused, bit-identical to evaluating again, and the agent is not switched to `eval` at all.
 */
import type { Agent, Transition } from '../agent.ts';
import type { OrchestrationEnv } from './env.ts';
import { evaluatePolicy } from './episode.ts';
import { SealedKey, type Seed } from '../rng.ts';

/**
 * Where and how the greedy policy is evaluated during learning. After real interaction `at[i]`
 * (after its learning) the agent is switched to `setMode('eval')`, acts on every segment of `env`
 * (never the learning environment, so learning resumes where it was) and is switched back to
 * `setMode('learn')`. These decisions are not real interactions: they are neither learned from
 * nor part of the learning rewards or the decision log.
 */
export interface CheckpointOptions {
  /** Real interactions after which to evaluate, strictly increasing integers >= 0 (0: before the first decision, the untrained policy). */
  at: readonly number[];
  /** Decisions per evaluation segment (capped by the scenario's evaluation budget). */
  decisions: number;
  /** A separate instance of the same scenario's environment (never the learning one). */
  env: OrchestrationEnv;
  /**
   * Episode seed of the evaluation segment, or one seed per segment (each resets the evaluation
   * phase with its own trace offsets and requests). The same at every checkpoint and, for common
   * random numbers, for every agent.
   */
  seed: Seed | readonly Seed[];
  /** Reuse the previous evaluation where the policy cannot have changed (default true; false evaluates at every checkpoint, to check that reuse changes nothing). */
  reuse?: boolean;
}

/** Mean reward over every decision of the segments, and how many decisions that was. */
export interface SegmentsSummary {
  meanReward: number;
  decisions: number;
}

/**
 * Runs `agent` as it is (no mode switch, no learning) on up to `decisions` decisions of the
 * evaluation phase of `env` reset with each of `seeds`, and averages the rewards over all of them
 * (segments that a truncated trace ends early weigh by the decisions they have).
 */
export function evaluateSegments(env: OrchestrationEnv, agent: Agent, seeds: readonly Seed[], decisions: number): SegmentsSummary {
  let sum = 0;
  let count = 0;
  for (const seed of seeds) {
    const r = evaluatePolicy(env, agent, seed, Math.min(decisions, env.spec.evaluationDecisions));
    if (r.decisions > 0) sum += r.meanReward * r.decisions;
    count += r.decisions;
  }
  return { meanReward: count > 0 ? sum / count : NaN, decisions: count };
}

/** An agent whose learning entry point can be sealed for the duration of a call. */
export interface SealedLearning {
  /** The agent to run the episode with: forwards everything, but drops `learn` while sealed. */
  agent: Agent;
  /** What an evaluation sees: the agent's `act` (and name), nothing it could learn through. */
  view: Agent;
  /** Runs `fn` with learning sealed. */
  sealed<T>(fn: () => T): T;
  /** `learn` calls dropped because they arrived while sealed. */
  blocked(): number;
  /** `learn` calls forwarded to the agent (outside sealed calls). */
  learned(): number;
}

/** Wraps `inner` so its learning can be sealed (see {@link SealedLearning}). */
export function sealLearning(inner: Agent): SealedLearning {
  let sealed = false;
  let blocked = 0;
  let learned = 0;
  const learn = inner.learn?.bind(inner);
  const agent: Agent = {
    name: inner.name,
    act: (obs) => inner.act(obs),
    ...(learn
      ? {
          learn: (t: Transition) => {
            if (sealed) blocked++;
            else {
              learned++;
              learn(t);
            }
          },
        }
      : {}),
    ...(inner.setMode ? { setMode: (m: Parameters<NonNullable<Agent['setMode']>>[0]) => inner.setMode!(m) } : {}),
    ...(inner.stats ? { stats: () => inner.stats!() } : {}),
    ...(inner.dispose ? { dispose: () => inner.dispose!() } : {}),
    ...(inner.fixedPolicy ? { fixedPolicy: true } : {}),
  };
  return {
    agent,
    view: { name: inner.name, act: (obs) => inner.act(obs) },
    sealed: <T>(fn: () => T): T => {
      sealed = true;
      try {
        return fn();
      } finally {
        sealed = false;
      }
    },
    blocked: () => blocked,
    learned: () => learned,
  };
}

/** The checkpoint evaluations of one episode. */
export class CheckpointRun {
  /** The agent the episode must use (its learning is sealed during evaluations). */
  readonly agent: Agent;
  private readonly seal: SealedLearning;
  private readonly seeds: readonly Seed[];
  private readonly out: Float64Array;
  private k = 0;
  /** `learn` calls forwarded when the previous checkpoint was evaluated or reused. */
  private learnedAtLast = -1;
  private reusedCount = 0;

  /** @throws Error when `ck.env` is the learning environment or `ck.at` is not strictly increasing integers >= 0. */
  constructor(private readonly ck: CheckpointOptions, learningEnv: OrchestrationEnv, agent: Agent) {
    if (ck.env === learningEnv) throw new Error('runEpisode: checkpoint evaluations need their own environment instance');
    ck.at.forEach((c, i) => {
      if (!Number.isInteger(c) || c < 0 || (i > 0 && c <= ck.at[i - 1]!)) throw new Error(`runEpisode: checkpoints.at must be strictly increasing integers >= 0 (at[${i}] = ${c})`);
    });
    this.seeds = typeof ck.seed === 'number' || ck.seed instanceof SealedKey ? [ck.seed] : ck.seed;
    if (this.seeds.length === 0) throw new Error('runEpisode: checkpoints.seed needs at least one evaluation segment');
    this.seal = sealLearning(agent);
    this.agent = this.seal.agent;
    this.out = new Float64Array(ck.at.length);
  }

  /** Call after real interaction `n` (after its learning), and with 0 before the first: evaluates when `n` is the next checkpoint. */
  after(n: number): void {
    if (n !== this.ck.at[this.k]) return;
    const agent = this.seal.agent;
    const learned = this.seal.learned();
    const unchanged = agent.fixedPolicy === true || (agent.learn !== undefined && learned === this.learnedAtLast);
    this.learnedAtLast = learned;
    if (this.k > 0 && unchanged && this.ck.reuse !== false) {
      this.out[this.k] = this.out[this.k - 1]!;
      this.k++;
      this.reusedCount++;
      return;
    }
    agent.setMode?.('eval');
    this.out[this.k++] = this.seal.sealed(() => evaluateSegments(this.ck.env, this.seal.view, this.seeds, this.ck.decisions).meanReward);
    agent.setMode?.('learn');
  }

  /** The greedy policy's mean reward at each checkpoint reached, in order. */
  rewards(): Float64Array {
    return this.out.subarray(0, this.k);
  }

  /** `learn` calls dropped because they arrived during an evaluation. */
  blockedLearnCalls(): number {
    return this.seal.blocked();
  }

  /** Checkpoints whose reward was reused from the previous one instead of evaluated again. */
  reused(): number {
    return this.reusedCount;
  }
}
