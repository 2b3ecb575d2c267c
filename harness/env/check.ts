/**
 * `checkEnv`, like Gymnasium's `check_env`: runs a scenario's environment twice side by side and
 * checks determinism and the observation contract. Use it on any new scenario before a run.
 */
import type { Observation, Outcome, Transition } from '../agent.ts';
import { deriveRng } from '../rng.ts';
import type { CompiledScenario } from '../scenario/compiled.ts';
import { OrchestrationEnv, type Phase } from './env.ts';
import { scenarioFeatures } from './features.ts';

export interface CheckEnvReport {
  scenarioId: string;
  /** Decisions stepped per phase in each of the two environments. */
  decisionsPerPhase: Record<Phase, number>;
  actions: number;
  features: number;
}

export interface CheckEnvOptions {
  seed?: number;
  /** Decisions per phase (default 300, or the phase budget when smaller). */
  decisions?: number;
}

/** Everything an observation carries, as one comparable string. */
function describeObservation(o: Observation): string {
  return JSON.stringify([o.timeMs, o.userId, o.request, o.link, o.load, o.inFlight, o.user, Array.from(o.actionMask), Array.from(o.features)]);
}

function describeOutcome(o: Outcome, reward: number): string {
  return JSON.stringify([o, reward]);
}

/** Problems with one observation's shape and bounds ([] when it is fine). */
export function observationProblems(o: Observation, env: OrchestrationEnv): string[] {
  const p: string[] = [];
  const { spec } = env;
  const probeMs = env.scenario.spec.observation.probeIntervalMs;
  if (o.actionMask.length !== spec.actions.length) p.push(`actionMask has length ${o.actionMask.length}, expected ${spec.actions.length} (one per action)`);
  if (!o.actionMask.some((m) => m === 1)) p.push('actionMask allows no action');
  if (o.actionMask.some((m) => m !== 0 && m !== 1)) p.push('actionMask holds values other than 0 and 1');
  if (o.features.length !== spec.features.length) p.push(`features has length ${o.features.length}, expected ${spec.features.length}`);
  spec.features.forEach((f, i) => {
    const v = o.features[i]!;
    if (!(v >= f.min && v <= f.max)) p.push(`feature ${i} (${f.name}) = ${v}, outside [${f.min}, ${f.max}]`);
  });
  const numbers: [string, number][] = [
    ['timeMs', o.timeMs], ['request.inputKb', o.request.inputKb], ['request.accuracyRequirementTop1Pct', o.request.accuracyRequirementTop1Pct],
    ['link.uplinkMbps', o.link.uplinkMbps], ['link.downlinkMbps', o.link.downlinkMbps], ['link.rttMs', o.link.rttMs], ['link.ageMs', o.link.ageMs],
    ['load.edgeInSystem', o.load.edgeInSystem], ['load.edgeBackgroundPct', o.load.edgeBackgroundPct], ['load.cloudInSystem', o.load.cloudInSystem],
    ['inFlight.device', o.inFlight.device], ['inFlight.edge', o.inFlight.edge], ['inFlight.cloud', o.inFlight.cloud],
    ['user.deviceBacklog', o.user.deviceBacklog], ['user.inFlight', o.user.inFlight], ['user.batterySoc', o.user.batterySoc], ['user.radioTailMs', o.user.radioTailMs],
  ];
  if (o.user.chargeInS !== null) numbers.push(['user.chargeInS', o.user.chargeInS]);
  for (const [name, v] of numbers) if (!(Number.isFinite(v) && v >= 0)) p.push(`${name} = ${v}, expected a finite number >= 0`);
  if (probeMs > 0 && o.link.ageMs >= probeMs) p.push(`link.ageMs = ${o.link.ageMs}, expected < probeIntervalMs (${probeMs})`);
  if (!(Number.isInteger(o.userId) && o.userId >= 0 && o.userId < spec.users)) p.push(`userId = ${o.userId}, expected an integer in [0, ${spec.users})`);
  return p;
}

function describeFeedback(ts: readonly Transition[]): string {
  return JSON.stringify(ts.map((t) => [t.action, t.reward, t.outcome, t.decidedAtMs, t.completedAtMs, describeObservation(t.obs)]));
}

/**
 * Causality of the delivered transitions: each one completed at or before the observation it is
 * delivered with, its decision time is its observation's time, and none arrives in evaluation.
 */
function feedbackProblems(ts: readonly Transition[], next: Observation, phase: Phase): string[] {
  const p: string[] = [];
  if (phase === 'eval' && ts.length > 0) p.push(`${ts.length} transitions delivered in the evaluation phase (no learning there)`);
  for (const t of ts) {
    if (t.completedAtMs > next.timeMs) p.push(`a transition completed at ${t.completedAtMs} ms was delivered with the observation at ${next.timeMs} ms (from the future)`);
    if (t.decidedAtMs !== t.obs.timeMs) p.push(`transition decidedAtMs ${t.decidedAtMs} differs from its observation's timeMs ${t.obs.timeMs}`);
    if (t.nextObs !== next) p.push('transition nextObs is not the observation it was delivered with');
  }
  return p;
}

