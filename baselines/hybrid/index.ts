/**
 * Hybrid Learner: model-based plus model-free reinforcement learning, after Shahhosseini et al.,
 * "Hybrid Learning for Orchestrating Deep Learning Inference in Multi-user Edge-cloud Networks"
 * (ISQED 2022, arXiv 2202.11098). Only the paper's abstract is public: "combining model-based and
 * model-free reinforcement learning" to reduce "the number of direct samplings". The design below
 * is ours. Read top to bottom:
 *
 * - `encoding.ts`: the state the agent reads (every observation feature, the device in-flight
 *   count, the resident mask) and the input of a state-action pair.
 * - `model.ts`: a learned model of the environment, reward and next state of every action.
 * - `value.ts`: a model-free Q-network trained on real transitions and on simulated ones from
 *   the model (Dyna/MBPO).
 * - `planner.ts`: decision-time planning, a one-step model lookahead bootstrapped with Q, blended
 *   with Q by the trust in the model.
 * - `trust.ts`: trust measured from the held-out errors of the model-based and the model-free
 *   estimates of real transitions' values.
 * - `config.ts`: every hyperparameter, documented.
 *
 * Per real transition (`learn`): the same user's previous transition is now complete (its
 * successor state is this transition's observation: each user's battery, residency and backlog
 * follow its own decisions); check both estimates of its value against its real target before
 * anything is fitted on it (trust), and store it; then `modelUpdatesPerStep` model steps, one
 * real Q step and `round(trust x simulatedBatchesPerStep)` simulated Q steps, each on
 * `batchSize` transitions. Per decision (`act`): while learning, epsilon-greedy on the planner's
 * scores plus a count-based optimism bonus per action; in evaluation, greedy on the scores. All
 * randomness comes from streams of the agent's seed (`harness/rng.ts`).
 */
import type { Agent, AgentContext, AgentFactory, AgentMode, AgentStats, Observation, Transition } from '../../harness/agent.ts';
import { deriveRng, type Rng } from '../../harness/rng.ts';
import { copyObservation, randomUnmasked } from '../common.ts';
import { epsilonAt } from '../dqn.ts';
import { type HybridConfig, resolveConfig } from './config.ts';
import { Encoder } from './encoding.ts';
import { EnvironmentModel } from './model.ts';
import { Planner } from './planner.ts';
import { Replay } from './replay.ts';
import { TrustMonitor } from './trust.ts';
import { ValueLearner } from './value.ts';

export { DEFAULT_CONFIG, type HybridConfig } from './config.ts';

/** The registry name of this agent. */
const NAME = 'hybrid-v4';

export class HybridAgent implements Agent {
  readonly name = NAME;
  readonly encoder: Encoder;
  readonly model: EnvironmentModel;
  readonly value: ValueLearner;
  readonly trust: TrustMonitor;
  private readonly planner: Planner;
  private readonly replay: Replay;
  private readonly exploreRng: Rng;
  private readonly replayRng: Rng;
  private readonly simRng: Rng;
  private readonly slots: Int32Array;
  private readonly state: Float32Array;
  private readonly nextValue = new Float32Array(1);
  /** Per action: `explorationBonus / sqrt(1 + times chosen while learning)`. */
  private readonly bonus: Float32Array;
  private readonly chosen: Float64Array;
  /** Per user, its last real transition, stored once the user's next one arrives (see `learn`). */
  private readonly pending = new Map<number, { obs: Observation; action: number; reward: number }>();
  private mode: AgentMode = 'learn';
  private realSteps = 0;
  private learnMs = 0;
  private planningMs = 0;

  constructor(ctx: AgentContext, private readonly cfg: HybridConfig) {
    this.encoder = new Encoder(ctx.env);
    this.model = new EnvironmentModel(this.encoder, cfg, ctx.seed);
    this.value = new ValueLearner(this.encoder, cfg, ctx.seed);
    this.trust = new TrustMonitor(cfg.trustHalfLife, cfg.trustMinSamples);
    this.planner = new Planner(this.encoder, this.model, this.value, cfg.gamma);
    this.replay = new Replay(cfg.bufferSize, this.encoder);
    this.exploreRng = deriveRng(ctx.seed, 'hybrid', 'explore');
    this.replayRng = deriveRng(ctx.seed, 'hybrid', 'replay');
    this.simRng = deriveRng(ctx.seed, 'hybrid', 'simulate');
    this.slots = new Int32Array(cfg.batchSize);
    this.state = new Float32Array(this.encoder.stateSize);
    this.bonus = new Float32Array(ctx.env.actions.length).fill(cfg.explorationBonus);
    this.chosen = new Float64Array(ctx.env.actions.length);
  }

