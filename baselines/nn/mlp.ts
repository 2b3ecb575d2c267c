/**
 * A small multilayer perceptron on typed arrays: dense layers with ReLU between them and a linear
 * output, trained by Adam on a weighted Huber loss. It reproduces, operation for operation, what
 * the TensorFlow.js version of the Q-network computes (`tf.layers.dense`, `tf.losses.huberLoss`
 * with `Reduction.MEAN` and weights, `tf.train.adam` with its defaults), without the per-operation
 * overhead that dominates tfjs for networks this small (see `bench/dqn.bench.ts`).
 *
 * Layout: layer l maps `sizes[l]` inputs to `sizes[l + 1]` outputs; its kernel is row-major
 * `[inputs x outputs]` (tfjs's layout, so weights copy across as they are) and its bias has
 * `outputs` entries. Parameters, activations and Adam moments are float32 like tfjs's; sums are
 * accumulated in float64 (tfjs's kernels accumulate in float32, hence differences of ~1e-7
 * relative per operation, which the equivalence test bounds).
 *
 * Two kernels run the dense layers and the Adam update, with bit-identical results: JavaScript
 * (below) and WebAssembly SIMD (`mlp-wasm.ts`; 2-3x faster, see `bench/dqn.bench.ts`), chosen
 * per MLP.
 */
import type { Rng } from '../../harness/rng.ts';
import { type MlpKernelName, WasmMlpMemory } from './mlp-wasm.ts';

/** Kernels and biases of every layer. */
export interface MlpWeights {
  kernels: Float32Array[];
  biases: Float32Array[];
}

/**
 * Glorot-uniform kernels (limit sqrt(6 / (fanIn + fanOut)), Keras's default) and zero biases, one
 * random stream per layer, drawn in row-major order.
 */
export function glorotWeights(sizes: readonly number[], layerRng: (layer: number) => Rng): MlpWeights {
  const kernels: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l]!;
    const fanOut = sizes[l + 1]!;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const rng = layerRng(l);
    const k = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < k.length; i++) k[i] = limit * (2 * rng.float() - 1);
    kernels.push(k);
    biases.push(new Float32Array(fanOut));
  }
  return { kernels, biases };
}

/**
 * A dense ReLU network with a linear output layer. Each kernel is kept in both layouts, so that
 * every inner loop runs over contiguous memory and skips what is zero: `kernels` (`[inputs x
 * outputs]`, tfjs's layout) for the forward pass, which skips inputs that are 0 (ReLUs that are
 * off), and `kernelsT` (`[outputs x inputs]`) for backpropagation, which skips outputs whose
 * gradient is 0 (untargeted actions). {@link Mlp.setKernel} keeps the two equal.
 *
 * With the `wasm` kernel every array (weights, activations, and the trainer's) is a view of the
 * MLP's own WebAssembly memory, and the kernel reads the other layouts: `kernels` forward
 * (consecutive outputs are adjacent, the SIMD lanes) and `kernelsT` backward.
 */
export class Mlp {
  /** Kernel of layer l: entry (i, j) at `i * outputs + j`. */
  readonly kernels: Float32Array[];
  /** The same kernel transposed: entry (i, j) at `j * inputs + i`. */
  readonly kernelsT: Float32Array[];
  readonly biases: Float32Array[];
  /** The memory every array lives in with the `wasm` kernel; null with `js`. */
  readonly wasm: WasmMlpMemory | null;
  /**
   * Post-activation outputs of each layer for the last `forward`. Index 0 is the input: with the
   * `wasm` kernel a copy of it in the MLP's memory, with `js` unused.
   */
  private readonly acts: Float32Array[];
  /** The input rows of the last `forward`. */
  private input: Float32Array = new Float32Array(0);
  private rowsCapacity = 0;

  /** `sizes`: inputs, hidden widths..., outputs. Weights start as a copy of `init`. */
  constructor(readonly sizes: readonly number[], init: MlpWeights, readonly kernel: MlpKernelName = 'js') {
    if (sizes.length < 2) throw new Error('an MLP needs at least an input and an output size');
    this.wasm = kernel === 'wasm' ? new WasmMlpMemory() : null;
    const copy = (a: Float32Array): Float32Array => {
      const c = this.alloc(a.length);
      c.set(a);
      return c;
    };
    this.kernels = init.kernels.map(copy);
    this.kernelsT = init.kernels.map((k, l) => transposeInto(k, sizes[l]!, sizes[l + 1]!, this.alloc(k.length)));
    this.biases = init.biases.map(copy);
    this.acts = sizes.map(() => new Float32Array(0));
  }

