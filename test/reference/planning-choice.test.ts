/**
 * The planning reference's choice checked against its definition, written out here: rank the
 * legal actions by the myopic variant's priced score (stable: index order on ties), and for each
 * of the best `candidates`, on a copy of the simulator, apply it and roll the variant's myopic
 * policy forward `horizon` decisions; take the candidate with the best total of rewards less the
 * battery price of device energy (the first on ties). A variant with the projection rule plans at
 * the battery's long-run price.
 */
import { describe, expect, it } from 'vitest';
import type { Agent, Observation } from '../../harness/agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { createClairvoyant, MYOPIC, type ClairvoyantPrices } from '../../harness/reference/myopic.ts';
import { createPlanner, PLANNING_DEFAULTS, planningReference, type PlanningOptions } from '../../harness/reference/planning.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { fixedLink, fixtureScenario } from '../env/fixtures.ts';

/** The planner's choice on `env`'s pending request, by the definition above. */
function planByHand(env: OrchestrationEnv, ranker: ReturnType<typeof createClairvoyant>, obs: Observation, opts: PlanningOptions, prices: ClairvoyantPrices): number {
  ranker.act(obs);
  const legal = [...obs.actionMask.keys()].filter((a) => obs.actionMask[a] === 1);
  const order = legal.map((a) => ({ a, s: ranker.score(a) })).sort((x, y) => y.s - x.s || x.a - y.a).map((x) => x.a);
  const k = Math.min(opts.candidates, order.length);
  const battery = env.batteryReadout;
  const price = battery ? prices.energyPriceScale! * battery.shadowPricePerMj : 0;
  let best = order[0]!;
  let bestTotal = -Infinity;
  for (const a of order.slice(0, opts.horizon === 0 ? 1 : k)) {
    const sim = new OrchestrationEnv(env.scenario);
    sim.restore(env.snapshot());
    const policy = createClairvoyant(sim, prices);
    let total = 0;
    let r = sim.step(a);
    for (let h = 0; ; h++) {
      total += sim.lastDecision.reward - price * sim.lastDecision.outcome.deviceEnergyMj;
      if (h === opts.horizon || r.done) break;
      r = sim.step(policy.act(r.obs));
    }
    if (total > bestTotal) [best, bestTotal] = [a, total];
  }
  return best;
}

/** Steps a planner through `decisions` of the learning phase, checking each choice by hand; returns how many differed from the myopic ranking's first. */
function checkChoices(env: OrchestrationEnv, planner: Agent, opts: PlanningOptions, prices: ClairvoyantPrices, decisions: number): number {
  const planned = prices.energyPriceScale === null ? { ...prices, energyPriceScale: 1 } : prices;
  const ranker = createClairvoyant(env, planned);
  let obs = env.reset(4, 'learn');
  let notMyopic = 0;
  for (let i = 0; i < decisions; i++) {
    const expected = planByHand(env, ranker, obs, opts, planned);
    const chosen = planner.act(obs);
    expect(chosen, `decision ${i}`).toBe(expected);
    const legal = [...obs.actionMask.keys()].filter((a) => obs.actionMask[a] === 1);
    if (chosen !== legal.reduce((b, a) => (ranker.score(a) > ranker.score(b) ? a : b))) notMyopic++;
    const r = env.step(chosen);
    if (r.done) break;
    obs = r.obs;
  }
  return notMyopic;
}

