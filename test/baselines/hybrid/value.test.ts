import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type HybridConfig } from '../../../baselines/hybrid/config.ts';
import { Encoder } from '../../../baselines/hybrid/encoding.ts';
import { createAgent, type HybridAgent } from '../../../baselines/hybrid/index.ts';
import { EnvironmentModel } from '../../../baselines/hybrid/model.ts';
import { Replay } from '../../../baselines/hybrid/replay.ts';
import { ValueLearner } from '../../../baselines/hybrid/value.ts';
import { randomUnmasked } from '../../../baselines/common.ts';
import { deriveRng } from '../../../harness/rng.ts';
import { envSpec, FULL_MASK } from '../fixtures.ts';
import { lawLatencyMs, lawTransition, randomObs } from './synthetic.ts';

const LEGAL = [...FULL_MASK.keys()].filter((a) => FULL_MASK[a] === 1);

describe('hybrid-v4 value learner (Dyna)', () => {
  it('learns Q from simulated transitions alone: trained only on the model, it ranks actions as the true law does', () => {
    const cfg: HybridConfig = { ...DEFAULT_CONFIG, gamma: 0 };
    const enc = new Encoder(envSpec());
    const model = new EnvironmentModel(enc, cfg, 3);
    const value = new ValueLearner(enc, cfg, 3);
    const rng = deriveRng(3, 'test', 'dyna');
    const replay = new Replay(400, enc);
    const obsList = Array.from({ length: 400 }, () => randomObs(rng));
    for (const obs of obsList) {
      const t = lawTransition(obs, randomUnmasked(FULL_MASK, rng), rng);
      replay.push(t.obs, t.action, t.reward, t.nextObs);
    }
    const slots = new Int32Array(cfg.batchSize);
    for (let k = 0; k < 1500; k++) {
      replay.sample(rng, slots);
      model.fit(replay, slots);
    }
    /** Fraction of (state, action pair) comparisons Q orders as the law does, on the stored states. */
    const concordance = (): number => {
      let agree = 0;
      let pairs = 0;
      for (let i = 0; i < 100; i++) {
        const q = value.qAll(replay.state(i), 1, 'online').slice(0, enc.actionCount);
        for (const a of LEGAL) for (const b of LEGAL) {
          if (a >= b) continue;
          const da = lawLatencyMs(obsList[i]!, a) - lawLatencyMs(obsList[i]!, b);
          if (Math.abs(da) < 5) continue;
          pairs++;
          if (Math.sign(q[b]! - q[a]!) === Math.sign(da)) agree++;
        }
      }
      return agree / pairs;
    };
    const before = concordance();
    for (let k = 0; k < 600; k++) {
      replay.sample(rng, slots);
      value.simulatedUpdate(replay, slots, model, rng);
    }
    expect(value.simulatedRows).toBe(600 * cfg.batchSize);
    expect(value.trainSteps).toBe(600);
    const after = concordance();
    expect(after, `concordance before ${before}, after ${after}`).toBeGreaterThan(0.85);
    expect(after).toBeGreaterThan(before + 0.2);
  });

  it('counts its simulated transitions as planning updates, none when Dyna is off', async () => {
    const run = async (config: Partial<HybridConfig>): Promise<{ planning: number; trust: number }> => {
      const agent = (await createAgent({ env: envSpec(), seed: 5, config })) as HybridAgent;
      const rng = deriveRng(5, 'test', 'count');
      for (let i = 0; i < 300; i++) {
        const obs = randomObs(rng);
        agent.learn(lawTransition(obs, agent.act(obs), rng));
      }
      return { planning: agent.stats().planningUpdates, trust: agent.trust.trust() };
    };
    const on = await run({});
    expect(on.trust).toBeGreaterThan(0);
    expect(on.planning).toBeGreaterThan(0);
    expect(on.planning % DEFAULT_CONFIG.batchSize).toBe(0);
    // At most simulatedBatchesPerStep batches per real transition after learningStarts.
    expect(on.planning).toBeLessThanOrEqual((300 - DEFAULT_CONFIG.learningStarts + 1) * DEFAULT_CONFIG.simulatedBatchesPerStep * DEFAULT_CONFIG.batchSize);
    expect((await run({ simulatedBatchesPerStep: 0 })).planning).toBe(0);
  });
});
