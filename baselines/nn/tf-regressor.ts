/**
 * The TensorFlow.js implementation of {@link Regressor}: the reference the typed-array MLP is
 * checked against. Dense layers (`tf.layers.dense`, ReLU hidden, linear output), Adam
 * (`tf.train.adam`), `tf.losses.huberLoss` with weights and `Reduction.MEAN`.
 *
 * Notes from NODE-NOTES: every call is wrapped in `tf.tidy` (no tensor leaks; `tf.memory()` is
 * checked in tests), and the optimiser gets the online variables explicitly so the target's are
 * never differentiated.
 */
import type { Scalar, Sequential, Tensor, Tensor2D, Variable, Optimizer } from '@tensorflow/tfjs';
import type { Tf, TfBackend } from '../../harness/tf.ts';
import { glorotWeights, type MlpWeights } from './mlp.ts';
import type { Regressor, RegressorSpec } from './regressor.ts';

export class TfRegressor implements Regressor {
  readonly backend: `tfjs-${TfBackend}`;
  readonly inputs: number;
  readonly outputs: number;
  private readonly online: Sequential;
  private readonly target: Sequential;
  private readonly optimizer: Optimizer;
  private readonly onlineVars: Variable[];

  constructor(private readonly tf: Tf, tfBackend: TfBackend, private readonly spec: RegressorSpec) {
    this.backend = `tfjs-${tfBackend}`;
    const sizes = spec.sizes;
    this.inputs = sizes[0]!;
    this.outputs = sizes[sizes.length - 1]!;
    const init = glorotWeights(sizes, spec.layerRng);
    this.online = this.build(init);
    this.target = this.build(init);
    this.optimizer = tf.train.adam(spec.learningRate);
    this.onlineVars = this.online.trainableWeights.map((w) => w.read() as Variable);
  }

  /** A Sequential model of `spec.sizes` holding the weights `init`. */
  private build(init: MlpWeights): Sequential {
    const { tf } = this;
    const sizes = this.spec.sizes;
    const m = tf.sequential();
    for (let l = 0; l + 1 < sizes.length; l++) {
      m.add(tf.layers.dense({
        units: sizes[l + 1]!,
        activation: l + 2 < sizes.length ? 'relu' : 'linear',
        ...(l === 0 ? { inputShape: [sizes[0]!] } : {}),
      }));
    }
    tf.tidy(() => {
      m.setWeights(init.kernels.flatMap((k, l) => [tf.tensor2d(k.slice(), [sizes[l]!, sizes[l + 1]!]), tf.tensor1d(init.biases[l]!.slice())]));
    });
    return m;
  }

  predict(x: Float32Array, rows: number, which: 'online' | 'target'): Float32Array {
    const net = which === 'online' ? this.online : this.target;
    return this.tf.tidy(() => {
      // A copy: the cpu backend keeps (does not copy) the array a tensor is made from.
      const input = this.tf.tensor2d(x.slice(0, rows * this.inputs), [rows, this.inputs]);
      return (net.apply(input) as Tensor).dataSync() as Float32Array;
    });
  }

  fit(x: Float32Array, y: Float32Array, w: Float32Array, rows: number): void {
    const { tf } = this;
    const O = this.outputs;
    tf.tidy(() => {
      const xs = tf.tensor2d(x.slice(0, rows * this.inputs), [rows, this.inputs]);
      const ys = tf.tensor2d(y.slice(0, rows * O), [rows, O]);
      const ws = tf.tensor2d(w.slice(0, rows * O), [rows, O]);
      this.optimizer.minimize(() => {
        const out = this.online.apply(xs) as Tensor2D;
        return tf.losses.huberLoss(ys, out, ws, this.spec.huberDelta, tf.Reduction.MEAN) as Scalar;
      }, false, this.onlineVars);
    });
  }

  syncTarget(): void {
    this.tf.tidy(() => this.target.setWeights(this.online.getWeights()));
  }

  dispose(): void {
    this.online.dispose();
    this.target.dispose();
    this.optimizer.dispose();
  }
}
