/**
 * dqn-v4: the DQN of `dqn.ts`, unchanged (same network, replay, target network, exploration,
 * hyperparameters and random streams), given every field of the observation that the Hybrid
 * Learner `hybrid-v4` reads (`hybrid/encoding.ts`), so that the two learners of the v4 experiment
 * see the same information (issue 21: "both learners read every feature of the observation").
 *
 * `dqn` reads `Observation.features` only, which leaves out two fields that decide costs:
 * - `user.resident`: per action, 1 when it runs on this user's device and its model is resident
 *   there (no load time); residency decides the cost of a device action;
 * - `inFlight.device`: the orchestrator's own requests in flight on devices (every user's).
 * dqn-v4 appends them to the feature vector and to the `EnvSpec.features` its DQN is built on, as
 * documented features with bounds (see {@link extendedSpec}), and runs `dqn.ts`'s agent on that
 * spec. Whatever a scenario appends to the feature vector (`radioTailS` with a radio model,
 * `chargeInPeriods` and `charging` with charging windows) is already in `obs.features` and reaches
 * the network in spec order, as it does for `dqn`.
 *
 * The agent is built by `dqn.ts`'s own factory, so its config, its validation and its random
 * streams are the DQN's: for a seed, `dqn` and `dqn-v4` draw the same exploration and replay
 * streams (common random numbers); they differ in their input only (and so in the initial weights
 * of the first layer, which has more inputs). Under these defaults it scores above `dqn` on most
 * v4 jobs and below it on most v3 jobs: `baselines/README.md` gives the measurements and the cause.
 */
import type { Agent, AgentContext, AgentFactory, AgentMode, AgentStats, EnvSpec, FeatureDef, Observation, Transition } from '../harness/agent.ts';
import { InputError } from '../harness/errors.ts';
import { createAgent as createDqnAgent, DEFAULT_CONFIG as DQN_DEFAULT_CONFIG, type DqnAgent, type DqnConfig } from './dqn.ts';

/** The registry name of this agent. */
const NAME = 'dqn-v4';

/** Where `mergeConfig` (`common.ts`) locates a config error of the DQN factory this agent calls. */
const DQN_CONFIG_FILE = 'config of agent "dqn"';

/** Clip of `inFlight.device` (a count), as `hybrid-v4` reads it. */
const DEVICE_IN_FLIGHT_MAX = 16;

/**
 * dqn-v4's hyperparameters: the DQN's searched defaults (`DqnConfig` in `dqn.ts`: the recorded
 * equal-budget search of `baselines/searches/2026-11-27/`, on the tuning scenarios, with the
 * DQN's input), not searched again with the longer input. The same object as `dqn.ts`'s
 * `DEFAULT_CONFIG`, since the agent is built by the DQN's factory; `AgentContext.config`
 * overrides any field, as for `dqn`. Issue 21's equal-effort search on the v4 tuning scenarios
 * is where its own values would come from.
 */
export const DEFAULT_CONFIG: DqnConfig = DQN_DEFAULT_CONFIG;

/**
 * The feature table dqn-v4's network reads: `env.features` (in spec order, so a scenario's
 * appended factors), then `deviceInFlight`, then one `resident[a]` per action (bounds 0..1).
 */
export function extendedSpec(env: EnvSpec): EnvSpec {
  const appended: FeatureDef[] = [
    {
      name: 'deviceInFlight',
      description: `the orchestrator's requests (every user's) decided on a device and not yet completed, clipped at ${DEVICE_IN_FLIGHT_MAX}`,
      min: 0,
      max: DEVICE_IN_FLIGHT_MAX,
    },
    ...env.actions.map((a) => ({
      name: `resident[${a.index}]`,
      description: `1 when action ${a.index} (${a.modelId} on ${a.tier}) runs on this user's device and its model is resident there (no load time), else 0`,
      min: 0,
      max: 1,
    })),
  ];
  return { ...env, features: [...env.features, ...appended] };
}

/** Writes the feature vector of {@link extendedSpec} for `obs` into `out`. */
export function writeExtendedFeatures(obs: Observation, out: Float32Array): void {
  const F = obs.features.length;
  out.set(obs.features);
  out[F] = Math.min(obs.inFlight.device, DEVICE_IN_FLIGHT_MAX);
  const actions = out.length - F - 1;
  for (let a = 0; a < actions; a++) out[F + 1 + a] = obs.user.resident[a] ?? 0;
}

/** The DQN agent of `dqn.ts` on the extended features (see the module comment). */
export class DqnV4Agent implements Agent {
  readonly name = NAME;
  /** Scratch feature vectors: the decision's, and a transition's observation and next observation (the DQN copies what it keeps). */
  private readonly actFeatures: Float32Array;
  private readonly obsFeatures: Float32Array;
  private readonly nextFeatures: Float32Array;

  constructor(private readonly dqn: DqnAgent, featureCount: number) {
    this.actFeatures = new Float32Array(featureCount);
    this.obsFeatures = new Float32Array(featureCount);
    this.nextFeatures = new Float32Array(featureCount);
  }

  /** `obs` with its feature vector extended into `scratch`. */
  private extended(obs: Observation, scratch: Float32Array): Observation {
    writeExtendedFeatures(obs, scratch);
    return { ...obs, features: scratch };
  }

  act(obs: Observation): number {
    return this.dqn.act(this.extended(obs, this.actFeatures));
  }

  learn(t: Transition): void {
    this.dqn.learn({ ...t, obs: this.extended(t.obs, this.obsFeatures), nextObs: this.extended(t.nextObs, this.nextFeatures) });
  }

  setMode(mode: AgentMode): void {
    this.dqn.setMode(mode);
  }

  stats(): AgentStats {
    return this.dqn.stats();
  }

  dispose(): void {
    this.dqn.dispose();
  }
}

/** Creates dqn-v4; a config error names `dqn-v4`'s config. */
export const createAgent: AgentFactory = async (ctx: AgentContext) => {
  const env = extendedSpec(ctx.env);
  let dqn: DqnAgent;
  try {
    // dqn.ts's factory returns its DqnAgent.
    dqn = (await createDqnAgent({ ...ctx, env })) as DqnAgent;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(e.issues.map((i) => (i.file === DQN_CONFIG_FILE ? { ...i, file: `config of agent "${NAME}"` } : i)));
  }
  return new DqnV4Agent(dqn, env.features.length);
};
