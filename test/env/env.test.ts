import { describe, expect, it } from 'vitest';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { TRANSFER_CAP_MS } from '../../harness/env/timeline.ts';
import { A, fixedLink, fixtureScenario, stepRecord, stepTrace } from './fixtures.ts';

// Fixture defaults (see fixtures.ts): 100 kB up = 800 kbit, 2 kB down = 16 kbit, access RTT 20 ms,
// WAN 1000 Mbps each way with RTT 10 ms; device power busy 5 W, idle 0.5, tx 2, rx 1.
describe('OrchestrationEnv: hand-computed requests', () => {
  it('an edge request on fixed links gives the hand-computed response time, energy and reward', () => {
    const env = new OrchestrationEnv(fixtureScenario());
    env.reset(1, 'learn');
    const r = stepRecord(env, A.edgeSmall);
    // Upload: 800 kbit / 8 Mbps = 100 ms + RTT/2 = 10 ms. Compute 10 ms, no queue. Download: 16 kbit / 16 Mbps = 1 ms + 10 ms.
    expect(r.outcome.uploadMs).toBeCloseTo(110, 9);
    expect(r.outcome.queueMs).toBe(0);
    expect(r.outcome.computeMs).toBe(10);
    expect(r.outcome.downloadMs).toBeCloseTo(11, 9);
    expect(r.outcome.latencyMs).toBeCloseTo(131, 9);
    // Device: idle 0.5 W x 131 ms (outstanding) + radio tx 2 W x 100 ms + rx 1 W x 1 ms = 65.5 + 200 + 1 mJ.
    expect(r.outcome.deviceEnergyMj).toBeCloseTo(266.5, 9);
    // Edge: 40 W / 4 cores x 10 ms.
    expect(r.outcome.serverEnergyMj).toBeCloseTo(100, 9);
    // 65 % requirement met by "small" (70 %): reward = -latency in s.
    expect(r.outcome.accuracyViolation).toBe(false);
    expect(r.reward).toBeCloseTo(-0.131, 12);
  });

  it('a cloud request adds the WAN both ways and uses the per-inference energy', () => {
    const env = new OrchestrationEnv(fixtureScenario());
    env.reset(1, 'learn');
    const r = stepRecord(env, A.cloudBig);
    // Up: 100 + 10 (access) + 800/1000 = 0.8 + 5 (WAN). Compute 4. Down: 16/1000 = 0.016 + 5 (WAN) + 1 + 10 (access).
    expect(r.outcome.uploadMs).toBeCloseTo(115.8, 9);
    expect(r.outcome.downloadMs).toBeCloseTo(16.016, 9);
    expect(r.outcome.latencyMs).toBeCloseTo(115.8 + 4 + 16.016, 9);
    expect(r.outcome.serverEnergyMj).toBe(150);
  });

  it('local requests queue FIFO on the device and pay busy and idle power', () => {
    // 1 request every 10 ms, device compute 40 ms: the second request waits 30 ms.
    const env = new OrchestrationEnv(fixtureScenario({ rateHz: 100, deviceSamplesMs: [40] }));
    const first = env.reset(1, 'learn');
    const r1 = stepRecord(env, A.deviceSmall);
    expect(r1.outcome.latencyMs).toBe(40);
    expect(r1.outcome.deviceEnergyMj).toBe(200);
    expect(r1.obs.timeMs - first.timeMs).toBeCloseTo(10, 9);
    const r2 = stepRecord(env, A.deviceSmall);
    expect(r2.outcome.queueMs).toBeCloseTo(30, 9);
    expect(r2.outcome.latencyMs).toBeCloseTo(70, 9);
    // Request 2 is outstanding over [10, 80]; request 1 already covers [10, 40] with the idle
    // draw, so request 2 adds idle 0.5 W x 40 ms + compute (5 - 0.5) W x 40 ms = 200 mJ, and the
    // device's 80 busy ms cost 400 mJ in total (= 5 W x 80 ms), not 415.
    expect(r2.outcome.deviceEnergyMj).toBeCloseTo(0.5 * 40 + 4.5 * 40, 9);
    expect(r1.outcome.deviceEnergyMj + r2.outcome.deviceEnergyMj).toBeCloseTo(5 * 80, 9);
    expect(r2.outcome.uploadMs + r2.outcome.downloadMs).toBe(0);
  });

  it('an accuracy violation and a deadline miss are penalised as the reward spec says', () => {
    const env = new OrchestrationEnv(fixtureScenario({ requirementTop1Pct: 75, deadlineMs: 100 }));
    env.reset(1, 'learn');
    const r = stepRecord(env, A.edgeSmall);
    expect(r.outcome.accuracyViolation).toBe(true);
    expect(r.outcome.deadlineMiss).toBe(true);
    expect(r.reward).toBeCloseTo(-(0.131 + 1 + 0.5), 12);
  });

  it('a transfer across a bandwidth step integrates over both rates', () => {
    // Uplink 4 Mbps for 50 ms, then 16 Mbps. Periodic arrivals at 1/s from phase 0 with offset zero:
    // the first request arrives at the drawn phase; build the trace so the step is 50 ms after it.
    const probe = new OrchestrationEnv(fixtureScenario());
    const t0 = probe.reset(1, 'learn').timeMs;
    const trace = stepTrace([0, t0 + 50], [4, 16], [16, 16], 10_000_000);
    const env = new OrchestrationEnv(fixtureScenario({ access: [trace], replay: { evaluationFraction: 0 } }));
    expect(env.reset(1, 'learn').timeMs).toBe(t0);
    const r = stepRecord(env, A.edgeSmall);
    // 50 ms x 4 Mbps = 200 kbit; the remaining 600 kbit at 16 Mbps take 37.5 ms: 87.5 ms + 10 ms RTT/2.
    expect(r.outcome.uploadMs).toBeCloseTo(97.5, 9);
    // Device radio energy counts the 87.5 ms of transmission at 2 W, on top of idle over the response time.
    expect(r.outcome.deviceEnergyMj).toBeCloseTo(2 * 87.5 + 1 * 1 + 0.5 * r.outcome.latencyMs, 9);
  });

  it('a transfer waits through an outage and is capped when the link never comes back', () => {
    const probe = new OrchestrationEnv(fixtureScenario());
    const t0 = probe.reset(1, 'learn').timeMs;
    // 0 Mbps from the arrival for 500 ms, then 8 Mbps.
    const outage = stepTrace([0, t0, t0 + 500], [8, 0, 8], [16, 16, 16], 10_000_000);
    const env = new OrchestrationEnv(fixtureScenario({ access: [outage], replay: { evaluationFraction: 0 } }));
    env.reset(1, 'learn');
    expect(stepRecord(env, A.edgeSmall).outcome.uploadMs).toBeCloseTo(500 + 100 + 10, 9);
    const dead = new OrchestrationEnv(fixtureScenario({ access: [fixedLink(0, 16)] }));
    dead.reset(1, 'learn');
    expect(stepRecord(dead, A.edgeSmall).outcome.uploadMs).toBe(TRANSFER_CAP_MS + 10);
  });

  it('edge latency grows when 16 users instead of 1 share 4 cores at the same per-user rate', () => {
    const meanEdgeLatency = (users: number, contention: 'queue' | 'measured') => {
      const sc = fixtureScenario({ users, rateHz: 20, periodic: false, edgeSamplesMs: [40, 60], edgeContention: contention, learningDecisions: 3000 });
      sc.profiles.edge.contention = { concurrent: [1, 4, 8, 16], slowdown: [1, 1, 2, 4], basis: 'fixture' };
      const env = new OrchestrationEnv(sc);
      env.reset(3, 'learn');
      let sum = 0;
      for (let i = 0; i < 3000; i++) sum += stepRecord(env, A.edgeSmall).outcome.latencyMs;
      return sum / 3000;
    };
    for (const mode of ['queue', 'measured'] as const) {
      const one = meanEdgeLatency(1, mode);
      const many = meanEdgeLatency(16, mode);
      expect(many, mode).toBeGreaterThan(one * 1.5);
    }
  });

  it('a masked or out-of-range action throws an error naming the action and the mask', () => {
    const env = new OrchestrationEnv(fixtureScenario());
    expect(() => stepRecord(env, A.edgeSmall)).toThrow(/before reset/);
    env.reset(1, 'learn');
    expect(() => stepRecord(env, A.deviceBig)).toThrow(/action 1 \(device\/big\) is masked.*actionMask = \[1,0,1,1,1,1\]/);
    expect(() => stepRecord(env, 6)).toThrow(/action 6 is out of range.*0\.\.5/);
    expect(() => stepRecord(env, 1.5)).toThrow(/out of range/);
  });

  it('a phase ends after its budget and refuses further steps', () => {
    const env = new OrchestrationEnv(fixtureScenario({ learningDecisions: 5 }));
    env.reset(1, 'learn');
    const dones = Array.from({ length: 5 }, () => stepRecord(env, A.edgeSmall).done);
    expect(dones).toEqual([false, false, false, false, true]);
    expect(() => stepRecord(env, A.edgeSmall)).toThrow(/learn phase is over after 5 decisions/);
  });

  it('truncate ends the phase when a user replay reaches the end of its segment', () => {
    // 1 request/s, a 10 s trace with 25 % held out: learning replays 7.5 s from offset 0.
    const trace = stepTrace([0], [8], [16], 10_000);
    const env = new OrchestrationEnv(fixtureScenario({ access: [trace], replay: { atEnd: 'truncate' }, learningDecisions: 1000 }));
    env.reset(1, 'learn');
    let steps = 0;
    for (let done = false; !done; steps++) done = stepRecord(env, A.edgeSmall).done;
    // Arrivals at phase + k s; the one at or past 7.5 s ends the phase.
    expect(steps).toBeGreaterThanOrEqual(7);
    expect(steps).toBeLessThanOrEqual(8);
  });
});
