import { describe, expect, it } from 'vitest';
import {
  BayesianLinearRegression, cholesky, createAgent, DEFAULT_CONFIG, LoadDynamics, OutcomeModel, Planner, RewardModel, solveLower, StateCodec, TrustMonitor, ValueLearner,
  type HybridConfig,
} from '../../baselines/hybrid.ts';
import type { Agent, Observation, Transition } from '../../harness/agent.ts';
import { FEATURES } from '../../harness/env/features.ts';
import { OrchestrationEnv, runEpisode } from '../../harness/env/index.ts';
import { InputError } from '../../harness/errors.ts';
import { HYBRID_ABLATIONS, hybridAblationLearners } from '../../harness/experiment/ablations.ts';
import { sampleConfigs, SEARCH_SPACES } from '../../harness/experiment/tune.ts';
import { deriveRng, type Rng } from '../../harness/rng.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { referenceRewards } from '../../harness/score/job.ts';
import { decisionLog, seedsReachingThreshold } from '../experiment/runs.ts';
import { ACTIONS, envSpec, FULL_MASK, observation } from './fixtures.ts';
import { runToy } from './toy.ts';
import { withTickingClock } from '../helpers/ticking-clock.ts';

const STATIONARY = 'broadband-1u-loose-v1';
const LEGAL = ACTIONS.filter((a) => FULL_MASK[a.index] === 1).map((a) => a.index);
const MEAN_DEVICE_MS = 38.5;

/**
 * A synthetic system with a known law, non-linear in load: device latency = compute + the
 * backlog's work; edge = upload + RTT + compute + the FCFS wait compute x max(0, n + 1 - k) / k;
 * cloud = upload + RTT + 40 ms WAN + compute. Energy: 2 mJ per device-compute ms, else 1 mJ per
 * upload ms + 0.3 mJ per other ms. Reward = -latency (s) - 0.5 x energy (J) - 1 per violation.
 */
function truth(obs: Observation, action: number): { latencyMs: number; energyMj: number; reward: number } {
  const a = ACTIONS[action]!;
  const c = a.medianComputeMs!;
  const uploadMs = (obs.request.inputKb * 8) / obs.link.uplinkMbps;
  const { edgeInSystem: n, edgeCores: k } = obs.load;
  let latencyMs = c + MEAN_DEVICE_MS * obs.user.deviceBacklog;
  let energyMj = 2 * c;
  if (a.tier !== 'device') {
    latencyMs = uploadMs + obs.link.rttMs + c + (a.tier === 'edge' ? (c * Math.max(0, n + 1 - k)) / k : 40);
    energyMj = uploadMs + 0.3 * (latencyMs - uploadMs);
  }
  const violation = a.accuracyTop1Pct < obs.request.accuracyRequirementTop1Pct;
  return { latencyMs, energyMj, reward: -latencyMs / 1000 - (0.5 * energyMj) / 1000 - (violation ? 1 : 0) };
}

/** A transition of the synthetic system with latency noise `noiseMs`. */
function transition(obs: Observation, action: number, noiseMs: number): Transition {
  const t = truth(obs, action);
  const latencyMs = Math.max(1, t.latencyMs + noiseMs);
  const violation = ACTIONS[action]!.accuracyTop1Pct < obs.request.accuracyRequirementTop1Pct;
  return {
    obs, action, nextObs: obs, decidedAtMs: obs.timeMs, completedAtMs: obs.timeMs + latencyMs,
    reward: t.reward - (latencyMs - t.latencyMs) / 1000,
    outcome: { action, latencyMs, uploadMs: 0, queueMs: 0, computeMs: 0, downloadMs: 0, deviceEnergyMj: t.energyMj, serverEnergyMj: 0, accuracyViolation: violation, deadlineMiss: false },
  };
}

function randomObs(rng: Rng): Observation {
  return observation({
    uplinkMbps: 2 + 60 * rng.float(), rttMs: 5 + 40 * rng.float(), edgeInSystem: rng.int(13),
    deviceBacklog: rng.int(4), requirementTop1Pct: 60 + 20 * rng.float(),
  });
}

