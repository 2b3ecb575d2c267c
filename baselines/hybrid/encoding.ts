/**
 * What the Hybrid Learner reads of an observation, and the network input of a state-action pair.
 *
 * The state vector (`stateSize` numbers, each scaled into [0, 1]) is what the environment model
 * predicts the next value of and what the value learner is evaluated on, real or simulated:
 * 1. every feature of `EnvSpec.features`, by its documented bounds, in spec order: whatever a
 *    scenario appends (`radioTailS`, later factors) is read without code naming it;
 * 2. the one observation count the feature vector leaves out: the orchestrator's own requests in
 *    flight on devices (`inFlight.device`, / 16, clipped);
 * 3. the `resident` mask, one entry per action (1: the action's model is loaded on this user's
 *    device, so a device action pays no load time).
 *
 * The input of (state, action a) appends to the state the action's public information (tier,
 * accuracy, median compute: `actionFeatureTable` of the DQN), `resident[a]` once more (the entry
 * that decides a's cost, next to the action's own inputs), and the action's accuracy margin over
 * the request's requirement with its sign (an accuracy violation, known before acting). One
 * network then serves every action: what it learns of one carries over to similar ones.
 */
import type { EnvSpec, Observation } from '../../harness/agent.ts';
import { ACTION_FEATURES, actionFeatureTable } from '../dqn.ts';

/** Scale of `inFlight.device` in the state (a count; clipped at this). */
const DEVICE_IN_FLIGHT_MAX = 16;
/** Inputs appended per action after the state: public action features, resident[a], margin, violation. */
const ACTION_INPUTS = ACTION_FEATURES.length + 3;

export class Encoder {
  /** Features of `EnvSpec.features`. */
  readonly featureCount: number;
  readonly actionCount: number;
  /** Offset of the resident mask in the state vector. */
  readonly residentOffset: number;
  /** Length of the state vector. */
  readonly stateSize: number;
  /** Length of a state-action input row. */
  readonly inputSize: number;
  private readonly lo: Float32Array;
  private readonly span: Float32Array;
  private readonly actionTable: Float32Array;
  private readonly accuracy: Float32Array;
  /** Index of the accuracy requirement (requirement / 100) in the state, or -1 when the spec has none. */
  private readonly requirementAt: number;

  constructor(env: EnvSpec) {
    this.featureCount = env.features.length;
    this.actionCount = env.actions.length;
    this.residentOffset = this.featureCount + 1;
    this.stateSize = this.residentOffset + this.actionCount;
    this.inputSize = this.stateSize + ACTION_INPUTS;
    this.lo = Float32Array.from(env.features, (f) => f.min);
    this.span = Float32Array.from(env.features, (f) => f.max - f.min);
    this.actionTable = actionFeatureTable(env.actions);
    this.accuracy = Float32Array.from(env.actions, (a) => a.accuracyTop1Pct / 100);
    const req = env.features.findIndex((f) => f.name === 'accuracyRequirement');
    // Only meaningful when the feature is the requirement / 100 (bounds [0, 1]).
    this.requirementAt = req >= 0 && env.features[req]!.min === 0 && env.features[req]!.max === 1 ? req : -1;
  }

  /** Writes the state vector of `obs` at `out[offset ..]`. */
  encodeState(obs: Observation, out: Float32Array, offset: number): void {
    const F = this.featureCount;
    for (let i = 0; i < F; i++) out[offset + i] = (obs.features[i]! - this.lo[i]!) / this.span[i]!;
    out[offset + F] = Math.min(obs.inFlight.device / DEVICE_IN_FLIGHT_MAX, 1);
    const r = offset + this.residentOffset;
    for (let a = 0; a < this.actionCount; a++) out[r + a] = obs.user.resident[a] ?? 0;
  }

  /** Writes the input row of (state at `states[so ..]`, action `a`) at `out[oo ..]`. */
  input(states: Float32Array, so: number, a: number, out: Float32Array, oo: number): void {
    const S = this.stateSize;
    const K = ACTION_FEATURES.length;
    out.set(states.subarray(so, so + S), oo);
    out.set(this.actionTable.subarray(a * K, (a + 1) * K), oo + S);
    out[oo + S + K] = states[so + this.residentOffset + a]!;
    const margin = this.requirementAt < 0 ? 0 : this.accuracy[a]! - states[so + this.requirementAt]!;
    out[oo + S + K + 1] = margin;
    out[oo + S + K + 2] = margin < 0 ? 1 : 0;
  }
}
