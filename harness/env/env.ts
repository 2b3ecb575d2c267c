/**
 * The orchestration environment: a deterministic discrete-event simulator of N users sending
 * inference requests to their own device, a shared edge server or the cloud.
 *
 * Model (every modelling choice is documented here):
 * - Arrivals: per user, Poisson or periodic with jitter; an event queue (time, then sequence)
 *   merges users. Each request's accuracy requirement and compute-sample draw come from the
 *   user's own streams, so the request sequence does not depend on the agent's actions (common
 *   random numbers across agents).
 * - Device: a single-server FIFO queue per user, compute = a latency sample of the model.
 * - Offloading: upload = input over the user's uplink (integrated over the trace from the
 *   arrival time) + RTT/2; download = output over the downlink + RTT/2 (one RTT in total).
 *   Cloud requests additionally cross the WAN both ways (store and forward at the edge): its
 *   bandwidth from its trace, + WAN RTT/2 each way. Links are not shared between users (each
 *   transfer gets the trace's full rate). Offloaded uploads start at arrival (the device's
 *   compute queue does not delay them).
 * - Shared tiers: `queue` = FIFO multi-server (per-core "free at" times; start = max(ready,
 *   earliest free core)); `measured` = no queue, compute x the profile's contention slowdown at
 *   (requests in the tier at the decision + 1), interpolated linearly and extrapolated linearly
 *   from the last two points beyond the curve. Requests are served in decision (arrival) order:
 *   a request that arrives later but uploads faster does not overtake (approximation of FIFO by
 *   arrival). A request is "in system" at a tier from its decision until its compute ends.
 * - Energy (mJ = W x ms), device: local = busy x compute + idle x queue wait; offloaded =
 *   tx x uplink transmission + rx x downlink transmission + idle x the rest of the response
 *   time (propagation, WAN, queue, compute). Server: cloud = the profile's per-inference energy
 *   (else busy power x compute); edge = (profile busy power / cores, else
 *   {@link DEFAULT_EDGE_CORE_POWER_W}) x compute without contention slowdown.
 * - Traces: user u replays `access[u % access.length]` from a seeded offset. Recorded traces:
 *   learning replays the first (1 - evaluationFraction) of the trace, evaluation the rest (the
 *   whole trace when the fraction is 0). Generated traces: a fresh trace per phase from the
 *   phase's own stream. `wrap` loops the segment; `truncate` ends the phase (done = true) at the
 *   first arrival whose replay position is past the user's segment end (transfers in flight hold
 *   the last rate; the WAN link holds its last rate past its end), and seeded offsets are then
 *   drawn from the first half of the segment. Fixed links are constant.
 * - Observation: the user's link as of its last probe (probes at multiples of probeIntervalMs
 *   since the episode start), loads counted at the arrival; nothing from the future.
 */
import type { ActionDef, EnvSpec, Observation, Outcome } from '../agent.ts';
import type { ContentionCurve, DeviceProfile } from '../profiles/types.ts';
import { deriveRng, type Rng } from '../rng.ts';
import type { CompiledScenario, TraceSource } from '../scenario/compiled.ts';
import type { ArrivalSpec, Tier } from '../scenario/types.ts';
import { generateTrace } from '../traces/generator.ts';
import type { NetworkTrace } from '../traces/types.ts';
import { FEATURE_COUNT, FEATURES, fillFeatures } from './features.ts';
import { CompletionHeap, EventQueue } from './heap.ts';
import { constantRateTransferMs, LinkReplay, LinkTimeline } from './timeline.ts';

/** Per-core power (W) of an edge server whose profile has no power figure: a documented estimate
 *  (a ~350 W server CPU with ~56 cores, about 6 W per busy core). */
export const DEFAULT_EDGE_CORE_POWER_W = 6;

export type Phase = 'learn' | 'eval';

/** What `step` returns. The object (and its `outcome`) is reused: valid until the next `step`. */
export interface StepResult {
  reward: number;
  outcome: Outcome;
  /** The next request's observation. */
  obs: Observation;
  /** True after the phase's last decision (budget reached, or a truncated trace ended). */
  done: boolean;
}

const DEVICE = 0;
const EDGE = 1;
const CLOUD = 2;
const TIER_CODE: Record<Tier, number> = { device: DEVICE, edge: EDGE, cloud: CLOUD };

/** The replays of one link (both directions and RTT) for one phase. */
interface LinkReplays { up: LinkReplay; down: LinkReplay; rtt: LinkReplay }

