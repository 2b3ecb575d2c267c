/**
 * The orchestration environment: a deterministic discrete-event simulator of N users sending
 * inference requests to their own device, a shared edge server or the cloud. It wires small
 * modules together, data flowing one way: links (`links.ts`, `timeline.ts`) and compute tiers
 * (`tiers.ts`) give a request's timeline; `energy.ts` and `reward.ts` price it; `feedback.ts`
 * holds its outcome until it completes; the next observation (`observation.ts`, `features.ts`)
 * carries only what a real orchestrator knows at that moment.
 *
 * Model (every modelling choice is documented here or in the module it belongs to):
 * - Arrivals: per user, Poisson or periodic with jitter; an event queue (time, then sequence)
 *   merges users. Each request's accuracy requirement and compute-sample draw come from the
 *   user's own streams, so the request sequence does not depend on the agent's actions (common
 *   random numbers across agents).
 * - Device: a single-server FIFO queue per user, compute = a latency sample of the model.
 * - Offloading: upload = input over the user's uplink (integrated over the trace from the
 *   arrival time) + RTT/2; download = output over the downlink + RTT/2 (one RTT in total).
 *   Cloud requests additionally cross the WAN both ways (store and forward at the edge). Links
 *   are per user and not shared (each transfer gets the trace's full rate); a transfer that
 *   cannot finish is cut off at 120 s. Offloaded uploads start at arrival.
 * - Shared tiers: capacity from how the profile was measured, FIFO servers or the measured
 *   contention curves (see `tiers.ts`).
 * - A request's whole timeline is computed when it is decided, in decision order (a request
 *   decided later never changes an earlier one's timeline), but its outcome reaches the agent
 *   only when it completes: `step` returns, with the next observation, the transitions of every
 *   request completed at or before that observation's time (see `feedback.ts`). The scenario
 *   option `observation.feedback: "instant"` delivers at decision time instead; it exists for
 *   ablations and is never used by a shipped suite.
 * - Energy: `energy.ts` (end device, no time counted twice); server: cloud = the profile's
 *   per-inference energy (else busy power x compute); edge = (profile busy power / cores, else
 *   {@link DEFAULT_EDGE_CORE_POWER_W}) x compute without contention slowdown.
 * - Observation: the user's link as of its last probe (probes at multiples of probeIntervalMs
 *   since the episode start), the orchestrator's own in-flight requests, the user's device
 *   backlog, its battery's state of charge, and the shared tiers' present load; nothing from the
 *   future.
 * - Optional sequential and heavy-tailed factors (scenario v2): a battery per device
 *   (`battery.ts`: drained by the device energy at completion; the request that finds it empty
 *   pays a penalty and the battery is recharged), model residency on the device (`residency.ts`:
 *   a non-resident model first pays its load time at busy power), and background load on the
 *   edge (`background.ts`: other tenants' CPU utilisation from a process fitted to a recorded
 *   cluster trace slows the edge's inferences) and per-request deadlines (`deadlines.ts`, drawn from the user's own stream).
 * - v4: the radio's RRC tail (`radio.ts`) and the battery's charging windows (`charging.ts`: each
 *   device plugged in on a seeded periodic schedule; the battery gains charge and requests
 *   completing then cost it nothing).
 */
import type { ActionDef, EnvSpec, Observation, Outcome, Transition } from '../agent.ts';
import type { DeviceProfile } from '../profiles/types.ts';
import { Rng, StreamCache, type RngState, type Seed } from '../rng.ts';
import type { CompiledScenario } from '../scenario/compiled.ts';
import type { ArrivalSpec, RewardSpec, Tier } from '../scenario/types.ts';
import { BackgroundLoad, type BackgroundState } from './background.ts';
import { Battery, type BatteryState } from './battery.ts';
import { ChargingWindows } from './charging.ts';
import { drawDeadlineMs } from './deadlines.ts';
import { NO_PROMOTION, RadioTails, type Promotion } from './radio.ts';
import { Residency, type ResidencyState } from './residency.ts';
import { DeviceEnergy } from './energy.ts';
import { fillFeatures } from './features.ts';
import { envSpecOf } from './spec.ts';
import { CLOUD, DEVICE, EDGE, Feedback, type DecisionRecord, type FeedbackState } from './feedback.ts';
import { EventQueue, type EventQueueState } from './heap.ts';
import { PhaseLinks, type Phase, type PhaseLinksState } from './links.ts';
import { copyObservation, copyOutcome, newObservation, newOutcome } from './observation.ts';
import { rewardOf } from './reward.ts';
import { SharedTier, type SharedTierState } from './tiers.ts';
import { constantRateTransferMs, type LinkReplay } from './timeline.ts';

export type { Phase } from './links.ts';
export type { DecisionRecord } from './feedback.ts';

/**
 * The complete state of an {@link OrchestrationEnv}, from {@link OrchestrationEnv.snapshot}:
 * opaque to callers, restorable into any instance of the same scenario.
 */
export interface EnvSnapshot {
  readonly scenarioHash: string;
  readonly phase: Phase;
  readonly budget: number;
  readonly decisions: number;
  readonly done: boolean;
  readonly truncatedEnd: boolean;
  /** The pending request: user, time, requirement, compute draw, battery penalty. */
  readonly cur: readonly [number, number, number, number, number];
  readonly curDeadlineMs: number | null;
  readonly obsIndex: number;
  readonly obs: readonly [Observation, Observation];
  readonly record: DecisionRecord;
  readonly resultFeedbackDelivered: boolean;
  /** Per user: device free time, probe time and the probed uplink, downlink and RTT. */
  readonly perUser: Float64Array;
  /** Per stream kind (arrivals, requirement, compute, deadline), per user: the generator state. */
  readonly rngs: readonly [RngState[], RngState[], RngState[], RngState[]];
  readonly events: EventQueueState;
  readonly links: PhaseLinksState;
  readonly edge: SharedTierState;
  readonly cloud: SharedTierState;
  readonly energy: Float64Array;
  readonly feedback: FeedbackState;
  readonly battery: BatteryState | null;
  readonly residency: ResidencyState | null;
  readonly background: BackgroundState | null;
  readonly radio: ReturnType<RadioTails['snapshot']> | null;
}
export { slowdownAt } from './tiers.ts';

