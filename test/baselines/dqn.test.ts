import { describe, expect, it } from 'vitest';
import { createAgent, createQNetwork, DEFAULT_CONFIG, epsilonAt, newBatch, ReplayBuffer } from '../../baselines/dqn.ts';
import type { Transition } from '../../harness/agent.ts';
import { OrchestrationEnv, runEpisode } from '../../harness/env/index.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { loadTf } from '../../harness/tf.ts';
import { decisionLog, seedsReachingThreshold } from '../experiment/runs.ts';
import { ACTIONS, envSpec, FULL_MASK, observation } from './fixtures.ts';

/** A stationary default scenario (stable broadband generator, one user), testing variant. */
const STATIONARY = 'broadband-1u-loose-v1';
const short = { learningDecisions: 400, evaluationDecisions: 50 };
/** Greedy evaluations spanning the start of learning (before training / before the model is trusted) and after. */
const checkpoints = { at: [10, 50, 100, 200, 300, 400], decisions: 50 };

function transition(action: number, reward: number): Transition {
  const obs = observation();
  return {
    obs, action, reward, nextObs: observation({ uplinkMbps: 5 }), decidedAtMs: 0, completedAtMs: 0,
    outcome: { action, latencyMs: 100, uploadMs: 10, queueMs: 0, computeMs: 80, downloadMs: 10, deviceEnergyMj: 5, serverEnergyMj: 1, accuracyViolation: false, deadlineMiss: false },
  };
}

