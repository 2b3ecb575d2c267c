import { describe, expect, it } from 'vitest';
import { createAgent } from '../../baselines/greedy-heuristic.ts';
import { ACTIONS, envSpec, observation, type ObsInput } from './fixtures.ts';

const where = (a: number) => `${ACTIONS[a]!.tier}/${ACTIONS[a]!.modelId}`;

async function greedy() {
  return createAgent({ env: envSpec(), seed: 0 });
}

describe('greedy-heuristic baseline', () => {
  it('offloads when bandwidth is high and runs on the device when it is ~0', async () => {
    const agent = await greedy();
    const fast = agent.act(observation({ uplinkMbps: 1000, rttMs: 2 }));
    expect(ACTIONS[fast]!.tier).not.toBe('device');
    expect(where(agent.act(observation({ timeMs: 10_000, uplinkMbps: 0.01 })))).toBe('device/mobilenet_v3_small');
    expect(where(agent.act(observation({ timeMs: 20_000, uplinkMbps: 0 })))).toBe('device/mobilenet_v3_small');
  });

  it('meets the accuracy requirement with the fastest estimate, else runs the most accurate model', async () => {
    const agent = await greedy();
    // Only vit_b_16 meets 80 %: the cloud's 2.4 ms + 30 ms WAN beats the edge's 73.9 ms.
    expect(where(agent.act(observation({ requirementTop1Pct: 80, uplinkMbps: 1000, rttMs: 2 })))).toBe('cloud/vit_b_16');
    expect(where(agent.act(observation({ timeMs: 1000, requirementTop1Pct: 95, uplinkMbps: 1000, rttMs: 2 })))).toBe('cloud/vit_b_16');
  });

  it('moves away from a congested edge', async () => {
    const agent = await greedy();
    const at: ObsInput = { uplinkMbps: 1000, rttMs: 2, requirementTop1Pct: 70 };
    expect(ACTIONS[agent.act(observation({ ...at, edgeInSystem: 0 }))]!.tier).toBe('edge');
    expect(ACTIONS[agent.act(observation({ ...at, timeMs: 1, edgeInSystem: 40 }))]!.tier).not.toBe('edge');
  });

  it("counts its own jobs queued on a user's device, and forgets them when a new phase starts", async () => {
    const agent = await greedy();
    // Edge mobilenet_v3_small: 960 kbit / 20 Mbps = 48 ms + 10 ms RTT + 5 ms = 63 ms; device: 12.9 ms per queued job.
    const at: ObsInput = { timeMs: 5000, uplinkMbps: 20, rttMs: 10 };
    const tiers = Array.from({ length: 5 }, () => ACTIONS[agent.act(observation(at))]!.tier);
    expect(tiers).toEqual(['device', 'device', 'device', 'device', 'edge']);
    // Another user's device is idle.
    expect(ACTIONS[agent.act(observation({ ...at, userId: 1 }))]!.tier).toBe('device');
    // Time went back: the environment was reset, so the devices start idle again.
    expect(ACTIONS[agent.act(observation({ ...at, timeMs: 0 }))]!.tier).toBe('device');
  });
});
