/**
 * The scenario file format (what a user writes), as TypeScript types.
 *
 * The JSON Schema in `scenarios/schema/scenario.schema.json` is the normative definition; these
 * types mirror it so the rest of the harness is type-checked against the same shape. Units are in
 * field names: `rateHz`, `inputKb`, `rttMs`, `powerW`, `accuracyTop1Pct`.
 */

import type { ColumnMapping } from '../traces/formats/columns.ts';
import type { Tier } from '../agent.ts';
import type { TraceFormat } from '../traces/types.ts';

// Defined with the agent contract (the base layer); also exported here, where baselines/static.ts imports it.
export type { Tier };
export const TIERS: readonly Tier[] = ['device', 'edge', 'cloud'];

/** How requests arrive at each user. */
export type ArrivalSpec =
  | { process: 'poisson'; rateHz: number }
  | { process: 'periodic'; rateHz: number; jitterPct?: number }
  /**
   * Sessions: bursts of Poisson requests at `rateHz` (a session of `requestsPerSession` requests on
   * average, geometric), separated by pauses of `pauseS` seconds on average (exponential). The gaps
   * are independent (a renewal process with hyperexponential gaps), so it keeps no state.
   */
  | { process: 'sessions'; rateHz: number; requestsPerSession: number; pauseS: number };

/** The distribution of a request's accuracy requirement (ImageNet top-1, percent). */
export type AccuracyRequirementSpec = (
  | { distribution: 'fixed'; valueTop1Pct: number }
  | { distribution: 'uniform'; minTop1Pct: number; maxTop1Pct: number }
  | { distribution: 'choice'; valuesTop1Pct: number[]; weights?: number[] }
) & {
  /** A hard constraint: actions below a request's requirement are masked out of its `actionMask` (when one meets it). */
  hard?: boolean;
};

export interface UsersSpec {
  count: number;
  arrival: ArrivalSpec;
  accuracyRequirement: AccuracyRequirementSpec;
  /** Input payload uploaded when offloading (kilobytes, 1 kB = 1000 bytes). */
  inputKb: number;
  /** Result payload downloaded after remote inference (kilobytes). */
  outputKb: number;
  /** Deadline per request (ms); `null` for none (or when `deadline` draws one per request). */
  deadlineMs: number | null;
  /** Heavy-tailed per-request deadlines (`harness/env/deadlines.ts`); requires `deadlineMs: null`. */
  deadline?: DeadlineSpec;
}

/** The distribution of a request's own deadline (ms), clipped into [minMs, maxMs]. */
export type DeadlineSpec =
  | { distribution: 'lognormal'; medianMs: number; sigma: number; minMs: number; maxMs: number }
  | { distribution: 'pareto'; alpha: number; minMs: number; maxMs: number };

/** The end device's battery (`harness/env/battery.ts`). */
export interface BatterySpec {
  /** Full charge of the device class's battery (Wh), from a cited figure (`source`). */
  capacityWh: number;
  /** State of charge at the start of each phase (% of capacityWh). */
  initialSocPct: number;
  /** Added to the cost of every request decided while its user's battery is empty. */
  emptyPenaltyPerRequest: number;
  /** Where capacityWh comes from. */
  source: string;
  /** Charging windows: each user's device is plugged in on a schedule (`harness/env/charging.ts`). */
  charging?: ChargingSpec;
}

/**
 * The device's charging windows (`harness/env/charging.ts`): plugged in for `durationS` every
 * `periodS` (each user at its own seeded phase offset), charging the battery at `powerW`.
 */
export interface ChargingSpec {
  /** Time from one plug-in to the next (s). */
  periodS: number;
  /** Time plugged in per period (s), < periodS. */
  durationS: number;
  /** Power into the battery while plugged in (W), from a cited figure (`source`). */
  powerW: number;
  /** Where powerW comes from (the schedule itself is a modelling choice). */
  source: string;
}

/** End-device power figures (watts) used for the per-request energy model. */
export interface DevicePowerSpec {
  busyPowerW: number;
  idlePowerW: number;
  txPowerW: number;
  rxPowerW: number;
}

/** A file of the user's, relative to the scenario file's folder; `sha256` must match when given. */
export interface LocalFileRef { file: string; sha256?: string }

/** A shipped profile's id, or a profile file of the user's. */
export type ProfileRef = string | LocalFileRef;

export interface DeviceTierSpec { profile: ProfileRef; power: DevicePowerSpec; battery?: BatterySpec; residency?: ResidencySpec; radio?: RadioSpec }

/** One inactivity timer of the radio's tail (`harness/env/radio.ts`). */
export interface TailStageSpec {
  durationMs: number;
  powerW: number;
  /** Promotion from this stage back to transferring (0 for the first, connected stage). */
  promotionMs: number;
  promotionPowerW: number;
}

/** The cellular radio's RRC state machine (`harness/env/radio.ts`): tail stages after the last transfer, and the promotion from idle. */
export interface RadioSpec {
  /** At least one stage; the first is the connected state (its power is the base transfers are charged above). */
  tail: TailStageSpec[];
  idlePromotionMs: number;
  idlePromotionPowerW: number;
  /** Where the figures come from. */
  source: string;
}

