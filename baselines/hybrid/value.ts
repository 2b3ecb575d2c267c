/**
 * The model-free value learner: a Q-network Q(s, a) (one MLP for every action, on the state-action
 * input of `encoding.ts`) with a target copy, trained by Adam on the Huber loss towards
 * one-step targets, from two sources (Dyna, Sutton 1991; MBPO's short branched rollouts, Janner et
 * al. 2019, with branch length 1):
 * - real transitions of the replay: r + gamma x max_b Q_target(s', b) over the legal b of s';
 * - simulated transitions: a real state of the replay, a legal action drawn uniformly, and the
 *   environment model's reward r^ and next state s'^: r^ + gamma x max_b Q_target(s'^, b), b
 *   legal at the stored real successor (legality is a tier's, not the action taken).
 * Each simulated row is counted (`simulatedRows`, reported as `AgentStats.planningUpdates`).
 *
 * Implementation: the typed-array MLP (`../nn/mlp.ts`), for the reasons given in `model.ts`.
 */
import { deriveRng, type Rng } from '../../harness/rng.ts';
import { randomUnmasked } from '../common.ts';
import { MlpRegressor } from '../nn/regressor.ts';
import type { HybridConfig } from './config.ts';
import type { Encoder } from './encoding.ts';
import type { EnvironmentModel } from './model.ts';
import type { Replay } from './replay.ts';

export class ValueLearner {
  /** Gradient steps taken (real and simulated). */
  trainSteps = 0;
  /** Simulated transitions trained on. */
  simulatedRows = 0;
  private readonly reg: MlpRegressor;
  private x = new Float32Array(0);
  // Batch scratch: states, next states, next masks, actions, targets, model rewards.
  private readonly s: Float32Array;
  private readonly s2: Float32Array;
  private readonly m2: Uint8Array;
  private readonly a: Int32Array;
  private readonly y: Float32Array;
  private readonly ones: Float32Array;
  private readonly r: Float32Array;

  constructor(private readonly enc: Encoder, private readonly cfg: HybridConfig, seed: number) {
    this.reg = new MlpRegressor({
      sizes: [enc.inputSize, ...cfg.valueHiddenUnits, 1],
      learningRate: cfg.valueLearningRate,
      huberDelta: cfg.huberDelta,
      layerRng: (l) => deriveRng(seed, 'hybrid', 'qnet', 'kernel', l),
    });
    const B = cfg.batchSize;
    this.s = new Float32Array(B * enc.stateSize);
    this.s2 = new Float32Array(B * enc.stateSize);
    this.m2 = new Uint8Array(B * enc.actionCount);
    this.a = new Int32Array(B);
    this.y = new Float32Array(B);
    this.ones = new Float32Array(B).fill(1);
    this.r = new Float32Array(B);
  }

  private inputs(rows: number): Float32Array {
    if (this.x.length < rows * this.enc.inputSize) this.x = new Float32Array(rows * this.enc.inputSize);
    return this.x;
  }

  /** Q of every action at each of `rows` states (`rows x actions`, a scratch array valid until the next call). */
  qAll(states: Float32Array, rows: number, which: 'online' | 'target'): Float32Array {
    const A = this.enc.actionCount;
    const S = this.enc.stateSize;
    const I = this.enc.inputSize;
    const x = this.inputs(rows * A);
    for (let r = 0; r < rows; r++) for (let a = 0; a < A; a++) this.enc.input(states, r * S, a, x, (r * A + a) * I);
    return this.reg.predict(x, rows * A, which);
  }

  /** max over the legal actions (`masks`, rows x actions) of Q at each state, into `out`. */
  maxQ(states: Float32Array, masks: Uint8Array, rows: number, which: 'online' | 'target', out: Float32Array): void {
    const A = this.enc.actionCount;
    const q = this.qAll(states, rows, which);
    for (let r = 0; r < rows; r++) {
      let best = -Infinity;
      for (let a = 0; a < A; a++) if (masks[r * A + a] === 1 && q[r * A + a]! > best) best = q[r * A + a]!;
      out[r] = best === -Infinity ? 0 : best;
    }
  }

  /** One Adam step fitting Q(state r, a[r]) to y[r] for the batch in scratch; target sync when due. */
  private step(rows: number): void {
    const S = this.enc.stateSize;
    const I = this.enc.inputSize;
    const x = this.inputs(rows);
    for (let r = 0; r < rows; r++) this.enc.input(this.s, r * S, this.a[r]!, x, r * I);
    this.reg.fit(x, this.y, this.ones, rows);
    this.trainSteps++;
    if (this.trainSteps % this.cfg.targetUpdateEvery === 0) this.reg.syncTarget();
  }

  /** Copies the states, next states and next masks of `slots` into the batch scratch. */
  private gather(replay: Replay, slots: Int32Array): void {
    const S = this.enc.stateSize;
    const A = this.enc.actionCount;
    for (let r = 0; r < slots.length; r++) {
      const i = slots[r]!;
      this.s.set(replay.states.subarray(i * S, (i + 1) * S), r * S);
      this.s2.set(replay.nextStates.subarray(i * S, (i + 1) * S), r * S);
      this.m2.set(replay.nextMasks.subarray(i * A, (i + 1) * A), r * A);
    }
  }

  /** One update on the real transitions at `slots` (`batchSize` of them). */
  realUpdate(replay: Replay, slots: Int32Array): void {
    const rows = slots.length;
    this.gather(replay, slots);
    this.maxQ(this.s2, this.m2, rows, 'target', this.y);
    for (let r = 0; r < rows; r++) {
      const i = slots[r]!;
      this.a[r] = replay.actions[i]!;
      this.y[r] = replay.rewards[i]! + this.cfg.gamma * this.y[r]!;
    }
    this.step(rows);
  }

  /**
   * One update on simulated transitions from the real states at `slots`: a legal action drawn by
   * `rng` from each state's mask, reward and next state from `model`.
   */
  simulatedUpdate(replay: Replay, slots: Int32Array, model: EnvironmentModel, rng: Rng): void {
    const rows = slots.length;
    const A = this.enc.actionCount;
    this.gather(replay, slots);
    for (let r = 0; r < rows; r++) this.a[r] = randomUnmasked(replay.masks.subarray(slots[r]! * A, (slots[r]! + 1) * A), rng);
    model.predict(this.s, this.a, rows, this.r, this.s2);
    this.maxQ(this.s2, this.m2, rows, 'target', this.y);
    for (let r = 0; r < rows; r++) this.y[r] = this.r[r]! + this.cfg.gamma * this.y[r]!;
    this.step(rows);
    this.simulatedRows += rows;
  }

  dispose(): void {
    this.reg.dispose();
  }
}