/** Per-core power (W) of an edge server whose profile has no power figure: a documented estimate
 *  (a ~350 W server CPU with ~56 cores, about 6 W per busy core). */
export const DEFAULT_EDGE_CORE_POWER_W = 6;

/** What `step` returns: only what the agent may see. The object is reused: valid until the next `step`. */
export interface StepResult {
  /** The next request's observation. */
  obs: Observation;
  /**
   * Transitions of the requests that completed at or before `obs.timeMs` (learning phase only),
   * in completion order: give them to `agent.learn` before `agent.act(obs)`. Reused buffers,
   * valid until the next `step`.
   */
  feedback: readonly Transition[];
  /** True after the phase's last decision (budget reached, or a truncated trace ended). */
  done: boolean;
}


/**
 * Inputs of a what-if timeline ({@link OrchestrationEnv.whatIf}): each flag replaces a true input
 * by an estimate; none set is the truth.
 */
export interface WhatIfInputs {
  /** The model's mean compute time instead of the request's true draw. */
  readonly meanCompute?: boolean;
  /** Every transfer at its link's rate at the decision time (held constant) instead of the true future rates. */
  readonly presentRates?: boolean;
  /** Device actions as if their model were resident (no load time). */
  readonly resident?: boolean;
  /**
   * Offloads as if the device's radio were connected (no promotion; its own activity charged at the
   * connected power, no tail): the tail an offload opens counted as an investment later offloads
   * share, as `resident` counts a load. No effect without a radio model.
   */
  readonly connected?: boolean;
  /**
   * The upper bound's relaxation: the request's coupling to every other removed. No queue (it
   * starts when its input is ready, at the tier's least contention), its model resident, no idle
   * energy and its download received at the link's peak rate (for energy), no battery penalty.
   * Nothing else changes (its draw, requirement, deadline, the true link rates of its transfers,
   * the edge's background load), so no policy's reward for the request can exceed it.
   */
  readonly relaxed?: boolean;
}

/** The true inputs. */
export const TRUE_INPUTS: WhatIfInputs = {};

/** A what-if outcome of the pending request (ms, mJ). */
export interface WhatIf {
  reward: number;
  latencyMs: number;
  deviceEnergyMj: number;
}

/**
 * A transfer's duration (ms) of `kbit` starting at replay position `pos`: over the true rates, or
 * with `present` (the plug-in's estimate) at the rate at the decision's position `nowPos` held constant.
 */
function transferMs(present: boolean, replay: LinkReplay, nowPos: number, pos: number, kbit: number): number {
  return present ? constantRateTransferMs(kbit, replay.rateAt(nowPos)) : replay.transferMs(pos, kbit);
}

const TIER_CODE: Record<Tier, number> = { device: DEVICE, edge: EDGE, cloud: CLOUD };

/** One request's timeline under one action (times in ms from its arrival, energies in mJ). */
class RequestTimeline {
  uploadMs = 0;
  queueMs = 0;
  computeMs = 0;
  downloadMs = 0;
  /** Radio transmit and receive time (the parts of upload/download spent sending bits). */
  txMs = 0;
  rxMs = 0;
  readyAtMs = 0;
  finishAtMs = 0;
  completedAtMs = 0;
  deviceEnergyMj = 0;
  serverEnergyMj = 0;
  /** The radio promotion the upload waits for (`radio.ts`; none without a radio model or on the device). */
  promotion: Promotion = NO_PROMOTION;
  get latencyMs(): number {
    return this.uploadMs + this.queueMs + this.computeMs + this.downloadMs;
  }
}

/** The upload of the pending request to one shared tier (ms, from its arrival), as {@link OrchestrationEnv.timeline} uses it. */
class UploadLeg {
  /** The {@link OrchestrationEnv} request epoch it was computed in (-1: never). */
  epoch = -1;
  halfRttMs = 0;
  wanHalfRttMs = 0;
  txMs = 0;
  uploadMs = 0;
  /** The edge's background-load slowdown when the input arrives (1 elsewhere). */
  backgroundSlowdown = 1;
  promotion: Promotion = NO_PROMOTION;
}

/**
 * The environment. Gymnasium-like: `reset(seed, phase)` returns the first observation,
 * `step(action)` decides the pending request and returns the next request's observation with
 * the feedback that has arrived by then.
 *
 * Buffers are reused so the hot loop does not allocate: observations are written into two
 * buffers in turn (in the learning phase a decided observation becomes its transition's, and a
 * freed transition's takes its place), so an observation stays valid until the second `step`
 * after the call that returned it;
 * the StepResult and its transitions are valid until the next `step`. Agents that keep any of
 * them must copy.
 *
 * @example
 * ```ts
 * const env = new OrchestrationEnv(await loadScenario('lte-driving-4u-mixed-v1', { variant: 'testing' }));
 * let obs = env.reset(1, 'learn');
 * for (let done = false; !done; ) {
 *   const r = env.step(obs.actionMask.indexOf(1));
 *   for (const t of r.feedback) agent.learn(t);
 *   obs = r.obs;
 *   done = r.done;
 * }
 * ```
 */
export class OrchestrationEnv {
  readonly spec: EnvSpec;
  readonly scenario: CompiledScenario;