  /** A zeroed float32 array where this MLP's kernel can read it (its WebAssembly memory, if any). */
  alloc(n: number): Float32Array {
    return this.wasm ? this.wasm.alloc(n) : new Float32Array(n);
  }

  /** Sets entry (i, j) of layer l's kernel in both layouts. */
  setKernel(l: number, i: number, j: number, v: number): void {
    this.kernels[l]![i * this.sizes[l + 1]! + j] = v;
    this.kernelsT[l]![j * this.sizes[l]! + i] = v;
  }

  get inputs(): number {
    return this.sizes[0]!;
  }

  get outputs(): number {
    return this.sizes[this.sizes.length - 1]!;
  }

  get layers(): number {
    return this.sizes.length - 1;
  }

  /** A copy of the weights in tfjs's layout (kernels `[inputs x outputs]`). */
  weights(): MlpWeights {
    return { kernels: this.kernels.map((k) => k.slice()), biases: this.biases.map((b) => b.slice()) };
  }

  /** Copies another MLP's weights of the same shape (the target network's hard update). */
  copyFrom(other: Mlp): void {
    for (let l = 0; l < this.layers; l++) {
      this.kernels[l]!.set(other.kernels[l]!);
      this.kernelsT[l]!.set(other.kernelsT[l]!);
      this.biases[l]!.set(other.biases[l]!);
    }
  }

  private ensureRows(rows: number): void {
    if (rows <= this.rowsCapacity) return;
    this.rowsCapacity = Math.max(rows, 2 * this.rowsCapacity);
    for (let l = this.wasm ? 0 : 1; l < this.sizes.length; l++) this.acts[l] = this.alloc(this.rowsCapacity * this.sizes[l]!);
  }

  /**
   * Outputs for `rows` input rows (row-major `rows x inputs`). Returns a scratch array of at least
   * `rows x outputs` entries, valid until the next `forward`; copy what you keep.
   */
  forward(x: Float32Array, rows: number): Float32Array {
    this.ensureRows(rows);
    const wasm = this.wasm;
    let input = x;
    if (wasm && x !== this.acts[0]) {
      input = this.acts[0]!;
      input.set(x.subarray(0, rows * this.inputs));
    }
    this.input = input;
    for (let l = 0; l < this.layers; l++) {
      const nIn = this.sizes[l]!;
      const nOut = this.sizes[l + 1]!;
      const relu = l + 1 < this.layers;
      if (wasm) wasm.dense(input, rows, nIn, nOut, this.kernels[l]!, this.biases[l]!, relu, this.acts[l + 1]!);
      else denseLayer(input, rows, nIn, nOut, this.kernelsT[l]!, this.biases[l]!, relu, this.acts[l + 1]!);
      input = this.acts[l + 1]!;
    }
    return this.acts[this.layers]!;
  }

  /** Post-activation output of layer `l` (1..layers) from the last `forward`; 0: its input rows. */
  activation(l: number): Float32Array {
    return l === 0 ? this.input : this.acts[l]!;
  }
}

/**
 * out = act(x W + b) for `rows` rows, with W given transposed (`kT`, `[nOut x nIn]`). Blocked two
 * rows by four outputs, so each loaded input and weight serves several multiply-adds held in
 * locals (V8 does not vectorise; this is what makes large batches fast). Each sum runs over the
 * inputs in order, in float64, then is rounded to float32 before the bias is added (as tfjs does).
 */
function denseLayer(x: Float32Array, rows: number, nIn: number, nOut: number, kT: Float32Array, b: Float32Array, relu: boolean, out: Float32Array): void {
  for (let r = 0; r < rows; r += 2) {
    // An odd last row is computed twice and stored once.
    const r1 = r + 1 < rows ? r + 1 : r;
    const x0 = r * nIn;
    const x1 = r1 * nIn;
    for (let j = 0; j < nOut; j += 4) {
      // Past the last output, the last one is computed again and not stored.
      const last = nOut - 1;
      const k0 = j * nIn;
      const k1 = Math.min(j + 1, last) * nIn;
      const k2 = Math.min(j + 2, last) * nIn;
      const k3 = Math.min(j + 3, last) * nIn;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let i = 0; i < nIn; i++) {
        const u = x[x0 + i]!;
        const v = x[x1 + i]!;
        // ReLU outputs are often 0 in both rows: nothing to add.
        if (u === 0 && v === 0) continue;
        const w0 = kT[k0 + i]!;
        const w1 = kT[k1 + i]!;
        const w2 = kT[k2 + i]!;
        const w3 = kT[k3 + i]!;
        a0 += u * w0;
        a1 += u * w1;
        a2 += u * w2;
        a3 += u * w3;
        c0 += v * w0;
        c1 += v * w1;
        c2 += v * w2;
        c3 += v * w3;
      }
      const o0 = r * nOut + j;
      const o1 = r1 === r ? -1 : r1 * nOut + j;
      emit(out, o0, o1, a0, c0, b[j]!, relu);
      if (j + 1 < nOut) emit(out, o0 + 1, o1 < 0 ? -1 : o1 + 1, a1, c1, b[j + 1]!, relu);
      if (j + 2 < nOut) emit(out, o0 + 2, o1 < 0 ? -1 : o1 + 2, a2, c2, b[j + 2]!, relu);
      if (j + 3 < nOut) emit(out, o0 + 3, o1 < 0 ? -1 : o1 + 3, a3, c3, b[j + 3]!, relu);
    }
  }
}

