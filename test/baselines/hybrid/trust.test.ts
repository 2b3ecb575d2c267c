import { describe, expect, it } from 'vitest';
import { createAgent, type HybridAgent } from '../../../baselines/hybrid/index.ts';
import { TrustMonitor } from '../../../baselines/hybrid/trust.ts';
import { deriveRng } from '../../../harness/rng.ts';
import { envSpec } from '../fixtures.ts';
import { lawTransition, randomObs } from './synthetic.ts';

describe('hybrid-v4 trust', () => {
  it('is 1 for exact predictions, 0 for predicting the mean, and 0 before its minimum sample count', () => {
    const rng = deriveRng(1, 'test', 'trust');
    const exact = new TrustMonitor(20, 10, 0.5);
    const mean = new TrustMonitor(20, 10, 0.5);
    for (let i = 0; i < 200; i++) {
      const r = rng.float();
      if (i === 5) expect(exact.trust()).toBe(0);
      exact.record(r, r);
      mean.record(0.5, r);
    }
    expect(exact.trust()).toBe(1);
    expect(mean.trust()).toBeLessThan(0.15);
  });

  it('rises on a system the model fits, then falls when the rewards follow what the model class cannot fit (a hidden coin), and simulated updates stop', async () => {
    const agent = (await createAgent({ env: envSpec(), seed: 9 })) as HybridAgent;
    const rng = deriveRng(9, 'test', 'trust-agent');
    const feed = (n: number, coin: boolean): void => {
      for (let i = 0; i < n; i++) {
        const obs = randomObs(rng);
        // The coin is drawn after the observation: nothing the agent reads predicts it.
        agent.learn(lawTransition(obs, agent.act(obs), rng, coin ? (rng.float() < 0.5 ? -0.05 : -0.6) : undefined));
      }
    };
    feed(400, false);
    const fitted = agent.trust.trust();
    expect(fitted).toBeGreaterThan(0.6);
    feed(300, true);
    const wrong = agent.trust.trust();
    expect(wrong, `trust ${fitted} on the law, ${wrong} on the coin`).toBeLessThan(0.15);
    const planning = agent.stats().planningUpdates;
    feed(50, true);
    const perStep = (agent.stats().planningUpdates - planning) / 50;
    expect(perStep).toBeLessThan(0.25 * 2 * 32);
  });
});