  // Static tables, one entry per action.
  private readonly actionCount: number;
  private readonly tierOf: Int8Array;
  private readonly mask: Uint8Array;
  private readonly accuracy: Float64Array;
  private readonly sampleStart: Int32Array;
  private readonly sampleLen: Int32Array;
  private readonly samples: Float64Array;
  private readonly meanMs: Float64Array;
  private readonly serverFixedMj: Float64Array;
  private readonly serverPowerW: Float64Array;

  private readonly users: number;
  private readonly rewardSpec: RewardSpec;
  private readonly upKbit: number;
  private readonly downKbit: number;
  private readonly probeIntervalMs: number;
  private readonly instantFeedback: boolean;
  private readonly edge: SharedTier;
  private readonly cloud: SharedTier;
  private readonly links: PhaseLinks;
  private readonly energy: DeviceEnergy;
  private readonly feedback: Feedback;
  /** Null when the scenario's device has no battery. */
  private readonly battery: Battery | null;
  /** Null when the battery is never charged (no `tiers.device.battery.charging`). */
  private readonly charging: ChargingWindows | null;
  /** The charging period (s) the features scale the time to the next charge by; 0 without charging windows. */
  private readonly chargingPeriodS: number;
  /** Null when the edge has no background tenants. */
  private readonly background: BackgroundLoad | null;
  /** Null when every device model is always resident. */
  private readonly residency: Residency | null;
  private readonly radio: RadioTails | null;
  /** 1 for device actions (for the observation's resident mask). */
  private readonly isDevice: Int8Array;

  // Per-user state.
  /** The per-user arrays below are views of this one buffer, so a snapshot copies them at once. */
  private readonly perUser: Float64Array;
  private readonly deviceFreeAtMs: Float64Array;
  private readonly probeAtMs: Float64Array;
  private readonly probeUp: Float64Array;
  private readonly probeDown: Float64Array;
  private readonly probeRtt: Float64Array;
  private arrivalRng: Rng[] = [];
  private requirementRng: Rng[] = [];
  private computeRng: Rng[] = [];
  private deadlineRng: Rng[] = [];
  private readonly events: EventQueue;

  // The pending request.
  private curUser = 0;
  private curTimeMs = 0;
  private curRequirement = 0;
  private curDraw = 0;
  private curDeadlineMs: number | null = null;
  /** The pending request's battery penalty (its user's battery is empty at its decision). */
  private curEmptyPenalty = 0;
  private truncatedEnd = false;

  private readonly obsBuf: [Observation, Observation];
  private obsIndex = 0;
  private readonly result: StepResult;
  private readonly record: DecisionRecord = { reward: 0, outcome: newOutcome(), decidedAtMs: 0, completedAtMs: 0 };
  private readonly tl = new RequestTimeline();
  /** Every reset with a seed and phase seen before re-derives the same streams: from here, without hashing. */
  private readonly streams = new StreamCache();
  /** Upload legs by tier (edge, cloud) x present rates x connected ({@link uploadLeg}). */
  private readonly legs = Array.from({ length: 8 }, () => new UploadLeg());
  /** Changes whenever the pending request or the state does (a new request, a restore): invalidates {@link legs}. */
  private requestEpoch = 0;
  private readonly whatIfResult: WhatIf = { reward: 0, latencyMs: 0, deviceEnergyMj: 0 };
  private phase: Phase = 'learn';
  private budget = 0;
  private decisions = 0;
  private started = false;
  private done = false;

  constructor(scenario: CompiledScenario) {
    const s = scenario.spec;
    this.scenario = scenario;
    this.users = s.users.count;
    this.actionCount = scenario.actions.length;
    this.spec = envSpecOf(scenario);
    const n = this.actionCount;
    this.tierOf = new Int8Array(n);
    this.mask = new Uint8Array(n);
    this.accuracy = new Float64Array(n);
    this.sampleStart = new Int32Array(n);
    this.sampleLen = new Int32Array(n);
    this.meanMs = new Float64Array(n);
    this.serverFixedMj = new Float64Array(n);
    this.serverPowerW = new Float64Array(n);
    const all: number[] = [];
    scenario.actions.forEach((a, i) => {
      if (a.index !== i) throw new Error(`scenario ${scenario.id}: action ${i} has index ${a.index}; the action table must be in index order`);
      this.tierOf[i] = TIER_CODE[a.tier];
      this.accuracy[i] = a.accuracyTop1Pct;
      const model = s.models.find((m) => m.id === a.modelId);
      const latency = scenario.profiles[a.tier].models[a.modelId];
      if (!model?.tiers.includes(a.tier)) return; // masked: the scenario does not run it there
      if (!latency || latency.latencySamplesMs.length === 0) {
        throw new Error(`scenario ${scenario.id}: profile "${scenario.profiles[a.tier].id}" (${a.tier}) has no latency samples for model "${a.modelId}"`);
      }
      this.mask[i] = 1;
      this.sampleStart[i] = all.length;
      this.sampleLen[i] = latency.latencySamplesMs.length;
      all.push(...latency.latencySamplesMs);
      this.meanMs[i] = latency.latencySamplesMs.reduce((x, y) => x + y, 0) / latency.latencySamplesMs.length;
      this.setServerEnergy(i, a, scenario.profiles[a.tier], latency.energyMjPerInference);
    });
    this.samples = Float64Array.from(all);
    this.rewardSpec = s.reward;
    this.upKbit = s.users.inputKb * 8;
    this.downKbit = s.users.outputKb * 8;
    this.probeIntervalMs = s.observation.probeIntervalMs;
    this.instantFeedback = s.observation.feedback === 'instant';
    const tier = (t: 'edge' | 'cloud', cores: number, contention: 'queue' | 'measured'): SharedTier => {
      try {
        return new SharedTier(t, cores, contention, scenario.profiles[t], scenario.actions);
      } catch (e) {
        throw new Error(`scenario ${scenario.id}: ${(e as Error).message}`);
      }
    };
    this.edge = tier('edge', s.tiers.edge.cores, s.tiers.edge.contention);
    this.cloud = tier('cloud', s.tiers.cloud.capacity, s.tiers.cloud.contention);
    this.links = new PhaseLinks(scenario, this.streams);
    const power = s.tiers.device.power;
    this.radio = s.tiers.device.radio ? new RadioTails(this.users, s.tiers.device.radio) : null;
    // With a radio model, transfers cost their power above the connected base (radio.ts charges the base).
    const base = this.radio?.basePowerW ?? 0;
    this.energy = new DeviceEnergy(this.users, { ...power, txPowerW: power.txPowerW - base, rxPowerW: power.rxPowerW - base });
    this.feedback = new Feedback(this.users, n, this.mask, this.spec.features.length);
    const chargingSpec = s.tiers.device.battery?.charging;
    this.charging = chargingSpec ? new ChargingWindows(this.users, chargingSpec) : null;
    this.chargingPeriodS = chargingSpec?.periodS ?? 0;
    this.battery = s.tiers.device.battery ? new Battery(this.users, s.tiers.device.battery, this.charging) : null;
    this.isDevice = Int8Array.from(this.tierOf, (t, i) => (t === DEVICE && this.mask[i] === 1 ? 1 : 0));
    this.residency = s.tiers.device.residency ? this.newResidency(s.tiers.device.residency.slots) : null;
    this.background = scenario.backgroundLoad ? new BackgroundLoad(scenario.backgroundLoad) : null;
    const u = this.users;
    this.perUser = new Float64Array(5 * u);
    this.deviceFreeAtMs = this.perUser.subarray(0, u);
    this.probeAtMs = this.perUser.subarray(u, 2 * u);
    this.probeUp = this.perUser.subarray(2 * u, 3 * u);
    this.probeDown = this.perUser.subarray(3 * u, 4 * u);
    this.probeRtt = this.perUser.subarray(4 * u, 5 * u);
    this.events = new EventQueue(u);
    this.obsBuf = [newObservation(n, this.mask, this.spec.features.length), newObservation(n, this.mask, this.spec.features.length)];
    this.result = { obs: this.obsBuf[0], feedback: [], done: false };
  }

