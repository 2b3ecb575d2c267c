/**
 * Exact tests of the simulator's pieces (issue 9): every expected value is computed by hand in
 * the comments next to it, from inputs chosen here, never copied from the code's output.
 * Units: ms, Mbps (Mbps x ms = kbit), W (W x ms = mJ).
 */
import { describe, expect, it } from 'vitest';
import type { ActionDef } from '../../harness/agent.ts';
import { DeviceEnergy } from '../../harness/env/energy.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { createClairvoyant, createPlugIn, PLUG_IN_INPUTS } from '../../harness/reference/index.ts';
import { rewardOf } from '../../harness/env/reward.ts';
import { SharedTier, slowdownAt } from '../../harness/env/tiers.ts';
import { LinkReplay, LinkTimeline, TRANSFER_CAP_MS } from '../../harness/env/timeline.ts';
import type { ContentionCurve, DeviceProfile } from '../../harness/profiles/types.ts';
import type { CompiledScenario, TraceSource } from '../../harness/scenario/compiled.ts';
import type { RewardSpec } from '../../harness/scenario/types.ts';
import { A, fixedLink, fixtureScenario, stepTrace } from './fixtures.ts';

/** A hand-made edge profile: one model "m" (10 ms), measured as stated. */
function edgeProfile(measurement: DeviceProfile['measurement'], contention?: ContentionCurve): DeviceProfile {
  return {
    id: 'hand-edge', description: 'hand-made', kind: 'edge',
    provenance: { source: 'test', measuredOn: 'none', method: 'hand-written', conversion: 'none' },
    models: {
      m: { latencySamplesMs: [10], medianMs: 10, p95Ms: 10 },
      other: { latencySamplesMs: [10], medianMs: 10, p95Ms: 10 },
    },
    ...(measurement ? { measurement } : {}),
    ...(contention ? { contention } : {}),
  };
}

/** Actions 0 = edge/m, 1 = edge/other. */
const EDGE_ACTIONS: ActionDef[] = [
  { index: 0, tier: 'edge', modelId: 'm', accuracyTop1Pct: 70, medianComputeMs: 10 },
  { index: 1, tier: 'edge', modelId: 'other', accuracyTop1Pct: 70, medianComputeMs: 10 },
];

/** Schedules then commits one request; returns [start, finish]. */
function run(tier: SharedTier, action: number, readyMs: number, baseMs: number): [number, number] {
  tier.schedule(action, readyMs, baseMs);
  const start = tier.startMs;
  const finish = tier.startMs + tier.computeMs;
  tier.commit(readyMs, finish);
  return [start, finish];
}