/** The model's parts wired as the agent wires them (gamma 0: immediate rewards only). */
function parts(cfg: Partial<HybridConfig> = {}) {
  const config = { ...DEFAULT_CONFIG, gamma: 0, ...cfg };
  const spec = envSpec();
  const codec = new StateCodec(spec);
  const model = new OutcomeModel(ACTIONS, codec, config);
  const rewards = new RewardModel();
  const planner = new Planner(ACTIONS, model, rewards, new LoadDynamics(codec), new ValueLearner(codec, ACTIONS.length, 0.1), config, codec);
  const state = new Float64Array(codec.size);
  const observe = (t: Transition): void => {
    codec.encode(t.obs, state, 0);
    model.observe(state, 0, t.action, t.outcome.latencyMs, t.outcome.deviceEnergyMj);
    rewards.observe(t.outcome.latencyMs, t.outcome.deviceEnergyMj, t.outcome.accuracyViolation, false, t.reward);
  };
  /** Pairwise ranking accuracy of the model's mean rewards against the true ones on fixed test states. */
  const rankingAccuracy = (): number => {
    const rng = deriveRng(99, 'hybrid-test', 'held-out');
    let agree = 0;
    let pairs = 0;
    for (let i = 0; i < 40; i++) {
      const obs = randomObs(rng);
      codec.encode(obs, state, 0);
      const predicted = LEGAL.map((a) => planner.reward(state, 0, a));
      const real = LEGAL.map((a) => truth(obs, a).reward);
      for (let x = 0; x < LEGAL.length; x++) {
        for (let y = x + 1; y < LEGAL.length; y++) {
          pairs++;
          if ((predicted[x]! - predicted[y]!) * (real[x]! - real[y]!) > 0) agree++;
        }
      }
    }
    return agree / pairs;
  };
  return { codec, model, planner, state, observe, rankingAccuracy };
}

describe('hybrid: linear algebra and the Bayesian regression', () => {
  it('cholesky gives L with L L^T = A', () => {
    const a = Float64Array.from([4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2]);
    const l = new Float64Array(9);
    cholesky(a, 3, l);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += l[i * 3 + k]! * l[j * 3 + k]!;
        expect(s).toBeCloseTo(a[i * 3 + j]!, 12);
      }
    }
  });

  it('uncertainty shrinks with data, and 90% predictive intervals cover about 90% of held-out data', () => {
    const rng = deriveRng(4, 'blr');
    const reg = new BayesianLinearRegression(3, 1, [1e-2, 1e-2, 1e-2]);
    const draw = (): { x: number[]; y: number } => {
      const x = [1, rng.float() * 2, rng.float() * 3];
      return { x, y: 0.5 + 2 * x[1]! - x[2]! + 0.3 * rng.normal() };
    };
    const probe = [1, 1, 1.5];
    const spread: number[] = [];
    for (let n = 1; n <= 400; n++) {
      const { x, y } = draw();
      reg.add(x, [y]);
      if (n === 5 || n === 50 || n === 400) spread.push(reg.leverage(probe));
    }
    expect(spread[1]).toBeLessThan(spread[0]! / 5);
    expect(spread[2]).toBeLessThan(spread[1]! / 5);
    expect(Math.sqrt(reg.noiseVariance(0))).toBeCloseTo(0.3, 1);
    let covered = 0;
    for (let i = 0; i < 2000; i++) {
      const { x, y } = draw();
      if (Math.abs(y - reg.predict(x, 0)) <= 1.645 * Math.sqrt(reg.predictiveVar(x, 0))) covered++;
    }
    expect(covered / 2000).toBeGreaterThan(0.86);
    expect(covered / 2000).toBeLessThan(0.94);
  });
});

