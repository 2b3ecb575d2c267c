import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Encoder } from '../../../baselines/hybrid/encoding.ts';
import { createAgent, DEFAULT_CONFIG, type HybridAgent } from '../../../baselines/hybrid/index.ts';
import { loadBaseline, loadDefaultConfig } from '../../../baselines/index.ts';
import { RADIO_TAIL_FEATURE, scenarioFeatures } from '../../../harness/env/features.ts';
import { InputError } from '../../../harness/errors.ts';
import { resolveAgent } from '../../../harness/runner/agents.ts';
import { PACKAGE_ROOT } from '../../../harness/version.ts';
import { deriveRng } from '../../../harness/rng.ts';
import { ACTIONS, envSpec, observation } from '../fixtures.ts';
import { runToy } from '../toy.ts';
import { lawTransition, randomObs } from './synthetic.ts';

describe('hybrid-v4 agent', () => {
  it('is the registry entry hybrid-v4 with its documented defaults', async () => {
    expect(await loadDefaultConfig('hybrid-v4')).toEqual(DEFAULT_CONFIG);
    const agent = await (await loadBaseline('hybrid-v4'))({ env: envSpec(), seed: 1 });
    expect(agent.name).toBe('hybrid-v4');
  });

  it("hashes every file it runs, its folder's and the shared ones of baselines/ (common.ts, dqn.ts, nn/)", async () => {
    const files = (await resolveAgent({ agent: 'hybrid-v4', agentKind: 'baseline' })).files.map((f) => relative(PACKAGE_ROOT, f));
    for (const f of ['baselines/hybrid/index.ts', 'baselines/hybrid/model.ts', 'baselines/hybrid/trust.ts', 'baselines/common.ts', 'baselines/dqn.ts', 'baselines/nn/mlp.ts']) expect(files).toContain(f);
    // The ablation table is configuration read by the experiment, not code the agent runs.
    expect(files).not.toContain('baselines/hybrid/ablations.ts');
  });

  it('makes identical decisions for the same seed and different ones for another', async () => {
    const decisions = async (seed: number): Promise<number[]> => runToy(await createAgent({ env: envSpec(), seed }), 150, 50, 4).decisions;
    const a = await decisions(11);
    expect(await decisions(11)).toEqual(a);
    expect(await decisions(12)).not.toEqual(a);
  });

  it('reads every observation feature, the device in-flight count and the resident mask', () => {
    const spec = envSpec({ features: scenarioFeatures(true) });
    const enc = new Encoder(spec);
    expect(enc.stateSize).toBe(spec.features.length + 1 + ACTIONS.length);
    /** A hand-made observation with the radio scenario's feature vector (radioTailS 0). */
    const withRadio = (o: ReturnType<typeof observation>): ReturnType<typeof observation> => {
      o.features = Float32Array.from({ length: spec.features.length }, (_, j) => o.features[j] ?? 0);
      return o;
    };
    const obs = withRadio(observation());
    const base = new Float32Array(enc.stateSize);
    enc.encodeState(obs, base, 0);
    const changed = new Float32Array(enc.stateSize);
    // Each feature (radioTailS included), alone, changes exactly its own state entry.
    for (let i = 0; i < spec.features.length; i++) {
      const o = withRadio(observation());
      o.features[i] = o.features[i] === spec.features[i]!.max ? spec.features[i]!.min : spec.features[i]!.max;
      enc.encodeState(o, changed, 0);
      const diff = [...changed.keys()].filter((k) => changed[k] !== base[k]);
      expect(diff, spec.features[i]!.name).toEqual([i]);
    }
    expect(spec.features.at(-1)).toEqual(RADIO_TAIL_FEATURE);
    const inFlight = withRadio(observation({ inFlight: { device: 8, edge: 0, cloud: 0 } }));
    enc.encodeState(inFlight, changed, 0);
    expect(changed[spec.features.length]).toBe(0.5);
    // The resident mask: in the state, and in the input row of the action it concerns.
    const resident = withRadio(observation());
    resident.user.resident[1] = 1;
    enc.encodeState(resident, changed, 0);
    expect([...changed.keys()].filter((k) => changed[k] !== base[k])).toEqual([enc.residentOffset + 1]);
    const rowOf = (state: Float32Array, a: number): number[] => {
      const row = new Float32Array(enc.inputSize);
      enc.input(state, 0, a, row, 0);
      return [...row];
    };
    const differing = (a: number): number => rowOf(changed, a).filter((v, k) => v !== rowOf(base, a)[k]).length;
    expect(differing(1)).toBe(2);
    expect(differing(0)).toBe(1);
  });

  it('acts on the resident mask once trained on a law where residency decides the device cost', async () => {
    const agent = (await createAgent({ env: envSpec(), seed: 2, config: { epsilonDecaySteps: 300 } })) as HybridAgent;
    const rng = deriveRng(2, 'test', 'resident');
    for (let i = 0; i < 1500; i++) {
      const obs = randomObs(rng);
      agent.learn(lawTransition(obs, agent.act(obs), rng));
    }
    agent.setMode('eval');
    // A poor link (offloading costs ~ 1 s): the device, whichever model is loaded there.
    const poor = (resident: number | null) => {
      const obs = observation({ uplinkMbps: 1, requirementTop1Pct: 60 });
      if (resident !== null) obs.user.resident[resident] = 1;
      return agent.act(obs);
    };
    expect(poor(1)).toBe(1);
    expect(poor(2)).toBe(2);
  });

  it('rejects a config value out of range at its pointer', async () => {
    await expect(Promise.resolve().then(() => createAgent({ env: envSpec(), seed: 1, config: { gamma: 1 } }))).rejects.toThrow(InputError);
    await expect(Promise.resolve().then(() => createAgent({ env: envSpec(), seed: 1, config: { simulatedBatchesPerStep: 0.5 } }))).rejects.toThrow(/simulatedBatchesPerStep/);
  });
});
