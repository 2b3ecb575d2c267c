/**
 * The typed-array MLP (`baselines/nn/mlp.ts`) against TensorFlow.js, the reference implementation
 * of the Q-network: same weights from the same seeded streams, then the same outputs, the same
 * training steps, and the same learning curves.
 *
 * Tolerances, and why: both compute in float32, but tfjs's kernels sum in float32 in their own
 * order while the MLP sums in float64, so single operations differ by ~1e-7 relative. Over a few
 * hundred Adam steps that stays below 1e-5 relative (the regressor test asserts 1e-4); over
 * thousands, a ReLU or an argmax that sits on a boundary can flip in one implementation only and
 * trajectories then separate like two runs of a chaotic system. On the testing budgets below
 * they do not get there: the tests require the learning curves to agree within 0.02 (normalised
 * reward, on a scale where random = 0 and oracle = 1) at every checkpoint and the AUC within
 * 0.01, and print whether the decision logs are bit-identical (with today's defaults, which train
 * every decision, they differ for both agents; the margins do not rely on it).
 */
import { describe, expect, it } from 'vitest';
import { ACTION_FEATURES, createAgent, createInformedAgent, createQNetwork, DEFAULT_CONFIG, INFORMED_CONFIG } from '../../baselines/dqn.ts';
import { MlpRegressor, type RegressorSpec } from '../../baselines/nn/regressor.ts';
import { TfRegressor } from '../../baselines/nn/tf-regressor.ts';
import type { AgentFactory } from '../../harness/agent.ts';
import { deriveRng } from '../../harness/rng.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { scoreJob } from '../../harness/score/job.ts';
import { loadTf } from '../../harness/tf.ts';
import { ACTIONS, envSpec, observation } from './fixtures.ts';

/** Largest |a - b| over the entries, relative to the largest |b|. */
function maxRelDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return d / scale;
}

/** A factory forcing one network implementation. */
const withNetwork = (factory: AgentFactory, network: string): AgentFactory => (ctx) => factory({ ...ctx, config: { ...ctx.config, network } });

describe('typed-array MLP vs tfjs', () => {
  it('start from identical weights and stay within 1e-4 relative over 150 Adam steps (targets on a few outputs per row)', async () => {
    const { tf, backend } = await loadTf();
    const [F, A, rows] = [9, 15, 64];
    const spec: RegressorSpec = { sizes: [F, 64, 64, A], learningRate: 1e-3, huberDelta: 1, layerRng: (l) => deriveRng(1, 'test-mlp', l) };
    const mlp = new MlpRegressor(spec);
    const ref = new TfRegressor(tf, backend, spec);
    const rng = deriveRng(2, 'test-mlp-data');
    const x = new Float32Array(rows * F);
    const y = new Float32Array(rows * A);
    const w = new Float32Array(rows * A);
    const probe = Float32Array.from({ length: rows * F }, () => rng.float());
    const initial = mlp.predict(probe, rows, 'online').slice(0, rows * A);
    try {
      for (let step = 0; step < 150; step++) {
        for (let i = 0; i < x.length; i++) x[i] = rng.float();
        w.fill(0);
        for (let r = 0; r < rows; r++) {
          // Errors on both sides of the Huber threshold, one to three targeted actions per row.
          for (let k = 0; k <= r % 3; k++) {
            const a = rng.int(A);
            w[r * A + a] = 1;
            y[r * A + a] = 3 * rng.normal();
          }
        }
        for (const which of ['online', 'target'] as const) {
          expect(maxRelDiff(mlp.predict(x, rows, which).slice(0, rows * A), ref.predict(x, rows, which)), `${which} at step ${step}`).toBeLessThan(step === 0 ? 1e-6 : 1e-4);
        }
        mlp.fit(x, y, w, rows);
        ref.fit(x, y, w, rows);
        if (step % 50 === 49) {
          mlp.syncTarget();
          ref.syncTarget();
        }
      }
      // The networks did learn (the comparison is not between two untouched initialisations).
      expect(maxRelDiff(mlp.predict(probe, rows, 'online').slice(0, rows * A), initial)).toBeGreaterThan(1e-2);
      expect(maxRelDiff(mlp.predict(probe, rows, 'online').slice(0, rows * A), ref.predict(probe, rows, 'online'))).toBeLessThan(1e-4);
    } finally {
      ref.dispose();
    }
  });

  // dqn-informed scores every action of every next state (about 12x the network work per step):
  // a shorter learning phase keeps its tfjs run to a minute.
  describe.each([
    ['dqn', createAgent, [1, 2], undefined],
    ['dqn-informed', createInformedAgent, [1], 1500],
  ] as const)('%s', (name, factory, seeds, learningDecisions) => {
    it.each(seeds)('gives the same learning curve with either implementation (testing variant, seed %i)', async (seed) => {
      const testing = await loadScenario('lte-driving-4u-mixed-v1', { variant: 'testing' });
      const scenario = learningDecisions === undefined ? testing : { ...testing, spec: { ...testing.spec, budgets: { ...testing.spec.budgets, learningDecisions } } };
      const opts = { checkpointEval: false } as const;
      const mlp = (await scoreJob(scenario, withNetwork(factory, 'mlp'), seed, opts)).metrics;
      const tfjs = (await scoreJob(scenario, withNetwork(factory, 'tfjs'), seed, opts)).metrics;
      expect(mlp.info.backend).toBe('mlp');
      expect(String(tfjs.info.backend)).toMatch(/^tfjs-/);
      expect(mlp.curve.checkpoints).toEqual(tfjs.curve.checkpoints);
      const gaps = mlp.curve.normalised.map((v, i) => Math.abs(v - tfjs.curve.normalised[i]!));
      expect(Math.max(...gaps), `${name} seed ${seed}: curves ${mlp.curve.normalised} vs ${tfjs.curve.normalised}`).toBeLessThanOrEqual(0.02);
      expect(Math.abs(mlp.normalisedAuc - tfjs.normalisedAuc)).toBeLessThanOrEqual(0.01);
      expect(mlp.info.trainSteps).toBe(tfjs.info.trainSteps);
      // The curve must not be flat: a learner that never trained would agree trivially.
      expect(Number(mlp.info.trainSteps)).toBeGreaterThan(100);
      console.info(`${name} seed ${seed}: decision logs ${mlp.decisionLogSha256 === tfjs.decisionLogSha256 ? 'bit-identical' : 'differ'}; max curve gap ${Math.max(...gaps).toFixed(4)}`);
    }, 300_000);
  });
});

