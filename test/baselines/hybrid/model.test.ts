import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../baselines/hybrid/config.ts';
import { Encoder } from '../../../baselines/hybrid/encoding.ts';
import { EnvironmentModel } from '../../../baselines/hybrid/model.ts';
import { Replay } from '../../../baselines/hybrid/replay.ts';
import { randomUnmasked } from '../../../baselines/common.ts';
import { deriveRng } from '../../../harness/rng.ts';
import { envSpec, FULL_MASK } from '../fixtures.ts';
import { lawTransition, randomObs } from './synthetic.ts';

const BACKLOG = envSpec().features.findIndex((f) => f.name === 'deviceBacklog');

describe('hybrid-v4 environment model', () => {
  it('learns a known synthetic law: held-out errors of the reward, the backlog and the resident mask fall', () => {
    const enc = new Encoder(envSpec());
    const S = enc.stateSize;
    const model = new EnvironmentModel(enc, DEFAULT_CONFIG, 7);
    const rng = deriveRng(7, 'test', 'law');
    const fill = (n: number): Replay => {
      const replay = new Replay(n, enc);
      for (let i = 0; i < n; i++) {
        const obs = randomObs(rng);
        { const t = lawTransition(obs, randomUnmasked(FULL_MASK, rng), rng); replay.push(t.obs, t.action, t.reward, t.nextObs); }
      }
      return replay;
    };
    const train = fill(400);
    const heldOut = fill(200);
    const reward = new Float32Array(heldOut.size);
    const next = new Float32Array(heldOut.size * S);
    /** Mean squared held-out errors: reward (s^2), scaled backlog, resident mask entries. */
    const errors = (): number[] => {
      model.predict(heldOut.states, heldOut.actions, heldOut.size, reward, next);
      const e: [number, number, number] = [0, 0, 0];
      for (let r = 0; r < heldOut.size; r++) {
        e[0] += (reward[r]! - heldOut.rewards[r]!) ** 2;
        e[1] += (next[r * S + BACKLOG]! - heldOut.nextStates[r * S + BACKLOG]!) ** 2;
        for (let a = 0; a < enc.actionCount; a++) e[2] += (next[r * S + enc.residentOffset + a]! - heldOut.nextStates[r * S + enc.residentOffset + a]!) ** 2;
      }
      return e.map((v) => v / heldOut.size);
    };
    const before = errors();
    const slots = new Int32Array(32);
    for (let k = 0; k < 1500; k++) {
      train.sample(rng, slots);
      model.fit(train, slots);
    }
    const after = errors();
    expect(model.fitSteps).toBe(1500);
    for (let i = 0; i < 3; i++) expect(after[i], `error ${i}: before ${before.join(', ')}, after ${after.join(', ')}`).toBeLessThan(0.25 * before[i]!);
    // The law's reward has a spread of ~0.1 s: a model that learned only its mean would have an error near the variance.
    const mean = heldOut.rewards.reduce((s, v) => s + v, 0) / heldOut.size;
    const variance = heldOut.rewards.reduce((s, v) => s + (v - mean) ** 2, 0) / heldOut.size;
    expect(after[0]).toBeLessThan(0.2 * variance);
  });
});
