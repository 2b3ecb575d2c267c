import { describe, expect, it } from 'vitest';
import { createAgent } from '../../baselines/bandit.ts';
import { InputError } from '../../harness/errors.ts';
import { envSpec, FULL_MASK, observation } from './fixtures.ts';
import { learnsOnScenario } from './learning.ts';
import { runToy } from './toy.ts';

describe('bandit (LinUCB) baseline', () => {
  it('learns the best action of each link regime on the toy bandit given enough exploration width', async () => {
    const agent = await createAgent({ env: envSpec(), seed: 1, config: { alpha: 0.3, ridgeLambda: 0.01 } });
    const { evalRegretMs, decisions } = runToy(agent, 600, 200);
    expect(evalRegretMs).toBe(0);
    // Upper confidence bounds make it try every legal action early on.
    expect(new Set(decisions.slice(0, 100)).size).toBe(FULL_MASK.reduce((s, m) => s + m, 0));
    expect(agent.stats!().realSteps).toBe(600);
    // With a tiny width, the edge's huge cost on the poor link generalises to the good link
    // through the shared weights and the edge is never retried there: alpha is what explores.
    const narrow = await createAgent({ env: envSpec(), seed: 1, config: { alpha: 0.001, ridgeLambda: 0.01 } });
    expect(runToy(narrow, 600, 200).evalRegretMs).toBeGreaterThan(0.5);
  });

  it('fits a linear reward exactly in the limit (Sherman-Morrison keeps A^-1 right)', async () => {
    // Reward of every action = -0.1 * uplink feature + a per-action offset; after many updates the
    // greedy choice must be the action with the best offset at any uplink.
    const agent = await createAgent({ env: envSpec(), seed: 0, config: { alpha: 0.001, ridgeLambda: 0.01 } });
    const offset = (a: number) => (a === 7 ? -0.001 : -0.01 - 0.001 * a);
    for (let i = 0; i < 3000; i++) {
      const obs = observation({ uplinkMbps: 1 + (i % 97) * 10, rttMs: 5 + (i % 13) });
      const action = agent.act(obs);
      agent.learn!({ obs, nextObs: obs, decidedAtMs: 0, completedAtMs: 0, action, reward: offset(action) - 0.1 * obs.features[1]!, outcome: {} as never });
    }
    agent.setMode!('eval');
    for (const uplinkMbps of [2, 40, 900]) expect(agent.act(observation({ uplinkMbps, rttMs: 9 }))).toBe(7);
  });

  it('is deterministic for a seed and does not learn in eval mode', async () => {
    const run = async () => runToy(await createAgent({ env: envSpec(), seed: 9 }), 200, 50).decisions;
    expect(await run()).toEqual(await run());
    const frozen = await createAgent({ env: envSpec(), seed: 9 });
    frozen.setMode!('eval');
    runToy(frozen, 20, 0);
    expect(frozen.stats!().realSteps).toBe(0);
  });

  it('rejects bad configs', async () => {
    await expect(async () => createAgent({ env: envSpec(), seed: 0, config: { alpha: 'wide' } })).rejects.toThrow(InputError);
    await expect(async () => createAgent({ env: envSpec(), seed: 0, config: { ridgeLambda: 0 } })).rejects.toThrow(/ridgeLambda/);
  });

  learnsOnScenario('bandit', createAgent);
});