// The planner's fast paths must compute exactly (to the bit) what the plain forms compute: the
// Hybrid's results, and the recorded search that tuned it, depend on every bit.
describe('hybrid: fast paths give the plain forms\' bits', () => {
  it('forward substitution two rows at a time equals the one-row loop, for even and odd sizes', () => {
    const rng = deriveRng(11, 'solve');
    for (let n = 1; n <= 9; n++) {
      const a = new Float64Array(n * n);
      for (let r = 0; r < 3 * n; r++) {
        const v = Array.from({ length: n }, () => rng.normal() * 10 ** rng.int(4));
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j]! += v[i]! * v[j]!;
      }
      for (let i = 0; i < n; i++) a[i * n + i]! += 1e-2;
      const l = new Float64Array(n * n);
      cholesky(a, n, l);
      const b = Array.from({ length: n }, () => (rng.float() < 0.3 ? 0 : rng.normal() * 100));
      const plain = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = b[i]!;
        for (let k = 0; k < i; k++) s -= l[i * n + k]! * plain[k]!;
        plain[i] = s / l[i * n + i]!;
      }
      const fast = new Float64Array(n);
      solveLower(l, n, b, fast);
      expect(Array.from(fast)).toEqual(Array.from(plain));
      expect(fast.every((v, i) => Object.is(v, plain[i]))).toBe(true);
    }
  });

  it('the trust monitor\'s running pair counts equal counting every pair afresh, through ties and window wrap-around', () => {
    const rng = deriveRng(12, 'trust-counts');
    const trust = new TrustMonitor(30);
    const predicted: number[] = [];
    const actual: number[] = [];
    const action: number[] = [];
    for (let t = 0; t < 200; t++) {
      // Few distinct values and actions: many ties and same-action pairs, which do not count.
      const p = rng.int(5) - 2;
      const r = rng.int(4) / 4;
      const a = rng.int(3);
      trust.record(p, r, a);
      predicted.push(p);
      actual.push(r);
      action.push(a);
      const from = Math.max(0, predicted.length - 30);
      let agree = 0;
      let pairs = 0;
      for (let i = from; i < predicted.length; i++) {
        for (let j = i + 1; j < predicted.length; j++) {
          const real = actual[i]! - actual[j]!;
          if (action[i] === action[j] || real === 0) continue;
          pairs++;
          if (real * (predicted[i]! - predicted[j]!) > 0) agree++;
        }
      }
      const expected = pairs > 0 ? agree / pairs : NaN;
      expect(Object.is(trust.rankingAccuracy(), expected)).toBe(true);
    }
  });

  it('the outcome model\'s means are the same with or without the predictive spreads (NaN without), for mean and drawn coefficients', () => {
    const rng = deriveRng(13, 'spreads');
    const p = parts();
    for (let i = 0; i < 60; i++) {
      const obs = randomObs(rng);
      p.observe(transition(obs, LEGAL[i % LEGAL.length]!, 5 * rng.normal()));
    }
    const withSpreads = { latencyMs: 0, latencySdMs: 0, energyMj: 0, energySdMj: 0 };
    const without = { ...withSpreads };
    const check = (): void => {
      for (let k = 0; k < 10; k++) {
        p.codec.encode(randomObs(rng), p.state, 0);
        for (const a of LEGAL) {
          p.model.predict(p.state, 0, a, withSpreads);
          p.model.predict(p.state, 0, a, without, false);
          expect(Object.is(without.latencyMs, withSpreads.latencyMs) && Object.is(without.energyMj, withSpreads.energyMj)).toBe(true);
          expect(withSpreads.latencySdMs).toBeGreaterThan(0);
          expect(without.latencySdMs).toBeNaN();
          expect(without.energySdMj).toBeNaN();
        }
      }
    };
    check();
    p.model.drawPosterior(deriveRng(14, 'draw'), 1);
    check();
    p.model.useMean();
  });

  it('the value learner: one prepared state updated for several actions equals the plain normalised LMS update per action', () => {
    const codec = new StateCodec(envSpec());
    const rng = deriveRng(15, 'value');
    const learningRate = 0.2;
    const prepared = new ValueLearner(codec, ACTIONS.length, learningRate);
    // The plain form: psi = [1, sign(v) log(1 + |v|) / 5 per slot (0 for NaN)], w_a += step psi,
    // step = rate (target - w_a . psi) / (psi . psi), every sum in index order.
    const dim = 1 + codec.size;
    const weights = new Float64Array(ACTIONS.length * dim);
    const psiOf = (s: Float64Array): number[] => [1, ...Array.from(s, (v) => (Number.isNaN(v) ? 0 : Math.sign(v) * Math.log1p(Math.abs(v)) / 5))];
    const dotOf = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
      let sum = 0;
      for (let i = 0; i < dim; i++) sum += a[i]! * b[i]!;
      return sum;
    };
    const s = new Float64Array(codec.size);
    for (let t = 0; t < 50; t++) {
      codec.encode(randomObs(rng), s, 0);
      const psi = psiOf(s);
      prepared.prepare(s, 0);
      for (const a of LEGAL) {
        const target = rng.normal();
        const w = weights.subarray(a * dim, (a + 1) * dim);
        const step = (learningRate * (target - dotOf(w, psi))) / dotOf(psi, psi);
        for (let i = 0; i < dim; i++) w[i]! += step * psi[i]!;
        prepared.updatePrepared(a, target);
      }
    }
    codec.encode(randomObs(rng), s, 0);
    const psi = psiOf(s);
    const q = prepared.values(s, 0, new Float64Array(ACTIONS.length));
    expect(q.some((v) => v !== 0)).toBe(true);
    expect(Array.from(q).every((v, a) => Object.is(v, dotOf(weights.subarray(a * dim, (a + 1) * dim), psi)))).toBe(true);
  });
});