  private setServerEnergy(i: number, a: ActionDef, profile: DeviceProfile, perInferenceMj: number | undefined): void {
    if (a.tier === 'edge') {
      const busy = profile.power?.busyPowerW;
      this.serverPowerW[i] = busy !== undefined ? busy / this.scenario.spec.tiers.edge.cores : DEFAULT_EDGE_CORE_POWER_W;
    } else if (a.tier === 'cloud') {
      if (perInferenceMj !== undefined) this.serverFixedMj[i] = perInferenceMj;
      else this.serverPowerW[i] = profile.power?.busyPowerW ?? 0;
    }
  }

  /** The residency tracker: model index per action, the device profile's load time per device action. */
  private newResidency(slots: number): Residency {
    const sc = this.scenario;
    const models = sc.spec.models.map((m) => m.id);
    const modelOf = Int32Array.from(sc.actions, (a) => models.indexOf(a.modelId));
    const loadMs = Float64Array.from(sc.actions, (a, i) => {
      if (a.tier !== 'device' || this.mask[i] === 0) return 0;
      const load = sc.profiles.device.models[a.modelId]?.loadMs;
      if (load === undefined) throw new Error(`scenario ${sc.id}: tiers.device.residency needs the device profile "${sc.profiles.device.id}" to give loadMs for model "${a.modelId}"`);
      return load;
    });
    return new Residency(this.users, slots, modelOf, loadMs);
  }

  /** The pending request's observation (as last returned by `reset` or `step`). */
  get currentObservation(): Observation {
    return this.obsBuf[this.obsIndex]!;
  }

  /** Decisions taken in the current phase. */
  get decisionCount(): number {
    return this.decisions;
  }

  /** Harness-only: the reward and outcome of the last decision (see {@link DecisionRecord}). */
  get lastDecision(): Readonly<DecisionRecord> {
    return this.record;
  }

  /**
   * Starts a phase. The same seed and phase always give the same request sequence, trace offsets
   * and compute samples; `eval` replays the held-out trace segment.
   */
  reset(seed: Seed, phase: Phase): Observation {
    const s = this.scenario.spec;
    const id = this.scenario.id;
    this.phase = phase;
    this.budget = phase === 'learn' ? s.budgets.learningDecisions : s.budgets.evaluationDecisions;
    this.decisions = 0;
    this.done = this.budget <= 0;
    this.started = true;
    this.truncatedEnd = false;
    this.links.reset(seed, phase);
    this.arrivalRng = [];
    this.requirementRng = [];
    this.computeRng = [];
    this.deadlineRng = [];
    this.events.clear();
    for (let u = 0; u < this.users; u++) {
      this.arrivalRng.push(this.streams.derive(seed, id, phase, 'arrivals', u));
      this.requirementRng.push(this.streams.derive(seed, id, phase, 'requirement', u));
      this.computeRng.push(this.streams.derive(seed, id, phase, 'compute', u));
      this.deadlineRng.push(this.streams.derive(seed, id, phase, 'deadline', u));
      this.events.push(this.firstArrivalMs(s.users.arrival, this.arrivalRng[u]!), u);
    }
    this.deviceFreeAtMs.fill(0);
    this.probeAtMs.fill(-1);
    this.edge.reset();
    this.cloud.reset();
    this.energy.reset();
    this.feedback.reset();
    this.battery?.reset();
    this.charging?.reset(Array.from({ length: this.users }, (_, u) => this.streams.derive(seed, id, phase, 'charging', u)));
    this.residency?.reset();
    this.radio?.reset();
    this.background?.reset(this.streams.derive(seed, id, phase, 'edge-background'));
    this.obsIndex = 0;
    this.nextRequest(this.obsBuf[0]);
    return this.obsBuf[0];
  }