describe('dqn', () => {
  it('runs a short episode through the harness, reporting real steps, training and the backend', async () => {
    const env = new OrchestrationEnv(await loadScenario(STATIONARY, { variant: 'testing' }));
    const agent = await createAgent({ env: env.spec, seed: 1 });
    const r = runEpisode(env, agent, 1, short);
    agent.dispose?.();
    expect(r.learningRewards.length).toBe(short.learningDecisions);
    // Transitions arrive when requests complete: fewer than the decisions, never more.
    expect(r.agentStats!.realSteps).toBeGreaterThan(0.9 * short.learningDecisions);
    expect(r.agentStats!.realSteps).toBeLessThanOrEqual(short.learningDecisions);
    expect(r.agentStats!.planningUpdates).toBe(0);
    // The typed-array MLP unless ORCHBENCH_NN selects tfjs (then the tfjs backend in use is recorded).
    const expected = process.env.ORCHBENCH_NN === 'tfjs' ? `tfjs-${(await loadTf()).backend}` : 'mlp';
    expect(r.agentStats!.info!.backend).toBe(expected);
    // Training starts after learningStarts transitions and runs every trainEvery transitions.
    expect(r.agentStats!.info!.trainSteps).toBe(Math.floor((r.agentStats!.realSteps - DEFAULT_CONFIG.learningStarts) / DEFAULT_CONFIG.trainEvery) + 1);
  });

  it('is deterministic for a seed on a backend, and a different seed decides differently', async () => {
    const scenario = await loadScenario(STATIONARY, { variant: 'testing' });
    const a = await decisionLog(createAgent, scenario, 1, 7, short);
    expect(await decisionLog(createAgent, scenario, 1, 7, short)).toBe(a);
    expect(await decisionLog(createAgent, scenario, 2, 7, short)).not.toBe(a);
    // Greedy evaluations during learning (eval-mode act is pure) leave the learning trajectory unchanged.
    expect(await decisionLog(createAgent, scenario, 1, 7, short, checkpoints)).toBe(a);
  });

  it('never chooses a masked action, exploring or greedy, and never learns towards one', async () => {
    const agent = await createAgent({ env: envSpec(), seed: 3, config: { learningStarts: 8, batchSize: 8, trainEvery: 1, gamma: 0.9 } });
    const only = new Uint8Array(FULL_MASK.length);
    only[7] = 1;
    for (let i = 0; i < 50; i++) expect(agent.act(observation({ mask: only }))).toBe(7);
    // Training (gamma > 0, so targets take a max over next states) must not make a masked action greedy.
    for (let i = 0; i < 40; i++) agent.learn!(transition(ACTIONS.findIndex((a) => a.medianComputeMs !== null), -1));
    agent.setMode!('eval');
    for (let i = 0; i < 20; i++) expect(FULL_MASK[agent.act(observation())]).toBe(1);
    expect(agent.act(observation({ mask: only }))).toBe(7);
    agent.dispose?.();
  });

  it.each(['mlp', 'tfjs'])('takes the target max over unmasked next actions only (%s)', async (network) => {
    const F = envSpec().features.length;
    const A = ACTIONS.length;
    const { net } = await createQNetwork({ env: envSpec(), seed: 5 }, { ...DEFAULT_CONFIG, network });
    const b = newBatch(2, F, A);
    b.nextStates.fill(0.5);
    b.nextMasks[3] = 1; // row 0: only action 3
    b.nextMasks[A + 0] = 1; // row 1: actions 0 and 9
    b.nextMasks[A + 9] = 1;
    const q = net.qBatch(b.nextStates, 2, 'target');
    const out = new Float32Array(2);
    net.maxTargetQ(b, 2, out);
    net.dispose();
    expect(out[0]).toBe(q[3]);
    expect(out[1]).toBe(Math.max(q[A]!, q[A + 9]!));
  });

  it('does not leak tensors while learning on tfjs, and frees them on dispose', async () => {
    const { tf } = await loadTf();
    const before = tf.memory().numTensors;
    const agent = await createAgent({ env: envSpec(), seed: 4, config: { learningStarts: 16, batchSize: 16, trainEvery: 1, network: 'tfjs' } });
    for (let i = 0; i < 20; i++) agent.learn!(transition(i % 5, -0.1 * (i % 5)));
    const warm = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) {
      agent.act(observation());
      agent.learn!(transition(i % 5, -0.1 * (i % 5)));
    }
    expect(tf.memory().numTensors).toBe(warm);
    agent.dispose?.();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the newest transitions when the replay ring wraps', () => {
    const buf = new ReplayBuffer(3, envSpec().features.length, ACTIONS.length);
    const slots = [0, 1, 2, 3, 4].map((i) => buf.push(envSpec(), transition(i, -i)));
    expect(slots).toEqual([0, 1, 2, 0, 1]);
    expect(buf.size).toBe(3);
    expect([...buf.actions].sort()).toEqual([2, 3, 4]);
  });

  it('decays epsilon linearly and then holds it', () => {
    expect(epsilonAt(0, 1, 0.1, 100)).toBe(1);
    expect(epsilonAt(50, 1, 0.1, 100)).toBeCloseTo(0.55, 12);
    expect(epsilonAt(100, 1, 0.1, 100)).toBe(0.1);
    expect(epsilonAt(10_000, 1, 0.1, 100)).toBe(0.1);
  });

  it('rejects unknown or mistyped config fields', async () => {
    await expect(createAgent({ env: envSpec(), seed: 1, config: { learningRat: 0.1 } })).rejects.toThrow(/learningRat/);
    await expect(createAgent({ env: envSpec(), seed: 1, config: { gamma: '0.9' } })).rejects.toThrow(/gamma/);
    await expect(createAgent({ env: envSpec(), seed: 1, config: { network: 'torch' } })).rejects.toThrow(/\/network.*mlp \| tfjs.*torch/s);
    await expect(createAgent({ env: envSpec(), seed: 1, config: { updatesPerTrain: 0 } })).rejects.toThrow(/\/updatesPerTrain.*integer >= 1/s);
  });

  it('learns: reaches 90% of the random-to-oracle gap on a stationary scenario for at least 8 of 10 seeds', async () => {
    const scenario = await loadScenario(STATIONARY, { variant: 'testing' });
    expect(await seedsReachingThreshold(createAgent, scenario, 10)).toBeGreaterThanOrEqual(8);
  }, 240_000);
});