describe('hybrid: outcome model, reward model and trust', () => {
  it("the model's ranking accuracy on a problem with known ranking improves with samples", () => {
    const p = parts();
    const rng = deriveRng(1, 'hybrid-test', 'train');
    const accuracy: number[] = [];
    for (let n = 1; n <= 300; n++) {
      p.observe(transition(randomObs(rng), LEGAL[rng.int(LEGAL.length)]!, 5 * rng.normal()));
      if (n === 6 || n === 30 || n === 300) accuracy.push(p.rankingAccuracy());
    }
    expect(accuracy[1]).toBeGreaterThan(accuracy[0]!);
    expect(accuracy[2]).toBeGreaterThan(accuracy[1]!);
    expect(accuracy[2]).toBeGreaterThan(0.95);
  });

  it('the queueing regressors predict a loaded FCFS edge better than a model linear in load', () => {
    const errorAtHighLoad = (nonLinearLoad: boolean): number => {
      const p = parts({ nonLinearLoad });
      const rng = deriveRng(2, 'hybrid-test', 'train');
      for (let n = 0; n < 300; n++) p.observe(transition(randomObs(rng), LEGAL[rng.int(LEGAL.length)]!, 0));
      const out = { latencyMs: 0, latencySdMs: 0, energyMj: 0, energySdMj: 0 };
      let err = 0;
      for (const edgeInSystem of [0, 2, 10, 12]) {
        const obs = observation({ edgeInSystem });
        p.codec.encode(obs, p.state, 0);
        err += Math.abs(p.model.predict(p.state, 0, 9, out).latencyMs - truth(obs, 9).latencyMs);
      }
      return err / 4;
    };
    const nonLinear = errorAtHighLoad(true);
    expect(nonLinear).toBeLessThan(2);
    expect(nonLinear).toBeLessThan(errorAtHighLoad(false) / 3);
  });

  it('trust: ranking accuracy is 1 for a correct order, about chance for noise, and ignores pairs of one action', () => {
    const rng = deriveRng(3, 'trust');
    const ordered = new TrustMonitor(30);
    const noise = new TrustMonitor(30);
    const sameAction = new TrustMonitor(30);
    for (let i = 0; i < 30; i++) {
      const r = -rng.float();
      ordered.record(2 * r + 5, r, i % 3); // biased level, right order
      noise.record(-rng.float(), r, i % 3);
      sameAction.record(r, r, 0);
    }
    expect(ordered.full()).toBe(true);
    expect(ordered.rankingAccuracy()).toBe(1);
    expect(ordered.relativeError()).toBeGreaterThan(1); // the reward error would distrust it
    expect(Math.abs(noise.rankingAccuracy() - 0.5)).toBeLessThan(0.15);
    expect(sameAction.rankingAccuracy()).toBeNaN();
  });

  it('the reward model learns the reward weights from observed rewards', () => {
    const rm = new RewardModel();
    const rng = deriveRng(5, 'reward');
    for (let i = 0; i < 20; i++) {
      const lat = 100 * rng.float();
      const e = 500 * rng.float();
      const v = rng.float() < 0.3;
      rm.observe(lat, e, v, false, -lat / 1000 - (2 * e) / 1000 - (v ? 0.7 : 0));
    }
    expect(rm.reward(50, 100, true, 0)).toBeCloseTo(-0.05 - 0.2 - 0.7, 3);
  });
});