/** A shared tier's state: per-server free times (queue mode) and in-system completions. */
interface SharedTier {
  servers: number;
  queue: boolean;
  freeAtMs: Float64Array;
  inSystem: CompletionHeap;
  curveN: Float64Array | null;
  curveS: Float64Array | null;
}

function newObservation(actionCount: number, mask: Uint8Array): Observation {
  return {
    timeMs: 0,
    userId: 0,
    request: { inputKb: 0, accuracyRequirementTop1Pct: 0, deadlineMs: null },
    link: { uplinkMbps: 0, downlinkMbps: 0, rttMs: 0, ageMs: 0 },
    load: { edgeInSystem: 0, edgeCores: 1, cloudInSystem: 0, cloudCapacity: 1 },
    actionMask: mask.slice(0, actionCount),
    features: new Float32Array(FEATURE_COUNT),
  };
}

function newOutcome(): Outcome {
  return {
    action: 0, latencyMs: 0, uploadMs: 0, queueMs: 0, computeMs: 0, downloadMs: 0,
    deviceEnergyMj: 0, serverEnergyMj: 0, accuracyViolation: false, deadlineMiss: false,
  };
}

/** Contention slowdown at n concurrent requests: linear between curve points, linear beyond. */
export function slowdownAt(curveN: Float64Array, curveS: Float64Array, n: number): number {
  const last = curveN.length - 1;
  if (last === 0 || n <= curveN[0]!) return curveS[0]!;
  let i = 1;
  while (i < last && curveN[i]! < n) i++;
  const n0 = curveN[i - 1]!;
  const s0 = curveS[i - 1]!;
  return s0 + ((curveS[i]! - s0) * (n - n0)) / (curveN[i]! - n0);
}

