/**
 * The WebAssembly SIMD kernels of the typed-array MLP (`mlp-kernel.wat`), and the choice between
 * them and the JavaScript kernels of `mlp.ts`. Both give bit-identical results (same sums in the
 * same order, same roundings; see the `.wat`), so the choice changes speed only.
 *
 * Each {@link WasmMlpMemory} is one instance of the module with its own memory: an MLP places its
 * weights, activations (and its trainer its gradients, Adam moments and scratch) there as
 * Float32Array views, so the kernels run on them without copying. The memory is shared
 * (`SharedArrayBuffer`) because growing a shared memory leaves existing views valid; growing a
 * plain one would detach every view.
 */
import { InputError, show } from '../../harness/errors.ts';
import { MLP_KERNEL_WASM_BASE64 } from './mlp-kernel-wasm.ts';

/** Which kernel runs the MLP's dense layers and Adam update. */
export type MlpKernelName = 'js' | 'wasm';
export const MLP_KERNELS: readonly MlpKernelName[] = ['js', 'wasm'];

/** The environment variable that forces a kernel (unset: `wasm` where the runtime supports it). */
export const MLP_KERNEL_ENV = 'ORCHBENCH_MLP_KERNEL';

const PAGE_BYTES = 65536;
/** The module's declared maximum (`memory 1 4096`): 256 MiB per MLP. */
const MAX_PAGES = 4096;

/** The parts of the WebAssembly JS API used here (the project's type libraries do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule) => { exports: unknown };
}
type WasmModule = { readonly __wasmModule: unique symbol };
interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface KernelExports {
  memory: WasmMemory;
  dense(x: number, rows: number, nIn: number, nOut: number, w: number, b: number, relu: number, out: number): void;
  adam(p: number, g: number, m: number, v: number, n: number, beta1: number, beta2: number, lr: number, c1: number, c2: number, eps: number): void;
  transpose(m: number, rows: number, cols: number, out: number): void;
}

let compiled: WasmModule | null | undefined;

/** The compiled module (once per process), or null where the runtime lacks SIMD or shared memory. */
function kernelModule(): WasmModule | null {
  if (compiled === undefined) {
    const bytes = Buffer.from(MLP_KERNEL_WASM_BASE64, 'base64');
    compiled = wasmApi?.validate(bytes) ? new wasmApi.Module(bytes) : null;
  }
  return compiled;
}

/** Whether this runtime can run the WebAssembly kernel (SIMD and shared memory). */
export function wasmKernelSupported(): boolean {
  return kernelModule() !== null;
}

/**
 * The kernel to use: `ORCHBENCH_MLP_KERNEL` (`js` or `wasm`) when set, else `wasm` where the
 * runtime supports it, else `js`. Throws on any other value, or on `wasm` where unsupported.
 */
export function chooseMlpKernel(env: NodeJS.ProcessEnv = process.env): MlpKernelName {
  const forced = env[MLP_KERNEL_ENV];
  if (forced === undefined || forced === '') return wasmKernelSupported() ? 'wasm' : 'js';
  const file = `environment variable ${MLP_KERNEL_ENV}`;
  if (!(MLP_KERNELS as readonly string[]).includes(forced)) throw new InputError({ file, expected: MLP_KERNELS.join(' | '), found: show(forced) });
  if (forced === 'wasm' && !wasmKernelSupported()) {
    throw new InputError({ file, expected: `js (Node ${process.versions.node} cannot run WebAssembly SIMD with shared memory)`, found: show(forced) });
  }
  return forced as MlpKernelName;
}

/**
 * One instance of the kernel module and its memory, with a bump allocator for float32 arrays.
 * Nothing is freed: an MLP allocates its parameters once and its row-dependent scratch when the
 * batch grows (doubling, so at most half of it is ever stale).
 */
export class WasmMlpMemory {
  private readonly kernel: KernelExports;
  private readonly memory: WasmMemory;
  private top = 0;

  constructor() {
    const module = kernelModule();
    if (!module) throw new Error('this runtime cannot run the WebAssembly MLP kernel (SIMD, shared memory)');
    this.kernel = new wasmApi.Instance(module).exports as KernelExports;
    this.memory = this.kernel.memory;
  }

  /**
   * A zeroed float32 array of `n` entries in this memory, 16-byte aligned and padded to a multiple
   * of four entries. The padding stays zero: {@link adam} updates it with the array (Adam maps
   * zero parameters, gradients and moments to zero) so that it runs on whole pairs.
   */
  alloc(n: number): Float32Array {
    const start = this.top;
    const end = start + Math.ceil((4 * n) / 16) * 16;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE_BYTES);
      if (have / PAGE_BYTES + pages > MAX_PAGES) {
        throw new Error(`WebAssembly MLP memory: ${end} bytes needed, at most ${MAX_PAGES * PAGE_BYTES} (use ${MLP_KERNEL_ENV}=js for larger networks or batches)`);
      }
      this.memory.grow(pages);
    }
    this.top = end;
    // The buffer of a shared memory is a new object after each grow; earlier views stay valid.
    return new Float32Array(this.memory.buffer, start, n);
  }

  /**
   * out = act(x W + b) for `rows` rows (x: `rows x nIn`, W: `nIn x nOut` row-major, b: `nOut`,
   * out: `rows x nOut`; act = ReLU or identity), bit-identical to `denseLayer` in mlp.ts. Every
   * array must be a view of this memory.
   */
  dense(x: Float32Array, rows: number, nIn: number, nOut: number, w: Float32Array, b: Float32Array, relu: boolean, out: Float32Array): void {
    this.kernel.dense(x.byteOffset, rows, nIn, nOut, w.byteOffset, b.byteOffset, relu ? 1 : 0, out.byteOffset);
  }

  /** Writes the transpose of the row-major `rows x cols` matrix `m` into `out` (views of this memory). */
  transpose(m: Float32Array, rows: number, cols: number, out: Float32Array): Float32Array {
    this.kernel.transpose(m.byteOffset, rows, cols, out.byteOffset);
    return out;
  }

  /**
   * Adam on every entry of `p`, bit-identical to `adamUpdate` in mlp.ts. All four arrays must be
   * whole arrays from {@link alloc} of the same length (an odd last entry is paired with padding).
   */
  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, beta1: number, beta2: number, lr: number, c1: number, c2: number, epsilon: number): void {
    this.kernel.adam(p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, p.length + (p.length & 1), beta1, beta2, lr, c1, c2, epsilon);
  }
}