describe('hybrid: load dynamics on appended scenario factors', () => {
  it('reads appended features by name and predicts the next state of each action', () => {
    const spec = envSpec({ features: [...FEATURES, { name: 'testFactor', description: 'test factor', min: 0, max: 1 }] });
    const codec = new StateCodec(spec);
    // Every feature it does not know by name is appended by index, the new one last.
    expect(codec.appended.at(-1)).toBe(FEATURES.length);
    const dynamics = new LoadDynamics(codec);
    const s = new Float64Array(codec.size);
    const next = new Float64Array(codec.size);
    const rng = deriveRng(6, 'dynamics');
    const withBattery = (soc: number, edgeInSystem: number): Observation => {
      const obs = observation({ edgeInSystem });
      const features = new Float32Array(FEATURES.length + 1);
      features.set(obs.features);
      features[FEATURES.length] = soc;
      return { ...obs, features };
    };
    for (let i = 0; i < 200; i++) {
      const soc = 0.2 + 0.8 * rng.float();
      const load = rng.int(8);
      const tier = rng.int(3);
      codec.encode(withBattery(soc, load), s, 0);
      // The device drains the battery 5x faster than offloading; the edge's load rises by the request.
      codec.encode(withBattery(soc - (tier === 0 ? 0.05 : 0.01), load + (tier === 1 ? 1 : 0)), next, 0);
      dynamics.observe(s, 0, tier, next, 0);
    }
    codec.encode(withBattery(0.6, 3), s, 0);
    const predicted = (tier: number): Float64Array => {
      const out = new Float64Array(codec.size);
      dynamics.predictNext(s, 0, tier, out);
      return out;
    };
    const battery = codec.size - 1;
    expect(predicted(0)[battery]).toBeCloseTo(0.55, 2);
    expect(predicted(1)[battery]).toBeCloseTo(0.59, 2);
    expect(predicted(1)[6]! - predicted(0)[6]!).toBeCloseTo(1, 1); // edgeInSystem slot
  });
});

/** Runs `steps` learning decisions of the agent on the synthetic system restricted to `mask`. */
function runSynthetic(agent: Agent, steps: number, mask: Uint8Array, seed: number, noiseMs: (a: number, rng: Rng) => number): number[] {
  const rng = deriveRng(seed, 'synthetic');
  const decisions: number[] = [];
  for (let i = 0; i < steps; i++) {
    const obs = observation({ timeMs: i * 100, mask });
    const a = agent.act(obs);
    decisions.push(a);
    agent.learn!(transition(obs, a, noiseMs(a, rng)));
  }
  return decisions;
}

