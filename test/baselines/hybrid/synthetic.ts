/**
 * A synthetic system with a known law for the Hybrid Learner's unit tests, on the hand-made
 * observations of `../fixtures.ts`: reward = -(latency in s) with latency from upload, RTT, edge
 * load and whether the device model is resident (a device action whose model is not resident pays
 * a 200 ms load); a device action makes its model the only resident one and adds one to the
 * user's device backlog of the next observation.
 */
import type { Observation, Transition } from '../../../harness/agent.ts';
import { fillFeatures } from '../../../harness/env/features.ts';
import type { Rng } from '../../../harness/rng.ts';
import { ACTIONS, observation } from '../fixtures.ts';

/** Latency (ms) of `action` at `obs` under the known law. */
export function lawLatencyMs(obs: Observation, action: number): number {
  const a = ACTIONS[action]!;
  const c = a.medianComputeMs!;
  if (a.tier === 'device') return c + 20 * obs.user.deviceBacklog + (obs.user.resident[action] === 1 ? 0 : 200);
  const upload = (obs.request.inputKb * 8) / obs.link.uplinkMbps;
  const wait = a.tier === 'edge' ? (c * obs.load.edgeInSystem) / obs.load.edgeCores : 40;
  return upload + obs.link.rttMs + c + wait;
}

/** A random observation of the synthetic system (a random resident device action, or none). */
export function randomObs(rng: Rng): Observation {
  const obs = observation({
    uplinkMbps: 2 + 60 * rng.float(), rttMs: 5 + 40 * rng.float(), edgeInSystem: rng.int(9),
    deviceBacklog: rng.int(4), requirementTop1Pct: 60 + 20 * rng.float(),
  });
  const r = rng.int(4);
  if (r < 3) obs.user.resident[r] = 1;
  return obs;
}

/** The next observation after `action`: a fresh request, with the device's backlog and residency as the action left them. */
export function nextOf(obs: Observation, action: number, rng: Rng): Observation {
  const next = randomObs(rng);
  const device = ACTIONS[action]!.tier === 'device';
  next.user.deviceBacklog = Math.min(8, obs.user.deviceBacklog + (device ? 1 : 0));
  next.user.resident = obs.user.resident.map((v, a) => (device ? (a === action ? 1 : 0) : v));
  fillFeatures(next, 1000);
  return next;
}

/** A transition of the law (`reward` overrides the law's reward, e.g. with noise the model cannot predict). */
export function lawTransition(obs: Observation, action: number, rng: Rng, reward?: number): Transition {
  const latencyMs = lawLatencyMs(obs, action);
  const nextObs = nextOf(obs, action, rng);
  return {
    obs, action, nextObs, reward: reward ?? -latencyMs / 1000, decidedAtMs: obs.timeMs, completedAtMs: obs.timeMs + latencyMs,
    outcome: { action, latencyMs, uploadMs: 0, queueMs: 0, computeMs: 0, downloadMs: 0, deviceEnergyMj: 0, serverEnergyMj: 0, accuracyViolation: false, deadlineMiss: false },
  };
}
