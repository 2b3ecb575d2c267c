/**
 * The planning reference: it never disturbs the environment it decides for, it is deterministic,
 * with no look-ahead it is the myopic clairvoyant, and where the myopic choice queues later
 * requests it does better.
 */
import { describe, expect, it } from 'vitest';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { createClairvoyant, myopicReference } from '../../harness/reference/index.ts';
import { createPlanner, planningReference } from '../../harness/reference/planning.ts';
import { fixedLink, fixtureScenario } from '../env/fixtures.ts';

// One edge server (60 ms, ~121 ms of transfers and RTT on top) and a slow device (200 ms): at 4
// requests/s per user both queues build, so each choice delays the requests after it; the cloud
// (behind a 10 Mbps WAN, ~215 ms) never queues.
const queued = () => fixtureScenario({ users: 3, rateHz: 4, periodic: false, edgeCores: 1, wan: fixedLink(10, 10), edgeSamplesMs: [60], deviceSamplesMs: [200], learningDecisions: 400, evaluationDecisions: 400 });

describe('planning reference', () => {
  it('is the myopic clairvoyant with no look-ahead, and deterministic', () => {
    const env = new OrchestrationEnv(queued());
    const myopic = runEpisode(env, createClairvoyant(env), 3);
    expect(runEpisode(env, createPlanner(env, { horizon: 0, candidates: 6 }), 3).logSha256).toBe(myopic.logSha256);
    expect(runEpisode(env, createPlanner(env, { horizon: 8, candidates: 1 }), 3).logSha256).toBe(myopic.logSha256);
    const a = runEpisode(env, createPlanner(env, { horizon: 4, candidates: 3 }), 3);
    const other = new OrchestrationEnv(queued());
    const b = runEpisode(other, createPlanner(other, { horizon: 4, candidates: 3 }), 3);
    expect(b.logSha256).not.toBe(myopic.logSha256);
    expect(a.logSha256).toBe(b.logSha256);
  });

  it('beats the myopic clairvoyant where its choices queue later requests, and the reference value takes the best', () => {
    const env = new OrchestrationEnv(queued());
    const measure = (agent: Parameters<Parameters<typeof myopicReference>[1]>[0]) => runEpisode(env, agent, 5, { learningDecisions: 0 }).eval.meanReward;
    const myopic = myopicReference(env, measure);
    const planner = measure(createPlanner(env, { horizon: 8, candidates: 3 }));
    expect(planner).toBeGreaterThan(myopic);
    // Without a battery or residency the only myopic variant is the plain one, which the planner plans with.
    expect(planningReference(env, measure, { horizon: 8, candidates: 3 })).toEqual({ myopic, planning: planner, value: planner });
  });

  it('rejects a bad horizon or candidate count with what it expects', () => {
    const env = new OrchestrationEnv(queued());
    expect(() => createPlanner(env, { horizon: -1, candidates: 3 })).toThrow(/horizon must be an integer >= 0.*got horizon -1/);
    expect(() => createPlanner(env, { horizon: 2, candidates: 0 })).toThrow(/candidates an integer >= 1/);
  });
});
