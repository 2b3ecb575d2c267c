/**
 * A toy contextual bandit over hand-made observations, to unit-test learners without the
 * simulator: the uplink alternates between a poor (0.5 Mbps) and a good (200 Mbps) link, and the
 * reward is minus a fixed latency per (regime, action) in seconds, so the best action differs by
 * regime: the device's mobilenet_v3_small (12.9 ms) on the poor link, the edge's on the good one
 * (4.8 + 1 + 5 = 10.8 ms).
 */
import type { Agent, Observation, Transition } from '../../harness/agent.ts';
import { deriveRng } from '../../harness/rng.ts';
import { ACTIONS, observation } from './fixtures.ts';

/** Latency (ms) of `action` on a link of `uplinkMbps`: upload + 1 ms RTT (+ 30 ms WAN) + compute; device: compute only. */
export function toyLatencyMs(action: number, uplinkMbps: number): number {
  const a = ACTIONS[action]!;
  const computeMs = a.medianComputeMs!;
  return a.tier === 'device' ? computeMs : 960 / uplinkMbps + 1 + computeMs + (a.tier === 'cloud' ? 30 : 0);
}

/** The toy's i-th observation (regime from a seeded stream). */
function toyObs(i: number, seed: number): Observation {
  const poor = deriveRng(seed, 'toy', i).float() < 0.5;
  return observation({ timeMs: i * 500, uplinkMbps: poor ? 0.5 : 200 });
}

/**
 * Runs `agent` for `steps` learning decisions on the toy, then `evalSteps` greedy ones.
 * @returns the evaluation decisions' mean regret (ms) against the best action, and every decision.
 */
export function runToy(agent: Agent, steps: number, evalSteps: number, seed = 0): { evalRegretMs: number; decisions: number[] } {
  const decisions: number[] = [];
  let obs = toyObs(0, seed);
  for (let i = 0; i < steps; i++) {
    const action = agent.act(obs);
    decisions.push(action);
    const nextObs = toyObs(i + 1, seed);
    const latencyMs = toyLatencyMs(action, obs.link.uplinkMbps);
    const t: Transition = {
      obs, action, nextObs, decidedAtMs: obs.timeMs, completedAtMs: obs.timeMs + latencyMs,
      reward: -latencyMs / 1000,
      outcome: { action, latencyMs, uploadMs: 0, queueMs: 0, computeMs: 0, downloadMs: 0, deviceEnergyMj: 0, serverEnergyMj: 0, accuracyViolation: false, deadlineMiss: false },
    };
    agent.learn?.(t);
    obs = nextObs;
  }
  agent.setMode?.('eval');
  let regret = 0;
  for (let i = 0; i < evalSteps; i++) {
    const o = toyObs(steps + i, seed);
    const action = agent.act(o);
    decisions.push(action);
    const best = Math.min(...ACTIONS.filter((a) => o.actionMask[a.index] === 1).map((a) => toyLatencyMs(a.index, o.link.uplinkMbps)));
    regret += toyLatencyMs(action, o.link.uplinkMbps) - best;
  }
  return { evalRegretMs: regret / evalSteps, decisions };
}