/** Stores float32(sum) + bias, through the ReLU if any, at `o0` and (unless -1) `o1`. */
function emit(out: Float32Array, o0: number, o1: number, sum0: number, sum1: number, bias: number, relu: boolean): void {
  const v0 = Math.fround(sum0) + bias;
  out[o0] = relu && v0 < 0 ? 0 : v0;
  if (o1 >= 0) {
    const v1 = Math.fround(sum1) + bias;
    out[o1] = relu && v1 < 0 ? 0 : v1;
  }
}

/** Writes the transpose of the row-major `rows x cols` matrix `m` into `out` and returns it. */
function transposeInto(m: Float32Array, rows: number, cols: number, out: Float32Array): Float32Array {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
  return out;
}

/** Adam settings; the defaults are `tf.train.adam`'s (epsilon: the float32 backend's 1e-7). */
export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adam on the weighted Huber loss sum(w * huber(out - y)) / sum(w) over `rows x outputs` entries
 * (`tf.losses.huberLoss(y, out, w, delta, Reduction.MEAN)`).
 */
export class AdamHuberTrainer {
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly m: { k: Float32Array[]; b: Float32Array[] };
  private readonly v: { k: Float32Array[]; b: Float32Array[] };
  private readonly gk: Float32Array[];
  private readonly gb: Float32Array[];
  /** Transposed deltas and layer inputs (scratch). */
  private deltaT: Float32Array = new Float32Array(0);
  private inputT: Float32Array = new Float32Array(0);
  /** d loss / d (pre-activation) of the current layer and the one below, rows x width. */
  private delta: Float32Array = new Float32Array(0);
  private deltaBelow: Float32Array = new Float32Array(0);
  /** Zero biases for computing input gradients with {@link denseLayer}. */
  private readonly noBias: Float32Array;
  /** beta^t, kept in float32 as tfjs's accumulators are. */
  private accBeta1: number;
  private accBeta2: number;
  steps = 0;