describe('SharedTier queue: 3 FIFO servers, 6 arrivals', () => {
  it('gives each request the hand-computed start and finish (queueing on every server)', () => {
    // 3 cores, 1 thread per inference: floor(3 / 1) = 3 servers.
    const tier = new SharedTier('edge', 3, 'queue', edgeProfile({ threadsPerInference: 1, cores: 3 }), EDGE_ACTIONS);
    expect(tier.capacity).toBe(3);
    // (ready, service) -> server chosen = the earliest free (lowest index on ties); start = max(ready, free).
    // free = [0, 0, 0]
    // r0 (0, 10): S0 start 0  finish 10.                  free = [10, 0, 0]
    // r1 (1, 12): S1 start 1  finish 13.                  free = [10, 13, 0]
    // r2 (2, 14): S2 start 2  finish 16.                  free = [10, 13, 16]
    // r3 (3, 8):  S0 (10)  start 10 (waits 7)  finish 18. free = [18, 13, 16]
    // r4 (4, 6):  S1 (13)  start 13 (waits 9)  finish 19. free = [18, 19, 16]
    // r5 (5, 3):  S2 (16)  start 16 (waits 11) finish 19. free = [18, 19, 19]
    const arrivals: [number, number][] = [[0, 10], [1, 12], [2, 14], [3, 8], [4, 6], [5, 3]];
    const got = arrivals.map(([ready, service]) => run(tier, 0, ready, service));
    expect(got).toEqual([[0, 10], [1, 13], [2, 16], [10, 18], [13, 19], [16, 19]]);
    // Present at t = 12 (ready <= 12 < finish): r1, r2, r3 in service, r4 and r5 waiting = 5.
    expect(tier.presentAt(12)).toBe(5);
    // At 18.5: r4 (finish 19), r5 (finish 19) = 2; r3 finished at 18.
    expect(tier.presentAt(18.5)).toBe(2);
    // reset frees every server: a new request starts at its ready time.
    tier.reset();
    expect(run(tier, 0, 7, 5)).toEqual([7, 12]);
  });

  it('a request whose input reaches an idle server starts at once, even if requests decided before it arrive later', () => {
    // Three requests decided first are still uploading (e.g. through an outage): their inputs
    // reach the server at 4000 ms (10 ms each). A fourth, decided after them on a good link,
    // arrives at 110 ms. All 3 servers are idle from 0 to 4000, so a FIFO k-server queue (work
    // conserving, first come first served at the server) runs it at once: [110, 120]; the three
    // others still start at 4000 (it is done long before), so no earlier timeline changes.
    const tier = new SharedTier('edge', 3, 'queue', edgeProfile({ threadsPerInference: 1, cores: 3 }), EDGE_ACTIONS);
    for (let i = 0; i < 3; i++) expect(run(tier, 0, 4000, 10)).toEqual([4000, 4010]);
    expect(run(tier, 0, 110, 10), 'servers reserved from the decision of a request still uploading sit idle while a request that has arrived waits (tiers.ts schedule: start = max(ready, freeAtMs of the earliest-free server))').toEqual([110, 120]);
  });

  it('a 4-thread profile on 4 cores is one server, and fewer cores than threads is a clear error', () => {
    // floor(4 / 4) = 1 server: r0 (0, 10) -> [0, 10]; r1 (1, 10) waits for it -> [10, 20].
    const one = new SharedTier('edge', 4, 'queue', edgeProfile({ threadsPerInference: 4, cores: 4 }), EDGE_ACTIONS);
    expect(one.capacity).toBe(1);
    expect(run(one, 0, 0, 10)).toEqual([0, 10]);
    expect(run(one, 0, 1, 10)).toEqual([10, 20]);
    expect(() => new SharedTier('edge', 2, 'queue', edgeProfile({ threadsPerInference: 4, cores: 4 }), EDGE_ACTIONS)).toThrow(
      /edge has 2 cores but profile "hand-edge" was measured with 4 cores per inference/,
    );
  });
});

describe('slowdownAt', () => {
  // Curve points (1, 1), (4, 1.6), (8, 3.2).
  const n = Float64Array.from([1, 4, 8]);
  const s = Float64Array.from([1, 1.6, 3.2]);
  it('is the measured value at a point', () => {
    expect(slowdownAt(n, s, 1)).toBe(1);
    expect(slowdownAt(n, s, 4)).toBeCloseTo(1.6, 12);
    expect(slowdownAt(n, s, 8)).toBeCloseTo(3.2, 12);
  });
  it('is linear between points', () => {
    // n = 2: 1 + (1.6 - 1) x (2 - 1) / (4 - 1) = 1 + 0.6 / 3 = 1.2
    expect(slowdownAt(n, s, 2)).toBeCloseTo(1.2, 12);
    // n = 6: 1.6 + (3.2 - 1.6) x (6 - 4) / (8 - 4) = 1.6 + 0.8 = 2.4
    expect(slowdownAt(n, s, 6)).toBeCloseTo(2.4, 12);
  });
  it('holds the first value below the first point', () => {
    // n = 0.5 (e.g. 1 request on a tier with twice the measured cores): the 1-request value, 1.
    expect(slowdownAt(n, s, 0.5)).toBe(1);
  });
  it('extrapolates the last segment linearly beyond the last point', () => {
    // n = 12: 3.2 + (3.2 - 1.6) x (12 - 8) / (8 - 4) = 3.2 + 1.6 = 4.8
    expect(slowdownAt(n, s, 12)).toBeCloseTo(4.8, 12);
    // n = 16: 3.2 + 1.6 x 8 / 4 = 6.4
    expect(slowdownAt(n, s, 16)).toBeCloseTo(6.4, 12);
  });
  it('a one-point curve is constant', () => {
    expect(slowdownAt(Float64Array.from([1]), Float64Array.from([1.3]), 9)).toBe(1.3);
  });
});

