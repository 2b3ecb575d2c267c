import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASELINES, baselineFile, listBaselines, loadBaseline, loadDefaultConfig, type PrivilegedContext } from '../../baselines/index.ts';
import type { Agent, AgentContext } from '../../harness/agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { TIERS } from '../../harness/scenario/types.ts';
import { ACTIONS, envSpec, observation } from './fixtures.ts';


async function create(name: string, ctx: AgentContext, env?: OrchestrationEnv): Promise<Agent> {
  const factory = await loadBaseline(name);
  return factory(BASELINES[name]!.privileged ? ({ ...ctx, simulator: env } as PrivilegedContext) : ctx);
}

describe('baseline registry', () => {
  it('lists the reference agents with uniform entries', () => {
    for (const name of ['random', 'clairvoyant', 'plug-in', 'static-device', 'static-edge', 'static-cloud', 'greedy-heuristic', 'q-learning', 'bandit', 'dqn', 'dqn-v4', 'hybrid', 'hybrid-v4']) {
      expect(listBaselines()).toContain(name);
    }
    for (const [name, e] of Object.entries(BASELINES)) {
      expect(e.description.length, name).toBeGreaterThan(10);
      // One file, or a folder's index.ts (the Hybrid's parts live in baselines/hybrid/).
      expect(e.file, name).toMatch(/^([\w-]+\.ts|[\w-]+\/index\.ts)$/);
      expect(existsSync(baselineFile(name)), baselineFile(name)).toBe(true);
    }
    expect(listBaselines().filter((n) => BASELINES[n]!.privileged)).toEqual(['clairvoyant', 'plug-in']);
    expect(listBaselines().filter((n) => BASELINES[n]!.reference)).toEqual(['random', 'clairvoyant']);
    expect(BASELINES['q-learning']!.learning && BASELINES.bandit!.learning).toBe(true);
    expect(BASELINES['greedy-heuristic']!.learning || BASELINES.random!.learning).toBe(false);
  });

  it('gives each learner its default hyperparameters by value (dqn-informed its own)', async () => {
    for (const name of ['q-learning', 'bandit', 'dqn', 'dqn-v4', 'hybrid', 'hybrid-v4', 'dqn-informed']) {
      const config = await loadDefaultConfig(name);
      expect(config, name).toBeTypeOf('object');
      expect(Object.keys(config!).length, name).toBeGreaterThan(0);
    }
    const [dqn, informed] = [await loadDefaultConfig('dqn'), await loadDefaultConfig('dqn-informed')];
    expect(informed).not.toEqual(dqn);
    // A copy: changing it does not change the agent's defaults.
    dqn!.gamma = -1;
    expect((await loadDefaultConfig('dqn'))!.gamma).not.toBe(-1);
    expect(await loadDefaultConfig('random')).toBeUndefined();
  });

  it('names the valid baselines when asked for an unknown one', () => {
    expect(() => loadBaseline('qlearning')).toThrow(/unknown baseline "qlearning": valid names are random, clairvoyant, plug-in, .*bandit/);
    // Inherited object keys are not baselines.
    expect(() => loadBaseline('toString')).toThrow(/unknown baseline/);
  });

  describe.each(listBaselines())('%s', (name) => {
    it('loads, and runs a tiny budget through the real environment with legal actions', async () => {
      const scenario = await loadScenario('lte-driving-4u-mixed-v1', { variant: 'testing' });
      const env = new OrchestrationEnv(scenario);
      const agent = await create(name, { env: env.spec, seed: 1 }, env);
      let delivered = 0;
      const counted: Agent = { ...agent, act: (o) => agent.act(o), ...(agent.learn ? { learn: (t) => (delivered++, agent.learn!(t)) } : {}), ...(agent.stats ? { stats: () => agent.stats!() } : {}) };
      // runEpisode's env.step throws on a masked action, so finishing is the legality check.
      const r = runEpisode(env, counted, 1, { learningDecisions: 150, evaluationDecisions: 50 });
      expect(r.learningRewards.length).toBe(150);
      expect(r.eval.decisions).toBe(50);
      // Feedback is causal: the transitions completed in time, not one per decision.
      if (BASELINES[name]!.learning) {
        expect(delivered).toBeGreaterThan(100);
        expect(r.agentStats?.realSteps).toBe(delivered);
      }
      agent.dispose?.();
    });

    // Privileged agents decide for the simulator's pending request, not for a
    // hand-made observation, so the property applies to every other baseline.
    if (!BASELINES[name]!.privileged) it('never chooses a masked action (random masks and observations)', async () => {
      const agent = await create(name, { env: envSpec(), seed: 5 });
      const obsArb = fc.record({
        // Each tier keeps at least one unmasked action: a scenario whose tier runs nothing is
        // rejected by the static baselines with an error, by design.
        mask: fc.array(fc.boolean(), { minLength: ACTIONS.length, maxLength: ACTIONS.length }).filter((m) => TIERS.every((t) => ACTIONS.some((a) => a.tier === t && m[a.index]))),
        uplinkMbps: fc.double({ min: 0, max: 2000, noNaN: true }),
        rttMs: fc.double({ min: 0, max: 800, noNaN: true }),
        requirementTop1Pct: fc.double({ min: 50, max: 90, noNaN: true }),
        edgeInSystem: fc.nat(40),
        cloudInSystem: fc.nat(80),
        userId: fc.nat(3),
        reward: fc.double({ min: -5, max: 0, noNaN: true }),
      });
      let timeMs = 0;
      fc.assert(
        fc.property(obsArb, obsArb, (o, next) => {
          timeMs += 100;
          const obs = observation({ ...o, timeMs, mask: Uint8Array.from(o.mask, Number) });
          const action = agent.act(obs);
          expect(obs.actionMask[action]).toBe(1);
          const nextObs = observation({ ...next, timeMs: timeMs + 50, mask: Uint8Array.from(next.mask, Number) });
          agent.learn?.({ obs, action, reward: o.reward, nextObs, decidedAtMs: timeMs, completedAtMs: timeMs + 50, outcome: {} as never });
        }),
        { numRuns: 300, seed: 42 },
      );
      agent.dispose?.();
    });
  });
});
