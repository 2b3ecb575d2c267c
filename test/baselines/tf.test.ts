import { describe, expect, it, vi } from 'vitest';
import { loadTf, TF_BACKENDS } from '../../harness/tf.ts';

describe('loadTf', () => {
  it('loads one backend, reports the one tfjs actually uses, and caches it', async () => {
    const a = await loadTf();
    const b = await loadTf();
    expect(b).toBe(a);
    expect(TF_BACKENDS).toContain(a.backend);
    expect(a.tf.getBackend()).toBe(a.backend);
    // tfjs-node is an optional dependency that cannot install here; wasm must be the fallback then.
    if (a.backend !== 'tensorflow') expect(a.backend).toBe(process.env.ORCHBENCH_TF_BACKEND || 'wasm');
  });

  it('rejects an unknown ORCHBENCH_TF_BACKEND with a located input error', async () => {
    vi.resetModules();
    vi.stubEnv('ORCHBENCH_TF_BACKEND', 'gpu-please');
    try {
      const fresh = await import('../../harness/tf.ts');
      await expect(fresh.loadTf()).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('ORCHBENCH_TF_BACKEND') });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('fails loudly, not silently, when a forced backend is unavailable', async () => {
    vi.resetModules();
    vi.stubEnv('ORCHBENCH_TF_BACKEND', 'tensorflow');
    try {
      const fresh = await import('../../harness/tf.ts');
      const r = await fresh.loadTf().then((x) => x.backend, (e: Error) => e.name);
      // Either tfjs-node is installed (then it is used) or the forced choice is an InputError.
      expect(['tensorflow', 'InputError']).toContain(r);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
