import { describe, expect, it } from 'vitest';
import { createAgent } from '../../baselines/random.ts';
import { envSpec, FULL_MASK, observation } from './fixtures.ts';

describe('random baseline', () => {
  it('spreads its choices over every unmasked action and never a masked one', async () => {
    const agent = await createAgent({ env: envSpec(), seed: 3 });
    const counts = new Array<number>(FULL_MASK.length).fill(0);
    const n = 2600;
    for (let i = 0; i < n; i++) counts[agent.act(observation())]!++;
    const legal = FULL_MASK.reduce((s, m) => s + m, 0);
    counts.forEach((c, a) => {
      if (FULL_MASK[a] === 0) expect(c).toBe(0);
      // Uniform: each of the 13 legal actions ~200 times; 120..280 is > 5 sigma either side.
      else expect(c).toBeGreaterThan((0.6 * n) / legal);
    });
  });

  it('gives the same decisions for the same seed and different ones for another seed', async () => {
    const run = async (seed: number) => {
      const agent = await createAgent({ env: envSpec(), seed });
      return Array.from({ length: 50 }, () => agent.act(observation()));
    };
    expect(await run(1)).toEqual(await run(1));
    expect(await run(1)).not.toEqual(await run(2));
  });
});
