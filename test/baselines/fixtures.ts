/**
 * Hand-made environment specs and observations for the baselines' unit tests: agents can be
 * tested against exact situations without the simulator.
 */
import { RANKING_TEXT, type ActionDef, type EnvSpec, type Observation } from '../../harness/agent.ts';
import { FEATURE_COUNT, FEATURES, fillFeatures } from '../../harness/env/features.ts';
import type { Tier } from '../../harness/scenario/types.ts';

/** Model zoo of the default scenarios: id, top-1 %, median compute ms on device / edge / cloud (null = not run there). */
const ZOO: [string, number, number | null, number, number][] = [
  ['mobilenet_v3_small', 67.668, 12.9, 5.0, 3.0],
  ['mobilenet_v3_large', 74.042, 38.1, 9.2, 3.7],
  ['efficientnet_b0', 77.692, 64.4, 11.9, 4.7],
  ['resnet50', 76.13, null, 47.6, 3.3],
  ['vit_b_16', 81.072, null, 73.9, 2.4],
];
const TIER_ORDER: Tier[] = ['device', 'edge', 'cloud'];

/** 15 actions, tier-major (device 0-4, edge 5-9, cloud 10-14); device resnet50 and vit_b_16 masked. */
export const ACTIONS: ActionDef[] = TIER_ORDER.flatMap((tier, t) =>
  ZOO.map(([modelId, accuracyTop1Pct, ...ms], m) => ({ index: t * ZOO.length + m, tier, modelId, accuracyTop1Pct, medianComputeMs: ms[t] ?? null })),
);

/** The mask of {@link ACTIONS}: 1 where the tier runs the model. */
export const FULL_MASK = Uint8Array.from(ACTIONS, (a) => (a.medianComputeMs === null ? 0 : 1));

/** An EnvSpec over {@link ACTIONS}. */
export function envSpec(over: Partial<EnvSpec> = {}): EnvSpec {
  return {
    scenarioId: 'hand-made', users: 4, actions: ACTIONS, features: FEATURES, learningDecisions: 1000, evaluationDecisions: 100,
    reward: { latencyWeightPerS: 1, energyWeightPerJ: 0, accuracyViolationPenalty: 1, deadlineMissPenalty: 0, batteryEmptyPenaltyPerRequest: 0 },
    ranking: { rankedBy: 'normalisedEvalReward', sampleEfficiencyRankedBy: 'interactionsToThreshold', sampleEfficiencyThreshold: 0.9, text: RANKING_TEXT },
    ...over,
  };
}

export interface ObsInput {
  timeMs?: number;
  userId?: number;
  requirementTop1Pct?: number;
  inputKb?: number;
  uplinkMbps?: number;
  rttMs?: number;
  edgeInSystem?: number;
  cloudInSystem?: number;
  deviceBacklog?: number;
  userInFlight?: number;
  inFlight?: { device: number; edge: number; cloud: number };
  mask?: Uint8Array;
}

/** An observation with consistent features (defaults: loose requirement, 50 Mbps, 10 ms, idle tiers). */
export function observation(o: ObsInput = {}): Observation {
  const obs: Observation = {
    timeMs: o.timeMs ?? 0,
    userId: o.userId ?? 0,
    request: { inputKb: o.inputKb ?? 120, accuracyRequirementTop1Pct: o.requirementTop1Pct ?? 65, deadlineMs: null },
    link: { uplinkMbps: o.uplinkMbps ?? 50, downlinkMbps: 2 * (o.uplinkMbps ?? 50), rttMs: o.rttMs ?? 10, ageMs: 0 },
    load: { edgeInSystem: o.edgeInSystem ?? 0, edgeCores: 4, cloudInSystem: o.cloudInSystem ?? 0, cloudCapacity: 16, edgeBackgroundPct: 0 },
    inFlight: { ...(o.inFlight ?? { device: 0, edge: o.edgeInSystem ?? 0, cloud: o.cloudInSystem ?? 0 }) },
    user: { deviceBacklog: o.deviceBacklog ?? 0, inFlight: o.userInFlight ?? 0, batterySoc: 1, radioTailMs: 0, chargeInS: null, charging: false, resident: new Array<number>((o.mask ?? FULL_MASK).length).fill(0) },
    actionMask: (o.mask ?? FULL_MASK).slice(),
    features: new Float32Array(FEATURE_COUNT),
  };
  fillFeatures(obs, 1000);
  return obs;
}