/** Model residency on the end device (`harness/env/residency.ts`). */
export interface ResidencySpec {
  /** Model variants a device holds in memory at once. */
  slots: number;
}
export interface EdgeTierSpec {
  profile: ProfileRef;
  cores: number;
  /** `measured`: slow down by the profile's contention curve; `queue`: FIFO k-server queue. */
  contention: 'measured' | 'queue';
  /** Other tenants' CPU load (`harness/env/background.ts`): the id of a process in `scenarios/traces/load/`. */
  backgroundLoad?: { process: string };
}
export interface CloudTierSpec { profile: ProfileRef; capacity: number; contention: 'measured' | 'queue' }
export interface TiersSpec { device: DeviceTierSpec; edge: EdgeTierSpec; cloud: CloudTierSpec }

/**
 * A trace file of the user's in any importer format, resolved relative to the scenario file.
 * The format options mean what the importers' options mean (`harness/traces/load.ts`); a derived
 * uplink uses the scenario's `links.access.uplinkFraction`.
 */
export interface FileTraceRef extends LocalFileRef {
  format: TraceFormat;
  /** mahimahi: the uplink file and, optionally, its sha256. */
  uplinkFile?: string;
  uplinkSha256?: string;
  /** mahimahi, csv-columns: window (ms). */
  windowMs?: number;
  /** 5gophers: throughput column and row filter. */
  throughputColumn?: string;
  select?: Record<string, string | number>;
  /** csv-columns: the column mapping (required for that format). */
  columns?: ColumnMapping;
}

/** Where a link's bandwidth time series comes from. */
export type TraceRef =
  | { catalog: string }
  | { generator: string; durationS: number }
  | { fixed: { uplinkMbps: number; downlinkMbps: number } }
  | FileTraceRef;

export interface AccessLinkSpec {
  /** Traces assigned to users round-robin; each user replays from its own seeded offset. */
  traces: TraceRef[];
  /** Base round-trip time user <-> edge (ms), added to the trace's RTT when it has none. */
  rttMs: number;
  /** Uplink bandwidth as a fraction of downlink, for traces that record only one direction. */
  uplinkFraction: number;
}
export interface WanLinkSpec { trace: TraceRef; rttMs: number }
export interface LinksSpec { access: AccessLinkSpec; wan: WanLinkSpec }

export interface ModelSpec {
  /** Model id; must exist in every profile of a tier listed in `tiers`. */
  id: string;
  accuracyTop1Pct: number;
  tiers: Tier[];
}

/** Reward = -(latencyWeightPerS * responseTimeS + energyWeightPerJ * deviceEnergyJ
 *  + accuracyViolationPenalty * [violation] + deadlineMissPenalty * [miss]). */
export interface RewardSpec {
  latencyWeightPerS: number;
  energyWeightPerJ: number;
  accuracyViolationPenalty: number;
  deadlineMissPenalty: number;
}

export interface BudgetsSpec {
  /** Real decisions the agent may learn from. */
  learningDecisions: number;
  /** Decisions on the held-out evaluation segment (the agent does not learn). */
  evaluationDecisions: number;
}

export interface ReplaySpec {
  interpolation: 'step' | 'linear';
  atEnd: 'wrap' | 'truncate';
  /** `seeded`: each episode and user starts at an offset drawn from the seed; `zero`: at t=0. */
  startOffset: 'seeded' | 'zero';
  /** Fraction of each recorded trace held out (its tail) for the evaluation phase. */
  evaluationFraction: number;
}

export interface ObservationSpec {
  /** How often each user's link is probed; the observation carries the last probe (ms). */
  probeIntervalMs: number;
  /**
   * When a decision's outcome reaches the agent: `completion` (default; when the request
   * completes in simulated time, as a real orchestrator learns it) or `instant` (at decision
   * time: an ablation that leaks the request's future; never used by a shipped suite).
   */
  feedback?: 'completion' | 'instant';
}

export interface ScenarioSpec {
  $schema?: string;
  /** Versioned id, `name-vN`. */
  id: string;
  title: string;
  description: string;
  /** `user`: a scenario of your own, run by its file path. */
  suite: 'default' | 'recorded' | 'tuning' | 'user';
  users: UsersSpec;
  tiers: TiersSpec;
  links: LinksSpec;
  models: ModelSpec[];
  reward: RewardSpec;
  budgets: BudgetsSpec;
  replay: ReplaySpec;
  observation: ObservationSpec;
  /**
   * The sample-efficiency threshold of this scenario (default: 0.9 of the random-to-clairvoyant
   * gap). Fixed before any learner runs on the scenario (`orchbench scenario calibrate`).
   */
  sampleEfficiency?: SampleEfficiencySpec;
  /** The small variant CI runs: overrides applied on top of the full scenario (without its own `sampleEfficiency`, the full scenario's applies). */
  testing: { budgets: BudgetsSpec; usersCount?: number; sampleEfficiency?: SampleEfficiencySpec };
}

/** Where a learner counts as having learned (see `harness/experiment/calibrate.ts`). */
export interface SampleEfficiencySpec {
  /** Fraction of the random-to-clairvoyant gap (normalised score) a learner must reach and keep. */
  thresholdFraction: number;
  /** How it was set (the rule, the policies and seeds it was calibrated with). */
  source: string;
}
