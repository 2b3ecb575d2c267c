/**
 * The results journal format: one JSON line per finished job in `DIR/results.jsonl`.
 * Everything except `timing` is deterministic (same inputs -> bit-identical), so `timing` is kept
 * out of `jobHash` and `resultHash` and out of every determinism comparison. `provenance` (where
 * the inputs were found, and how the agent ran) is kept out of both hashes too: paths differ
 * between machines, and a deterministic submission gives the same result in and out of the sandbox.
 * It is sealed by its own `provenanceHash` instead.
 */
import type { EvalSummary } from '../env/episode.ts';
import type { EvalRefs, ScaleName } from '../reference/scale.ts';
import type { IsolationRecord } from '../submission/isolation.ts';

/** One unit of work: an agent on a scenario with a seed. */
export interface JobSpec {
  agent: string;
  agentKind: 'baseline' | 'submission';
  /**
   * For submissions: the submission folder (with `submission.json`), or a single module file
   * exporting `createAgent` (run in-process; for harness tests and quick local experiments).
   */
  agentPath?: string;
  /** For submission folders: run the agent isolated (bubblewrap); otherwise trusted. */
  sandbox?: boolean;
  scenario: string;
  scenarioFile: string;
  variant: 'full' | 'testing';
  /** The episode seed (an open run), or the seed index (a sealed run, see `sealed`). */
  seed: number;
  /**
   * A sealed run's commitment to its secret (see `sealed.ts`): the job's streams derive from the
   * secret and the seed index `seed`, and it runs only given the secret that matches.
   */
  sealed?: string;
  /** The normalised scale it is scored on (absent: the current one, `CURRENT_SCALE`); `verify` re-runs a line on its own (`lineScale`). */
  scale?: ScaleName;
}

/** Where a job's inputs were found and how its agent ran: what `orchbench verify` needs to re-run it. */
export interface JobProvenance {
  /** Scenario file, relative to the working directory when inside it. */
  scenarioFile: string;
  /** Submission folder (or module), relative to the working directory when inside it. */
  agentPath?: string;
  /** The submission ran isolated (see `isolation`). */
  sandbox?: boolean;
  /** How it was isolated: bubblewrap version, namespaces, limits. */
  isolation?: IsolationRecord;
  /** The submission ran without isolation (`--trusted`, or a bare module file): in the worker thread, where it could change other jobs' results too. */
  trusted?: boolean;
}

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

export interface JobResult {
  /** sha256 of (harness version, agent name, agent code hash, scenario hash, trace sha256s, variant, seed). */
  jobHash: string;
  harnessVersion: string;
  agent: string;
  agentKind: 'baseline' | 'submission';
  agentCodeHash: string;
  scenario: string;
  scenarioHash: string;
  traceSha256s: string[];
  /** The normalised scale of its metrics; absent: `clairvoyant-v3` (lines written before scales had names). */
  scale?: ScaleName;
  variant: 'full' | 'testing';
  /** The episode seed, or in a sealed line (with `sealed`) the seed index. */
  seed: number;
  /** A sealed run's commitment to its secret (absent in open runs). */
  sealed?: string;
  status: 'ok' | 'failed';
  /** Why a job failed (thrown error, time limit, memory limit, invalid action, crash). */
  reason?: string;
  metrics?: JobMetrics;
  /** Not in `resultHash` (see the file comment), sealed by `provenanceHash`; absent in lines written before it existed. */
  provenance?: JobProvenance;
  /** sha256 of `resultHash` and `provenance`: where and how the job ran cannot be edited unnoticed. */
  provenanceHash?: string;
  /** sha256 of the canonical deterministic part of this line (everything but timing, provenance and resultHash). */
  resultHash: string;
  /**
   * `purityMs`: the purity check's second run (experiment jobs that ran one), included in `wallMs`;
   * `referenceMs`: computing the references (0 when the thread or the run folder had them).
   */
  timing: { wallMs: number; learnMs: number; planningMs: number; evalMs: number; checkpointMs?: number; checkpointsReused?: number; purityMs?: number; referenceMs?: number };
}

/** What identifies a job's result, computable before running it (the parts of `jobHash`). */
export interface JobIdentity {
  jobHash: string;
  harnessVersion: string;
  agentCodeHash: string;
  scenarioHash: string;
  traceSha256s: string[];
  /** The scale, when not the legacy one (see `jobIdentity`). */
  scale?: ScaleName;
}

/** A job ready to run: its spec and its identity (computed in the main thread, for resume and shards). */
export interface PlannedJob {
  spec: JobSpec;
  id: JobIdentity;
  /** The job's budget in decisions (learning + evaluation), for its expected cost (`cost.ts`); absent = unknown. */
  decisions?: number;
}

/** `DIR/run.json`: what was run, written at the start of a run (and by `merge`). */
export interface RunManifest {
  /** The command line that produced the directory (argv after `node`). */
  command: string[];
  harnessVersion: string;
  nodeVersion: string;
  suite: string;
  agents: string[];
  scenarios: string[];
  seeds: number;
  rootSeed: number;
  /** A sealed run: the public run id and the commitment to its secret (the secret is in `secret.json`, never here). */
  sealed?: { runId: string; commitment: string };
  /** Submission folders run (also named in `agents`), as given on the command line. */
  submissions?: { name: string; path: string }[];
  /** Whether submissions ran isolated (bubblewrap; any language) or trusted. */
  sandbox?: boolean;
  /** `i/n` when this directory holds one shard; absent for a whole run or a merge. */
  shard?: string;
  /** The per-job time limit of the run (s; `--job-timeout-s`), which `verify` re-runs its jobs with. */
  jobTimeoutS?: number;
  /** Total jobs of the (unsharded) plan and the jobs of this directory's slice. */
  jobsPlanned: number;
  jobsInSlice: number;
}