describe('hybrid agent', () => {
  // Two actions: mobilenet_v3_small on the device and on the edge.
  const mask = Uint8Array.from(ACTIONS, (a) => (a.index === 0 || a.index === 5 ? 1 : 0));

  it('posterior exploration corrects a deliberately wrong early ranking; greedy on the mean does not', async () => {
    // Which of the two is better follows from the synthetic law; the test only needs one of each.
    const device = truth(observation({ mask }), 0).reward;
    const edge = truth(observation({ mask }), 5).reward;
    const [better, worse] = device > edge ? [0, 5] : [5, 0];
    const finalChoice = async (exploration: string): Promise<{ eval: number; late: number }> => {
      const agent = await createAgent({ env: envSpec(), seed: 1, config: { exploration, gamma: 0 } });
      // An unlucky start: the better action's first outcomes are 150 ms slower than its truth.
      for (const extraMs of [90, 150, 210]) agent.learn!(transition(observation({ mask }), better, extraMs));
      for (let i = 0; i < 3; i++) agent.learn!(transition(observation({ mask }), worse, 0));
      const decisions = runSynthetic(agent, 400, mask, 2, (_, rng) => 3 * rng.normal());
      agent.setMode!('eval');
      return { eval: agent.act(observation({ mask })), late: decisions.slice(-100).filter((a) => a === better).length };
    };
    const thompson = await finalChoice('thompson');
    expect(thompson.eval).toBe(better);
    // Most late decisions take the better action (greedy takes none; the v2 features widen the
    // posterior a little, so Thompson still samples the worse one now and then).
    expect(thompson.late).toBeGreaterThanOrEqual(80);
    const ucb = await finalChoice('ucb');
    expect(ucb.eval).toBe(better);
    // Without exploration the early mistake is never corrected: the test can tell the difference.
    const greedy = await finalChoice('greedy');
    expect(greedy.eval).toBe(worse);
  });

  it('trains its value learner exactly where Q is read: gamma > 0, or no decision-time planning', async () => {
    const updates = async (config: Partial<HybridConfig>): Promise<number> => {
      const agent = await createAgent({ env: envSpec(), seed: 2, config });
      runSynthetic(agent, 200, FULL_MASK, 4, (_, rng) => 5 * rng.normal());
      return agent.stats!().planningUpdates;
    };
    // Planning on the model's rewards alone (gamma 0): nothing reads Q, nothing trains it.
    expect(await updates({ gamma: 0 })).toBe(0);
    // Acting on Q (at gamma 0 too), or planning with a continuation value: the rollouts train it.
    expect(await updates({ gamma: 0, decisionTimePlanning: false })).toBeGreaterThan(0);
    expect(await updates({ gamma: 0.5 })).toBeGreaterThan(0);
  });

  it('learns nothing and explores nowhere in eval mode', async () => {
    const agent = await createAgent({ env: envSpec(), seed: 3 });
    runSynthetic(agent, 50, FULL_MASK, 4, (_, rng) => 5 * rng.normal());
    agent.setMode!('eval');
    const probe = Array.from({ length: 30 }, (_, i) => randomObs(deriveRng(7, 'probe', i)));
    const before = probe.map((o) => agent.act(o));
    const statsBefore = agent.stats!();
    // Feedback offered in eval mode (and the acts themselves) must change nothing.
    const rng = deriveRng(8, 'eval-feedback');
    for (let i = 0; i < 200; i++) {
      const obs = randomObs(rng);
      agent.learn!(transition(obs, agent.act(obs), 500));
    }
    expect(probe.map((o) => agent.act(o))).toEqual(before);
    const after = agent.stats!();
    expect(after.realSteps).toBe(statsBefore.realSteps);
    expect(after.planningUpdates).toBe(statsBefore.planningUpdates);
  });

  it('is deterministic per seed and learns the toy bandit (eval regret under 0.5 ms), and seeds differ', async () => {
    const run = async (seed: number) => runToy(await createAgent({ env: envSpec(), seed }), 300, 100);
    const a = await run(5);
    expect((await run(5)).decisions).toEqual(a.decisions);
    expect((await run(6)).decisions).not.toEqual(a.decisions);
    expect(a.evalRegretMs).toBeLessThan(0.5);
  });

  it('greedy evaluations during learning leave the learning trajectory unchanged (same seed, same log)', async () => {
    const scenario = await loadScenario(STATIONARY, { variant: 'testing' });
    const short = { learningDecisions: 400, evaluationDecisions: 50 };
    const plain = await decisionLog(createAgent, scenario, 5, 3, short);
    expect(await decisionLog(createAgent, scenario, 5, 3, short)).toBe(plain);
    expect(await decisionLog(createAgent, scenario, 6, 3, short)).not.toBe(plain);
    expect(await decisionLog(createAgent, scenario, 5, 3, short, { at: [10, 50, 100, 200, 300, 400], decisions: 50 })).toBe(plain);
  });

  it('accepts every ablation variant and configurations drawn from its search space as a config', () => {
    const configs = [...Object.values(HYBRID_ABLATIONS).map((v) => v.config), ...sampleConfigs('hybrid', SEARCH_SPACES.hybrid!, 20)];
    for (const config of configs) expect(() => createAgent({ env: envSpec(), seed: 1, config: config as Record<string, unknown> })).not.toThrow();
  });

  it('the ablation variants are learners of the HL-speedup experiment (one pipeline), named hybrid-<step>', () => {
    const all = hybridAblationLearners('all');
    expect(all.map((l) => l.id)).toEqual(Object.keys(HYBRID_ABLATIONS).map((n) => `hybrid-${n}`));
    expect(all.every((l) => l.agent === 'hybrid' && l.description === HYBRID_ABLATIONS[l.id.slice('hybrid-'.length)]!.what)).toBe(true);
    expect(hybridAblationLearners('greedy, ucb,greedy')).toEqual([
      { id: 'hybrid-greedy', agent: 'hybrid', config: { exploration: 'greedy' }, description: HYBRID_ABLATIONS.greedy!.what },
      { id: 'hybrid-ucb', agent: 'hybrid', config: { exploration: 'ucb' }, description: HYBRID_ABLATIONS.ucb!.what },
    ]);
    expect(() => hybridAblationLearners('greedy,nope')).toThrow(/--ablation: expected all, or comma-separated names of linear-load, [^;]*; found nope/);
    expect(() => hybridAblationLearners('')).toThrow(InputError);
  });

  it('rejects an unknown exploration mode with a located InputError', () => {
    expect(() => createAgent({ env: envSpec(), seed: 1, config: { exploration: 'boltzmann' } })).toThrow(InputError);
    expect(() => createAgent({ env: envSpec(), seed: 1, config: { exploration: 'boltzmann' } })).toThrow(/\/exploration/);
  });

  it('smoke run on a testing scenario: learns from delivered transitions, plans, and its greedy policy is near the oracle', async () => {
    const scenario = await loadScenario(STATIONARY, { variant: 'testing' });
    const env = new OrchestrationEnv(scenario);
    // A ticking clock: the planning time is > 0 exactly when the planning was timed.
    const agent = await createAgent({ env: env.spec, seed: 1 });
    const r = await withTickingClock(() => runEpisode(env, agent, 1));
    const s = r.agentStats!;
    // Transitions arrive when their requests complete: fewer than the decisions, never more.
    expect(s.realSteps).toBeGreaterThan(0.9 * env.spec.learningDecisions);
    expect(s.realSteps).toBeLessThanOrEqual(env.spec.learningDecisions);
    // Decision-time planning on the model; with gamma 0 nothing reads a value learner, so none is
    // trained (no rollouts, no planning updates). With gamma > 0 the rollouts train it.
    expect(s.planningMs).toBeGreaterThan(0);
    expect(s.planningUpdates).toBe(0);
    const discounted = runEpisode(new OrchestrationEnv(scenario), await createAgent({ env: env.spec, seed: 1, config: { gamma: 0.5 } }), 1);
    expect(discounted.agentStats!.planningUpdates).toBeGreaterThan(0);
    expect(s.info!.firstTrustedAtStep).toBeGreaterThan(0);
    const { randomReward, oracleReward } = referenceRewards(scenario, 1);
    expect((r.eval.meanReward - randomReward) / (oracleReward - randomReward)).toBeGreaterThan(0.9);
  });

  it('learns: reaches 90% of the random-to-oracle gap on a stationary scenario for at least 8 of 10 seeds', async () => {
    const scenario = await loadScenario(STATIONARY, { variant: 'testing' });
    expect(await seedsReachingThreshold(createAgent, scenario, 10)).toBeGreaterThanOrEqual(8);
  }, 240_000);
});
