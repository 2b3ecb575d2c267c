import { describe, expect, it } from 'vitest';
import { HYBRID_V4_ABLATIONS } from '../../../baselines/hybrid/ablations.ts';
import { DEFAULT_CONFIG, validateConfig } from '../../../baselines/hybrid/config.ts';
import { mergeConfig } from '../../../baselines/common.ts';
import { hybridAblationLearners } from '../../../harness/experiment/ablations.ts';

describe('hybrid-v4 ablations', () => {
  it('each variant is a valid config that changes at least one default', () => {
    for (const [name, { config }] of Object.entries(HYBRID_V4_ABLATIONS)) {
      const cfg = mergeConfig(name, DEFAULT_CONFIG, config as Record<string, unknown>);
      validateConfig(name, cfg);
      expect(Object.entries(config).some(([k, v]) => DEFAULT_CONFIG[k as keyof typeof DEFAULT_CONFIG] !== v), name).toBe(true);
    }
  });

  it('become learners hybrid-v4-<name> of the hybrid-v4 baseline', () => {
    const all = hybridAblationLearners('all', 'hybrid-v4');
    expect(all.map((l) => l.id)).toEqual(Object.keys(HYBRID_V4_ABLATIONS).map((n) => `hybrid-v4-${n}`));
    expect(all.every((l) => l.agent === 'hybrid-v4')).toBe(true);
    expect(() => hybridAblationLearners('no-dyna', 'dqn')).toThrow(/--ablation: expected an experiment subject with ablations/);
  });
});
