/**
 * The agent contract: what every baseline and submission implements, Gymnasium-style.
 *
 * The harness owns the environment; an agent only ever sees {@link Observation}s and the
 * {@link Transition}s of its own decisions. A run is: `createAgent(context)`, then for each real
 * decision `act(obs)`; then `setMode('eval')` and `act` on the held-out evaluation segment;
 * finally `stats()` and `dispose()`.
 *
 * Feedback is causal, as a real orchestrator gets it: a request's outcome is known only when the
 * request completes in simulated time. In the learning phase, `learn(transition)` is called once
 * for every request whose `completedAtMs` is at or before the time of the next observation, in
 * completion order, before that observation's `act`. Meanwhile the agent keeps deciding for other
 * requests (with 16 users and an outage, thousands of decisions can pass before a request's
 * outcome arrives). Requests still in flight when the phase ends are never delivered.
 *
 * @example
 * ```ts
 * import type { AgentFactory } from 'orchbench/harness/agent.ts';
 * // Always run on the edge with the first unmasked action.
 * export const createAgent: AgentFactory = () => ({
 *   name: 'first-legal',
 *   act: (obs) => obs.actionMask.indexOf(1),
 * });
 * ```
 */
// Submissions are type-checked with `types: []` (harness/submission/typecheck.ts): the contract
// brings Node's types (rng.ts and the shipped examples use Node's modules), as it did while it
// reached them through the scenario types.
/// <reference types="node" />

/** A tier of the end-edge-cloud system. */
export type Tier = 'device' | 'edge' | 'cloud';

/** One action of the scenario's action table: run `modelId` on `tier`. */
export interface ActionDef {
  index: number;
  tier: Tier;
  modelId: string;
  /** The model's ImageNet top-1 accuracy (%), known to agents (it is public). */
  accuracyTop1Pct: number;
  /**
   * Median compute latency (ms) of the model on that tier at batch 1 without contention, from the
   * shipped device profile (public benchmark data, like a datasheet); `null` where masked.
   */
  medianComputeMs: number | null;
}

/** Names, meanings and bounds of the numeric feature vector (see `harness/env/features.ts`). */
export interface FeatureDef {
  name: string;
  description: string;
  min: number;
  max: number;
}

/**
 * The scenario's reward of one request, exactly as the environment computes it
 * (`harness/env/reward.ts`): every {@link Transition.reward} the agent learns from is
 *
 *     reward = -( latencyWeightPerS x latency (s) + energyWeightPerJ x device energy (J)
 *                 + accuracyViolationPenalty x [model top-1 < requirement]
 *                 + deadlineMissPenalty x [latency > deadline]
 *                 + batteryEmptyPenaltyPerRequest x [the user's battery was empty at the decision] )
 *
 * An accuracy violation is not forbidden, it costs `accuracyViolationPenalty`: compare it with
 * the latency it saves.
 */
export interface RewardWeights {
  latencyWeightPerS: number;
  energyWeightPerJ: number;
  accuracyViolationPenalty: number;
  deadlineMissPenalty: number;
  /** Paid by a request decided while its user's battery is empty; 0 when the scenario models no battery. */
  batteryEmptyPenaltyPerRequest: number;
}

/** How the leaderboard ranks agents (the same rule on every page and in every `EnvSpec`). */
export interface RankingRule {
  /** The overall ranking's metric: the evaluation phase's mean reward, normalised. */
  rankedBy: 'normalisedEvalReward';
  /** The separate sample-efficiency ranking's metric (real interactions, fewer is better). */
  sampleEfficiencyRankedBy: 'interactionsToThreshold';
  /** The normalised learning-curve level counted as "learned" on this scenario (random = 0, reference = 1). */
  sampleEfficiencyThreshold: number;
  /** The rule in words. */
  text: string;
}

/** The rule every leaderboard states; {@link EnvSpec.ranking} carries it with the scenario's threshold. */
export const RANKING_TEXT =
  "Ranked by the normalised evaluation reward: the mean of this scenario's reward (EnvSpec.reward) over the held-out evaluation segment, " +
  'with random = 0 and the scale\'s reference = 1 on the same segment (the planning reference on planning-v2; docs/references.md); across scenarios, the IQM over seeds and scenarios. ' +
  'Sample efficiency (real interactions until the learning curve stays above the threshold) is a ranking of its own; ' +
  'latency, energy, accuracy violations and deadline misses are reported beside them, never folded in with hidden weights.';

/** What an agent is told about the environment before the first decision. */
export interface EnvSpec {
  scenarioId: string;
  users: number;
  actions: readonly ActionDef[];
  features: readonly FeatureDef[];
  learningDecisions: number;
  evaluationDecisions: number;
  /** What the agent is scored on: the scenario's reward of each request. */
  reward: RewardWeights;
  /** How the leaderboard ranks agents on that reward. */
  ranking: RankingRule;
}

/**
 * What a real orchestrator can measure when a request arrives: values at or before `timeMs`,
 * never a future trace value.
 */
