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
 * - `trust.ts`: trust measured as the held-out skill of the model's reward predictions.
 * - `config.ts`: every hyperparameter, documented.
 *
 * Per real transition (`learn`): predict its reward with the model as it is (held out) and record
 * the error (trust); store it; then `modelUpdatesPerStep` model steps, one real Q step and
 * `round(trust x simulatedBatchesPerStep)` simulated Q steps, each on `batchSize` transitions.
 * Per decision (`act`): epsilon-greedy on the planner's scores while learning, greedy in
 * evaluation. All randomness comes from streams of the agent's seed (`harness/rng.ts`).
 */
import type { Agent, AgentContext, AgentFactory, AgentMode, AgentStats, Observation, Transition } from '../../harness/agent.ts';
import { deriveRng, type Rng } from '../../harness/rng.ts';
import { randomUnmasked } from '../common.ts';
import { epsilonAt } from '../dqn.ts';
import { type HybridConfig, resolveConfig } from './config.ts';
import { Encoder } from './encoding.ts';
import { EnvironmentModel, symlog } from './model.ts';
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
  private readonly predictedReward = new Float32Array(1);
  private readonly predictedNext: Float32Array;
  private readonly action = new Int32Array(1);
  private mode: AgentMode = 'learn';
  private realSteps = 0;
  private learnMs = 0;
  private planningMs = 0;

  constructor(ctx: AgentContext, private readonly cfg: HybridConfig) {
    this.encoder = new Encoder(ctx.env);
    this.model = new EnvironmentModel(this.encoder, cfg, ctx.seed);
    this.value = new ValueLearner(this.encoder, cfg, ctx.seed);
    this.trust = new TrustMonitor(cfg.trustHalfLife, cfg.trustMinSamples, cfg.fullTrustSkill);
    this.planner = new Planner(this.encoder, this.model, this.value, cfg.gamma);
    this.replay = new Replay(cfg.bufferSize, this.encoder);
    this.exploreRng = deriveRng(ctx.seed, 'hybrid', 'explore');
    this.replayRng = deriveRng(ctx.seed, 'hybrid', 'replay');
    this.simRng = deriveRng(ctx.seed, 'hybrid', 'simulate');
    this.slots = new Int32Array(cfg.batchSize);
    this.state = new Float32Array(this.encoder.stateSize);
    this.predictedNext = new Float32Array(this.encoder.stateSize);
  }

  /** The trust the agent acts on: the measured one (or 1 in the `trustUsed: false` ablation). */
  currentTrust(): number {
    return this.cfg.trustUsed ? this.trust.trust() : 1;
  }

  act(obs: Observation): number {
    if (this.mode === 'learn') {
      const eps = epsilonAt(this.realSteps, this.cfg.epsilonStart, this.cfg.epsilonEnd, this.cfg.epsilonDecaySteps);
      if (this.exploreRng.float() < eps) return randomUnmasked(obs.actionMask, this.exploreRng);
    }
    const t0 = performance.now();
    this.encoder.encodeState(obs, this.state, 0);
    const a = this.planner.choose(this.state, obs.actionMask, this.cfg.planningWeight * this.currentTrust());
    this.planningMs += performance.now() - t0;
    return a;
  }

  learn(t: Transition): void {
    const t0 = performance.now();
    // Held out: the model has not been fitted on this transition yet.
    this.encoder.encodeState(t.obs, this.state, 0);
    this.action[0] = t.action;
    this.model.predict(this.state, this.action, 1, this.predictedReward, this.predictedNext);
    this.trust.record(symlog(this.predictedReward[0]!), symlog(t.reward));
    this.replay.push(t);
    this.realSteps++;
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
        modelRewardMse: this.trust.meanSquaredError,
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
