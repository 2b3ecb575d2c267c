/**
 * Charging-window probe (issue 20, docs/scenario-design.md): on one design file, the evaluation
 * phase of random, the best myopic variant (chosen in hindsight), the planning policy with its
 * prices, and a charge-aware myopic policy that prices battery energy (at a multiple of the
 * battery's long-run price) only when the user's charge will not last until its next plug-in at
 * the phase's mean energy per decision so far, and never for a request completing plugged in
 * (otherwise scoring actions as the best myopic variant does).
 * Prints each one's mean reward, empty-battery penalties, local decisions and device energy, and
 * for the charge-aware policy how many decisions it priced: whether a price that follows the
 * charging schedule changes any decision. References and non-learners only.
 *
 *   node --import tsx bench/charging-probe.ts FILE [--seed 201] [--h 8,32]
 */
import { parseArgs } from 'node:util';
import type { Agent, Observation } from '../harness/agent.ts';
import { OrchestrationEnv } from '../harness/env/env.ts';
import { evaluatePolicy } from '../harness/env/episode.ts';
import { rewardOf } from '../harness/env/reward.ts';
import { clairvoyantVariants, createClairvoyant, createRandomAgent, type ClairvoyantPrices } from '../harness/reference/index.ts';
import { createPlanner } from '../harness/reference/planning.ts';
import { deriveSeed } from '../harness/rng.ts';
import { loadScenario } from '../harness/scenario/load.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { seed: { type: 'string', default: '201' }, h: { type: 'string', default: '8,32' } } });
const seed = Number(values.seed);
const scenario = await loadScenario(positionals[0]!, { variant: 'testing' });
const env = new OrchestrationEnv(scenario);
const batteryOrNull = env.batteryReadout;
const chargingOrNull = env.chargingReadout;
if (!batteryOrNull || !chargingOrNull) throw new Error(`${positionals[0]}: the probe needs tiers.device.battery.charging`);
const battery = batteryOrNull;
const charging = chargingOrNull;
const arrival = scenario.spec.users.arrival;
const cap = env.spec.evaluationDecisions;

/** Runs `agent` on the evaluation phase and prints its row (with `priced[0]`, the decisions it priced, when given). */
function row(name: string, agent: Agent, priced?: number[]): void {
  let empties = 0;
  let local = 0;
  const counted: Agent = { name, act: (o: Observation) => {
    const a = agent.act(o);
    if (scenario.actions[a]!.tier === 'device') local++;
    return a;
  } };
  const s = evaluatePolicy(env, counted, seed, cap, (o) => {
    // The empty-battery penalty is what the recorded reward lacks of the scenario's reward.
    if (env.lastDecision.reward < rewardOf(scenario.spec.reward, o.latencyMs, o.deviceEnergyMj, o.accuracyViolation, o.deadlineMiss)) empties++;
  });
  console.log(`| ${name} | ${s.meanReward.toFixed(4)} | ${empties} | ${local} | ${(s.meanDeviceEnergyMj / 1000).toFixed(3)} | ${priced ? priced[0] : ''} |`);
}

/**
 * The charge-aware myopic policy: the myopic variant `like` (its residency, eviction and radio
 * scoring) with energy from the charger free, and its battery energy priced at `scale` x the
 * long-run price when the charge will not last until the next plug-in, else at 0. Counts the
 * decisions it priced in `priced[0]`.
 */
function chargeAware(scale: number, like: ClairvoyantPrices, priced: number[]): Agent {
  const rateHz = arrival.rateHz / scenario.spec.users.count;
  const dear = createClairvoyant(env, { ...like, energyPriceScale: scale, freeWhilePlugged: true });
  const cheap = createClairvoyant(env, { ...like, energyPriceScale: 0, freeWhilePlugged: true });
  let n = 0;
  let energyMj = 0;
  return { name: 'charge-aware', act(o: Observation): number {
    if (env.decisionCount === 0) [n, energyMj] = [0, 0];
    else [n, energyMj] = [n + 1, energyMj + env.lastDecision.outcome.deviceEnergyMj];
    const needMj = n > 0 ? (energyMj / n) * rateHz * (o.user.chargeInS ?? 0) : 0;
    const a = dear.act(o);
    const b = cheap.act(o);
    if (battery.committedMj(o.userId) >= needMj) return b;
    priced[0]!++;
    return a;
  } };
}

console.log(`charging probe: ${scenario.id}, testing variant, evaluation phase, seed ${seed}`);
console.log('| policy | mean reward | empty-battery penalties | local decisions | device energy per decision (J) | priced decisions |');
console.log('|---|---|---|---|---|---|');
row('random', createRandomAgent(deriveSeed(seed, scenario.id, 'random-reference')));
let best: ClairvoyantPrices = clairvoyantVariants(env)[0]!;
let bestReward = -Infinity;
for (const p of clairvoyantVariants(env)) {
  const r = evaluatePolicy(env, createClairvoyant(env, p), seed, cap).meanReward;
  if (r > bestReward) [bestReward, best] = [r, p];
}
row(`myopic, best variant ${JSON.stringify(best)}`, createClairvoyant(env, best));
for (const h of values.h!.split(',').map(Number)) row(`planning H ${h} k 3`, createPlanner(env, { horizon: h, candidates: 3 }, best));
for (const scale of [0.5, 1, 2, 4, 8]) {
  const priced = [0];
  row(`charge-aware x${scale}`, chargeAware(scale, best, priced), priced);
}