describe('dqn-informed (the action-information control)', () => {
  it('documents its config: the DQN defaults with action features and 3 updates per training step', () => {
    expect(INFORMED_CONFIG).toEqual({ ...DEFAULT_CONFIG, actionFeatures: true, updatesPerTrain: 3 });
  });

  it('sees actions only through their public information: two actions with identical information get identical Q-values', async () => {
    // Actions 10 and 11 (cloud) made indistinguishable by their public fields; action 12 differs.
    const twin = ACTIONS.map((a) => (a.index === 11 ? { ...ACTIONS[10]!, index: 11, modelId: 'twin' } : a));
    const { net } = await createQNetwork({ env: envSpec({ actions: twin }), seed: 3 }, INFORMED_CONFIG);
    const state = new Float32Array(envSpec().features.length).fill(0.3);
    const q = net.q(state);
    expect(q[11]).toBe(q[10]);
    expect(q[12]).not.toBe(q[10]);
    net.dispose();
  });

  it('makes updatesPerTrain gradient steps each time training is due, and feeds state plus action features to one output', async () => {
    const agent = await createInformedAgent({ env: envSpec(), seed: 2, config: { learningStarts: 8, batchSize: 8, trainEvery: 2 } });
    for (let i = 0; i < 20; i++) {
      const obs = observation();
      const action = agent.act(obs);
      agent.learn!({ obs, action, reward: -0.1 * (action % 4), nextObs: observation({ uplinkMbps: 5 }), decidedAtMs: 0, completedAtMs: 0, outcome: { action, latencyMs: 100, uploadMs: 10, queueMs: 0, computeMs: 80, downloadMs: 10, deviceEnergyMj: 5, serverEnergyMj: 1, accuracyViolation: false, deadlineMiss: false } });
    }
    // Due at steps 8, 10, ..., 20 (7 times) x 3 updates.
    expect(agent.stats!().info!.trainSteps).toBe(7 * 3);
    expect(agent.name).toBe('dqn-informed');
    expect(ACTION_FEATURES.length).toBe(5);
    agent.dispose?.();
  });
});
