/**
 * `calibrateScenario` on a scenario where no non-learning policy beats random: a clear input error
 * (file, the pointer where a threshold set by hand goes, what was found), not a stack trace. The
 * scorer is stubbed (every policy scores -0.2): no shipped scenario is that degenerate.
 */
import { describe, expect, it, vi } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import type { CompiledScenario } from '../../harness/scenario/compiled.ts';

vi.mock('../../harness/score/job.ts', () => ({ scoreJob: async () => ({ metrics: { normalisedEvalReward: -0.2, curve: { normalised: [-0.2] } } }) }));
const { calibrateScenario } = await import('../../harness/experiment/calibrate.ts');

describe('calibrateScenario', () => {
  it('names the file and the pointer when no non-learning policy beats random', async () => {
    const scenario = { id: 'flat-v1', variant: 'testing', file: '/tmp/flat-v1.json' } as unknown as CompiledScenario;
    const err = await calibrateScenario(scenario, [1]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/^\/tmp\/flat-v1\.json#\/testing\/sampleEfficiency: expected a scenario where a non-learning policy beats random .*; found best \S+ -0\.200$/);
  });
});
