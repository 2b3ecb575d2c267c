/**
 * The observation's numeric feature vector, field by field. Every value is computed from what a
 * real orchestrator can measure at the request's arrival (the request itself, the user's last
 * link probe, the shared tiers' current load): never from future trace values.
 *
 * Values are clipped into `[min, max]`, so `discretise` and neural agents can rely on the bounds.
 */
import type { FeatureDef, Observation } from '../agent.ts';

/** The feature table, in vector order (this order is part of the contract: append, never reorder). */
export const FEATURES: readonly FeatureDef[] = [
  { name: 'accuracyRequirement', description: "the request's accuracy requirement (top-1 %) / 100", min: 0, max: 1 },
  { name: 'uplinkLog', description: 'log10(1 + probed uplink Mbps) / 4 (1 = 9999 Mbps)', min: 0, max: 1 },
  { name: 'downlinkLog', description: 'log10(1 + probed downlink Mbps) / 4 (1 = 9999 Mbps)', min: 0, max: 1 },
  { name: 'rttLog', description: 'log10(1 + probed user-edge RTT ms) / 4 (1 = 9999 ms)', min: 0, max: 1 },
  { name: 'probeAge', description: 'age of the link probe / probe interval', min: 0, max: 1 },
  { name: 'edgeLoadPerCore', description: 'requests present at the edge server (waiting or in service) / edge servers, clipped at 4', min: 0, max: 4 },
  { name: 'cloudLoadPerSlot', description: 'requests present at the cloud (waiting or in service) / cloud servers, clipped at 4', min: 0, max: 4 },
  { name: 'deadlineS', description: 'request deadline (s), clipped at 10; 10 when the request has none', min: 0, max: 10 },
  { name: 'inputLog', description: 'log10(1 + input kB) / 5 (1 = 99999 kB)', min: 0, max: 1 },
  { name: 'deviceBacklog', description: "the user's local requests queued or computing on its device, clipped at 8", min: 0, max: 8 },
  { name: 'userInFlight', description: "the user's requests decided and not yet completed, clipped at 16", min: 0, max: 16 },
  { name: 'edgeInFlightPerCore', description: 'the orchestrator\'s requests sent to the edge and not yet completed / edge servers, clipped at 4', min: 0, max: 4 },
  { name: 'cloudInFlightPerSlot', description: 'the orchestrator\'s requests sent to the cloud and not yet completed / cloud servers, clipped at 4', min: 0, max: 4 },
  { name: 'batterySoc', description: "the user's device battery state of charge (0..1, as of completed requests); 1 without a battery model", min: 0, max: 1 },
  { name: 'edgeBackground', description: "other tenants' CPU utilisation of the edge / 100 (0 without a background-load model)", min: 0, max: 1 },
];

/** Number of features ({@link FEATURES}.length). */
export const FEATURE_COUNT = FEATURES.length;

/**
 * Appended after {@link FEATURES} only in scenarios with a radio model (`tiers.device.radio`),
 * so the vectors of every other scenario stay as they were.
 */
export const RADIO_TAIL_FEATURE: FeatureDef = {
  name: 'radioTailS',
  description: "seconds until the user's radio goes idle if nothing more is sent (its RRC tail left), clipped at 20; 0 when idle",
  min: 0,
  max: 20,
};

/**
 * Appended (after the radio's, if any) only in scenarios with charging windows
 * (`tiers.device.battery.charging`): what the device knows of its charger.
 */
export const CHARGING_FEATURES: readonly FeatureDef[] = [
  { name: 'chargeInPeriods', description: "time until the user's device is next plugged in / the charging period (0 while plugged in)", min: 0, max: 1 },
  { name: 'charging', description: "1 while the user's device is plugged in, else 0", min: 0, max: 1 },
];

/** The feature table of a scenario: {@link FEATURES}, the radio's tail when it models one, then the charger's when it models charging windows. */
export function scenarioFeatures(hasRadio: boolean, hasCharging = false): readonly FeatureDef[] {
  if (!hasRadio && !hasCharging) return FEATURES;
  return [...FEATURES, ...(hasRadio ? [RADIO_TAIL_FEATURE] : []), ...(hasCharging ? CHARGING_FEATURES : [])];
}

