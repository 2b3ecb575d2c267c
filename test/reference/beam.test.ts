/**
 * The beam-search planner: deterministic, it never disturbs the environment it decides for, it
 * plays a legal plan to the end of any segment it is asked for, and on a design where an offload's
 * radio tail serves the rest of a session it finds what the rollout planner and the myopic
 * reference miss; the planning-v2 reference takes the best of the three.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { evaluatePolicy, runEpisode } from '../../harness/env/episode.ts';
import { createBeamPlanner } from '../../harness/reference/beam.ts';
import { clairvoyantVariants, createClairvoyant, myopicReference } from '../../harness/reference/index.ts';
import { createPlanner, planningReference, PLANNING_DEFAULTS } from '../../harness/reference/planning.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { PACKAGE_ROOT } from '../../harness/version.ts';
import { fixedLink, fixtureScenario } from '../env/fixtures.ts';

// Queues that build (as in planning.test.ts), 3 users: the per-user search runs with others held.
const queued = () => fixtureScenario({ users: 3, rateHz: 4, periodic: false, edgeCores: 1, wan: fixedLink(10, 10), edgeSamplesMs: [60], deviceSamplesMs: [200], learningDecisions: 300, evaluationDecisions: 300 });
// A 3G radio (2 s promotion, 17 s tail), one user, sessions of requests, a hard accuracy requirement.
const radioDesign = () => loadScenario(join(PACKAGE_ROOT, 'scenarios', 'default-v4', '3g-commute-1u-battery-v4.json'), { variant: 'testing' });

describe('beam-search planner', () => {
  it('is deterministic and leaves the environment it plans for as it was', () => {
    const env = new OrchestrationEnv(queued());
    const a = runEpisode(env, createBeamPlanner(env, { width: 4 }), 3);
    const other = new OrchestrationEnv(queued());
    const b = runEpisode(other, createBeamPlanner(other, { width: 4 }), 3);
    expect(a.logSha256).toBe(b.logSha256);
    expect(a.learningRewards).toEqual(b.learningRewards);
    // Planning happens on a private copy: the episode is that of the same actions replayed.
    const actions: number[] = [];
    const recorder = createBeamPlanner(env, { width: 4 });
    const replayed = runEpisode(env, { name: 'record', act: (obs) => { const x = recorder.act(obs); actions.push(x); return x; } }, 3);
    let i = 0;
    expect(runEpisode(env, { name: 'replay', act: () => actions[i++]! }, 3).logSha256).toBe(replayed.logSha256);
  });

  it('plays a legal plan to the end of the phase when asked for fewer decisions, and rejects a bad width', () => {
    const env = new OrchestrationEnv(queued());
    const planner = createBeamPlanner(env, { width: 3 }, undefined, 50);
    const s = evaluatePolicy(env, planner, 4, env.spec.evaluationDecisions);
    expect(s.decisions).toBe(env.spec.evaluationDecisions);
    expect(() => createBeamPlanner(env, { width: 0 })).toThrow(/width must be an integer >= 1 \(got 0\)/);
  });

  it('finds where a radio tail pays for a session what the rollout planner and the myopic reference miss', async () => {
    const env = new OrchestrationEnv(await radioDesign());
    const cap = env.spec.evaluationDecisions;
    const measure = (agent: Parameters<Parameters<typeof myopicReference>[1]>[0]) => evaluatePolicy(env, agent, 201, cap).meanReward;
    let best = clairvoyantVariants(env)[0]!;
    let myopic = -Infinity;
    for (const p of clairvoyantVariants(env)) {
      const v = measure(createClairvoyant(env, p));
      if (v > myopic) [myopic, best] = [v, p];
    }
    const rollout = measure(createPlanner(env, PLANNING_DEFAULTS, best));
    const beam = measure(createBeamPlanner(env, { width: 16 }, best));
    expect(beam).toBeGreaterThan(rollout);
    expect(beam).toBeGreaterThan(myopic);
    // The planning-v2 value is the best of the three; planning-v1's leaves the beam out.
    expect(planningReference(env, measure, PLANNING_DEFAULTS, { width: 16 })).toEqual({ myopic, planning: beam, value: beam });
    expect(planningReference(env, measure, PLANNING_DEFAULTS).planning).toBe(rollout);
  });
});
