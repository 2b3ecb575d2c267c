/**
 * The agent's view of an episode: every value the harness gave the agent (each observation it
 * acted on, each transition it learned from) with its simulated delivery time. Causality can be
 * checked on it directly: nothing delivered at time t may depend on trace values after t, so two
 * scenarios whose traces agree up to T give identical entries up to T (`orchbench env log`,
 * `test/baselines/no-peeking.test.ts`). It sits beside the protocol because it shows each value as
 * the protocol sends it to an out-of-process agent.
 */
import type { Agent, Observation, Transition } from '../agent.ts';
import type { OrchestrationEnv, Phase } from '../env/env.ts';
import { observationJson as wireObservationJson } from './protocol.ts';
import { runEpisode } from '../env/episode.ts';
import type { Seed } from '../rng.ts';

/** A plain-JSON copy of an observation (typed arrays as arrays). */
export interface ObservationJson extends Omit<Observation, 'actionMask' | 'features'> {
  actionMask: number[];
  features: number[];
}

export type AgentLogEntry =
  | { phase: Phase; deliveredAtMs: number; kind: 'observation'; observation: ObservationJson; action: number }
  | { phase: Phase; deliveredAtMs: number; kind: 'transition'; transition: Omit<Transition, 'obs' | 'nextObs'> & { obs: ObservationJson } };

/** The observation as the submission protocol sends it (one serialiser for both). */
function observationJson(o: Observation): ObservationJson {
  return JSON.parse(wireObservationJson(o)) as ObservationJson;
}

export interface AgentLogOptions {
  /** Keep only entries delivered at or before this simulated time (ms since the phase start). */
  untilMs?: number;
  /** Decisions of the learning phase (default: the scenario's budget). */
  learningDecisions?: number;
  /** Decisions of the evaluation phase (default: the scenario's budget; 0 for none). */
  evaluationDecisions?: number;
}

/**
 * Runs `agent` through {@link runEpisode} on `env` and records what it was given, in delivery
 * order: an observation is delivered at its `timeMs`, a transition with the observation it
 * arrives with (`nextObs.timeMs`, at or after its completion).
 */
export function recordAgentLog(env: OrchestrationEnv, agent: Agent, seed: Seed, opts: AgentLogOptions = {}): AgentLogEntry[] {
  const entries: AgentLogEntry[] = [];
  const until = opts.untilMs ?? Infinity;
  let phase: Phase = 'learn';
  const logged: Agent = {
    name: agent.name,
    act(obs) {
      const action = agent.act(obs);
      if (obs.timeMs <= until) entries.push({ phase, deliveredAtMs: obs.timeMs, kind: 'observation', observation: observationJson(obs), action });
      return action;
    },
    learn(t) {
      if (t.nextObs.timeMs <= until) {
        const { obs, nextObs: _next, outcome, ...rest } = t;
        entries.push({ phase, deliveredAtMs: t.nextObs.timeMs, kind: 'transition', transition: { ...rest, outcome: { ...outcome }, obs: observationJson(obs) } });
      }
      agent.learn?.(t);
    },
    setMode(mode) {
      phase = mode === 'eval' ? 'eval' : 'learn';
      agent.setMode?.(mode);
    },
    ...(agent.stats ? { stats: () => agent.stats!() } : {}),
  };
  runEpisode(env, logged, seed, {
    ...(opts.learningDecisions !== undefined ? { learningDecisions: opts.learningDecisions } : {}),
    ...(opts.evaluationDecisions !== undefined ? { evaluationDecisions: opts.evaluationDecisions } : {}),
  });
  return entries;
}
