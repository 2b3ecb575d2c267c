import { describe, expect, it } from 'vitest';
import { createAgent, type HybridAgent } from '../../../baselines/hybrid/index.ts';
import { TrustMonitor } from '../../../baselines/hybrid/trust.ts';
import { deriveRng } from '../../../harness/rng.ts';
import { envSpec } from '../fixtures.ts';
import { lawTransition, randomObs } from './synthetic.ts';

describe('hybrid-v4 trust', () => {
  it('weighs the model by its held-out error against the model-free estimate: exact model 1, useless model 0, equal errors 1/2', () => {
    const rng = deriveRng(1, 'test', 'trust');
    const exactModel = new TrustMonitor(20, 10);
    const badModel = new TrustMonitor(20, 10);
    const equal = new TrustMonitor(20, 10);
    for (let i = 0; i < 300; i++) {
      const y = -rng.float();
      const noise = (): number => 0.3 * (rng.float() - 0.5);
      if (i === 5) expect(exactModel.trust()).toBe(0);
      exactModel.record(y, y + noise(), y);
      badModel.record(y + noise(), y, y);
      const e = noise();
      equal.record(y + e, y - e, y);
    }
    expect(exactModel.trust()).toBe(1);
    expect(badModel.trust()).toBe(0);
    // Not exactly 1/2: errors are taken on the symlog scale, which shrinks y + e and y - e unequally.
    expect(equal.trust()).toBeCloseTo(0.5, 2);
  });

  it('falls when the model cannot fit the system (a model that does not learn), and so do the simulated updates', async () => {
    const run = async (config: Record<string, unknown>): Promise<{ trust: number; planning: number }> => {
      const agent = (await createAgent({ env: envSpec(), seed: 9, config })) as HybridAgent;
      const rng = deriveRng(9, 'test', 'trust-agent');
      for (let i = 0; i < 400; i++) {
        const obs = randomObs(rng);
        agent.learn(lawTransition(obs, agent.act(obs), rng));
      }
      return { trust: agent.trust.trust(), planning: agent.stats().planningUpdates };
    };
    const fitted = await run({});
    // Adam steps of 1e-12: the model stays at its random initial weights, a class that fits nothing.
    const frozen = await run({ modelLearningRate: 1e-12 });
    expect(fitted.trust, `trust ${fitted.trust} with a learning model, ${frozen.trust} with a frozen one`).toBeGreaterThan(0.35);
    expect(frozen.trust).toBeLessThan(0.1);
    expect(frozen.planning).toBeLessThan(0.25 * fitted.planning);
  });
});