describe('SharedTier measured: slowdown from the requests present at the server at arrival', () => {
  // Averaged curve (1, 1), (2, 1.5), (4, 2.5); model "m" has its own curve (1, 1), (2, 2), (4, 3).
  const contention: ContentionCurve = {
    concurrent: [1, 2, 4], slowdown: [1, 1.5, 2.5], basis: 'hand',
    perModel: { m: { concurrent: [1, 2, 4], slowdown: [1, 2, 3] } },
  };
  it('counts requests that have arrived and not finished, not those still uploading', () => {
    const tier = new SharedTier('edge', 4, 'measured', edgeProfile({ threadsPerInference: 1, cores: 4 }, contention), EDGE_ACTIONS);
    // Measured on 4 cores, tier of 4 cores: n = present + 1 (itself). Action 1 ("other") uses the averaged curve.
    // A: ready 0, base 10. Nobody present: n = 1 -> x1 -> [0, 10].
    expect(run(tier, 1, 0, 10)).toEqual([0, 10]);
    // B: ready 5, base 10. A present (0 <= 5 < 10): n = 2 -> x1.5 -> compute 15 -> [5, 20].
    expect(run(tier, 1, 5, 10)).toEqual([5, 20]);
    // C: decided next, still uploading until 50. At 50 A and B are done: n = 1 -> [50, 60].
    tier.prune(30);
    expect(run(tier, 1, 50, 10)).toEqual([50, 60]);
    // D: decided after C but its input arrives first, at 45: C (ready 50) is still uploading and
    // does not count: n = 1 -> [45, 55].
    expect(run(tier, 1, 45, 10)).toEqual([45, 55]);
    // E: ready 52: C (50 <= 52 < 60) and D (45 <= 52 < 55) present: n = 3 ->
    // 1.5 + (2.5 - 1.5) x (3 - 2) / (4 - 2) = 2 -> compute 20 -> [52, 72].
    tier.schedule(1, 52, 10);
    expect(tier.startMs).toBe(52);
    expect(tier.computeMs).toBeCloseTo(20, 12);
    // The same arrival for model "m" reads its own curve at n = 3: 2 + (3 - 2) x 1 / 2 = 2.5 -> 25 ms.
    tier.schedule(0, 52, 10);
    expect(tier.computeMs).toBeCloseTo(25, 12);
    // No queue in measured mode: start = ready, whatever the load.
    expect(tier.startMs).toBe(52);
  });

  it('scales the count by measured cores / tier cores', () => {
    // Measured on 4 cores, tier of 2 cores: n = (present + 1) x 4 / 2.
    const tier = new SharedTier('edge', 2, 'measured', edgeProfile({ threadsPerInference: 1, cores: 4 }, contention), EDGE_ACTIONS);
    // Alone: n = 1 x 2 = 2 -> averaged curve 1.5 -> 15 ms.
    expect(run(tier, 1, 0, 10)).toEqual([0, 15]);
    // One present: n = 2 x 2 = 4 -> 2.5 -> 25 ms, [1, 26].
    expect(run(tier, 1, 1, 10)).toEqual([1, 26]);
  });

  it('a measured tier without a contention curve is refused with the profile named', () => {
    expect(() => new SharedTier('edge', 4, 'measured', edgeProfile({ threadsPerInference: 1, cores: 4 }), EDGE_ACTIONS)).toThrow(
      /edge uses contention "measured" but profile "hand-edge" has no usable contention curve/,
    );
  });
});

