/**
 * Observation buffers: creation and copying (the environment reuses them so the hot loop does
 * not allocate). What goes into an observation is decided in `env.ts` (`nextRequest`); the
 * numeric encoding is `features.ts`.
 */
import type { Observation, Outcome } from '../agent.ts';
import { FEATURE_COUNT } from './features.ts';

/** A zeroed observation for a scenario with `actionCount` actions, this (static) mask and `featureCount` features. */
export function newObservation(actionCount: number, mask: Uint8Array, featureCount = FEATURE_COUNT): Observation {
  return {
    timeMs: 0,
    userId: 0,
    request: { inputKb: 0, accuracyRequirementTop1Pct: 0, deadlineMs: null },
    link: { uplinkMbps: 0, downlinkMbps: 0, rttMs: 0, ageMs: 0 },
    load: { edgeInSystem: 0, edgeCores: 1, cloudInSystem: 0, cloudCapacity: 1, edgeBackgroundPct: 0 },
    inFlight: { device: 0, edge: 0, cloud: 0 },
    user: { deviceBacklog: 0, inFlight: 0, batterySoc: 1, radioTailMs: 0, chargeInS: null, charging: false, resident: new Array<number>(actionCount).fill(0) },
    actionMask: mask.slice(0, actionCount),
    features: new Float32Array(featureCount),
  };
}

/** A zeroed outcome. */
export function newOutcome(): Outcome {
  return {
    action: 0, latencyMs: 0, uploadMs: 0, queueMs: 0, computeMs: 0, downloadMs: 0,
    deviceEnergyMj: 0, serverEnergyMj: 0, accuracyViolation: false, deadlineMiss: false,
  };
}

/** Copies every field of `src` into `dst` (same scenario: same mask and feature lengths). */
export function copyObservation(src: Observation, dst: Observation): void {
  dst.timeMs = src.timeMs;
  dst.userId = src.userId;
  dst.request.inputKb = src.request.inputKb;
  dst.request.accuracyRequirementTop1Pct = src.request.accuracyRequirementTop1Pct;
  dst.request.deadlineMs = src.request.deadlineMs;
  // Field by field: Object.assign is several times slower in this hot path.
  const dl = dst.link;
  const sl = src.link;
  dl.uplinkMbps = sl.uplinkMbps;
  dl.downlinkMbps = sl.downlinkMbps;
  dl.rttMs = sl.rttMs;
  dl.ageMs = sl.ageMs;
  const dd = dst.load;
  const sd = src.load;
  dd.edgeInSystem = sd.edgeInSystem;
  dd.edgeCores = sd.edgeCores;
  dd.cloudInSystem = sd.cloudInSystem;
  dd.cloudCapacity = sd.cloudCapacity;
  dd.edgeBackgroundPct = sd.edgeBackgroundPct;
  dst.inFlight.device = src.inFlight.device;
  dst.inFlight.edge = src.inFlight.edge;
  dst.inFlight.cloud = src.inFlight.cloud;
  dst.user.deviceBacklog = src.user.deviceBacklog;
  dst.user.inFlight = src.user.inFlight;
  dst.user.batterySoc = src.user.batterySoc;
  dst.user.radioTailMs = src.user.radioTailMs;
  dst.user.chargeInS = src.user.chargeInS;
  dst.user.charging = src.user.charging;
  // Loops, not TypedArray.set: these arrays are a dozen entries, where set's call costs more than the copy.
  const sr = src.user.resident;
  const dr = dst.user.resident;
  for (let a = 0; a < sr.length; a++) dr[a] = sr[a]!;
  const sm = src.actionMask;
  const dm = dst.actionMask;
  for (let a = 0; a < sm.length; a++) dm[a] = sm[a]!;
  const sf = src.features;
  const df = dst.features;
  for (let i = 0; i < sf.length; i++) df[i] = sf[i]!;
}

/** Copies every field of `src` into `dst`. */
export function copyOutcome(src: Outcome, dst: Outcome): void {
  dst.action = src.action;
  dst.latencyMs = src.latencyMs;
  dst.uploadMs = src.uploadMs;
  dst.queueMs = src.queueMs;
  dst.computeMs = src.computeMs;
  dst.downloadMs = src.downloadMs;
  dst.deviceEnergyMj = src.deviceEnergyMj;
  dst.serverEnergyMj = src.serverEnergyMj;
  dst.accuracyViolation = src.accuracyViolation;
  dst.deadlineMiss = src.deadlineMiss;
}