  /**
   * A copy of the complete simulator state (event queue, shared tiers and the requests in them,
   * device queues, energy accounting, battery, residency, background load, feedback queue, every
   * random stream's generator, the pending request and both observation buffers). Restoring it
   * ({@link restore}) into this environment, or into any other instance of the same scenario,
   * continues bit-exactly from here: arrivals, draws and traces do not depend on actions, so a
   * restored copy sees the true future of whatever actions it is given. The snapshot is
   * independent of the environment (later steps do not change it) and can be restored many times.
   */
  snapshot(): EnvSnapshot {
    if (!this.started) throw new Error('snapshot() before reset(): call env.reset(seed, phase) first');
    const obs = this.obsBuf.map((o) => {
      const c = newObservation(this.actionCount, this.mask, this.spec.features.length);
      copyObservation(o, c);
      return c;
    }) as [Observation, Observation];
    const outcome = newOutcome();
    copyOutcome(this.record.outcome, outcome);
    const states = (rngs: Rng[]) => rngs.map((r) => r.state());
    return {
      scenarioHash: this.scenario.hash,
      phase: this.phase,
      budget: this.budget,
      decisions: this.decisions,
      done: this.done,
      truncatedEnd: this.truncatedEnd,
      cur: [this.curUser, this.curTimeMs, this.curRequirement, this.curDraw, this.curEmptyPenalty],
      curDeadlineMs: this.curDeadlineMs,
      obsIndex: this.obsIndex,
      obs,
      record: { reward: this.record.reward, outcome, decidedAtMs: this.record.decidedAtMs, completedAtMs: this.record.completedAtMs },
      resultFeedbackDelivered: this.result.feedback === this.feedback.delivered,
      perUser: this.perUser.slice(),
      rngs: [states(this.arrivalRng), states(this.requirementRng), states(this.computeRng), states(this.deadlineRng)],
      events: this.events.snapshot(),
      links: this.links.snapshot(),
      edge: this.edge.snapshot(),
      cloud: this.cloud.snapshot(),
      energy: this.energy.snapshot(),
      feedback: this.feedback.snapshot(),
      battery: this.battery?.snapshot() ?? null,
      residency: this.residency?.snapshot() ?? null,
      background: this.background?.snapshot() ?? null,
      radio: this.radio?.snapshot() ?? null,
    };
  }

  /**
   * Puts the environment in the state of a {@link snapshot} taken from it or from another
   * instance of the same scenario (same hash). Observations and feedback returned before are
   * buffers of this environment: their content is the snapshot's after the call.
   */
  restore(s: EnvSnapshot): void {
    if (s.scenarioHash !== this.scenario.hash) {
      throw new Error(`restore(): the snapshot is of another scenario (hash ${s.scenarioHash}), not of ${this.scenario.id} (hash ${this.scenario.hash})`);
    }
    this.requestEpoch++;
    this.phase = s.phase;
    this.budget = s.budget;
    this.decisions = s.decisions;
    this.done = s.done;
    this.started = true;
    this.truncatedEnd = s.truncatedEnd;
    [this.curUser, this.curTimeMs, this.curRequirement, this.curDraw, this.curEmptyPenalty] = s.cur;
    this.curDeadlineMs = s.curDeadlineMs;
    this.obsIndex = s.obsIndex;
    copyObservation(s.obs[0], this.obsBuf[0]);
    copyObservation(s.obs[1], this.obsBuf[1]);
    this.record.reward = s.record.reward;
    copyOutcome(s.record.outcome, this.record.outcome);
    this.record.decidedAtMs = s.record.decidedAtMs;
    this.record.completedAtMs = s.record.completedAtMs;
    this.perUser.set(s.perUser);
    const restoreRngs = (rngs: Rng[], states: readonly RngState[]) => {
      for (let u = 0; u < states.length; u++) {
        if (u < rngs.length) rngs[u]!.restoreState(states[u]!);
        else rngs.push(Rng.fromState(states[u]!));
      }
    };
    restoreRngs(this.arrivalRng, s.rngs[0]);
    restoreRngs(this.requirementRng, s.rngs[1]);
    restoreRngs(this.computeRng, s.rngs[2]);
    restoreRngs(this.deadlineRng, s.rngs[3]);
    this.events.restore(s.events);
    this.links.restore(s.links);
    this.edge.restore(s.edge);
    this.cloud.restore(s.cloud);
    this.energy.restore(s.energy);
    this.feedback.restore(s.feedback);
    if (s.battery) this.battery!.restore(s.battery);
    if (s.residency) this.residency!.restore(s.residency);
    if (s.radio) this.radio!.restore(s.radio);
    if (s.background) this.background!.restore(s.background);
    const obs = this.obsBuf[this.obsIndex]!;
    for (const t of this.feedback.delivered) t.nextObs = obs;
    this.result.obs = obs;
    this.result.feedback = s.resultFeedbackDelivered ? this.feedback.delivered : [];
    this.result.done = this.done;
  }

  /** A new instance of the same scenario in this one's state ({@link snapshot} and {@link restore}). */
  fork(): OrchestrationEnv {
    const copy = new OrchestrationEnv(this.scenario);
    copy.restore(this.snapshot());
    return copy;
  }

