import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import { staticAgent } from '../../baselines/static.ts';
import { ACTIONS, envSpec, FULL_MASK, observation } from './fixtures.ts';
import type { Tier } from '../../harness/scenario/types.ts';

/** The (tier, model) the static agent for `tier` picks. */
async function pick(tier: Tier, requirementTop1Pct: number, opts: { mask?: Uint8Array; config?: Record<string, unknown> } = {}) {
  const agent = await staticAgent(tier)({ env: envSpec(), seed: 0, ...(opts.config ? { config: opts.config } : {}) });
  const a = agent.act(observation({ requirementTop1Pct, ...(opts.mask ? { mask: opts.mask } : {}) }));
  return `${ACTIONS[a]!.tier}/${ACTIONS[a]!.modelId}`;
}

describe('static baselines', () => {
  it('stay on their tier whatever the network, with the fastest model meeting the requirement', async () => {
    expect(await pick('device', 65)).toBe('device/mobilenet_v3_small');
    expect(await pick('device', 70)).toBe('device/mobilenet_v3_large');
    // resnet50 (76.13 %) meets 76 % too but is 4x slower than efficientnet_b0 on the edge...
    expect(await pick('edge', 76)).toBe('edge/efficientnet_b0');
    // ...and on the cloud vit_b_16 (2.4 ms) is faster than both.
    expect(await pick('cloud', 76)).toBe('cloud/vit_b_16');
    expect(await pick('cloud', 60)).toBe('cloud/vit_b_16');
  });

  it('fall back to the most accurate model the tier runs when none meets the requirement', async () => {
    expect(await pick('device', 80)).toBe('device/efficientnet_b0');
    const noEffnet = FULL_MASK.slice();
    noEffnet[2] = 0;
    expect(await pick('device', 80, { mask: noEffnet })).toBe('device/mobilenet_v3_large');
  });

  it('run the most accurate variant with variant "most-accurate"', async () => {
    expect(await pick('edge', 60, { config: { variant: 'most-accurate' } })).toBe('edge/vit_b_16');
    expect(await pick('device', 60, { config: { variant: 'most-accurate' } })).toBe('device/efficientnet_b0');
  });

  it('reject unknown config fields and values with located errors', async () => {
    await expect(async () => staticAgent('edge')({ env: envSpec(), seed: 0, config: { tier: 'cloud' } })).rejects.toThrow(InputError);
    await expect(async () => staticAgent('edge')({ env: envSpec(), seed: 0, config: { variant: 'slowest' } })).rejects.toThrow(/fastest-sufficient/);
  });

  it('fail clearly when the tier has no unmasked action', async () => {
    const noCloud = Uint8Array.from(ACTIONS, (a) => (a.tier === 'cloud' ? 0 : FULL_MASK[a.index]!));
    await expect(pick('cloud', 65, { mask: noCloud })).rejects.toThrow(/no unmasked action on the cloud tier/);
  });
});
