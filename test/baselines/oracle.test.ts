import { describe, expect, it } from 'vitest';
import { createAgent } from '../../baselines/oracle.ts';
import type { PrivilegedContext } from '../../baselines/index.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { createRandomAgent } from '../../harness/env/policies.ts';
import { fixtureScenario } from '../env/fixtures.ts';

describe('oracle baseline', () => {
  it('refuses to run without the simulator (it is privileged)', async () => {
    const env = new OrchestrationEnv(fixtureScenario());
    await expect(async () => createAgent({ env: env.spec, seed: 0 })).rejects.toThrow(/privileged/);
  });

  it("decides the environment's best expected action for the pending request, and beats random", async () => {
    const env = new OrchestrationEnv(fixtureScenario({ users: 3, rateHz: 5, learningDecisions: 300, evaluationDecisions: 0 }));
    const ctx: PrivilegedContext = { env: env.spec, seed: 0, simulator: env };
    const oracle = await createAgent(ctx);
    let obs = env.reset(2, 'learn');
    let total = 0;
    for (let i = 0; i < 300; i++) {
      const a = oracle.act(obs);
      expect(a).toBe(env.bestExpectedAction());
      expect(obs.actionMask[a]).toBe(1);
      const r = env.step(a);
      total += r.reward;
      obs = r.obs;
    }
    const random = runEpisode(env, createRandomAgent(2), 2).learningRewards;
    expect(total / 300).toBeGreaterThan(random.reduce((s, v) => s + v, 0) / random.length);
  });
});