/**
 * The environment. Gymnasium-like: `reset(seed, phase)` returns the first observation,
 * `step(action)` applies the decision to the pending request and returns its reward and outcome
 * and the next request's observation.
 *
 * Buffers are reused so the hot loop does not allocate: observations alternate between two
 * objects, so an observation stays valid until the second `step` after the call that returned it
 * (a Transition's `obs` and `nextObs` are both valid while `learn` runs); the StepResult and its
 * Outcome are valid until the next `step`. Agents that keep any of them must copy.
 *
 * @example
 * ```ts
 * const env = new OrchestrationEnv(await loadScenario('lte-driving-4u-mixed-v1', { variant: 'testing' }));
 * let obs = env.reset(1, 'learn');
 * for (let done = false; !done; ) {
 *   const r = env.step(obs.actionMask.indexOf(1));
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
  private readonly upKbit: number;
  private readonly downKbit: number;
  private readonly probeIntervalMs: number;
  private readonly edge: SharedTier;
  private readonly cloud: SharedTier;

  // Per-user state.
  private readonly offsetMs: Float64Array;
  private readonly deviceFreeAtMs: Float64Array;
  private readonly probeAtMs: Float64Array;
  private readonly probeUp: Float64Array;
  private readonly probeDown: Float64Array;
  private readonly probeRtt: Float64Array;
  private access: LinkReplays[] = [];
  private wan: LinkReplays | null = null;
  private wanOffsetMs = 0;
  private arrivalRng: Rng[] = [];
  private requirementRng: Rng[] = [];
  private computeRng: Rng[] = [];
  private readonly events: EventQueue;

  // The pending request.
  private curUser = 0;
  private curTimeMs = 0;
  private curRequirement = 0;
  private curDraw = 0;
  private truncatedEnd = false;

  private readonly obsBuf: [Observation, Observation];
  private obsIndex = 0;
  private readonly result: StepResult;
  private phase: Phase = 'learn';
  private budget = 0;
  private decisions = 0;
  private started = false;
  private done = false;
  /** Generated traces of the last reset, keyed by `seed/phase/source`, so repeated resets reuse them. */
  private generatedCache = new Map<string, NetworkTrace>();
  /** Timelines built from a trace, so resets do not rebuild the cumulative arrays. */
  private timelineCache = new WeakMap<NetworkTrace, { up: LinkTimeline; down: LinkTimeline; rtt: LinkTimeline | null }>();

  // Scratch results of `simulate` (no allocation per call).
  private sUploadMs = 0;
  private sQueueMs = 0;
  private sComputeMs = 0;
  private sDownloadMs = 0;
  private sDeviceEnergyMj = 0;
  private sServerEnergyMj = 0;
  private sFinishMs = 0;
  private sServer = 0;

  constructor(scenario: CompiledScenario) {
    const s = scenario.spec;
    this.scenario = scenario;
    this.users = s.users.count;
    this.actionCount = scenario.actions.length;
    this.spec = {
      scenarioId: scenario.id,
      users: this.users,
      actions: scenario.actions,
      features: FEATURES,
      learningDecisions: s.budgets.learningDecisions,
      evaluationDecisions: s.budgets.evaluationDecisions,
    };
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
    this.upKbit = s.users.inputKb * 8;
    this.downKbit = s.users.outputKb * 8;
    this.probeIntervalMs = s.observation.probeIntervalMs;
    this.edge = OrchestrationEnv.sharedTier(scenario, 'edge', s.tiers.edge.cores, s.tiers.edge.contention);
    this.cloud = OrchestrationEnv.sharedTier(scenario, 'cloud', s.tiers.cloud.capacity, s.tiers.cloud.contention);
    const u = this.users;
    this.offsetMs = new Float64Array(u);
    this.deviceFreeAtMs = new Float64Array(u);
    this.probeAtMs = new Float64Array(u);
    this.probeUp = new Float64Array(u);
    this.probeDown = new Float64Array(u);
    this.probeRtt = new Float64Array(u);
    this.events = new EventQueue(u);
    this.obsBuf = [newObservation(n, this.mask), newObservation(n, this.mask)];
    this.result = { reward: 0, outcome: newOutcome(), obs: this.obsBuf[0], done: false };
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

  private static sharedTier(scenario: CompiledScenario, tier: 'edge' | 'cloud', servers: number, contention: 'queue' | 'measured'): SharedTier {
    if (!(Number.isInteger(servers) && servers >= 1)) {
      throw new Error(`scenario ${scenario.id}: the ${tier} needs an integer number of servers >= 1, got ${servers}`);
    }
    let curve: ContentionCurve | undefined;
    if (contention === 'measured') {
      curve = scenario.profiles[tier].contention;
      if (!curve || curve.concurrent.length === 0 || curve.concurrent.length !== curve.slowdown.length) {
        throw new Error(`scenario ${scenario.id}: the ${tier} uses contention "measured" but profile "${scenario.profiles[tier].id}" has no usable contention curve`);
      }
    }
    return {
      servers,
      queue: contention === 'queue',
      freeAtMs: new Float64Array(servers),
      inSystem: new CompletionHeap(4 * servers),
      curveN: curve ? Float64Array.from(curve.concurrent) : null,
      curveS: curve ? Float64Array.from(curve.slowdown) : null,
    };
  }

  /** The pending request's observation (as last returned by `reset` or `step`). */
  get currentObservation(): Observation {
    return this.obsBuf[this.obsIndex]!;
  }

  /** Decisions taken in the current phase. */
  get decisionCount(): number {
    return this.decisions;
  }

  /**
   * Starts a phase. The same seed and phase always give the same request sequence, trace offsets
   * and compute samples; `eval` replays the held-out trace segment.
   */
  reset(seed: number, phase: Phase): Observation {
    const s = this.scenario.spec;
    const id = this.scenario.id;
    this.phase = phase;
    this.budget = phase === 'learn' ? s.budgets.learningDecisions : s.budgets.evaluationDecisions;
    this.decisions = 0;
    this.done = this.budget <= 0;
    this.started = true;
    this.truncatedEnd = false;
    const wrap = s.replay.atEnd === 'wrap';
    this.access = this.scenario.access.map((src, k) => this.replays(src, seed, phase, `access${k}`, s.links.access.rttMs, wrap));
    this.wan = this.replays(this.scenario.wan, seed, phase, 'wan', s.links.wan.rttMs, wrap);
    this.wanOffsetMs = this.drawOffset(this.wan.up, deriveRng(seed, id, phase, 'offset', 'wan'));
    this.arrivalRng = [];
    this.requirementRng = [];
    this.computeRng = [];
    this.events.clear();
    for (let u = 0; u < this.users; u++) {
      this.arrivalRng.push(deriveRng(seed, id, phase, 'arrivals', u));
      this.requirementRng.push(deriveRng(seed, id, phase, 'requirement', u));
      this.computeRng.push(deriveRng(seed, id, phase, 'compute', u));
      this.offsetMs[u] = this.drawOffset(this.accessOf(u).up, deriveRng(seed, id, phase, 'offset', u));
      this.events.push(this.firstArrivalMs(s.users.arrival, this.arrivalRng[u]!), u);
    }
    this.deviceFreeAtMs.fill(0);
    this.probeAtMs.fill(-1);
    for (const t of [this.edge, this.cloud]) {
      t.freeAtMs.fill(0);
      t.inSystem.clear();
    }
    this.obsIndex = 0;
    this.nextRequest(this.obsBuf[0]);
    return this.obsBuf[0];
  }

  /**
   * Applies `action` to the pending request. Throws when the action is out of range or masked,
   * or when the phase is over.
   */
  step(action: number): StepResult {
    if (!this.started) throw new Error('step() before reset(): call env.reset(seed, phase) first');
    if (this.done) throw new Error(`the ${this.phase} phase is over after ${this.decisions} decisions: call env.reset(seed, phase)`);
    this.checkAction(action);
    const s = this.scenario.spec;
    this.simulate(action, true);
    this.commit(action);
    const o = this.result.outcome;
    o.action = action;
    o.uploadMs = this.sUploadMs;
    o.queueMs = this.sQueueMs;
    o.computeMs = this.sComputeMs;
    o.downloadMs = this.sDownloadMs;
    o.latencyMs = this.sUploadMs + this.sQueueMs + this.sComputeMs + this.sDownloadMs;
    o.deviceEnergyMj = this.sDeviceEnergyMj;
    o.serverEnergyMj = this.sServerEnergyMj;
    o.accuracyViolation = this.accuracy[action]! < this.curRequirement;
    o.deadlineMiss = s.users.deadlineMs !== null && o.latencyMs > s.users.deadlineMs;
    this.result.reward = this.rewardOf(o.latencyMs, o.deviceEnergyMj, o.accuracyViolation, o.deadlineMiss);
    this.decisions++;
    this.obsIndex ^= 1;
    const next = this.obsBuf[this.obsIndex]!;
    this.nextRequest(next);
    this.done = this.decisions >= this.budget || this.truncatedEnd;
    this.result.obs = next;
    this.result.done = this.done;
    return this.result;
  }

  /**
   * Privileged (oracle only): the reward `action` would get on the pending request if the current
   * true link rates held for its transfers, with the exact current queues and the model's mean
   * compute time (x the current contention slowdown). Does not change the state.
   */
  expectedReward(action: number): number {
    this.checkAction(action);
    this.simulate(action, false);
    const latencyMs = this.sUploadMs + this.sQueueMs + this.sComputeMs + this.sDownloadMs;
    const deadline = this.scenario.spec.users.deadlineMs;
    return this.rewardOf(latencyMs, this.sDeviceEnergyMj, this.accuracy[action]! < this.curRequirement, deadline !== null && latencyMs > deadline);
  }

  /** Privileged (oracle only): the unmasked action with the best {@link expectedReward} (lowest index on ties). */
  bestExpectedAction(): number {
    let best = -1;
    let bestReward = -Infinity;
    for (let a = 0; a < this.actionCount; a++) {
      if (this.mask[a] === 0) continue;
      const r = this.expectedReward(a);
      if (r > bestReward) {
        bestReward = r;
        best = a;
      }
    }
    return best;
  }

  private rewardOf(latencyMs: number, deviceEnergyMj: number, violation: boolean, miss: boolean): number {
    const r = this.scenario.spec.reward;
    return -(
      r.latencyWeightPerS * latencyMs * 1e-3 +
      r.energyWeightPerJ * deviceEnergyMj * 1e-3 +
      (violation ? r.accuracyViolationPenalty : 0) +
      (miss ? r.deadlineMissPenalty : 0)
    );
  }

  private checkAction(action: number): void {
    if (!Number.isInteger(action) || action < 0 || action >= this.actionCount) {
      throw new Error(`action ${String(action)} is out of range: scenario ${this.scenario.id} has ${this.actionCount} actions (integers 0..${this.actionCount - 1})`);
    }
    if (this.mask[action] === 0) {
      const a = this.scenario.actions[action]!;
      throw new Error(`action ${action} (${a.tier}/${a.modelId}) is masked: tier "${a.tier}" does not run model "${a.modelId}" in scenario ${this.scenario.id}; actionMask = [${Array.from(this.mask).join(',')}]`);
    }
  }

  private accessOf(u: number): LinkReplays {
    return this.access[u % this.access.length]!;
  }

  /** Computes the pending request's timeline under `action` into the scratch fields. */
  private simulate(action: number, exact: boolean): void {
    const t = this.curTimeMs;
    const u = this.curUser;
    const tier = this.tierOf[action]!;
    const baseMs = exact
      ? this.samples[this.sampleStart[action]! + Math.floor(this.curDraw * this.sampleLen[action]!)]!
      : this.meanMs[action]!;
    const power = this.scenario.spec.tiers.device.power;
    if (tier === DEVICE) {
      const start = Math.max(t, this.deviceFreeAtMs[u]!);
      this.sUploadMs = 0;
      this.sDownloadMs = 0;
      this.sQueueMs = start - t;
      this.sComputeMs = baseMs;
      this.sFinishMs = start + baseMs;
      this.sDeviceEnergyMj = power.busyPowerW * baseMs + power.idlePowerW * this.sQueueMs;
      this.sServerEnergyMj = 0;
      return;
    }
    const link = this.accessOf(u);
    const pos = this.offsetMs[u]! + t;
    const halfRttMs = 0.5 * link.rtt.rateAt(pos);
    const upTxMs = exact ? link.up.transferMs(pos, this.upKbit) : constantRateTransferMs(this.upKbit, link.up.rateAt(pos));
    let uploadMs = upTxMs + halfRttMs;
    const wan = this.wan!;
    const wanHalfRttMs = tier === CLOUD ? 0.5 * wan.rtt.rateAt(this.wanOffsetMs + t) : 0;
    if (tier === CLOUD) {
      const wanPos = this.wanOffsetMs + t + uploadMs;
      uploadMs += wanHalfRttMs + (exact ? wan.up.transferMs(wanPos, this.upKbit) : constantRateTransferMs(this.upKbit, wan.up.rateAt(this.wanOffsetMs + t)));
    }
    const shared = tier === EDGE ? this.edge : this.cloud;
    const readyMs = t + uploadMs;
    let startMs = readyMs;
    let computeMs = baseMs;
    if (shared.queue) {
      let c = 0;
      const free = shared.freeAtMs;
      for (let k = 1; k < shared.servers; k++) if (free[k]! < free[c]!) c = k;
      if (free[c]! > startMs) startMs = free[c]!;
      this.sServer = c;
    } else {
      computeMs = baseMs * slowdownAt(shared.curveN!, shared.curveS!, shared.inSystem.size + 1);
    }
    const finishMs = startMs + computeMs;
    let downloadMs = 0;
    if (tier === CLOUD) {
      downloadMs = wanHalfRttMs + (exact ? wan.down.transferMs(this.wanOffsetMs + finishMs, this.downKbit) : constantRateTransferMs(this.downKbit, wan.down.rateAt(this.wanOffsetMs + t)));
    }
    const downPos = this.offsetMs[u]! + finishMs + downloadMs;
    const downTxMs = exact ? link.down.transferMs(downPos, this.downKbit) : constantRateTransferMs(this.downKbit, link.down.rateAt(pos));
    downloadMs += downTxMs + halfRttMs;
    this.sUploadMs = uploadMs;
    this.sQueueMs = startMs - readyMs;
    this.sComputeMs = computeMs;
    this.sDownloadMs = downloadMs;
    this.sFinishMs = finishMs;
    const latencyMs = uploadMs + this.sQueueMs + computeMs + downloadMs;
    this.sDeviceEnergyMj = power.txPowerW * upTxMs + power.rxPowerW * downTxMs + power.idlePowerW * (latencyMs - upTxMs - downTxMs);
    this.sServerEnergyMj = this.serverFixedMj[action]! + this.serverPowerW[action]! * baseMs;
  }

  /** Applies the last `simulate` to the state: the server is busy until the compute ends. */
  private commit(action: number): void {
    const tier = this.tierOf[action]!;
    if (tier === DEVICE) {
      this.deviceFreeAtMs[this.curUser] = this.sFinishMs;
      return;
    }
    const shared = tier === EDGE ? this.edge : this.cloud;
    if (shared.queue) shared.freeAtMs[this.sServer] = this.sFinishMs;
    shared.inSystem.push(this.sFinishMs);
  }

  /** Pops the next arrival, draws its request and fills `obs`. */
  private nextRequest(obs: Observation): void {
    const s = this.scenario.spec;
    const u = this.events.peekPayload();
    const t = this.events.peekTimeMs();
    this.events.replaceTop(t + this.interArrivalMs(s.users.arrival, this.arrivalRng[u]!), u);
    this.curUser = u;
    this.curTimeMs = t;
    this.curRequirement = this.drawRequirement(this.requirementRng[u]!);
    this.curDraw = this.computeRng[u]!.float();
    const link = this.accessOf(u);
    if (!link.up.wrap && this.offsetMs[u]! + t >= link.up.segLengthMs) this.truncatedEnd = true;
    // The link as of the user's last probe: cached until the next probe time.
    const probeMs = this.probeIntervalMs > 0 ? Math.floor(t / this.probeIntervalMs) * this.probeIntervalMs : t;
    if (probeMs !== this.probeAtMs[u]) {
      const pos = this.offsetMs[u]! + probeMs;
      this.probeAtMs[u] = probeMs;
      this.probeUp[u] = link.up.rateAt(pos);
      this.probeDown[u] = link.down.rateAt(pos);
      this.probeRtt[u] = link.rtt.rateAt(pos);
    }
    obs.timeMs = t;
    obs.userId = u;
    obs.request.inputKb = s.users.inputKb;
    obs.request.accuracyRequirementTop1Pct = this.curRequirement;
    obs.request.deadlineMs = s.users.deadlineMs;
    obs.link.uplinkMbps = this.probeUp[u]!;
    obs.link.downlinkMbps = this.probeDown[u]!;
    obs.link.rttMs = this.probeRtt[u]!;
    obs.link.ageMs = t - probeMs;
    obs.load.edgeInSystem = this.edge.inSystem.drainUntil(t);
    obs.load.edgeCores = this.edge.servers;
    obs.load.cloudInSystem = this.cloud.inSystem.drainUntil(t);
    obs.load.cloudCapacity = this.cloud.servers;
    fillFeatures(obs, this.probeIntervalMs);
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

  /** Poisson: exponential gaps; periodic: the period x (1 +- jitterPct/100, uniform). */
  private interArrivalMs(a: ArrivalSpec, rng: Rng): number {
    if (a.process === 'poisson') return rng.exponential(a.rateHz) * 1000;
    const jitter = (a.jitterPct ?? 0) / 100;
    return (1000 / a.rateHz) * (1 + jitter * (2 * rng.float() - 1));
  }

  /** Seeded offsets: uniform over the segment (wrap) or its first half (truncate). */
  private drawOffset(replay: LinkReplay, rng: Rng): number {
    if (this.scenario.spec.replay.startOffset === 'zero') return 0;
    return rng.float() * replay.segLengthMs * (replay.wrap ? 1 : 0.5);
  }

  /** The replays of one trace source for a phase (see the class comment for the segments). */
  private replays(src: TraceSource, seed: number, phase: Phase, label: string, baseRttMs: number, wrap: boolean): LinkReplays {
    const linear = this.scenario.spec.replay.interpolation === 'linear';
    const whole = (tl: LinkTimeline) => new LinkReplay(tl, 0, tl.lengthMs, wrap);
    if (src.kind === 'fixed') {
      return {
        up: whole(LinkTimeline.constant(src.uplinkMbps)),
        down: whole(LinkTimeline.constant(src.downlinkMbps)),
        rtt: whole(LinkTimeline.constant(baseRttMs)),
      };
    }
    let trace: NetworkTrace;
    let from = 0;
    let to: number;
    if (src.kind === 'recorded') {
      trace = src.trace;
      const cut = trace.durationMs * (1 - this.scenario.spec.replay.evaluationFraction);
      to = trace.durationMs;
      if (cut > 0 && cut < trace.durationMs) {
        if (phase === 'learn') to = cut;
        else from = cut;
      }
    } else {
      const key = `${seed}/${phase}/${label}`;
      let g = this.generatedCache.get(key);
      if (!g) {
        g = generateTrace(src.params, src.durationS * 1000, deriveRng(seed, this.scenario.id, phase, 'trace', label));
        if (this.generatedCache.size >= 2 * (this.scenario.access.length + 1)) this.generatedCache.clear();
        this.generatedCache.set(key, g);
      }
      trace = g;
      to = trace.durationMs;
    }
    let tl = this.timelineCache.get(trace);
    if (!tl) {
      tl = {
        up: LinkTimeline.fromTrace(trace, 'up', linear),
        down: LinkTimeline.fromTrace(trace, 'down', linear),
        rtt: trace.rttMs ? new LinkTimeline(trace.tMs, trace.rttMs, trace.durationMs, false) : null,
      };
      this.timelineCache.set(trace, tl);
    }
    return {
      up: new LinkReplay(tl.up, from, to, wrap),
      down: new LinkReplay(tl.down, from, to, wrap),
      rtt: tl.rtt ? new LinkReplay(tl.rtt, from, to, wrap) : whole(LinkTimeline.constant(baseRttMs)),
    };
  }
}
