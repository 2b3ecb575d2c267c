/**
 * The typed-array MLP's WebAssembly SIMD kernel (`baselines/nn/mlp-kernel.wat`) against its
 * JavaScript kernel: bit-identical outputs, gradients steps and whole jobs, not merely close ones
 * (the two differ only in speed). Also: the committed binary is the `.wat` assembled, and the
 * kernel choice by environment variable.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAgent, createInformedAgent } from '../../baselines/dqn.ts';
import { assembleMlpKernel, kernelModuleSource } from '../../baselines/nn/build-wasm.ts';
import { AdamHuberTrainer, glorotWeights, Mlp } from '../../baselines/nn/mlp.ts';
import { chooseMlpKernel, MLP_KERNEL_ENV, type MlpKernelName, wasmKernelSupported } from '../../baselines/nn/mlp-wasm.ts';
import { MlpRegressor } from '../../baselines/nn/regressor.ts';
import type { AgentFactory } from '../../harness/agent.ts';
import { InputError } from '../../harness/errors.ts';
import { deriveRng, type Rng } from '../../harness/rng.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { scoreJob } from '../../harness/score/job.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The float32 bit patterns (so -0 vs +0 and every last bit count). */
const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.slice().buffer));

/** `n` inputs in [-1, 1), about a third of them exactly 0 (as ReLU outputs often are), some -0. */
function inputs(rng: Rng, n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.float();
    x[i] = u < 0.3 ? 0 : u < 0.35 ? -0 : 2 * rng.float() - 1;
  }
  return x;
}

/** An MLP of `sizes` on `kernel` with Glorot weights from `seed` and biases drawn too (not 0). */
function net(sizes: number[], kernel: MlpKernelName, seed: number): Mlp {
  const init = glorotWeights(sizes, (l) => deriveRng(seed, 'mlp-wasm-test', l));
  const rng = deriveRng(seed, 'mlp-wasm-test-bias');
  for (const b of init.biases) for (let j = 0; j < b.length; j++) b[j] = 0.1 * (2 * rng.float() - 1);
  return new Mlp(sizes, init, kernel);
}