describe('LinkReplay.transferMs over a hand-built step timeline', () => {
  // Uplink: 4 Mbps on [0, 100), 16 Mbps on [100, 200), 0 (outage) on [200, 300), 8 Mbps from 300
  // to the end (10 s). Step interpolation.
  const tl = new LinkTimeline(Float64Array.from([0, 100, 200, 300]), Float64Array.from([4, 16, 0, 8]), 10_000, false);
  const replay = new LinkReplay(tl, 0, 10_000, false);

  it('rates follow the steps', () => {
    expect([replay.rateAt(0), replay.rateAt(99.9), replay.rateAt(100), replay.rateAt(250), replay.rateAt(300)]).toEqual([4, 4, 16, 0, 8]);
  });

  it('a transfer crosses two bandwidth steps and waits through the outage', () => {
    // 2000 kbit from 50 ms: [50, 100) at 4 Mbps = 200 kbit; [100, 200) at 16 Mbps = 1600 kbit
    // (1800 so far); [200, 300) at 0 = nothing; the last 200 kbit at 8 Mbps take 25 ms: ends at 325.
    // Duration 325 - 50 = 275 ms.
    expect(replay.transferMs(50, 2000)).toBeCloseTo(275, 9);
    // Starting in the outage: 80 kbit from 250 ms waits 50 ms, then 80 / 8 = 10 ms: 60 ms.
    expect(replay.transferMs(250, 80)).toBeCloseTo(60, 9);
    // Within one step: 100 kbit from 120 ms at 16 Mbps = 6.25 ms.
    expect(replay.transferMs(120, 100)).toBeCloseTo(6.25, 9);
  });

  it('is cut to 120 s when the link stays at 0', () => {
    expect(TRANSFER_CAP_MS).toBe(120_000);
    // 8 Mbps on [0, 100), then 0 to the end of the trace; truncate holds the last rate (0) forever.
    const dead = new LinkReplay(new LinkTimeline(Float64Array.from([0, 100]), Float64Array.from([8, 0]), 10_000, false), 0, 10_000, false);
    // 800 kbit from 50 ms: 400 kbit by 100 ms, then nothing ever: capped.
    expect(dead.transferMs(50, 800)).toBe(120_000);
    // A link that comes back too late: 0 on [1000, 201000), then 8 Mbps; 8 kbit from 1000 ms would
    // take 200000 + 1 ms: capped at 120000.
    const late = new LinkReplay(new LinkTimeline(Float64Array.from([0, 1000, 201_000]), Float64Array.from([8, 0, 8]), 400_000, false), 0, 400_000, false);
    expect(late.transferMs(1000, 8)).toBe(120_000);
    // ... while one that comes back in time is not: 8 kbit from 191000 ms: 10000 ms wait + 1 ms.
    expect(late.transferMs(191_000, 8)).toBeCloseTo(10_001, 9);
    // A looping (wrap) segment that never delivers anything: capped too.
    const zeroLoop = new LinkReplay(new LinkTimeline(Float64Array.from([0, 100]), Float64Array.from([0, 0]), 1000, false), 0, 1000, true);
    expect(zeroLoop.transferMs(5, 8)).toBe(120_000);
  });
});