  /**
   * Decides the pending request with `action` and moves to the next request. Throws when the
   * action is out of range or masked, or when the phase is over.
   */
  step(action: number): StepResult {
    if (!this.started) throw new Error('step() before reset(): call env.reset(seed, phase) first');
    if (this.done) throw new Error(`the ${this.phase} phase is over after ${this.decisions} decisions: call env.reset(seed, phase)`);
    this.checkAction(action);
    const tl = this.timeline(action);
    const o = this.record.outcome;
    o.action = action;
    o.uploadMs = tl.uploadMs;
    o.queueMs = tl.queueMs;
    o.computeMs = tl.computeMs;
    o.downloadMs = tl.downloadMs;
    o.latencyMs = tl.latencyMs;
    o.deviceEnergyMj = tl.deviceEnergyMj;
    o.serverEnergyMj = tl.serverEnergyMj;
    o.accuracyViolation = this.accuracy[action]! < this.curRequirement;
    o.deadlineMiss = this.curDeadlineMs !== null && o.latencyMs > this.curDeadlineMs;
    this.record.reward = this.rewardFor(action, tl, this.curEmptyPenalty);
    this.record.decidedAtMs = this.curTimeMs;
    this.record.completedAtMs = tl.completedAtMs;
    this.commit(action, tl);
    if (this.phase === 'learn') {
      // The decided observation becomes the transition's (no copy); its buffer takes a freed one.
      this.obsBuf[this.obsIndex] = this.feedback.record(this.obsBuf[this.obsIndex]!, this.record, this.instantFeedback);
    }
    this.decisions++;
    this.obsIndex ^= 1;
    const next = this.obsBuf[this.obsIndex]!;
    this.nextRequest(next);
    this.done = this.decisions >= this.budget || this.truncatedEnd;
    this.result.obs = next;
    this.result.feedback = this.phase === 'learn' ? this.feedback.deliver(next.timeMs, next) : this.feedback.delivered;
    this.result.done = this.done;
    return this.result;
  }

  /**
   * Privileged (references and the plug-in baseline, `harness/reference/`): the pending request's
   * outcome under `action`, computed by the same timeline code as {@link step} from the given
   * inputs (default: the truth: its compute draw, the true future link rates of its transfers,
   * the current queues and residency), without changing the state. Estimated inputs give the
   * plug-in estimate (`meanCompute` and `presentRates`) and the residency investment of the
   * clairvoyant's variants (`resident`). The result is reused: valid until the next call.
   */
  whatIf(action: number, inputs: WhatIfInputs = TRUE_INPUTS): Readonly<WhatIf> {
    this.checkAction(action);
    const tl = this.timeline(action, inputs);
    const w = this.whatIfResult;
    w.latencyMs = tl.latencyMs;
    w.deviceEnergyMj = tl.deviceEnergyMj;
    w.reward = this.rewardFor(action, tl, inputs.relaxed ? 0 : this.curEmptyPenalty);
    return w;
  }

  /** Privileged: the battery's long-run price and committed charges (null without a battery). */
  get batteryReadout(): Pick<Battery, 'shadowPricePerMj' | 'committedMj'> | null {
    return this.battery;
  }

  /** Privileged: the devices' charging windows (null without them). */
  get chargingReadout(): Pick<ChargingWindows, 'isPlugged'> | null {
    return this.charging;
  }

  /** Privileged: the devices' resident models (null when every model is always resident). */
  get residencyReadout(): Pick<Residency, 'evictedLoadMs'> | null {
    return this.residency;
  }

  /** The current phase's decision budget. */
  get phaseBudget(): number {
    return this.budget;
  }

  /**
   * The pending request's reward under `action` with timeline `tl`, with this battery penalty. It takes
   * the timeline, not its figures: doubles passed to a call that is not inlined are boxed.
   */
  private rewardFor(action: number, tl: RequestTimeline, emptyPenalty: number): number {
    const d = this.curDeadlineMs;
    const latencyMs = tl.latencyMs;
    return rewardOf(this.rewardSpec, latencyMs, tl.deviceEnergyMj, this.accuracy[action]! < this.curRequirement, d !== null && latencyMs > d) - emptyPenalty;
  }

  private checkAction(action: number): void {
    if (!Number.isInteger(action) || action < 0 || action >= this.actionCount) {
      throw new Error(`action ${String(action)} is out of range: scenario ${this.scenario.id} has ${this.actionCount} actions (integers 0..${this.actionCount - 1})`);
    }
    if (this.mask[action] === 0) {
      const a = this.scenario.actions[action]!;
      throw new Error(`action ${action} (${a.tier}/${a.modelId}) is masked: tier "${a.tier}" does not run model "${a.modelId}" in scenario ${this.scenario.id}; actionMask = [${Array.from(this.mask).join(',')}]`);
    }
    const legal = this.currentObservation.actionMask;
    if (legal[action] === 0) {
      const a = this.scenario.actions[action]!;
      throw new Error(`action ${action} (${a.tier}/${a.modelId}) is masked for this request: model accuracy ${this.accuracy[action]}% top-1 is below its hard requirement of ${this.curRequirement}% in scenario ${this.scenario.id}; actionMask = [${Array.from(legal).join(',')}]`);
    }
  }

