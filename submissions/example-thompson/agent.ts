/**
 * Example submission, a learning agent: Thompson sampling with a Bayesian linear regression of the
 * reward per action (not a copy of a baseline: the LinUCB baseline adds an optimism bonus; this
 * samples from the posterior instead).
 *
 * Model, per action a: reward / rewardScale = theta_a . x + noise, x = [features, 1], prior
 * theta_a ~ N(0, I / priorPrecision), noise variance `noiseVariance`. The posterior is kept as
 * the inverse precision matrix (updated by Sherman-Morrison, O(d^2) per learn) and b = sum r x.
 * To act, it samples each candidate's predicted reward from its posterior predictive marginal,
 * N(mu_a . x, noiseVariance * x' Ainv_a x) (the same distribution as theta_a . x with theta_a drawn
 * from the posterior), and takes the best. Candidates are the unmasked actions whose model meets
 * the accuracy requirement (all unmasked ones if none does). In evaluation it takes the posterior
 * mean. All randomness comes from ctx.seed.
 */
import { performance } from 'node:perf_hooks';
import type { AgentFactory, AgentMode } from '../../harness/agent.ts';
import { deriveRng } from '../../harness/rng.ts';

interface Config {
  priorPrecision: number;
  noiseVariance: number;
  /** Rewards are divided by this (ms-scale rewards -> order 1). */
  rewardScale: number;
}

export const createAgent: AgentFactory = (ctx) => {
  const config = { priorPrecision: 1, noiseVariance: 0.25, rewardScale: 100, ...ctx.config } as Config;
  const { actions, features } = ctx.env;
  const n = actions.length;
  const d = features.length + 1;
  const rng = deriveRng(ctx.seed, 'example-thompson');
  const ainv = new Float64Array(n * d * d);
  const b = new Float64Array(n * d);
  const x = new Float64Array(d);
  const ax = new Float64Array(d);
  for (let a = 0; a < n; a++) for (let i = 0; i < d; i++) ainv[a * d * d + i * d + i] = 1 / config.priorPrecision;
  let mode: AgentMode = 'learn';
  let realSteps = 0;
  let learnMs = 0;

  const load = (f: Float32Array): void => {
    for (let i = 0; i < d - 1; i++) x[i] = f[i]!;
    x[d - 1] = 1;
  };
  /** ax = Ainv_a x; returns x' Ainv_a x. */
  const quad = (a: number): number => {
    const base = a * d * d;
    let q = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += ainv[base + i * d + j]! * x[j]!;
      ax[i] = s;
      q += s * x[i]!;
    }
    return q;
  };
  /** mu_a . x = b_a' Ainv_a x (Ainv symmetric); needs `quad(a)` first. */
  const meanOf = (a: number): number => {
    let m = 0;
    for (let i = 0; i < d; i++) m += b[a * d + i]! * ax[i]!;
    return m;
  };

  return {
    name: 'example-thompson',
    act(obs) {
      load(obs.features);
      const meets = actions.some((a) => obs.actionMask[a.index] === 1 && a.accuracyTop1Pct >= obs.request.accuracyRequirementTop1Pct);
      let best = -1;
      let bestValue = -Infinity;
      for (let a = 0; a < n; a++) {
        if (obs.actionMask[a] !== 1 || (meets && actions[a]!.accuracyTop1Pct < obs.request.accuracyRequirementTop1Pct)) continue;
        const q = quad(a);
        const mean = meanOf(a);
        const value = mode === 'eval' ? mean : mean + Math.sqrt(config.noiseVariance * q) * rng.normal();
        if (value > bestValue) {
          best = a;
          bestValue = value;
        }
      }
      return best;
    },
    learn(t) {
      const t0 = performance.now();
      load(t.obs.features);
      const a = t.action;
      const q = quad(a);
      // Sherman-Morrison: Ainv <- Ainv - (Ainv x)(Ainv x)' / (1 + x' Ainv x).
      const base = a * d * d;
      const k = 1 / (1 + q);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) ainv[base + i * d + j]! -= ax[i]! * ax[j]! * k;
      const r = t.reward / config.rewardScale;
      for (let i = 0; i < d; i++) b[a * d + i]! += r * x[i]!;
      realSteps++;
      learnMs += performance.now() - t0;
    },
    setMode(m) {
      mode = m;
    },
    stats: () => ({ realSteps, planningUpdates: 0, learnMs, planningMs: 0 }),
  };
};
