import { describe, expect, it } from 'vitest';
import { createAgent, createClairvoyantAgent } from '../../baselines/plug-in.ts';
import type { PrivilegedContext } from '../../baselines/index.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { bestAction, createRandomAgent, PLUG_IN_INPUTS } from '../../harness/reference/index.ts';
import { fixtureScenario } from '../env/fixtures.ts';

describe('privileged policies: plug-in baseline and clairvoyant reference', () => {
  it('refuse to run without the simulator', async () => {
    const env = new OrchestrationEnv(fixtureScenario());
    await expect(async () => createAgent({ env: env.spec, seed: 0 })).rejects.toThrow(/privileged/);
    await expect(async () => createClairvoyantAgent({ env: env.spec, seed: 0 })).rejects.toThrow(/privileged/);
  });

  it("decide the environment's best plug-in / realised action for the pending request, and beat random", async () => {
    for (const [factory, score] of [
      [createAgent, (env: OrchestrationEnv) => (a: number) => env.whatIf(a, PLUG_IN_INPUTS).reward],
      [createClairvoyantAgent, (env: OrchestrationEnv) => (a: number) => env.whatIf(a).reward],
    ] as const) {
      const env = new OrchestrationEnv(fixtureScenario({ users: 3, rateHz: 5, learningDecisions: 300, evaluationDecisions: 0 }));
      const ctx: PrivilegedContext = { env: env.spec, seed: 0, simulator: env };
      const agent = await factory(ctx);
      let obs = env.reset(2, 'learn');
      let total = 0;
      for (let i = 0; i < 300; i++) {
        const a = agent.act(obs);
        expect(a).toBe(bestAction(env, score(env)));
        expect(obs.actionMask[a]).toBe(1);
        const predicted = env.whatIf(a).reward;
        obs = env.step(a).obs;
        // The clairvoyant's score of the chosen action is exactly the reward the step realises.
        expect(env.lastDecision.reward).toBe(predicted);
        total += env.lastDecision.reward;
      }
      const random = runEpisode(env, createRandomAgent(2), 2).learningRewards;
      expect(total / 300).toBeGreaterThan(random.reduce((s, v) => s + v, 0) / random.length);
    }
  });
});