export interface Observation {
  /** Simulated time of the request's arrival (ms since the episode start). */
  timeMs: number;
  userId: number;
  request: {
    inputKb: number;
    accuracyRequirementTop1Pct: number;
    deadlineMs: number | null;
  };
  /** The user's link as measured by its last probe (probes run every `probeIntervalMs`). */
  link: { uplinkMbps: number; downlinkMbps: number; rttMs: number; ageMs: number };
  /**
   * Shared-tier load as each tier's load balancer reports it at `timeMs`: requests that have
   * arrived at the server (upload finished) and are waiting or in service; and its capacity
   * (parallel servers, from how the tier's profile was measured).
   */
  load: {
    edgeInSystem: number;
    edgeCores: number;
    cloudInSystem: number;
    cloudCapacity: number;
    /** Other tenants' CPU utilisation of the edge (%) at `timeMs`; 0 when the scenario models none. */
    edgeBackgroundPct: number;
  };
  /**
   * The orchestrator's own requests (every user's) decided and not yet completed at `timeMs`,
   * per tier of the decision: what it knows from its own dispatch log.
   */
  inFlight: { device: number; edge: number; cloud: number };
  /** This user's own device: local requests queued or computing, and all its requests in flight. */
  user: {
    deviceBacklog: number;
    inFlight: number;
    /** The device battery's state of charge (0..1) as of completed requests; 1 when the scenario models no battery. */
    batterySoc: number;
    /**
     * Milliseconds until this user's radio goes idle if nothing more is sent (the RRC tail left,
     * `harness/env/radio.ts`): the whole tail while one of its transfers is under way (when it ends
     * is not known yet), 0 when it is idle or the scenario models no radio.
     */
    radioTailMs: number;
    /**
     * Seconds until this user's device is next plugged in (`harness/env/charging.ts`): 0 while it
     * is plugged in; null when the scenario models no charging windows. A phone knows whether it
     * is charging, and a scheduled charge (a commute ending at a charger) is known ahead.
     */
    chargeInS: number | null;
    /** Whether this user's device is plugged in now (false without charging windows). */
    charging: boolean;
    /**
     * Per action: 1 when it runs on this user's device and its model is resident there (no load
     * time), else 0. Without a residency model every device action is 1. A plain array (not a
     * typed one) so that it crosses the submission wire protocol as a JSON array.
     */
    resident: number[];
  };
  /** 1 where the action is allowed for this request, 0 where the tier cannot run the model (or, with a hard accuracy requirement, the model is below this request's requirement). */
  actionMask: Uint8Array;
  /** Fixed-length numeric encoding, documented in `EnvSpec.features`. */
  features: Float32Array;
}

/** What happened to one request. Times in ms, energies in mJ. */
export interface Outcome {
  action: number;
  latencyMs: number;
  uploadMs: number;
  queueMs: number;
  computeMs: number;
  downloadMs: number;
  /** End-device energy for this request (compute, radio, idle while waiting). */
  deviceEnergyMj: number;
  /** Server-side (edge/cloud) energy for this request, reported separately. */
  serverEnergyMj: number;
  accuracyViolation: boolean;
  deadlineMiss: boolean;
}

/**
 * One real decision and its consequences, delivered to the agent in the learning phase when the
 * request completes (see the module comment): `completedAtMs <= nextObs.timeMs`.
 */
export interface Transition {
  /** The observation the decision was taken on (a copy kept by the harness). */
  obs: Observation;
  action: number;
  reward: number;
  outcome: Outcome;
  /** When the decision was taken (= `obs.timeMs`). */
  decidedAtMs: number;
  /** When the response reached the user (= decidedAtMs + outcome.latencyMs). */
  completedAtMs: number;
  /**
   * The observation the agent is about to act on when this transition is delivered: the first
   * request at or after `completedAtMs` (possibly another user's). For bootstrapping, it is the
   * state the system is in when the agent learns the outcome.
   */
  nextObs: Observation;
}

/**
 * Work an agent did, as the agent reports it (shown as reported; the harness counts real
 * interactions, the `env.step` calls, itself).
 */
export interface AgentStats {
  /** Real transitions learned from (delivered when their requests completed). */
  realSteps: number;
  /** Updates from simulated (model-generated) experience. */
  planningUpdates: number;
  /** CPU-side wall time spent learning from real transitions (ms). */
  learnMs: number;
  /** Time spent planning on a learned model (ms). */
  planningMs: number;
  /** Anything else worth recording (e.g. the tfjs backend in use). */
  info?: Record<string, string | number | boolean>;
}

export type AgentMode = 'learn' | 'eval';

export interface Agent {
  readonly name: string;
  /** Choose an action index; it must be unmasked in `obs.actionMask`. */
  act(obs: Observation): number;
  /**
   * Learn from one real transition, delivered when its request completes (learning phase only).
   * The object and its observations are reused after the call returns: copy what you keep.
   *
   * The greedy curve relies on this being the only way the eval-mode policy changes: when an agent
   * with `learn` received no call since the previous checkpoint, the harness reuses that
   * checkpoint's evaluation instead of evaluating again (learning-phase `act` and `setMode` must
   * not change what eval-mode `act` chooses).
   */
  learn?(t: Transition): void;
  /** Switch between learning (explore) and evaluation (greedy, no learning). */
  setMode?(mode: AgentMode): void;
  stats?(): AgentStats;
  dispose?(): void;
  /**
   * Declares a fixed policy: `act` is a pure function of the observation (no state that acting,
   * learning or evaluating changes, no random draws). The harness then evaluates the greedy policy
   * at the first checkpoint only and reuses that result at every later one (bit-identical to
   * evaluating again, since such a policy's evaluations are identical). Leave it unset for anything
   * that learns, keeps state across decisions or draws random numbers.
   */
  readonly fixedPolicy?: boolean;
}

/** What the harness gives a factory. */
export interface AgentContext {
  env: EnvSpec;
  /** The agent's own seed, derived from the root seed, scenario and run: use it for all randomness. */
  seed: number;
  /** Hyperparameter overrides (merged over the agent's documented defaults). */
  config?: Record<string, unknown>;
}

export type AgentFactory = (ctx: AgentContext) => Agent | Promise<Agent>;
