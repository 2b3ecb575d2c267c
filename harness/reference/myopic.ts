/**
 * The myopic clairvoyant reference (the 1 of the `clairvoyant-v3` scale, and the policy the
 * planning reference rolls forward): for each request it simulates every legal action exactly
 * (`env.whatIf`: the request's true compute draw, the true future link rates of its own
 * transfers, the current queues) and takes the best realised reward. It knows this request's
 * future, not future arrivals, and plans nothing ahead: not the queueing its choice causes later
 * requests, not battery use over the phase, not residency beyond its eviction prices, not the
 * radio tail an offload opens beyond its connected-radio variants.
 *
 * With a battery it prices the request's device energy at the battery's long-run cost (one
 * empty-battery penalty per initial charge) when the user's battery is projected to run empty
 * before the phase ends (its committed charge below its mean energy per request so far in this
 * phase x the phase's remaining decisions / users), so it does not spend the battery for free;
 * its variants price energy at fixed multiples of that cost, and with residency score loads as
 * investments and price evictions, and with a radio tail score offloads as if the radio were
 * connected (the tail an offload opens shared by later offloads), and with charging windows
 * price a request's device energy at 0 when it completes while its device is plugged in (the
 * charger pays for it; the variant knows the request's completion time, as every variant does, and
 * the charger's state then, which the observation's `chargeInS` also tells an agent). No variant
 * knows what a joule saved now is worth at the next plug-in (a full battery is topped up anyway):
 * that is the planning the charging windows ask for. The reference VALUE of a phase on this scale is the best of the
 * variants chosen in hindsight on that phase ({@link myopicReference}): with a battery, the
 * projection rule alone was beaten by a learned policy.
 */
import type { Agent, Observation } from '../agent.ts';
import type { OrchestrationEnv } from '../env/env.ts';
import { bestAction } from './legal.ts';

/** How a clairvoyant variant prices battery energy and model residency. */
export interface ClairvoyantPrices {
  /** Null: the projection rule; a number: that multiple of the battery's long-run price. */
  energyPriceScale: number | null;
  /** Score device actions as if their model were resident (a load serves later requests too). */
  asIfResident: boolean;
  /** Multiple of the evicted model's reload cost (0: evictions are free). */
  evictionPriceScale: number;
  /** Score offloads as if the radio were connected (a tail serves later offloads too; `WhatIfInputs.connected`). */
  asIfConnected?: boolean;
  /** With charging windows: device energy of a request that completes while its device is plugged in priced at 0 (it comes from the charger). */
  freeWhilePlugged?: boolean;
}

/** Unpriced: the best realised reward, loads paid, evictions free. */
export const UNPRICED: ClairvoyantPrices = { energyPriceScale: 0, asIfResident: false, evictionPriceScale: 0 };

/**
 * A variant's prices with a fixed energy price (the projection rule reads the phase's history,
 * which a planner's private copy of the simulator does not have: it plans at the long-run price instead).
 */
export function fixedPrices(p: ClairvoyantPrices): ClairvoyantPrices {
  return p.energyPriceScale === null ? { ...p, energyPriceScale: 1 } : p;
}

/** The clairvoyant policy, with its score of each action of the request it last acted on. */
export interface ClairvoyantAgent extends Agent {
  /** The reward of `action` on the pending request minus the variant's prices (after {@link Agent.act} on it). */
  score(action: number): number;
}

/** The projection rule, loads paid, evictions free. */
export const MYOPIC: ClairvoyantPrices = { energyPriceScale: null, asIfResident: false, evictionPriceScale: 0 };

/** The residency variants: myopic, and loads as investments with evictions priced at 0, 1 and 4 reloads. */
const RESIDENCY_VARIANTS = [{ asIfResident: false, evictionPriceScale: 0 }, ...[0, 1, 4].map((evictionPriceScale) => ({ asIfResident: true, evictionPriceScale }))];

/**
 * The clairvoyant policy with these prices (privileged: it reads `env`, and always decides for
 * its pending request). It counts each user's decisions and device energy in the phase itself
 * (from `env.lastDecision`), for the battery projection.
 */