  constructor(private readonly net: Mlp, private readonly opts: AdamOptions, private readonly huberDelta: number) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-7;
    // In the network's memory, where its kernel reads them.
    const zeros = (arrays: Float32Array[]): Float32Array[] => arrays.map((a) => net.alloc(a.length));
    this.m = { k: zeros(net.kernelsT), b: zeros(net.biases) };
    this.v = { k: zeros(net.kernelsT), b: zeros(net.biases) };
    this.gk = zeros(net.kernelsT);
    this.gb = zeros(net.biases);
    this.accBeta1 = Math.fround(this.beta1);
    this.accBeta2 = Math.fround(this.beta2);
    this.noBias = net.alloc(Math.max(...net.sizes));
  }

  private ensureRows(rows: number): void {
    const width = Math.max(...this.net.sizes);
    if (this.delta.length >= rows * width) return;
    const net = this.net;
    this.delta = net.alloc(rows * width);
    this.deltaBelow = net.alloc(rows * width);
    this.deltaT = net.alloc(rows * width);
    // The wasm kernel reads the layer inputs as they are.
    if (!net.wasm) this.inputT = new Float32Array(rows * width);
  }

  /**
   * One Adam step towards targets `y` with weights `w` (both `rows x outputs`; weight 0 = no
   * target). Returns the loss before the step.
   */
  step(x: Float32Array, y: Float32Array, w: Float32Array, rows: number): number {
    const net = this.net;
    const wasm = net.wasm;
    const L = net.layers;
    const nOut = net.outputs;
    this.ensureRows(rows);
    const out = net.forward(x, rows);

    // Loss and its gradient at the output: w * clip(out - y, -delta, delta) / sum(w).
    let wSum = 0;
    for (let e = 0; e < rows * nOut; e++) wSum += w[e]!;
    let loss = 0;
    const d = this.huberDelta;
    let delta = this.delta;
    for (let e = 0; e < rows * nOut; e++) {
      const we = w[e]!;
      if (we === 0) {
        delta[e] = 0;
        continue;
      }
      const err = out[e]! - y[e]!;
      const a = Math.abs(err);
      const quad = Math.min(a, d);
      loss += we * (0.5 * quad * quad + d * (a - quad));
      delta[e] = (we * (a <= d ? err : Math.sign(err) * d)) / wSum;
    }

    // Backpropagation, layer by layer from the output; zero deltas (untargeted outputs, ReLUs
    // that were off) are skipped.
    for (let l = L - 1; l >= 0; l--) {
      const nI = net.sizes[l]!;
      const nO = net.sizes[l + 1]!;
      const input = net.activation(l);
      const gk = this.gk[l]!;
      const gb = this.gb[l]!;
      const below = this.deltaBelow;
      // Kernel gradient (transposed) = delta^T x input: a dense layer from delta^T (nO rows of
      // `rows` inputs) with the layer inputs as its `[rows x nI]` kernel (the JS kernel wants it
      // transposed). Each entry sums over the rows in order either way.
      const dT = wasm ? wasm.transpose(delta, rows, nO, this.deltaT) : transposeInto(delta, rows, nO, this.deltaT);
      if (wasm) wasm.dense(dT, nO, rows, nI, input, this.noBias, false, gk);
      else denseLayer(dT, nO, rows, nI, transposeInto(input, rows, nI, this.inputT), this.noBias, false, gk);
      for (let j = 0; j < nO; j++) {
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += dT[j * rows + r]!;
        gb[j] = sum;
      }
      if (l > 0) {
        // d loss / d input = delta x W^T: the dense layer from this layer's outputs back to its
        // inputs (the [inputs x outputs] kernel is W^T transposed), then through the ReLU below
        // (no gradient where it was off). The wasm kernel wants that kernel's transpose, W itself.
        if (wasm) wasm.dense(delta, rows, nO, nI, net.kernelsT[l]!, this.noBias, false, below);
        else denseLayer(delta, rows, nO, nI, net.kernels[l]!, this.noBias, false, below);
        for (let e = 0; e < rows * nI; e++) if (input[e]! <= 0) below[e] = 0;
      }
      if (l > 0) {
        this.deltaBelow = delta;
        this.delta = below;
        delta = below;
      }
    }
    this.apply();
    return wSum > 0 ? loss / wSum : 0;
  }

  /** The Adam update of every parameter from the gradients just computed. */
  private apply(): void {
    const { beta1, beta2, epsilon } = this;
    const lr = this.opts.learningRate;
    const c1 = Math.fround(1 - this.accBeta1);
    const c2 = Math.fround(1 - this.accBeta2);
    const net = this.net;
    const update = net.wasm ? net.wasm.adam.bind(net.wasm) : adamUpdate;
    for (let l = 0; l < net.layers; l++) {
      update(net.kernelsT[l]!, this.gk[l]!, this.m.k[l]!, this.v.k[l]!, beta1, beta2, lr, c1, c2, epsilon);
      update(net.biases[l]!, this.gb[l]!, this.m.b[l]!, this.v.b[l]!, beta1, beta2, lr, c1, c2, epsilon);
      // The forward pass reads the [inputs x outputs] copy.
      const nI = net.sizes[l]!;
      const nO = net.sizes[l + 1]!;
      if (net.wasm) net.wasm.transpose(net.kernelsT[l]!, nO, nI, net.kernels[l]!);
      else transposeInto(net.kernelsT[l]!, nO, nI, net.kernels[l]!);
    }
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(beta2));
    this.steps++;
  }
}

/**
 * Adam on every entry of `p` (tfjs's update: m and v in float32, bias-corrected by c1 = 1 -
 * beta1^t and c2 = 1 - beta2^t, step lr * m^ / (sqrt(v^) + epsilon)).
 */
function adamUpdate(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, beta1: number, beta2: number, lr: number, c1: number, c2: number, epsilon: number): void {
  for (let e = 0; e < p.length; e++) {
    const ge = Math.fround(g[e]!);
    const me = beta1 * m[e]! + (1 - beta1) * ge;
    const ve = beta2 * v[e]! + (1 - beta2) * ge * ge;
    m[e] = me;
    v[e] = ve;
    p[e] = p[e]! - (lr * (Math.fround(me) / c1)) / (Math.sqrt(Math.fround(ve) / c2) + epsilon);
  }
}