describe('DeviceEnergy', () => {
  // busy 5 W, idle 0.5 W, tx 2 W, rx 1 W (radio power on top of the idle draw); W x ms = mJ.
  const power = { busyPowerW: 5, idlePowerW: 0.5, txPowerW: 2, rxPowerW: 1 };

  it('one local request: busy x compute + idle x wait', () => {
    const e = new DeviceEnergy(1, power);
    // Decided at 0, waits 30 ms for the device, computes 40 ms: completes at 70.
    // 5 W x 40 ms + 0.5 W x 30 ms = 200 + 15 = 215 mJ
    // (= idle 0.5 x 70 + (5 - 0.5) x 40 = 35 + 180).
    expect(e.chargeMj(0, 0, 70, 40, 0, 0)).toBeCloseTo(215, 9);
  });

  it('one offloaded request: idle x response time + tx x upload + rx x download', () => {
    const e = new DeviceEnergy(1, power);
    // Response time 131 ms, 100 ms transmitting, 1 ms receiving:
    // 0.5 x 131 + 2 x 100 + 1 x 1 = 65.5 + 200 + 1 = 266.5 mJ.
    expect(e.chargeMj(0, 1000, 1131, 0, 100, 1)).toBeCloseTo(266.5, 9);
  });

  it('two overlapping requests of one user count the idle time once; other users are independent', () => {
    const e = new DeviceEnergy(2, power);
    // User 1, A: [0, 100], tx 20, rx 5: 0.5 x 100 + 2 x 20 + 1 x 5 = 50 + 40 + 5 = 95.
    expect(e.chargeMj(1, 0, 100, 0, 20, 5)).toBeCloseTo(95, 9);
    e.commit(1, 100);
    // B: [60, 150], tx 30, rx 4: idle only over [100, 150] = 50 ms: 25 + 60 + 4 = 89.
    expect(e.chargeMj(1, 60, 150, 0, 30, 4)).toBeCloseTo(89, 9);
    e.commit(1, 150);
    // Total idle = 0.5 x (50 + 25) / 0.5 = 150 ms = the union [0, 150], not 100 + 90 = 190 ms.
    // C: [120, 140] inside the union: no idle at all, only its local compute 10 ms x 4.5 W = 45.
    expect(e.chargeMj(1, 120, 140, 10, 0, 0)).toBeCloseTo(45, 9);
    // User 0 has nothing outstanding: [60, 150] idle in full: 0.5 x 90 = 45.
    expect(e.chargeMj(0, 60, 150, 0, 0, 0)).toBeCloseTo(45, 9);
    // After reset nothing is covered.
    e.reset();
    expect(e.chargeMj(1, 60, 150, 0, 0, 0)).toBeCloseTo(45, 9);
  });

  it('through the environment: one offloaded request, then an overlapping one of the same user', () => {
    // Fixture: 800 kbit up at 8 Mbps = 100 ms + RTT/2 10 ms; edge compute 10 ms; 16 kbit down at
    // 16 Mbps = 1 ms + 10 ms: response 131 ms. A request every 10 ms (100 Hz, periodic, no jitter).
    const env = new OrchestrationEnv(fixtureScenario({ rateHz: 100 }));
    env.reset(1, 'learn');
    env.step(A.edgeSmall);
    // Alone: 0.5 x 131 + 2 x 100 + 1 x 1 = 266.5 mJ.
    expect(env.lastDecision.outcome.latencyMs).toBeCloseTo(131, 9);
    expect(env.lastDecision.outcome.deviceEnergyMj).toBeCloseTo(266.5, 9);
    env.step(A.edgeSmall);
    // Second, decided 10 ms later: the same 131 ms (4 edge servers, no queue), outstanding over
    // [10, 141] of which [10, 131] is already covered: idle 0.5 x 10 + 200 + 1 = 206 mJ.
    expect(env.lastDecision.outcome.latencyMs).toBeCloseTo(131, 9);
    expect(env.lastDecision.outcome.deviceEnergyMj).toBeCloseTo(206, 9);
  });
});

describe('reward: a deadline miss and an accuracy violation', () => {
  const spec: RewardSpec = { latencyWeightPerS: 1, energyWeightPerJ: 0.2, accuracyViolationPenalty: 1, deadlineMissPenalty: 0.5 };

  it('rewardOf adds each penalty and the weighted latency and energy', () => {
    // 131 ms, 266.5 mJ: 1 x 0.131 + 0.2 x 0.2665 = 0.131 + 0.0533 = 0.1843.
    expect(rewardOf(spec, 131, 266.5, false, false)).toBeCloseTo(-0.1843, 12);
    expect(rewardOf(spec, 131, 266.5, true, false)).toBeCloseTo(-1.1843, 12);
    expect(rewardOf(spec, 131, 266.5, false, true)).toBeCloseTo(-0.6843, 12);
    expect(rewardOf(spec, 131, 266.5, true, true)).toBeCloseTo(-1.6843, 12);
  });

  it('through env.step on a hand-made scenario with fixed links', () => {
    // Requirement 75 %: "small" (70 %) violates it, "big" (80 %) meets it. Deadline 140 ms.
    const env = new OrchestrationEnv(fixtureScenario({ requirementTop1Pct: 75, deadlineMs: 140, energyWeightPerJ: 0.2, rateHz: 1 }));
    env.reset(1, 'learn');
    // edge/small: 131 ms (see above) <= 140: no miss; violation. Energy 266.5 mJ.
    // reward = -(0.131 + 0.2 x 0.2665 + 1) = -1.1843
    env.step(A.edgeSmall);
    let d = env.lastDecision;
    expect(d.outcome.accuracyViolation).toBe(true);
    expect(d.outcome.deadlineMiss).toBe(false);
    expect(d.reward).toBeCloseTo(-1.1843, 12);
    // edge/big: 110 + 30 (compute) + 11 = 151 ms > 140: a miss, no violation.
    // Energy 0.5 x 151 + 200 + 1 = 276.5 mJ. reward = -(0.151 + 0.2 x 0.2765 + 0.5) = -(0.151 + 0.0553 + 0.5) = -0.7063
    env.step(A.edgeBig);
    d = env.lastDecision;
    expect(d.outcome.latencyMs).toBeCloseTo(151, 9);
    expect(d.outcome.accuracyViolation).toBe(false);
    expect(d.outcome.deadlineMiss).toBe(true);
    expect(d.reward).toBeCloseTo(-0.7063, 12);
    // A response exactly at the deadline is not a miss: deadline 131 ms, edge/small takes 131.
    // (110 + 0 + 10 + 11 = 131 exactly in binary: all integers.) reward = -(0.1843 + 1).
    const atDeadline = new OrchestrationEnv(fixtureScenario({ requirementTop1Pct: 75, deadlineMs: 131, energyWeightPerJ: 0.2 }));
    atDeadline.reset(1, 'learn');
    atDeadline.step(A.edgeSmall);
    expect(atDeadline.lastDecision.outcome.latencyMs).toBe(131);
    expect(atDeadline.lastDecision.outcome.deadlineMiss).toBe(false);
    expect(atDeadline.lastDecision.reward).toBeCloseTo(-1.1843, 12);
  });

  it('the delivered transition carries the same reward and outcome', () => {
    // 1 request per second: the 131 ms response is delivered with the next observation (1 s later).
    const env = new OrchestrationEnv(fixtureScenario({ requirementTop1Pct: 75, deadlineMs: 100, energyWeightPerJ: 0.2 }));
    env.reset(1, 'learn');
    const r = env.step(A.edgeSmall);
    expect(r.feedback).toHaveLength(1);
    const t = r.feedback[0]!;
    // Violation and miss: -(0.1843 + 1 + 0.5) = -1.6843.
    expect(t.reward).toBeCloseTo(-1.6843, 12);
    expect(t.outcome.accuracyViolation && t.outcome.deadlineMiss).toBe(true);
  });
});