export function createClairvoyant(env: OrchestrationEnv, prices: ClairvoyantPrices = MYOPIC): ClairvoyantAgent {
  const users = env.spec.users;
  const decisions = new Float64Array(users);
  const energyMj = new Float64Array(users);
  const battery = env.batteryReadout;
  const residency = env.residencyReadout;
  const charging = prices.freeWhilePlugged === true ? env.chargingReadout : null;
  const inputs = { resident: prices.asIfResident, connected: prices.asIfConnected === true };
  const r = env.scenario.spec.reward;
  // The reward a model load of `loadMs` costs by itself: its time, and its energy at the device's busy power.
  const loadCost = (loadMs: number): number => loadMs * 1e-3 * (r.latencyWeightPerS + r.energyWeightPerJ * env.scenario.spec.tiers.device.power.busyPowerW);
  let user = 0;
  let nowMs = 0;
  const pricePerMj = (): number => {
    if (!battery) return 0;
    if (prices.energyPriceScale !== null) return prices.energyPriceScale * battery.shadowPricePerMj;
    const n = decisions[user]!;
    if (n === 0) return 0;
    const needMj = (energyMj[user]! / n) * ((env.phaseBudget - env.decisionCount) / users);
    return needMj > battery.committedMj(user) ? battery.shadowPricePerMj : 0;
  };
  const score = (a: number): number => {
    const w = env.whatIf(a, inputs);
    const fromCharger = charging !== null && charging.isPlugged(user, nowMs + w.latencyMs);
    const reward = fromCharger ? w.reward : w.reward - pricePerMj() * w.deviceEnergyMj;
    return prices.evictionPriceScale === 0 || !residency ? reward : reward - prices.evictionPriceScale * loadCost(residency.evictedLoadMs(user, a));
  };
  return {
    name: 'clairvoyant',
    score,
    act(obs: Observation): number {
      if (env.decisionCount === 0) {
        decisions.fill(0);
        energyMj.fill(0);
      } else {
        // The previous decision (this policy's) has been stepped: count it for its user.
        decisions[user]!++;
        energyMj[user] = energyMj[user]! + env.lastDecision.outcome.deviceEnergyMj;
      }
      user = obs.userId;
      nowMs = obs.timeMs;
      return bestAction(env, score);
    },
  };
}

/**
 * The price variants for the reference value: with a battery, a per-request policy can spend the
 * battery too fast or too slowly, and a learned policy beat the projection rule on two battery
 * scenarios (by 3-9% of the normalised scale on every seed). The reference value of a phase is the
 * best of these variants on that phase, chosen in hindsight on the same segment: it knows the
 * segment's outcome under each price, which no agent can.
 */
export function clairvoyantVariants(env: OrchestrationEnv): ClairvoyantPrices[] {
  const energy = env.batteryReadout ? [null, 0.25, 0.5, 1, 2, 4, 8, 16] : [null];
  const residency = env.residencyReadout ? RESIDENCY_VARIANTS : [RESIDENCY_VARIANTS[0]!];
  const prices = energy.flatMap((energyPriceScale) => residency.map((r) => ({ energyPriceScale, ...r })));
  // With a radio tail, each also as if connected: an offload's tail counted as an investment.
  const radio = env.scenario.spec.tiers.device.radio ? prices.flatMap((p) => [p, { ...p, asIfConnected: true }]) : prices;
  // With charging windows, each also with energy from the charger priced at 0.
  return env.chargingReadout ? radio.flatMap((p) => [p, { ...p, freeWhilePlugged: true }]) : radio;
}

/**
 * The `clairvoyant-v3` reference value of a quantity measured by running a policy (e.g. a phase's
 * mean reward): the best over {@link clairvoyantVariants}.
 */
export function myopicReference(env: OrchestrationEnv, measure: (agent: Agent) => number): number {
  let best = -Infinity;
  for (const prices of clairvoyantVariants(env)) best = Math.max(best, measure(createClairvoyant(env, prices)));
  return best;
}