function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * Writes the feature vector of `obs` into `obs.features` (no allocation).
 * `probeIntervalMs` scales the probe age; `chargingPeriodS` (> 0 only with charging windows) the
 * time to the next charge. The vector's length ({@link scenarioFeatures}) says which appended
 * features it holds.
 */
export function fillFeatures(obs: Observation, probeIntervalMs: number, chargingPeriodS = 0): void {
  const f = obs.features;
  const { request, link, load, inFlight, user } = obs;
  f[0] = clip(request.accuracyRequirementTop1Pct / 100, 0, 1);
  f[1] = clip(Math.log10(1 + link.uplinkMbps) / 4, 0, 1);
  f[2] = clip(Math.log10(1 + link.downlinkMbps) / 4, 0, 1);
  f[3] = clip(Math.log10(1 + link.rttMs) / 4, 0, 1);
  f[4] = probeIntervalMs > 0 ? clip(link.ageMs / probeIntervalMs, 0, 1) : 0;
  f[5] = clip(load.edgeInSystem / load.edgeCores, 0, 4);
  f[6] = clip(load.cloudInSystem / load.cloudCapacity, 0, 4);
  f[7] = request.deadlineMs === null ? 10 : clip(request.deadlineMs / 1000, 0, 10);
  f[8] = clip(Math.log10(1 + request.inputKb) / 5, 0, 1);
  f[9] = clip(user.deviceBacklog, 0, 8);
  f[10] = clip(user.inFlight, 0, 16);
  f[11] = clip(inFlight.edge / load.edgeCores, 0, 4);
  f[12] = clip(inFlight.cloud / load.cloudCapacity, 0, 4);
  f[13] = clip(user.batterySoc, 0, 1);
  f[14] = clip(load.edgeBackgroundPct / 100, 0, 1);
  const charging = chargingPeriodS > 0 ? CHARGING_FEATURES.length : 0;
  if (f.length > FEATURE_COUNT + charging) f[FEATURE_COUNT] = clip(user.radioTailMs / 1000, 0, 20);
  if (charging > 0) {
    const i = f.length - charging;
    f[i] = clip((user.chargeInS ?? 0) / chargingPeriodS, 0, 1);
    f[i + 1] = user.charging ? 1 : 0;
  }
}

/**
 * Maps a feature vector to an integer state id for tabular agents: each feature is cut into
 * `bins` equal-width bins over its `[min, max]` (values at `max` fall in the last bin), and the
 * bin indices are combined in mixed radix (feature 0 varies fastest). A feature given 1 bin is
 * ignored. The number of states is the product of the bins.
 *
 * @param binsPerFeature one count for every feature, or one per feature (same order as `defs`).
 * @example
 * ```ts
 * const state = discretise(obs.features, [4, 3, 3, 1, 1, 4, 4, 1, 1]); // 0 .. 4*3*3*4*4 - 1
 * ```
 */
export function discretise(
  features: ArrayLike<number>,
  binsPerFeature: number | ArrayLike<number>,
  defs: readonly FeatureDef[] = FEATURES,
): number {
  let state = 0;
  let radix = 1;
  for (let i = 0; i < defs.length; i++) {
    const bins = typeof binsPerFeature === 'number' ? binsPerFeature : binsPerFeature[i];
    if (bins === undefined || !(bins >= 1) || !Number.isInteger(bins)) {
      throw new Error(`discretise: bins for feature ${i} (${defs[i]!.name}) must be an integer >= 1, got ${String(bins)}`);
    }
    const { min, max } = defs[i]!;
    const b = Math.floor(((features[i]! - min) / (max - min)) * bins);
    state += (b < 0 ? 0 : b >= bins ? bins - 1 : b) * radix;
    radix *= bins;
  }
  return state;
}

/** Number of distinct states {@link discretise} can return for these bins. */
export function stateCount(binsPerFeature: number | ArrayLike<number>, defs: readonly FeatureDef[] = FEATURES): number {
  let n = 1;
  for (let i = 0; i < defs.length; i++) n *= typeof binsPerFeature === 'number' ? binsPerFeature : binsPerFeature[i]!;
  return n;
}
