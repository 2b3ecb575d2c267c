/**
 * One timeline: the plug-in's estimate is the simulator's own timeline with estimated inputs
 * (present link rates, mean compute). Where the estimates equal the truth (fixed links, one
 * latency sample per model) it must equal the realised outcome exactly, background load on the
 * edge included: the old separate estimate took the background slowdown at the decision time,
 * the simulator where the request reaches the edge, and those differ on the decisions counted here.
 */
import { describe, expect, it } from 'vitest';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { PLUG_IN_INPUTS } from '../../harness/reference/index.ts';
import { A, fixtureScenario } from '../env/fixtures.ts';

describe('the plug-in estimate is the simulator timeline with estimated inputs', () => {
  it('equals the realised reward when estimates are exact, with the background slowdown where the request reaches the edge', () => {
    const s = fixtureScenario({ users: 3, rateHz: 4, periodic: false, edgeContention: 'queue', edgeCores: 1, learningDecisions: 300 });
    // A fast-changing background (a new level every 20 ms): the upload (~110 ms) crosses several.
    s.backgroundLoad = { id: 'test', description: 'test', stepMs: 20, meanPct: 50, sdPct: 20, phi: 0.5, minPct: 0, maxPct: 90, fittedTo: { repo: 'x/y', commit: '0', files: [] }, method: 'test' };
    const env = new OrchestrationEnv(s);
    let obs = env.reset(1, 'learn');
    let slowdownMoved = 0;
    for (let i = 0; i < 300; i++) {
      for (const a of [A.deviceSmall, A.edgeSmall, A.edgeBig, A.cloudSmall, A.cloudBig]) {
        expect(env.whatIf(a, PLUG_IN_INPUTS).reward).toBe(env.whatIf(a).reward);
      }
      const atDecision = 10 / (1 - obs.load.edgeBackgroundPct / 100);
      const r = env.step(A.edgeSmall);
      const o = env.lastDecision.outcome;
      // The edge's compute (one server, no queue wait counted in computeMs) is the slowdown where the request arrived.
      if (Math.abs(o.computeMs - atDecision) > 1e-9) slowdownMoved++;
      obs = r.obs;
      if (r.done) break;
    }
    // The decision-time slowdown (the old estimate) was wrong on most decisions.
    expect(slowdownMoved).toBeGreaterThan(100);
  });
});
