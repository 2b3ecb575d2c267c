/**
 * The myopic clairvoyant reference checked against its definition, written out here: each legal
 * action's score is its exact realised reward (loads as investments in the residency variants)
 * minus the variant's battery price of its device energy (the projection rule: the long-run price
 * once the user's battery is projected to run empty before the phase ends, from this phase's
 * decisions alone) minus its eviction price; it takes the best score, lowest index on ties. The
 * variants and the reference value (the best variant in hindsight) are checked by hand too.
 */
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../harness/agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { clairvoyantVariants, createClairvoyant, MYOPIC, myopicReference, type ClairvoyantPrices } from '../../harness/reference/myopic.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { fixtureScenario } from '../env/fixtures.ts';

/** Relative agreement of two scores computed in a different order. */
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

describe('myopic clairvoyant', () => {
  // The last: a scenario that weights energy in the reward too, so a reload's cost has both parts.
  const cases: [string, ClairvoyantPrices][] = [
    ['lte-driving-4u-battery-v3', MYOPIC],
    ['lte-driving-4u-battery-v3', { energyPriceScale: 0.25, asIfResident: true, evictionPriceScale: 4 }],
    ['lte-driving-4u-battery-v3', { energyPriceScale: null, asIfResident: true, evictionPriceScale: 1 }],
    ['lte-driving-16u-battery-deadlines-v3', { energyPriceScale: null, asIfResident: true, evictionPriceScale: 4 }],
  ];
  for (const [id, prices] of cases) {
    it(`scores and chooses by its definition (${id}, ${JSON.stringify(prices)}), two phases in a row`, async () => {
      const env = new OrchestrationEnv(await loadScenario(id, { variant: 'testing' }));
      const battery = env.batteryReadout!;
      const residency = env.residencyReadout!;
      const { reward: r, tiers } = env.scenario.spec;
      if (id.includes('16u')) expect(r.energyWeightPerJ).toBeGreaterThan(0);
      const users = env.spec.users;
      const agent = createClairvoyant(env, prices);
      expect(agent.name).toBe('clairvoyant');
      let priced = 0;
      let unpriced = 0;
      let evicting = 0;
      for (const phase of ['learn', 'eval'] as const) {
        // The projection reads this phase's decisions only.
        const decisions = new Array<number>(users).fill(0);
        const energyMj = new Array<number>(users).fill(0);
        let obs: Observation = env.reset(3, phase);
        for (let done = false; !done; ) {
          const chosen = agent.act(obs);
          const u = obs.userId;
          let price: number;
          if (prices.energyPriceScale !== null) price = prices.energyPriceScale * battery.shadowPricePerMj;
          else if (decisions[u] === 0) price = 0;
          else price = (energyMj[u]! / decisions[u]!) * ((env.phaseBudget - env.decisionCount) / users) > battery.committedMj(u) ? battery.shadowPricePerMj : 0;
          if (prices.energyPriceScale === null) (price > 0 ? priced++ : unpriced++);
          let best = -1;
          let bestScore = -Infinity;
          for (let a = 0; a < obs.actionMask.length; a++) {
            if (obs.actionMask[a] === 0) continue;
            const w = env.whatIf(a, { resident: prices.asIfResident });
            const evictedMs = residency.evictedLoadMs(u, a);
            if (evictedMs > 0) evicting++;
            const loadCost = evictedMs * 1e-3 * (r.latencyWeightPerS + r.energyWeightPerJ * tiers.device.power.busyPowerW);
            const expected = w.reward - price * w.deviceEnergyMj - prices.evictionPriceScale * loadCost;
            const score = agent.score(a);
            expect(close(score, expected), `decision ${env.decisionCount} action ${a}: ${score} vs ${expected}`).toBe(true);
            if (score > bestScore) [best, bestScore] = [a, score];
          }
          expect(chosen).toBe(best);
          const step = env.step(chosen);
          decisions[u]!++;
          energyMj[u] = energyMj[u]! + env.lastDecision.outcome.deviceEnergyMj;
          obs = step.obs;
          done = step.done;
        }
      }
      // Positive controls: the projection priced the battery on some decisions and not on others,
      // and where evictions are priced, some action would have evicted a model.
      if (prices.energyPriceScale === null) {
        expect(priced).toBeGreaterThan(0);
        expect(unpriced).toBeGreaterThan(0);
      }
      if (prices.evictionPriceScale > 0) expect(evicting).toBeGreaterThan(0);
    });
  }
});

describe('clairvoyant variants and the reference value', () => {
  it('are the projection rule alone without a battery or residency, and every price x residency pair with both', async () => {
    expect(clairvoyantVariants(new OrchestrationEnv(fixtureScenario()))).toEqual([MYOPIC]);
    const env = new OrchestrationEnv(await loadScenario('lte-driving-4u-battery-v3', { variant: 'testing' }));
    const residency = [{ asIfResident: false, evictionPriceScale: 0 }, { asIfResident: true, evictionPriceScale: 0 }, { asIfResident: true, evictionPriceScale: 1 }, { asIfResident: true, evictionPriceScale: 4 }];
    expect(clairvoyantVariants(env)).toEqual([null, 0.25, 0.5, 1, 2, 4, 8, 16].flatMap((energyPriceScale) => residency.map((r) => ({ energyPriceScale, ...r }))));
  });

  it('the reference value is the best variant in hindsight, each measured once with a clairvoyant agent', async () => {
    const env = new OrchestrationEnv(await loadScenario('lte-driving-4u-battery-v3', { variant: 'testing' }));
    // A made-up measure: the variant's position, scrambled, so the best is neither the first nor the last.
    const values = clairvoyantVariants(env).map((_, i) => ((i * 7) % 32) - 10);
    let calls = 0;
    const value = myopicReference(env, (agent) => {
      expect(agent.name).toBe('clairvoyant');
      return values[calls++]!;
    });
    expect(calls).toBe(32);
    expect(value).toBe(21);
  });
});
