/**
 * Hand-built compiled scenarios with small profiles (fixed latency samples) and fixed or
 * hand-written links, so expected response times and energies can be computed by hand.
 */
import type { ActionDef } from '../../harness/agent.ts';
import type { DeviceProfile, ModelLatency } from '../../harness/profiles/types.ts';
import type { CompiledScenario, TraceSource } from '../../harness/scenario/compiled.ts';
import type { ScenarioSpec, Tier } from '../../harness/scenario/types.ts';
import type { NetworkTrace } from '../../harness/traces/types.ts';
import type { DecisionRecord, OrchestrationEnv, StepResult } from '../../harness/env/env.ts';

function latency(samplesMs: number[], energyMjPerInference?: number): ModelLatency {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { latencySamplesMs: samplesMs, medianMs: sorted[sorted.length >> 1]!, p95Ms: sorted[sorted.length - 1]!, ...(energyMjPerInference !== undefined ? { energyMjPerInference } : {}) };
}

function profile(kind: Tier, models: Record<string, ModelLatency>, extra: Partial<DeviceProfile> = {}): DeviceProfile {
  return {
    id: `fixture-${kind}`, description: 'test fixture', kind,
    provenance: { source: 'test', measuredOn: 'none', method: 'hand-written', conversion: 'none' },
    models, ...extra,
  };
}

/** A fixed link source. */
export function fixedLink(uplinkMbps: number, downlinkMbps: number): TraceSource {
  return { kind: 'fixed', id: `fixed-${uplinkMbps}-${downlinkMbps}`, uplinkMbps, downlinkMbps, sha256: 'x' };
}

/** A recorded-style step trace from (tMs, up, down) samples. */
export function stepTrace(tMs: number[], upMbps: number[], downMbps: number[], durationMs: number): TraceSource {
  const trace: NetworkTrace = {
    tMs: Float64Array.from(tMs), uplinkMbps: Float64Array.from(upMbps), downlinkMbps: Float64Array.from(downMbps),
    rttMs: null, durationMs, source: 'fixture', sha256: 'x', derivedUplink: false,
  };
  return { kind: 'recorded', id: 'fixture-trace', trace };
}

export interface FixtureOptions {
  users?: number;
  rateHz?: number;
  periodic?: boolean;
  access?: TraceSource[];
  wan?: TraceSource;
  edgeCores?: number;
  edgeContention?: 'queue' | 'measured';
  /** Device samples of "small" (ms). */
  deviceSamplesMs?: number[];
  edgeSamplesMs?: number[];
  requirementTop1Pct?: number;
  deadlineMs?: number | null;
  learningDecisions?: number;
  evaluationDecisions?: number;
  replay?: Partial<ScenarioSpec['replay']>;
  probeIntervalMs?: number;
  energyWeightPerJ?: number;
}

/**
 * Two models ("small" 70 %, "big" 80 %) on three tiers; "big" does not run on the device (masked).
 * Defaults: 1 user, 1 request/s periodic without jitter, fixed 8/16 Mbps access, 1000 Mbps WAN,
 * access RTT 20 ms, WAN RTT 10 ms, 100 kB in / 2 kB out.
 */
export function fixtureScenario(o: FixtureOptions = {}): CompiledScenario {
  const spec: ScenarioSpec = {
    id: 'fixture-v1', title: 'fixture', description: 'test fixture', suite: 'tuning',
    users: {
      count: o.users ?? 1,
      arrival: o.periodic === false ? { process: 'poisson', rateHz: o.rateHz ?? 1 } : { process: 'periodic', rateHz: o.rateHz ?? 1, jitterPct: 0 },
      accuracyRequirement: { distribution: 'fixed', valueTop1Pct: o.requirementTop1Pct ?? 65 },
      inputKb: 100, outputKb: 2, deadlineMs: o.deadlineMs ?? null,
    },
    tiers: {
      device: { profile: 'fixture-device', power: { busyPowerW: 5, idlePowerW: 0.5, txPowerW: 2, rxPowerW: 1 } },
      edge: { profile: 'fixture-edge', cores: o.edgeCores ?? 4, contention: o.edgeContention ?? 'queue' },
      cloud: { profile: 'fixture-cloud', capacity: 8, contention: 'queue' },
    },
    links: {
      access: { traces: [], rttMs: 20, uplinkFraction: 0.5 },
      wan: { trace: { fixed: { uplinkMbps: 1000, downlinkMbps: 1000 } }, rttMs: 10 },
    },
    models: [
      { id: 'small', accuracyTop1Pct: 70, tiers: ['device', 'edge', 'cloud'] },
      { id: 'big', accuracyTop1Pct: 80, tiers: ['edge', 'cloud'] },
    ],
    reward: { latencyWeightPerS: 1, energyWeightPerJ: o.energyWeightPerJ ?? 0, accuracyViolationPenalty: 1, deadlineMissPenalty: 0.5 },
    budgets: { learningDecisions: o.learningDecisions ?? 200, evaluationDecisions: o.evaluationDecisions ?? 100 },
    replay: { interpolation: 'step', atEnd: 'wrap', startOffset: 'zero', evaluationFraction: 0.25, ...o.replay },
    observation: { probeIntervalMs: o.probeIntervalMs ?? 1000 },
    testing: { budgets: { learningDecisions: 50, evaluationDecisions: 20 } },
  };
  const profiles = {
    device: profile('device', { small: latency(o.deviceSamplesMs ?? [40]) }),
    edge: profile('edge', { small: latency(o.edgeSamplesMs ?? [10]), big: latency([30]) }, { power: { busyPowerW: 40 } }),
    cloud: profile('cloud', { small: latency([2]), big: latency([4], 150) }),
  };
  const actions: ActionDef[] = [];
  for (const tier of ['device', 'edge', 'cloud'] as const) {
    for (const m of spec.models) {
      const runs = m.tiers.includes(tier);
      actions.push({ index: actions.length, tier, modelId: m.id, accuracyTop1Pct: m.accuracyTop1Pct, medianComputeMs: runs ? profiles[tier].models[m.id]!.medianMs : null });
    }
  }
  return {
    id: spec.id, variant: 'full', spec, hash: 'fixture', actions, profiles,
    access: o.access ?? [fixedLink(8, 16)], wan: o.wan ?? fixedLink(1000, 1000), traceSha256s: [],
  };
}

/** Action indices of the fixture's table. */
export const A = { deviceSmall: 0, deviceBig: 1, edgeSmall: 2, edgeBig: 3, cloudSmall: 4, cloudBig: 5 } as const;

/** `env.step(action)` with the harness-only record of the decision (reward, outcome: copies). */
export function stepRecord(env: OrchestrationEnv, action: number): StepResult & DecisionRecord {
  const r = env.step(action);
  const d = env.lastDecision;
  return { ...r, reward: d.reward, outcome: { ...d.outcome }, decidedAtMs: d.decidedAtMs, completedAtMs: d.completedAtMs };
}