/** The fixture restricted to two actions: 0 = device/small (40 ms), 1 = edge/small (10 ms). */
function twoActionScenario(access: TraceSource): CompiledScenario {
  const sc = fixtureScenario({ access: [access], replay: { evaluationFraction: 0 } });
  sc.spec.models = [{ id: 'small', accuracyTop1Pct: 70, tiers: ['device', 'edge'] }];
  sc.actions = [
    { index: 0, tier: 'device', modelId: 'small', accuracyTop1Pct: 70, medianComputeMs: 40 },
    { index: 1, tier: 'edge', modelId: 'small', accuracyTop1Pct: 70, medianComputeMs: 10 },
  ];
  return sc;
}

describe('clairvoyant reference on a 2-action case', () => {
  // Reward = -latency (s) (energy weight 0, requirement met, no deadline).
  // device: 40 ms. edge: 800 kbit / U Mbps + 10 (RTT/2) + 10 (compute) + 16 kbit / 16 Mbps + 10 = 800 / U + 31 ms.
  // Edge wins iff 800 / U + 31 < 40, i.e. U > 800 / 9 = 88.9 Mbps.
  it('picks the edge at 100 Mbps (39 ms < 40 ms) and the device at 80 Mbps (41 ms > 40 ms)', () => {
    const fast = new OrchestrationEnv(twoActionScenario(fixedLink(100, 16)));
    const obsFast = fast.reset(1, 'learn');
    // edge: 800 / 100 + 31 = 39 ms.
    expect(fast.whatIf(1).reward).toBeCloseTo(-0.039, 12);
    expect(fast.whatIf(0).reward).toBeCloseTo(-0.04, 12);
    expect(createClairvoyant(fast).act(obsFast)).toBe(1);

    const slow = new OrchestrationEnv(twoActionScenario(fixedLink(80, 16)));
    const obsSlow = slow.reset(1, 'learn');
    // edge: 800 / 80 + 31 = 41 ms.
    expect(slow.whatIf(1).reward).toBeCloseTo(-0.041, 12);
    expect(createClairvoyant(slow).act(obsSlow)).toBe(0);
  });

  it('sees the link drop after the decision, which the plug-in policy cannot', () => {
    // Uplink 100 Mbps until 2 ms after the arrival, then 10 Mbps.
    const t0 = new OrchestrationEnv(twoActionScenario(fixedLink(100, 16))).reset(1, 'learn').timeMs;
    const env = new OrchestrationEnv(twoActionScenario(stepTrace([0, t0 + 2], [100, 10], [16, 16], 10_000_000)));
    const obs = env.reset(1, 'learn');
    expect(obs.timeMs).toBe(t0);
    // True upload: 2 ms x 100 = 200 kbit, the other 600 kbit at 10 Mbps = 60 ms: 62 ms;
    // edge = 62 + 10 + 10 + 1 + 10 = 93 ms > 40: the device.
    expect(env.whatIf(1).reward).toBeCloseTo(-0.093, 9);
    expect(createClairvoyant(env).act(obs)).toBe(0);
    // The plug-in policy holds the current 100 Mbps: 39 ms < 40: the edge.
    expect(env.whatIf(1, PLUG_IN_INPUTS).reward).toBeCloseTo(-0.039, 12);
    expect(createPlugIn(env).act(obs)).toBe(1);
  });
});