describe('planning reference, by hand', () => {
  it('unpriced (the default) on a queueing scenario: plans past the myopic choice', () => {
    const env = new OrchestrationEnv(fixtureScenario({ users: 3, rateHz: 4, periodic: false, edgeCores: 1, wan: fixedLink(10, 10), edgeSamplesMs: [60], deviceSamplesMs: [200] }));
    const planner = createPlanner(env);
    expect(planner.name).toBe('planning');
    const unpriced = { energyPriceScale: 0, asIfResident: false, evictionPriceScale: 0 };
    // Positive control: some choices are not the myopic one (the look-ahead decides).
    expect(checkChoices(env, planner, PLANNING_DEFAULTS, unpriced, 120)).toBeGreaterThan(0);
  });

  it.each([
    ['the projection rule (planned at the long-run price)', MYOPIC, { horizon: 3, candidates: 2 }],
    ['a fixed price with residency', { energyPriceScale: 4, asIfResident: true, evictionPriceScale: 1 }, { horizon: 2, candidates: 4 }],
  ] as const)('with a battery, %s', async (_what, prices, opts) => {
    const env = new OrchestrationEnv(await loadScenario('lte-driving-4u-battery-v3', { variant: 'testing' }));
    checkChoices(env, createPlanner(env, opts, prices), opts, prices, 80);
  });

  it('with every legal action a candidate', () => {
    const env = new OrchestrationEnv(fixtureScenario({ users: 3, rateHz: 4, periodic: false, edgeCores: 1, wan: fixedLink(10, 10), edgeSamplesMs: [60], deviceSamplesMs: [200] }));
    const opts = { horizon: 2, candidates: 6 };
    checkChoices(env, createPlanner(env, opts), opts, { energyPriceScale: 0, asIfResident: false, evictionPriceScale: 0 }, 60);
  });

  it('with the projection rule, plans at the long-run price over a whole episode; with no look-ahead it is the myopic variant', async () => {
    const env = new OrchestrationEnv(await loadScenario('lte-driving-4u-battery-v3', { variant: 'testing' }));
    const opts = { horizon: 1, candidates: 2 };
    const log = (agent: Agent): string => runEpisode(env, agent, 6, { learningDecisions: 1500, evaluationDecisions: 0 }).logSha256;
    const longRun = log(createPlanner(env, opts, { ...MYOPIC, energyPriceScale: 1 }));
    expect(log(createPlanner(env, opts, MYOPIC))).toBe(longRun);
    // Positive control: the price changes the plan.
    expect(log(createPlanner(env, opts, { ...MYOPIC, energyPriceScale: 0 }))).not.toBe(longRun);
    // No look-ahead: the variant's own choice, even where its score prices evictions the step does not.
    const variant = { energyPriceScale: 1, asIfResident: true, evictionPriceScale: 4 };
    expect(log(createPlanner(env, { horizon: 0, candidates: 4 }, variant))).toBe(log(createClairvoyant(env, variant)));
  });

  it('rejects a horizon or candidate count that is not an integer', () => {
    const env = new OrchestrationEnv(fixtureScenario());
    expect(() => createPlanner(env, { horizon: 1.5, candidates: 3 })).toThrow('planning reference: horizon must be an integer >= 0 and candidates an integer >= 1 (got horizon 1.5, candidates 3)');
    expect(() => createPlanner(env, { horizon: 2, candidates: 2.5 })).toThrow(/got horizon 2, candidates 2\.5/);
    expect(() => createPlanner(env, { horizon: 0, candidates: 1 })).not.toThrow();
  });

  it('the planning-v1 value plans with the best myopic variant\'s prices and takes the better of the two', async () => {
    const env = new OrchestrationEnv(await loadScenario('lte-driving-4u-battery-v3', { variant: 'testing' }));
    const opts = { horizon: 1, candidates: 2 };
    // A made-up measure: variant 5 is the best myopic one; the planner is measured by its choices.
    const choices = (agent: Agent): string => {
      let obs = env.reset(2, 'learn');
      const out: number[] = [];
      for (let i = 0; i < 40; i++) {
        out.push(agent.act(obs));
        obs = env.step(out.at(-1)!).obs;
      }
      return out.join('');
    };
    const planned = new Map<number, string>();
    let calls = 0;
    const measure = (agent: Agent): number => {
      if (agent.name !== 'planning') return calls++ === 5 ? 50 : calls;
      planned.set(100, choices(agent));
      return 100;
    };
    expect(planningReference(env, measure, opts)).toEqual({ myopic: 50, planning: 100, value: 100 });
    expect(calls).toBe(32);
    const best = { energyPriceScale: 0.25, asIfResident: true, evictionPriceScale: 0 };
    expect(planned.get(100)).toBe(choices(createPlanner(env, opts, best)));
    // Positive control: planning with the first variant's prices chooses otherwise.
    expect(choices(createPlanner(env, opts, MYOPIC))).not.toBe(planned.get(100));
    // Of two variants equally good in hindsight, the first is planned with.
    calls = 0;
    expect(planningReference(env, (agent) => (agent.name === 'planning' ? (planned.set(200, choices(agent)), 0) : [5, 9].includes(calls++) ? 50 : 1), opts).myopic).toBe(50);
    const ninth = { energyPriceScale: 0.5, asIfResident: true, evictionPriceScale: 0 };
    expect(planned.get(200)).toBe(planned.get(100));
    expect(choices(createPlanner(env, opts, ninth))).not.toBe(planned.get(100));
    // The myopic value wins when it is the larger.
    expect(planningReference(env, (agent) => (agent.name === 'planning' ? -1 : 7), opts)).toEqual({ myopic: 7, planning: -1, value: 7 });
  });
});
