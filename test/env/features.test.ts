import { describe, expect, it } from 'vitest';
import { FEATURES, discretise, stateCount } from '../../harness/env/features.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { fixtureScenario } from './fixtures.ts';

describe('features', () => {
  it('encode the observation as documented', () => {
    const env = new OrchestrationEnv(fixtureScenario({ requirementTop1Pct: 65, deadlineMs: 2500 }));
    const obs = env.reset(1, 'learn');
    const f = (name: string) => obs.features[FEATURES.findIndex((d) => d.name === name)]!;
    expect(f('accuracyRequirement')).toBeCloseTo(0.65, 6);
    expect(f('uplinkLog')).toBeCloseTo(Math.log10(9) / 4, 6); // fixed 8 Mbps
    expect(f('downlinkLog')).toBeCloseTo(Math.log10(17) / 4, 6);
    expect(f('rttLog')).toBeCloseTo(Math.log10(21) / 4, 6);
    expect(f('deadlineS')).toBeCloseTo(2.5, 6);
    expect(f('edgeLoadPerCore')).toBe(0);
    expect(obs.features.length).toBe(FEATURES.length);
  });

  it('discretise maps bins in mixed radix and clips out-of-range values', () => {
    const defs = [
      { name: 'a', description: '', min: 0, max: 1 },
      { name: 'b', description: '', min: 0, max: 4 },
    ];
    expect(discretise([0, 0], 4, defs)).toBe(0);
    expect(discretise([0.3, 0], 4, defs)).toBe(1);
    expect(discretise([1, 0], 4, defs)).toBe(3); // max falls in the last bin
    expect(discretise([0, 1.5], [4, 2], defs)).toBe(0);
    expect(discretise([0.99, 3.9], [4, 2], defs)).toBe(3 + 4 * 1);
    expect(discretise([-5, 99], [4, 2], defs)).toBe(0 + 4 * 1);
    expect(stateCount([4, 2], defs)).toBe(8);
    expect(() => discretise([0, 0], [4, 0], defs)).toThrow(/feature 1 \(b\)/);
  });
});