  /**
   * The pending request's timeline under `action` (no state change), from the true inputs or the
   * estimates `inputs` selects: the one timeline implementation (`step` and every what-if use it).
   */
  private timeline(action: number, inputs: WhatIfInputs = TRUE_INPUTS): RequestTimeline {
    const tl = this.tl;
    const t = this.curTimeMs;
    const u = this.curUser;
    const tier = this.tierOf[action]!;
    const baseMs = inputs.meanCompute ? this.meanMs[action]! : this.samples[this.sampleStart[action]! + Math.floor(this.curDraw * this.sampleLen[action]!)]!;
    const relaxed = inputs.relaxed === true;
    if (tier === DEVICE) {
      const start = relaxed ? t : Math.max(t, this.deviceFreeAtMs[u]!);
      const computeMs = baseMs + (this.residency && !inputs.resident && !relaxed ? this.residency.loadMs(u, action) : 0);
      tl.uploadMs = 0;
      tl.downloadMs = 0;
      tl.txMs = 0;
      tl.rxMs = 0;
      tl.queueMs = start - t;
      tl.computeMs = computeMs;
      tl.readyAtMs = t;
      tl.finishAtMs = start + computeMs;
      tl.completedAtMs = tl.finishAtMs;
      tl.deviceEnergyMj = relaxed ? this.energy.leastMj(computeMs, 0, 0) : this.energy.chargeMj(u, t, tl.completedAtMs, computeMs, 0, 0);
      tl.serverEnergyMj = 0;
      tl.promotion = NO_PROMOTION;
      return tl;
    }
    const link = this.links.of(u);
    const offset = this.links.offsetMs[u]!;
    const present = inputs.presentRates === true;
    // As if connected (or relaxed): no radio promotion before the upload.
    const connected = relaxed || inputs.connected === true;
    const leg = this.uploadLeg(tier, present, connected);
    const halfRttMs = leg.halfRttMs;
    const promotion = leg.promotion;
    tl.txMs = leg.txMs;
    const uploadMs = leg.uploadMs;
    const wanHalfRttMs = leg.wanHalfRttMs;
    const shared = tier === EDGE ? this.edge : this.cloud;
    const readyMs = t + uploadMs;
    const slowedMs = tier === EDGE && this.background ? baseMs * leg.backgroundSlowdown : baseMs;
    if (relaxed) {
      shared.startMs = readyMs;
      shared.computeMs = shared.uncontendedMs(action, slowedMs);
    } else shared.schedule(action, readyMs, slowedMs);
    const finishMs = shared.startMs + shared.computeMs;
    let downloadMs = 0;
    if (tier === CLOUD) downloadMs = wanHalfRttMs + transferMs(present, this.links.wan!.down, this.links.wanOffsetMs + t, this.links.wanOffsetMs + finishMs, this.downKbit);
    tl.rxMs = transferMs(present, link.down, offset + t, offset + finishMs + downloadMs, this.downKbit);
    downloadMs += tl.rxMs + halfRttMs;
    tl.uploadMs = uploadMs;
    tl.queueMs = shared.startMs - readyMs;
    tl.computeMs = shared.computeMs;
    tl.downloadMs = downloadMs;
    tl.readyAtMs = readyMs;
    tl.finishAtMs = finishMs;
    tl.completedAtMs = finishMs + downloadMs;
    // Relaxed: no radio charge (a promotion, the connected base and a tail are never negative).
    tl.deviceEnergyMj = relaxed
      ? this.energy.leastMj(0, tl.txMs, constantRateTransferMs(this.downKbit, link.down.timeline.peakMbps))
      : this.energy.chargeMj(u, t, tl.completedAtMs, 0, tl.txMs, tl.rxMs) + (this.radio ? (connected ? this.radio.activeMj(t, tl.completedAtMs) : this.radio.chargeMj(u, t, promotion, tl.completedAtMs)) : 0);
    tl.promotion = promotion;
    tl.serverEnergyMj = this.serverFixedMj[action]! + this.serverPowerW[action]! * baseMs;
    return tl;
  }

  /**
   * The pending request's upload to a shared tier under these estimates: the same for every action
   * of the tier, so it is computed once per request and reused by every what-if and the step
   * (cached until the pending request or the state changes: {@link requestEpoch}).
   */
  private uploadLeg(tier: number, present: boolean, connected: boolean): UploadLeg {
    const leg = this.legs[(tier === CLOUD ? 4 : 0) + (present ? 2 : 0) + (connected ? 1 : 0)]!;
    if (leg.epoch === this.requestEpoch) return leg;
    leg.epoch = this.requestEpoch;
    const t = this.curTimeMs;
    const u = this.curUser;
    const link = this.links.of(u);
    const offset = this.links.offsetMs[u]!;
    leg.halfRttMs = 0.5 * link.rtt.rateAt(offset + t);
    // The radio first leaves idle (or a low-power tail stage): the upload starts after the promotion (none as if connected).
    const promotion = this.radio && !connected ? this.radio.promotionAt(u, t) : NO_PROMOTION;
    leg.promotion = promotion;
    leg.txMs = transferMs(present, link.up, offset + t, offset + t + promotion.delayMs, this.upKbit);
    let uploadMs = promotion.delayMs + leg.txMs + leg.halfRttMs;
    leg.wanHalfRttMs = 0;
    if (tier === CLOUD) {
      const wan = this.links.wan!;
      const wo = this.links.wanOffsetMs;
      leg.wanHalfRttMs = 0.5 * wan.rtt.rateAt(wo + t);
      uploadMs += leg.wanHalfRttMs + transferMs(present, wan.up, wo + t, wo + t + uploadMs, this.upKbit);
    }
    leg.uploadMs = uploadMs;
    leg.backgroundSlowdown = tier === EDGE && this.background ? this.background.slowdownAt(t + uploadMs) : 1;
    return leg;
  }

  /** Applies a timeline computed by {@link timeline} for the pending request. */
  private commit(action: number, tl: RequestTimeline): void {
    const tier = this.tierOf[action]!;
    const u = this.curUser;
    if (tier === DEVICE) {
      this.deviceFreeAtMs[u] = tl.finishAtMs;
      this.residency?.use(u, action);
    }
    else {
      (tier === EDGE ? this.edge : this.cloud).commit(tl.readyAtMs, tl.finishAtMs);
      this.radio?.commit(u, this.curTimeMs, tl.promotion, tl.completedAtMs);
    }
    this.energy.commit(u, tl.completedAtMs);
    this.battery?.drainAt(u, tl.completedAtMs, tl.deviceEnergyMj);
    this.feedback.dispatch(tier, u, tl.completedAtMs);
  }

