/**
 * A value network with its target copy, as the DQN and the Hybrid Learner use it: an MLP mapping
 * `inputs` to `outputs`, trained one Adam step at a time on a weighted Huber loss, plus a frozen
 * copy (the target network) refreshed on demand. Two interchangeable implementations:
 *
 * - `mlp`: the typed-array MLP of `./mlp.ts` (fast, and bit-identical on every machine), on its
 *   WebAssembly SIMD kernel or its JavaScript one (`ORCHBENCH_MLP_KERNEL`, see `./mlp-wasm.ts`),
 *   which give bit-identical results;
 * - `tfjs`: TensorFlow.js layers (`./tf-regressor.ts`), the reference implementation, on the
 *   backend `harness/tf.ts` picks (tfjs-node, else wasm, else cpu).
 *
 * Both start from the same weights, drawn from the caller's seeded streams (Glorot uniform, zero
 * biases), so for one seed they follow the same learning curve up to floating-point rounding
 * (`test/baselines/dqn-backends.test.ts` states the tolerance).
 */
import type { Rng } from '../../harness/rng.ts';
import { AdamHuberTrainer, glorotWeights, Mlp } from './mlp.ts';
import { chooseMlpKernel, type MlpKernelName } from './mlp-wasm.ts';

/** Which implementation runs the network. */
export type NnBackendChoice = 'mlp' | 'tfjs';
export const NN_BACKENDS: readonly NnBackendChoice[] = ['mlp', 'tfjs'];

/** The implementation as recorded in results: `mlp`, or `tfjs-<tfjs backend>`. */
export type NnBackendName = 'mlp' | `tfjs-${string}`;

/** What a regressor needs to be built. */
export interface RegressorSpec {
  /** inputs, hidden widths..., outputs. */
  sizes: number[];
  learningRate: number;
  huberDelta: number;
  /** The random stream of layer l's initial kernel. */
  layerRng: (layer: number) => Rng;
}

/** An MLP with a target copy, trained by Adam on sum(w * huber(out - y)) / sum(w). */
export interface Regressor {
  readonly backend: NnBackendName;
  /** The typed-array MLP's kernel (`mlp` only): bit-identical results, recorded for speed. */
  readonly kernel?: MlpKernelName;
  readonly inputs: number;
  readonly outputs: number;
  /**
   * Outputs (`rows x outputs`, row-major) of the online or target network for `rows` input rows.
   * The array may be a scratch buffer, valid until the next call on this regressor.
   */
  predict(x: Float32Array, rows: number, which: 'online' | 'target'): Float32Array;
  /** One Adam step towards `y` with weights `w` (`rows x outputs`; 0 = no target). */
  fit(x: Float32Array, y: Float32Array, w: Float32Array, rows: number): void;
  /** Copies the online weights into the target network. */
  syncTarget(): void;
  dispose(): void;
}

/** The typed-array implementation. */
export class MlpRegressor implements Regressor {
  readonly backend = 'mlp' as const;
  readonly kernel: MlpKernelName;
  private readonly online: Mlp;
  private readonly target: Mlp;
  private readonly trainer: AdamHuberTrainer;

  /** `kernel`: default {@link chooseMlpKernel} (`ORCHBENCH_MLP_KERNEL`, else wasm where supported). */
  constructor(spec: RegressorSpec, kernel: MlpKernelName = chooseMlpKernel()) {
    const init = glorotWeights(spec.sizes, spec.layerRng);
    this.kernel = kernel;
    this.online = new Mlp(spec.sizes, init, kernel);
    this.target = new Mlp(spec.sizes, init, kernel);
    this.trainer = new AdamHuberTrainer(this.online, { learningRate: spec.learningRate }, spec.huberDelta);
  }

  get inputs(): number {
    return this.online.inputs;
  }

  get outputs(): number {
    return this.online.outputs;
  }

  predict(x: Float32Array, rows: number, which: 'online' | 'target'): Float32Array {
    return (which === 'online' ? this.online : this.target).forward(x, rows);
  }

  fit(x: Float32Array, y: Float32Array, w: Float32Array, rows: number): void {
    this.trainer.step(x, y, w, rows);
  }

  syncTarget(): void {
    this.target.copyFrom(this.online);
  }

  dispose(): void {}
}
