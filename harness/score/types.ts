/**
 * What scoring a job produces: the metrics of one agent on one scenario with one seed, as a result
 * line of the journal (`harness/runner/types.ts`) records them.
 */
import type { EvalSummary } from '../env/episode.ts';
import type { EvalRefs } from '../reference/scale.ts';

/** Evaluation-phase metrics (the learned policy, greedy, on the held-out segment). */
export type EvalMetrics = EvalSummary;

export interface JobMetrics {
  /** Mean learning-phase reward of the random policy and the scale's reference on the same scenario and seed. */
  refs: { randomReward: number; oracleReward: number };
  /** Learning curve at log-spaced checkpoints of real interactions (trailing-window mean reward). */
  curve: { checkpoints: number[]; meanReward: number[]; normalised: number[]; window: number };
  /** Real interactions until the normalised curve stays above the threshold; null if never. */
  interactionsToThreshold: number | null;
  threshold: number;
  normalisedAuc: number;
  eval: EvalMetrics;
  /**
   * Mean evaluation-phase reward of the random policy and the scale's reference (`oracleReward`)
   * on the same segment; on `planning-v1` also each reference's own reward and accuracy-violation
   * rate and the upper bound (`harness/reference/scale.ts`).
   */
  evalRefs: EvalRefs;
  /** The evaluation reward on the 0 (random) to 1 (the scale's reference, see `JobResult.scale`) scale. */
  normalisedEvalReward: number;
  realSteps: number;
  planningUpdates: number;
  /** sha256 over every action and outcome of the job, for determinism checks. */
  decisionLogSha256: string;
  /** Agent-reported facts (e.g. tfjs backend). */
  info: Record<string, string | number | boolean>;
  /** The greedy policy at checkpoints of real interactions (absent for privileged agents and in older lines; see `harness/score/job.ts`). */
  greedyCurve?: GreedyCurve;
}

/** The greedy policy evaluated at checkpoints of real interactions, on fixed evaluation segments (see `harness/score/job.ts`). */
export interface GreedyCurve {
  /** Greedy decisions per checkpoint, over all its segments. */
  decisions: number;
  /** Evaluation segments per checkpoint (absent in lines written with one segment). */
  segments?: number;
  /** `learn` calls dropped because they arrived during an evaluation (absent in older lines). */
  sealedLearnCalls?: number;
  /**
   * Purity check (when run): whether the decision log with checkpoints equals the one of a
   * second run of a fresh agent without them, i.e. evaluating did not change the learner.
   */
  evalPure?: boolean;
  /** Mean reward of the random policy and the scale's reference on the same evaluation segments. */
  refs: { randomReward: number; oracleReward: number };
  checkpoints: number[];
  /** The greedy policy's mean reward over the segment, per checkpoint. */
  meanReward: number[];
  normalised: number[];
  /** First checkpoint from which the normalised reward is >= the threshold at every later checkpoint; null if never. */
  interactionsToThreshold: number | null;
}
