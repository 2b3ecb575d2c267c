import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAgent as createDqn, createQNetwork, DEFAULT_CONFIG as DQN_DEFAULT_CONFIG, scaleFeatures } from '../../baselines/dqn.ts';
import { createAgent, DEFAULT_CONFIG, extendedSpec, writeExtendedFeatures } from '../../baselines/dqn-v4.ts';
import { BASELINES, defaultBaselines, loadBaseline, loadDefaultConfig } from '../../baselines/index.ts';
import type { Agent, Observation } from '../../harness/agent.ts';
import { CHARGING_FEATURES, RADIO_TAIL_FEATURE, scenarioFeatures } from '../../harness/env/features.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { InputError } from '../../harness/errors.ts';
import { deriveRng } from '../../harness/rng.ts';
import { resolveAgent } from '../../harness/runner/agents.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { scoreJob } from '../../harness/score/job.ts';
import { PACKAGE_ROOT } from '../../harness/version.ts';
import { ACTIONS, envSpec, type ObsInput, observation } from './fixtures.ts';
import { lawTransition, randomObs } from './hybrid/synthetic.ts';

/** A default scenario with model residency and a battery. */
const SCENARIO = '3g-commute-1u-battery-v3';

describe('dqn-v4', () => {
  it('is the opt-in registry entry dqn-v4 with the DQN\'s searched defaults, and hashes dqn.ts', async () => {
    expect(DEFAULT_CONFIG).toEqual(DQN_DEFAULT_CONFIG);
    expect(await loadDefaultConfig('dqn-v4')).toEqual(DQN_DEFAULT_CONFIG);
    expect(BASELINES['dqn-v4']!.optIn).toMatch(/tune-v4-testing/);
    expect(defaultBaselines()).not.toContain('dqn-v4');
    const agent = await (await loadBaseline('dqn-v4'))({ env: envSpec(), seed: 1 });
    expect(agent.name).toBe('dqn-v4');
    agent.dispose?.();
    const files = (await resolveAgent({ agent: 'dqn-v4', agentKind: 'baseline' })).files.map((f) => relative(PACKAGE_ROOT, f));
    for (const f of ['baselines/dqn-v4.ts', 'baselines/dqn.ts', 'baselines/common.ts', 'baselines/nn/mlp.ts']) expect(files).toContain(f);
  });

  it("appends the device in-flight count and one resident entry per action to the spec's features, keeping a scenario's appended ones", () => {
    const env = envSpec({ features: scenarioFeatures(true, true) });
    const spec = extendedSpec(env);
    const F = env.features.length;
    expect(spec.features.slice(0, F)).toEqual(env.features);
    expect(spec.features.slice(F - 3, F)).toEqual([RADIO_TAIL_FEATURE, ...CHARGING_FEATURES]);
    expect(spec.features[F]).toMatchObject({ name: 'deviceInFlight', min: 0, max: 16 });
    expect(spec.features.slice(F + 1).map((f) => [f.name, f.min, f.max])).toEqual(ACTIONS.map((a) => [`resident[${a.index}]`, 0, 1]));
    // The spec given to the agent is left as it was.
    expect(env.features.length).toBe(F);
  });

  it('writes each observation field into its own entry of the extended vector, the radio and charging features included', () => {
    const env = envSpec({ features: scenarioFeatures(true, true) });
    const spec = extendedSpec(env);
    const F = env.features.length;
    /** A hand-made observation with the feature vector of a scenario with a radio and charging windows (all three 0). */
    const withTail = (o: ObsInput = {}): Observation => {
      const obs = observation(o);
      obs.features = Float32Array.from({ length: F }, (_, j) => obs.features[j] ?? 0);
      return obs;
    };
    const write = (obs: Observation): Float32Array => {
      const out = new Float32Array(spec.features.length);
      writeExtendedFeatures(obs, out);
      return out;
    };
    const base = write(withTail());
    expect([...base.subarray(0, F)]).toEqual([...withTail().features]);
    const changedAt = (obs: Observation): number[] => {
      const v = write(obs);
      return [...v.keys()].filter((k) => v[k] !== base[k]);
    };
    // radioTailS and charging (the scenario's appended features) keep their places.
    for (const i of [F - 3, F - 1]) {
      const obs = withTail();
      obs.features[i] = 1;
      expect(changedAt(obs), spec.features[i]!.name).toEqual([i]);
    }
    for (const a of [0, 2, 7]) {
      const obs = withTail();
      obs.user.resident[a] = 1;
      expect(changedAt(obs), `resident[${a}]`).toEqual([F + 1 + a]);
    }
    const busy = withTail({ inFlight: { device: 40, edge: 0, cloud: 0 } });
    expect(changedAt(busy)).toEqual([F]);
    expect(write(busy)[F]).toBe(16);
  });

  it("gives the DQN's Q-network an input where two observations differing only in resident get different Q-values", async () => {
    const spec = extendedSpec(envSpec());
    const { net } = await createQNetwork({ env: spec, seed: 3 }, DQN_DEFAULT_CONFIG);
    const q = (resident: number | null): number[] => {
      const obs = observation();
      if (resident !== null) obs.user.resident[resident] = 1;
      const raw = new Float32Array(spec.features.length);
      writeExtendedFeatures(obs, raw);
      const scaled = new Float32Array(spec.features.length);
      scaleFeatures(spec, raw, scaled);
      return [...net.q(scaled)];
    };
    const none = q(null);
    expect(q(1)).not.toEqual(none);
    expect(q(2)).not.toEqual(q(1));
    net.dispose();
  });

  it('acts on the resident mask once trained where residency decides the device cost; dqn cannot tell the cases apart', async () => {
    // The synthetic law of the Hybrid's tests: a device action whose model is not resident pays a 200 ms load.
    const train = async (factory: typeof createAgent, seed: number): Promise<Agent> => {
      const agent = await factory({ env: envSpec(), seed });
      const rng = deriveRng(seed, 'test', 'resident');
      for (let i = 0; i < 1500; i++) {
        const obs = randomObs(rng);
        agent.learn!(lawTransition(obs, agent.act(obs), rng));
      }
      agent.setMode!('eval');
      return agent;
    };
    // On a poor link (offloading costs ~ 1 s) the best action is the device with the resident model (0, 1 or 2).
    const choices = (agent: Agent): number[] =>
      [0, 1, 2].map((resident) => {
        const obs = observation({ uplinkMbps: 1, requirementTop1Pct: 60 });
        obs.user.resident[resident] = 1;
        return agent.act(obs);
      });
    // Measured: the resident model in 22 of the 24 cases (seeds 1-8); dqn's one choice per seed is right in at most 8.
    let right = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const v4 = await train(createAgent, seed);
      right += choices(v4).filter((a, resident) => a === resident).length;
      v4.dispose?.();
    }
    expect(right).toBeGreaterThanOrEqual(18);
    for (const seed of [1, 2]) {
      const dqn = await train(createDqn, seed);
      expect(new Set(choices(dqn)).size).toBe(1);
      dqn.dispose?.();
    }
  }, 120_000);

  it(`runs a ${SCENARIO} testing-variant job with a radio and charging windows added, deterministically, deciding unlike dqn`, async () => {
    const loaded = await loadScenario(SCENARIO, { variant: 'testing' });
    const device = loaded.spec.tiers.device;
    expect(device.residency).toBeDefined();
    // The v4 factors whose features are appended to obs.features (an LTE tail as in the v4 tests; a charger every 10 min).
    const scenario = {
      ...loaded,
      spec: {
        ...loaded.spec,
        tiers: {
          ...loaded.spec.tiers,
          device: {
            ...device,
            radio: { tail: [{ durationMs: 11576, powerW: 1.06, promotionMs: 0, promotionPowerW: 0 }], idlePromotionMs: 260, idlePromotionPowerW: 1.21, source: 'test' },
            battery: { ...device.battery!, charging: { periodS: 600, durationS: 120, powerW: 5, source: 'test' } },
          },
        },
      },
    };
    const features = new OrchestrationEnv(scenario).spec.features.map((f) => f.name);
    expect(features.slice(-3)).toEqual(['radioTailS', 'chargeInPeriods', 'charging']);
    const opts = { checkpointEval: false } as const;
    const first = await scoreJob(scenario, createAgent, 1, opts);
    const second = await scoreJob(scenario, createAgent, 1, opts);
    expect(second.metrics).toEqual(first.metrics);
    const m = first.metrics;
    expect(m.info?.trainSteps).toBeGreaterThan(0);
    expect(Number.isFinite(m.normalisedEvalReward)).toBe(true);
    const dqn = await scoreJob(scenario, createDqn, 1, opts);
    expect(dqn.metrics.decisionLogSha256).not.toBe(m.decisionLogSha256);
  }, 300_000);

  it('locates a config error in its own config', async () => {
    await expect(createAgent({ env: envSpec(), seed: 1, config: { learningRat: 0.1 } })).rejects.toThrow(/config of agent "dqn-v4"#\/learningRat/);
    await expect(createAgent({ env: envSpec(), seed: 1, config: { updatesPerTrain: 0 } })).rejects.toThrow(InputError);
    await expect(createAgent({ env: envSpec(), seed: 1, config: { updatesPerTrain: 0 } })).rejects.toThrow(/"dqn-v4"#\/updatesPerTrain.*integer >= 1/s);
  });
});