/** Problems with one outcome ([] when it is fine). */
function outcomeProblems(o: Outcome, reward: number): string[] {
  const p: string[] = [];
  const parts = o.uploadMs + o.queueMs + o.computeMs + o.downloadMs;
  for (const [name, v] of Object.entries(o)) if (typeof v === 'number' && !(Number.isFinite(v) && v >= 0)) p.push(`outcome.${name} = ${v}, expected a finite number >= 0`);
  if (Math.abs(parts - o.latencyMs) > 1e-9 * Math.max(1, o.latencyMs)) p.push(`outcome.latencyMs = ${o.latencyMs} is not upload + queue + compute + download = ${parts}`);
  if (!Number.isFinite(reward)) p.push(`reward = ${reward}, expected a finite number`);
  return p;
}

/**
 * Checks a scenario's environment: two environments reset with the same seed give the same
 * observations (also after a second reset), the same seed and actions give identical outcomes
 * and rewards, and every observation matches the documented shape and bounds (mask length =
 * actions, features within [min, max], no NaN); feedback is causal (every transition is delivered
 * with an observation at or after its completion, none in evaluation) and identical in both. Actions are drawn uniformly over the unmasked
 * ones from a seeded stream. Throws an Error naming the scenario, phase, decision and problem.
 */
export function checkEnv(scenario: CompiledScenario, opts: CheckEnvOptions = {}): CheckEnvReport {
  const seed = opts.seed ?? 1;
  const a = new OrchestrationEnv(scenario);
  const b = new OrchestrationEnv(scenario);
  const decisionsPerPhase: Record<Phase, number> = { learn: 0, eval: 0 };
  const fail = (phase: Phase, i: number, what: string): never => {
    throw new Error(`checkEnv(${scenario.id}): ${phase} phase, decision ${i}: ${what}`);
  };
  const features = scenarioFeatures(scenario.spec.tiers.device.radio !== undefined, scenario.spec.tiers.device.battery?.charging !== undefined);
  if (a.spec.features.length !== features.length) fail('learn', 0, `spec.features has ${a.spec.features.length} entries, expected ${features.length}`);
  for (const phase of ['learn', 'eval'] as const) {
    const first = describeObservation(a.reset(seed, phase));
    let obsA = a.reset(seed, phase);
    let obsB = b.reset(seed, phase);
    if (describeObservation(obsA) !== first) fail(phase, 0, 'resetting twice with the same seed gave different first observations');
    const rng = deriveRng(seed, 'checkEnv', phase);
    const budget = phase === 'learn' ? a.spec.learningDecisions : a.spec.evaluationDecisions;
    const n = Math.min(opts.decisions ?? 300, budget);
    let lastTimeMs = 0;
    for (let i = 0; i < n; i++) {
      const sa = describeObservation(obsA);
      if (sa !== describeObservation(obsB)) fail(phase, i, `same seed, same actions, different observations:\n  ${sa}\n  ${describeObservation(obsB)}`);
      const problems = observationProblems(obsA, a);
      if (problems.length > 0) fail(phase, i, problems.join('; '));
      if (obsA.timeMs < lastTimeMs) fail(phase, i, `timeMs went back from ${lastTimeMs} to ${obsA.timeMs}`);
      lastTimeMs = obsA.timeMs;
      const legal = obsA.actionMask.reduce((s, m) => s + m, 0);
      let k = rng.int(legal);
      const action = obsA.actionMask.findIndex((m) => m === 1 && k-- === 0);
      const ra = a.step(action);
      const outA = describeOutcome(a.lastDecision.outcome, a.lastDecision.reward);
      const fbA = describeFeedback(ra.feedback);
      const doneA = ra.done;
      obsA = ra.obs;
      const rb = b.step(action);
      const db = b.lastDecision;
      if (outA !== describeOutcome(db.outcome, db.reward)) fail(phase, i, `same seed, same actions, different outcomes:\n  ${outA}\n  ${describeOutcome(db.outcome, db.reward)}`);
      if (fbA !== describeFeedback(rb.feedback)) fail(phase, i, `same seed, same actions, different feedback:\n  ${fbA}\n  ${describeFeedback(rb.feedback)}`);
      const bad = [...outcomeProblems(db.outcome, db.reward), ...feedbackProblems(rb.feedback, rb.obs, phase)];
      if (db.completedAtMs < db.decidedAtMs) bad.push(`completedAtMs ${db.completedAtMs} is before decidedAtMs ${db.decidedAtMs}`);
      if (bad.length > 0) fail(phase, i, bad.join('; '));
      if (doneA !== rb.done) fail(phase, i, 'the two environments disagree on done');
      obsB = rb.obs;
      decisionsPerPhase[phase] = i + 1;
      if (doneA) break;
    }
  }
  return { scenarioId: scenario.id, decisionsPerPhase, actions: a.spec.actions.length, features: a.spec.features.length };
}
