/**
 * TensorFlow.js loader: picks the fastest backend available in this process, once.
 *
 * Order: `@tensorflow/tfjs-node` (native libtensorflow; an optional dependency whose install
 * script needs a download host, so it is often absent), then `@tensorflow/tfjs` with the wasm
 * backend (SIMD, ~4x the cpu backend for small MLPs), then the pure-JS cpu backend.
 * `ORCHBENCH_TF_BACKEND=tensorflow|wasm|cpu` forces one (an unavailable forced backend is an error,
 * not a silent fallback, so results never claim a backend they did not use).
 *
 * Note: a backend's numerics differ slightly from another's, so runs are deterministic for a seed
 * on a given backend only; agents record the backend in `stats().info.backend`.
 */
import { InputError } from './errors.ts';

/** The tfjs namespace type (identical for tfjs and tfjs-node). */
export type Tf = typeof import('@tensorflow/tfjs');
export type TfBackend = 'tensorflow' | 'wasm' | 'cpu';
export const TF_BACKENDS: readonly TfBackend[] = ['tensorflow', 'wasm', 'cpu'];

/** A loaded tfjs and the backend it runs on. */
export interface LoadedTf {
  tf: Tf;
  backend: TfBackend;
}

let cached: Promise<LoadedTf> | undefined;

/** The optional native binding; the specifier is a variable so TypeScript does not require it. */
async function tryNode(): Promise<LoadedTf | null> {
  const specifier = '@tensorflow/tfjs-node';
  try {
    const tf = (await import(specifier)) as Tf;
    return { tf, backend: 'tensorflow' };
  } catch {
    return null;
  }
}

async function tryJs(backend: 'wasm' | 'cpu'): Promise<LoadedTf | null> {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
    } catch {
      return null;
    }
  }
  // setBackend resolves false (or throws) when the backend fails to initialise.
  const ok = await tf.setBackend(backend).catch(() => false);
  if (!ok) return null;
  await tf.ready();
  return { tf, backend };
}

async function load(forced: TfBackend | undefined): Promise<LoadedTf> {
  const attempts: Record<TfBackend, () => Promise<LoadedTf | null>> = {
    tensorflow: tryNode,
    wasm: () => tryJs('wasm'),
    cpu: () => tryJs('cpu'),
  };
  if (forced) {
    const r = await attempts[forced]();
    if (!r) {
      throw new InputError({
        file: 'environment variable ORCHBENCH_TF_BACKEND',
        expected: 'a tfjs backend that loads in this process',
        found: `${forced} (failed to load${forced === 'tensorflow' ? ': is @tensorflow/tfjs-node installed?' : ''})`,
      });
    }
    return r;
  }
  for (const b of TF_BACKENDS) {
    const r = await attempts[b]();
    if (r) return r;
  }
  throw new Error('no TensorFlow.js backend could be initialised (tried tensorflow, wasm, cpu)');
}

/**
 * Loads TensorFlow.js once per process and returns it with the backend in use.
 * @throws InputError when `ORCHBENCH_TF_BACKEND` names an unknown or unavailable backend.
 */
export function loadTf(): Promise<LoadedTf> {
  if (!cached) {
    const env = process.env.ORCHBENCH_TF_BACKEND;
    if (env !== undefined && env !== '' && !TF_BACKENDS.includes(env as TfBackend)) {
      return Promise.reject(
        new InputError({ file: 'environment variable ORCHBENCH_TF_BACKEND', expected: TF_BACKENDS.join(' | '), found: JSON.stringify(env) }),
      );
    }
    cached = load(env ? (env as TfBackend) : undefined);
    // A failed load is not cached, so a corrected environment can retry.
    cached.catch(() => { cached = undefined; });
  }
  return cached;
}
