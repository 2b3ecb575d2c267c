import { describe, expect, it } from 'vitest';
import { createAgent, DEFAULT_CONFIG } from '../../baselines/q-learning.ts';
import { InputError } from '../../harness/errors.ts';
import { envSpec, observation } from './fixtures.ts';
import { runToy } from './toy.ts';
import { learnsOnScenario } from './learning.ts';

describe('q-learning baseline', () => {
  it('learns the best action of each link regime on the toy bandit', async () => {
    const agent = await createAgent({ env: envSpec({ learningDecisions: 600 }), seed: 1 });
    const { evalRegretMs, decisions } = runToy(agent, 600, 200);
    expect(evalRegretMs).toBe(0);
    // It does explore: most actions were tried during learning.
    expect(new Set(decisions.slice(0, 600)).size).toBeGreaterThan(10);
    const s = agent.stats!();
    expect(s.realSteps).toBe(600);
    expect(s.planningUpdates).toBe(0);
  });

  it('does not learn or explore in eval mode', async () => {
    const agent = await createAgent({ env: envSpec(), seed: 1 });
    agent.setMode!('eval');
    const { decisions } = runToy(agent, 50, 0);
    // Greedy on an untouched (all-zero) table: always the lowest unmasked index.
    expect(new Set(decisions)).toEqual(new Set([0]));
    expect(agent.stats!().realSteps).toBe(0);
  });

  it('is deterministic for a seed', async () => {
    const run = async (seed: number) => runToy(await createAgent({ env: envSpec({ learningDecisions: 300 }), seed }), 300, 0).decisions;
    expect(await run(4)).toEqual(await run(4));
    expect(await run(4)).not.toEqual(await run(5));
  });

  it('rejects bad configs', async () => {
    await expect(async () => createAgent({ env: envSpec(), seed: 0, config: { alpha: 0.1 } })).rejects.toThrow(InputError);
    await expect(async () => createAgent({ env: envSpec(), seed: 0, config: { bins: [2, 2] } })).rejects.toThrow(InputError);
    expect(DEFAULT_CONFIG.bins).toHaveLength(observation().features.length);
  });

  learnsOnScenario('q-learning', createAgent);
});