describe('WebAssembly MLP kernel', () => {
  // Unset ('' counts as unset) whatever the shell says, and restored after each test.
  beforeEach(() => {
    vi.stubEnv(MLP_KERNEL_ENV, '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is the committed binary of mlp-kernel.wat (npm run build:wasm regenerates it)', async () => {
    const committed = readFileSync(fileURLToPath(new URL('../../baselines/nn/mlp-kernel-wasm.ts', import.meta.url)), 'utf8');
    expect(committed).toBe(kernelModuleSource(await assembleMlpKernel()));
  });

  it('runs on this runtime (Node >= 20 has SIMD and shared memory) and is the default there', () => {
    expect(wasmKernelSupported()).toBe(true);
    expect(chooseMlpKernel({})).toBe('wasm');
    expect(chooseMlpKernel({ [MLP_KERNEL_ENV]: 'js' })).toBe('js');
    expect(chooseMlpKernel({ [MLP_KERNEL_ENV]: 'wasm' })).toBe('wasm');
  });

  it('falls back to the JS kernel where the runtime has no WebAssembly (node --jitless), and refuses a forced wasm there', () => {
    const script = [
      "const { chooseMlpKernel } = await import('./baselines/nn/mlp-wasm.ts');",
      "const { MlpRegressor } = await import('./baselines/nn/regressor.ts');",
      "const { deriveRng } = await import('./harness/rng.ts');",
      "const r = new MlpRegressor({ sizes: [4, 8, 2], learningRate: 1e-3, huberDelta: 1, layerRng: (l) => deriveRng(1, 'r', l) });",
      "let forced = 'accepted';",
      "try { chooseMlpKernel({ ORCHBENCH_MLP_KERNEL: 'wasm' }); } catch (e) { forced = e.message; }",
      "console.log(JSON.stringify({ kernel: r.kernel, out: Array.from(r.predict(new Float32Array(4).fill(0.5), 1, 'online')), forced }));",
    ].join('\n');
    const run = (flags: string[]) => {
      const p = spawnSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, [MLP_KERNEL_ENV]: '' } });
      expect(p.status, p.stderr).toBe(0);
      return JSON.parse(p.stdout.trim().split('\n').at(-1)!) as { kernel: string; out: number[]; forced: string };
    };
    const jitless = run(['--jitless']);
    expect(jitless.kernel).toBe('js');
    expect(jitless.forced).toMatch(/ORCHBENCH_MLP_KERNEL: expected js \(Node .* cannot run WebAssembly SIMD with shared memory\); found "wasm"/);
    const normal = run([]);
    expect(normal.kernel).toBe('wasm');
    expect(normal.out).toEqual(jitless.out);
  });

  it('rejects an unknown kernel name with a clear error', () => {
    expect(() => chooseMlpKernel({ [MLP_KERNEL_ENV]: 'gpu' })).toThrow(InputError);
    expect(() => chooseMlpKernel({ [MLP_KERNEL_ENV]: 'gpu' })).toThrow(/ORCHBENCH_MLP_KERNEL: expected js \| wasm; found "gpu"/);
  });

  // Widths that exercise every path: blocks of 8 and 4 outputs, the 1-output tail, one output.
  it.each([
    [[15, 64, 64, 12]],
    [[19, 64, 64, 1]],
    [[3, 5, 7, 2]],
    [[16, 9, 13, 8]],
  ])('gives bit-identical forward passes to the JS kernel (sizes %j, 1 to 65 rows)', (sizes) => {
    const js = net(sizes, 'js', 1);
    const wasm = net(sizes, 'wasm', 1);
    const rng = deriveRng(2, 'mlp-wasm-forward');
    for (const rows of [1, 2, 3, 64, 65, 7]) {
      const x = inputs(rng, rows * sizes[0]!);
      const n = rows * sizes.at(-1)!;
      const a = js.forward(x, rows).slice(0, n);
      const b = wasm.forward(x, rows).slice(0, n);
      expect(bits(b), `${rows} rows`).toEqual(bits(a));
      for (let l = 1; l < sizes.length - 1; l++) expect(bits(wasm.activation(l).slice(0, rows * sizes[l]!))).toEqual(bits(js.activation(l).slice(0, rows * sizes[l]!)));
    }
  });

  it.each([
    [[15, 64, 64, 12], 64],
    [[19, 64, 64, 1], 64],
    [[7, 10, 6, 5], 33],
  ])('gives bit-identical weights after 120 Adam steps (sizes %j, batch %i)', (sizes, batch) => {
    const nets = { js: net(sizes, 'js', 3), wasm: net(sizes, 'wasm', 3) };
    const trainers = { js: new AdamHuberTrainer(nets.js, { learningRate: 1e-3 }, 1), wasm: new AdamHuberTrainer(nets.wasm, { learningRate: 1e-3 }, 1) };
    const rng = deriveRng(4, 'mlp-wasm-train');
    const nOut = sizes.at(-1)!;
    for (let step = 0; step < 120; step++) {
      // Odd and smaller batches now and then (odd last row, memory growth after small ones).
      const rows = step % 10 === 9 ? 1 + rng.int(batch) : batch;
      const x = inputs(rng, rows * sizes[0]!);
      const y = new Float32Array(rows * nOut).map(() => 4 * rng.float() - 2);
      // A target on one output per row, as the DQN trains.
      const w = new Float32Array(rows * nOut);
      for (let r = 0; r < rows; r++) w[r * nOut + rng.int(nOut)] = 1;
      const lossJs = trainers.js.step(x, y, w, rows);
      const lossWasm = trainers.wasm.step(x, y, w, rows);
      expect(lossWasm, `loss at step ${step}`).toBe(lossJs);
    }
    const [a, b] = [nets.js.weights(), nets.wasm.weights()];
    for (let l = 0; l < sizes.length - 1; l++) {
      expect(bits(b.kernels[l]!), `kernel ${l}`).toEqual(bits(a.kernels[l]!));
      expect(bits(b.biases[l]!), `bias ${l}`).toEqual(bits(a.biases[l]!));
      expect(bits(nets.wasm.kernelsT[l]!), `transposed kernel ${l}`).toEqual(bits(nets.js.kernelsT[l]!));
    }
    // The weights did move (the comparison above is not of two untouched copies).
    expect(bits(a.kernels[0]!)).not.toEqual(bits(net(sizes, 'js', 3).kernels[0]!));
  });

  it('keeps its weights when a large batch grows the memory', () => {
    const sizes = [15, 64, 64, 12];
    const js = net(sizes, 'js', 5);
    const wasm = net(sizes, 'wasm', 5);
    const kernel0 = wasm.kernels[0]!;
    const rng = deriveRng(6, 'mlp-wasm-grow');
    wasm.forward(inputs(rng, 15), 1);
    // 5000 rows of 64 activations: several 64 KiB pages more.
    const x = inputs(rng, 5000 * 15);
    expect(bits(wasm.forward(x, 5000).slice(0, 5000 * 12))).toEqual(bits(js.forward(x, 5000).slice(0, 5000 * 12)));
    expect(wasm.kernels[0]).toBe(kernel0);
    expect(bits(kernel0)).toEqual(bits(js.kernels[0]!));
  });

  it('is what a regressor uses by default, and ORCHBENCH_MLP_KERNEL=js forces the JS kernel', () => {
    const spec = { sizes: [4, 8, 2], learningRate: 1e-3, huberDelta: 1, layerRng: (l: number) => deriveRng(1, 'r', l) };
    expect(new MlpRegressor(spec).kernel).toBe('wasm');
    vi.stubEnv(MLP_KERNEL_ENV, 'js');
    expect(new MlpRegressor(spec).kernel).toBe('js');
  });

  // The proof that matters: a whole job (learning, evaluation) makes the same decisions. The
  // informed control (one output per state-action row) trains 12x less often here, to keep the
  // test short; its default configuration is checked the same way in baselines/README.md.
  const informedLight: AgentFactory = (ctx) => createInformedAgent({ ...ctx, config: { ...ctx.config, trainEvery: 4, updatesPerTrain: 1 } });
  it.each([
    ['dqn', createAgent],
    ['dqn-informed (trainEvery 4, updatesPerTrain 1)', informedLight],
  ] as const)('gives a bit-identical %s job (decision log sha256, testing variant)', { timeout: 180_000 }, async (_name, factory) => {
    const scenario = await loadScenario('lte-driving-4u-battery-v2', { variant: 'testing' });
    const run = async (kernel: MlpKernelName) => {
      vi.stubEnv(MLP_KERNEL_ENV, kernel);
      return (await scoreJob(scenario, factory, 1, { checkpointEval: false })).metrics;
    };
    const js = await run('js');
    const wasm = await run('wasm');
    expect(js.info.mlpKernel).toBe('js');
    expect(wasm.info.mlpKernel).toBe('wasm');
    expect(Number(wasm.info.trainSteps)).toBeGreaterThan(100);
    expect(wasm.decisionLogSha256).toBe(js.decisionLogSha256);
    expect(wasm.normalisedEvalReward).toBe(js.normalisedEvalReward);
  });
});