describe('causal feedback through env.step', () => {
  /** Observation time relative to the first arrival a0. */
  const rel = (t: number, a0: number): number => t - a0;

  it('delivers each transition with the first observation at or after its completion, never before', () => {
    // 1 user, a request every 40 ms (25 Hz, no jitter): arrivals a0 + 40k. Device compute 75 ms
    // (FIFO), edge response 131 ms (110 up + 10 compute + 11 down, see above).
    const env = new OrchestrationEnv(fixtureScenario({ rateHz: 25, deviceSamplesMs: [75] }));
    const first = env.reset(1, 'learn');
    const a0 = first.timeMs;
    expect(first.inFlight).toEqual({ device: 0, edge: 0, cloud: 0 });
    const D = A.deviceSmall;
    const E = A.edgeSmall;
    // Decision k at a0 + 40k. Hand timeline (relative to a0):
    // d0 dev @0:   device [0, 75]                    completes 75
    // d1 dev @40:  waits for d0: [75, 150]           completes 150
    // d2 edge @80:                                    completes 80 + 131 = 211
    // d3 dev @120: waits for d1: [150, 225]          completes 225
    // d4 dev @160: waits for d3: [225, 300]          completes 300
    // d5 edge @200:                                   completes 331
    // d6 edge @240:                                   completes 371
    // d7 dev @280: waits for d4: [300, 375]          completes 375
    // d8 edge @320:                                   completes 451
    // The step deciding dk returns the observation at 40(k+1) with the transitions completed in
    // (40k, 40(k+1)]; the counts are those of requests decided and not completed at 40(k+1).
    const plan: { action: number; delivered: [number, number, number][]; device: number; edge: number; backlog: number }[] = [
      // [decision index, decidedAt, completedAt] of each delivered transition, in completion order.
      { action: D, delivered: [], device: 1, edge: 0, backlog: 1 }, // obs 40: d0 running
      { action: D, delivered: [[0, 0, 75]], device: 1, edge: 0, backlog: 1 }, // obs 80: d0 done at 75; d1 queued
      { action: E, delivered: [], device: 1, edge: 1, backlog: 1 }, // obs 120: d1, d2
      { action: D, delivered: [[1, 40, 150]], device: 1, edge: 1, backlog: 1 }, // obs 160: d2, d3
      { action: D, delivered: [], device: 2, edge: 1, backlog: 2 }, // obs 200: d2, d3, d4
      { action: E, delivered: [[2, 80, 211], [3, 120, 225]], device: 1, edge: 1, backlog: 1 }, // obs 240: d4, d5
      { action: E, delivered: [], device: 1, edge: 2, backlog: 1 }, // obs 280: d4, d5, d6
      { action: D, delivered: [[4, 160, 300]], device: 1, edge: 2, backlog: 1 }, // obs 320: d5, d6, d7
      { action: E, delivered: [[5, 200, 331]], device: 1, edge: 2, backlog: 1 }, // obs 360: d6, d7, d8
    ];
    const decidedAtMs: number[] = [];
    let prevObsMs = a0;
    let obs = first;
    plan.forEach((p, k) => {
      decidedAtMs.push(obs.timeMs);
      const r = env.step(p.action);
      const at = `step ${k}`;
      expect(rel(r.obs.timeMs, a0), at).toBeCloseTo(40 * (k + 1), 9);
      expect(r.feedback.length, at).toBe(p.delivered.length);
      p.delivered.forEach(([i, decided, completed], j) => {
        const t = r.feedback[j]!;
        expect(t.obs.timeMs, `${at}: transition ${j} is decision ${i}`).toBe(decidedAtMs[i]);
        expect(rel(t.decidedAtMs, a0), at).toBeCloseTo(decided, 9);
        expect(rel(t.completedAtMs, a0), at).toBeCloseTo(completed, 9);
        expect(t.completedAtMs - t.decidedAtMs, at).toBeCloseTo(t.outcome.latencyMs, 9);
        expect(t.action, at).toBe(plan[i]!.action);
        // Causality: completed after the previous observation, at or before this one.
        expect(t.completedAtMs, at).toBeGreaterThan(prevObsMs);
        expect(t.completedAtMs, at).toBeLessThanOrEqual(r.obs.timeMs);
        expect(t.nextObs, at).toBe(r.obs);
      });
      expect(r.obs.inFlight, at).toEqual({ device: p.device, edge: p.edge, cloud: 0 });
      expect(r.obs.user.deviceBacklog, at).toBe(p.backlog);
      expect(r.obs.user.inFlight, at).toBe(p.device + p.edge);
      // d4, delivered at step 7, waited for the device 225 - 160 = 65 ms, then computed 75.
      if (k === 7) {
        expect(r.feedback[0]!.outcome.queueMs, at).toBeCloseTo(65, 9);
        expect(r.feedback[0]!.outcome.computeMs, at).toBe(75);
      }
      prevObsMs = r.obs.timeMs;
      obs = r.obs;
    });
  });

  it('a request completing exactly at the next arrival is delivered with that observation', () => {
    // Device compute 40 ms, a request every 40 ms: d0 completes at a0 + 40 = the next arrival
    // (the same floating-point sum a0 + 40 on both sides).
    const env = new OrchestrationEnv(fixtureScenario({ rateHz: 25, deviceSamplesMs: [40] }));
    const a0 = env.reset(1, 'learn').timeMs;
    const r = env.step(A.deviceSmall);
    expect(r.obs.timeMs).toBe(a0 + 40);
    expect(r.feedback).toHaveLength(1);
    expect(r.feedback[0]!.completedAtMs).toBe(r.obs.timeMs);
    // ... and it is no longer in flight in that observation.
    expect(r.obs.inFlight.device).toBe(0);
    expect(r.obs.user.deviceBacklog).toBe(0);
  });

  it('a request completing just after an arrival waits for the observation after it', () => {
    // Device compute 41 ms: d1 (a0 + 40) completes at a0 + 81, just after obs a0 + 80: it is
    // delivered with obs a0 + 120, not before.
    const env = new OrchestrationEnv(fixtureScenario({ rateHz: 25, deviceSamplesMs: [41] }));
    const a0 = env.reset(1, 'learn').timeMs;
    const r1 = env.step(A.edgeBig);
    // edge/big: 110 + 30 + 11 = 151 ms: completes a0 + 151, delivered at a0 + 160 (step 3).
    expect(r1.feedback).toHaveLength(0);
    const r2 = env.step(A.deviceSmall); // d1 at a0 + 40, completes a0 + 81
    expect(r2.feedback).toHaveLength(0);
    expect(r2.obs.user.deviceBacklog).toBe(1);
    const r3 = env.step(A.deviceSmall); // d2 at a0 + 80: device free at 81: completes 122
    expect(rel(r3.obs.timeMs, a0)).toBeCloseTo(120, 9);
    expect(r3.feedback.map((t) => rel(t.completedAtMs, a0))).toEqual([expect.closeTo(81, 9)]);
    expect(r3.obs.user.deviceBacklog).toBe(1);
    const r4 = env.step(A.deviceSmall); // obs a0 + 160: d0 (151) and d2 (122) done, in completion order
    expect(r4.feedback.map((t) => rel(t.completedAtMs, a0))).toEqual([expect.closeTo(122, 9), expect.closeTo(151, 9)]);
    expect(r4.feedback[1]!.outcome.latencyMs).toBeCloseTo(151, 9);
  });
});