  /** Pops the next arrival, draws its request and fills `obs` with what is known at its time. */
  private nextRequest(obs: Observation): void {
    this.requestEpoch++;
    const s = this.scenario.spec;
    const u = this.events.peekPayload();
    const t = this.events.peekTimeMs();
    this.events.replaceTop(t + this.interArrivalMs(s.users.arrival, this.arrivalRng[u]!), u);
    this.curUser = u;
    this.curTimeMs = t;
    this.curRequirement = this.drawRequirement(this.requirementRng[u]!);
    this.curDraw = this.computeRng[u]!.float();
    this.curDeadlineMs = s.users.deadline ? drawDeadlineMs(s.users.deadline, this.deadlineRng[u]!) : s.users.deadlineMs;
    const link = this.links.of(u);
    const offset = this.links.offsetMs[u]!;
    if (!link.up.wrap && offset + t >= link.up.segLengthMs) this.truncatedEnd = true;
    // The link as of the user's last probe: cached until the next probe time.
    const probeMs = this.probeIntervalMs > 0 ? Math.floor(t / this.probeIntervalMs) * this.probeIntervalMs : t;
    if (probeMs !== this.probeAtMs[u]) {
      const pos = offset + probeMs;
      this.probeAtMs[u] = probeMs;
      this.probeUp[u] = link.up.rateAt(pos);
      this.probeDown[u] = link.down.rateAt(pos);
      this.probeRtt[u] = link.rtt.rateAt(pos);
    }
    this.feedback.advance(t);
    const battery = this.battery;
    if (battery) battery.advance(t);
    this.curEmptyPenalty = battery ? battery.penaltyOnArrival(u) : 0;
    this.edge.prune(t);
    this.cloud.prune(t);
    const fb = this.feedback;
    obs.timeMs = t;
    obs.userId = u;
    obs.request.inputKb = s.users.inputKb;
    obs.request.accuracyRequirementTop1Pct = this.curRequirement;
    obs.request.deadlineMs = this.curDeadlineMs;
    obs.link.uplinkMbps = this.probeUp[u]!;
    obs.link.downlinkMbps = this.probeDown[u]!;
    obs.link.rttMs = this.probeRtt[u]!;
    obs.link.ageMs = t - probeMs;
    obs.load.edgeInSystem = this.edge.presentAt(t);
    obs.load.edgeCores = this.edge.capacity;
    obs.load.edgeBackgroundPct = this.background ? this.background.utilPctAt(t) : 0;
    obs.load.cloudInSystem = this.cloud.presentAt(t);
    obs.load.cloudCapacity = this.cloud.capacity;
    obs.inFlight.device = fb.inFlight[DEVICE]!;
    obs.inFlight.edge = fb.inFlight[EDGE]!;
    obs.inFlight.cloud = fb.inFlight[CLOUD]!;
    obs.user.deviceBacklog = fb.deviceBacklog[u]!;
    obs.user.inFlight = fb.userInFlight[u]!;
    obs.user.batterySoc = battery ? battery.soc(u) : 1;
    obs.user.radioTailMs = this.radio ? this.radio.tailRemainingMs(u, t) : 0;
    const charging = this.charging;
    obs.user.chargeInS = charging ? charging.chargeInMs(u, t) / 1000 : null;
    obs.user.charging = charging ? charging.isPlugged(u, t) : false;
    if (s.users.accuracyRequirement.hard) this.fillRequirementMask(obs.actionMask);
    if (this.residency) this.residency.fillResident(u, this.isDevice, obs.user.resident);
    else for (let a = 0; a < this.actionCount; a++) obs.user.resident[a] = this.isDevice[a]!;
    fillFeatures(obs, this.probeIntervalMs, this.chargingPeriodS);
  }

  /**
   * A hard accuracy requirement: the legal actions whose model meets the pending request's
   * requirement, or every legal action when none does (then a violation costs its penalty).
   */
  private fillRequirementMask(mask: Uint8Array): void {
    let any = 0;
    for (let a = 0; a < this.actionCount; a++) any |= mask[a] = this.mask[a]! & (this.accuracy[a]! >= this.curRequirement ? 1 : 0);
    if (any === 0) mask.set(this.mask);
  }

  private drawRequirement(rng: Rng): number {
    const r = this.scenario.spec.users.accuracyRequirement;
    switch (r.distribution) {
      case 'fixed':
        return r.valueTop1Pct;
      case 'uniform':
        return r.minTop1Pct + rng.float() * (r.maxTop1Pct - r.minTop1Pct);
      case 'choice':
        return r.valuesTop1Pct[r.weights ? rng.weighted(r.weights) : rng.int(r.valuesTop1Pct.length)]!;
    }
  }

  /** Periodic arrivals start at a random phase of the period so users do not synchronise. */
  private firstArrivalMs(a: ArrivalSpec, rng: Rng): number {
    return a.process === 'periodic' ? rng.float() * (1000 / a.rateHz) : this.interArrivalMs(a, rng);
  }

  /**
   * Poisson: exponential gaps; sessions: a pause (probability 1 / requestsPerSession) or a
   * within-session gap, both exponential; periodic: the period x (1 +- jitterPct/100, uniform).
   */
  private interArrivalMs(a: ArrivalSpec, rng: Rng): number {
    if (a.process === 'poisson') return rng.exponential(a.rateHz) * 1000;
    if (a.process === 'sessions') return rng.float() * a.requestsPerSession < 1 ? rng.exponential(1 / a.pauseS) * 1000 : rng.exponential(a.rateHz) * 1000;
    const jitter = (a.jitterPct ?? 0) / 100;
    return (1000 / a.rateHz) * (1 + jitter * (2 * rng.float() - 1));
  }
}