  /** The trust the agent acts on: the measured one (or 1 in the `trustUsed: false` ablation). */
  currentTrust(): number {
    return this.cfg.trustUsed ? this.trust.trust() : 1;
  }

  act(obs: Observation): number {
    const learning = this.mode === 'learn';
    const eps = learning ? epsilonAt(this.realSteps, this.cfg.epsilonStart, this.cfg.epsilonEnd, this.cfg.epsilonDecaySteps) : 0;
    let a: number;
    if (learning && this.exploreRng.float() < eps) {
      a = randomUnmasked(obs.actionMask, this.exploreRng);
    } else {
      const t0 = performance.now();
      this.encoder.encodeState(obs, this.state, 0);
      a = this.planner.choose(this.state, obs.actionMask, Math.min(1, this.cfg.planningWeight * this.currentTrust()), learning ? this.bonus : null);
      this.planningMs += performance.now() - t0;
    }
    if (learning) this.bonus[a] = this.cfg.explorationBonus / Math.sqrt(1 + ++this.chosen[a]!);
    return a;
  }

  learn(t: Transition): void {
    const t0 = performance.now();
    this.realSteps++;
    // The user's previous transition now has its successor: this transition's observation, the
    // same user's next decision (its battery, its resident models, its backlog, as its own
    // decisions left them). `t.nextObs` is often another user's, whose state this decision did
    // not change.
    const user = t.obs.userId;
    const previous = this.pending.get(user);
    if (previous) {
      this.checkTrust(previous, t.obs);
      this.replay.push(previous.obs, previous.action, previous.reward, t.obs);
    }
    this.pending.set(user, { obs: copyObservation(t.obs), action: t.action, reward: t.reward });
    if (this.replay.size < Math.max(1, this.cfg.learningStarts)) {
      this.learnMs += performance.now() - t0;
      return;
    }
    for (let k = 0; k < this.cfg.modelUpdatesPerStep; k++) {
      this.replay.sample(this.replayRng, this.slots);
      this.model.fit(this.replay, this.slots);
    }
    this.replay.sample(this.replayRng, this.slots);
    this.value.realUpdate(this.replay, this.slots);
    const t1 = performance.now();
    this.learnMs += t1 - t0;
    const batches = Math.round(this.currentTrust() * this.cfg.simulatedBatchesPerStep);
    for (let k = 0; k < batches; k++) {
      this.replay.sample(this.simRng, this.slots);
      this.value.simulatedUpdate(this.replay, this.slots, this.model, this.simRng);
    }
    this.planningMs += performance.now() - t1;
  }

  /** The held-out trust check on a complete transition nothing has been fitted on yet (`trust.ts`). */
  private checkTrust(t: { obs: Observation; action: number; reward: number }, nextObs: Observation): void {
    this.encoder.encodeState(nextObs, this.state, 0);
    this.value.maxQ(this.state, nextObs.actionMask, 1, 'online', this.nextValue);
    const target = t.reward + this.cfg.gamma * this.nextValue[0]!;
    this.encoder.encodeState(t.obs, this.state, 0);
    const { free, model } = this.planner.estimates(this.state, t.action, t.obs.actionMask);
    this.trust.record(model, free, target);
  }

  setMode(mode: AgentMode): void {
    this.mode = mode;
  }

  stats(): AgentStats {
    return {
      realSteps: this.realSteps,
      planningUpdates: this.value.simulatedRows,
      learnMs: this.learnMs,
      planningMs: this.planningMs,
      info: {
        backend: 'mlp',
        trust: this.trust.trust(),
        trustModelError: this.trust.errors.model,
        trustFreeError: this.trust.errors.free,
        modelFitSteps: this.model.fitSteps,
        valueTrainSteps: this.value.trainSteps,
      },
    };
  }

  dispose(): void {
    this.model.dispose();
    this.value.dispose();
  }
}

/** Creates the Hybrid Learner (config: `config.ts`). */
export const createAgent: AgentFactory = (ctx: AgentContext) => new HybridAgent(ctx, resolveConfig(NAME, ctx.config));
