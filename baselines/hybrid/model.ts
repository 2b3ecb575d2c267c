/**
 * The learned model of the environment: for a state and an action, the reward of the decision
 * and the next state (every entry of the state vector of `encoding.ts`: each observation
 * feature, battery, link, queue and load counts, appended factors such as `radioTailS`, and the
 * resident mask). Fitted by supervised regression on real transitions only.
 *
 * One MLP for every action (input: the state and the action's inputs), outputs the reward and
 * the change of each state entry; a predicted next state is the state plus that change, clipped to
 * the state's [0, 1] range. The reward is regressed on its own scale, not a compressed one (the
 * mean of a compressed reward is not the compressed mean: rare deadline-miss penalties would be
 * underestimated), with a Huber threshold (`modelHuberDelta`) above the usual penalties, so that
 * only the rare -100 of an empty battery (the same for every action) counts linearly. "Next state" is the transition's `nextObs`, the observation the agent
 * acts on when the outcome arrives: the same state the value learner bootstraps from on real
 * transitions, so simulated and real targets mean the same thing.
 *
 * Implementation: the typed-array MLP of `../nn/mlp.ts` (WebAssembly SIMD kernel where the runtime
 * has one), not TensorFlow.js: for networks this small a hand-written step is ~1.7x faster than
 * tfjs-wasm and 7x faster than tfjs-cpu (NODE-NOTES), and its results are bit-identical on every
 * machine, which a verified benchmark needs. Weights come from streams of the agent seed.
 */
import { deriveRng } from '../../harness/rng.ts';
import { MlpRegressor } from '../nn/regressor.ts';
import type { HybridConfig } from './config.ts';
import type { Encoder } from './encoding.ts';
import type { Replay } from './replay.ts';

export class EnvironmentModel {
  /** Gradient steps taken. */
  fitSteps = 0;
  private readonly reg: MlpRegressor;
  private readonly outputs: number;
  private x = new Float32Array(0);
  private y = new Float32Array(0);
  private w = new Float32Array(0);

  constructor(private readonly enc: Encoder, private readonly cfg: HybridConfig, seed: number) {
    this.outputs = 1 + enc.stateSize;
    this.reg = new MlpRegressor({
      sizes: [enc.inputSize, ...cfg.modelHiddenUnits, this.outputs],
      learningRate: cfg.modelLearningRate,
      huberDelta: cfg.modelHuberDelta,
      layerRng: (l) => deriveRng(seed, 'hybrid', 'model', 'kernel', l),
    });
  }

  private scratch(rows: number): void {
    if (this.w.length >= rows * this.outputs) return;
    this.x = new Float32Array(rows * this.enc.inputSize);
    this.y = new Float32Array(rows * this.outputs);
    this.w = new Float32Array(rows * this.outputs);
  }

  /** One Adam step on the real transitions at `slots` of the replay. */
  fit(replay: Replay, slots: Int32Array): void {
    const S = this.enc.stateSize;
    const O = this.outputs;
    const rows = slots.length;
    this.scratch(rows);
    for (let r = 0; r < rows; r++) {
      const i = slots[r]!;
      this.enc.input(replay.states, i * S, replay.actions[i]!, this.x, r * this.enc.inputSize);
      this.y[r * O] = replay.rewards[i]!;
      this.w[r * O] = this.cfg.rewardLossWeight;
      for (let j = 0; j < S; j++) {
        this.y[r * O + 1 + j] = replay.nextStates[i * S + j]! - replay.states[i * S + j]!;
        this.w[r * O + 1 + j] = 1;
      }
    }
    this.reg.fit(this.x, this.y, this.w, rows);
    this.fitSteps++;
  }

  /**
   * Predicts, for each row r < rows, the reward of (state r of `states`, `actions[r]`) into
   * `reward[r]` and the next state into `next[r * stateSize ..]`.
   */
  predict(states: Float32Array, actions: ArrayLike<number>, rows: number, reward: Float32Array, next: Float32Array): void {
    const S = this.enc.stateSize;
    const I = this.enc.inputSize;
    const O = this.outputs;
    this.scratch(rows);
    for (let r = 0; r < rows; r++) this.enc.input(states, r * S, actions[r]!, this.x, r * I);
    const out = this.reg.predict(this.x, rows, 'online');
    for (let r = 0; r < rows; r++) {
      reward[r] = out[r * O]!;
      for (let j = 0; j < S; j++) {
        const v = states[r * S + j]! + out[r * O + 1 + j]!;
        next[r * S + j] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }

  dispose(): void {
    this.reg.dispose();
  }
}
