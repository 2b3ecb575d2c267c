/**
 * DQN: deep Q-network with experience replay and a target network (Mnih et al., "Human-level
 * control through deep reinforcement learning", Nature 2015), as the pure model-free baseline of
 * the Hybrid Learner paper (Shahhosseini et al., ISQED 2022, arXiv 2202.11098).
 *
 * Design choices:
 * - Q-network: MLP on the observation's feature vector (each feature scaled to [0, 1] by its
 *   documented bounds), ReLU hidden layers, one linear output per action. Two implementations of
 *   the same network (`network`, see `nn/regressor.ts`): the typed-array MLP of `nn/mlp.ts`
 *   (default: several times faster at this size, and identical on every machine) and
 *   TensorFlow.js, the reference it is tested against (`harness/tf.ts` picks its backend). Weights
 *   are drawn from streams derived from the agent seed, identically for both, so a run is
 *   deterministic for a seed on a given implementation.
 * - Replay: a ring buffer of typed arrays (no per-transition objects); uniform sampling.
 * - Target network: hard copy of the online weights every `targetUpdateEvery` training steps.
 * - Loss: Huber on Q(s, a) - (r + gamma * max_{a' unmasked} Q_target(s', a')), Adam.
 * - Action masking: masked actions are never chosen (exploration draws among unmasked actions
 *   only) and are excluded from the max of the target.
 * - Q(s, a) is selected with a one-hot mask and a sum, not `tf.gather` with batchDims (broken on
 *   the wasm backend, see NODE-NOTES).
 * - The task is continuing (each decision is one request); gamma discounts the effect a decision
 *   has on later requests through the shared-tier load.
 *
 * - Optional, for the Hybrid Learner experiment's fair-comparison control (`dqn-informed`):
 *   the public action information as input (`actionFeatures`: Q(s, a) from state and action
 *   features, see `QNetwork`) and several gradient updates per training step (`updatesPerTrain`).
 *
 * The network code (`QNetwork`, `ReplayBuffer`) is exported for the Hybrid Learner, so both
 * agents differ only in where their training targets come from.
 */
import type { ActionDef, Agent, AgentContext, AgentFactory, AgentMode, AgentStats, EnvSpec, Observation, Transition } from '../harness/agent.ts';
import { InputError, show } from '../harness/errors.ts';
import { deriveRng, type Rng } from '../harness/rng.ts';
import { loadTf } from '../harness/tf.ts';
import { argmaxMasked, mergeConfig, randomUnmasked } from './common.ts';
import { MlpRegressor, NN_BACKENDS, type NnBackendChoice, type NnBackendName, type Regressor, type RegressorSpec } from './nn/regressor.ts';
import { TfRegressor } from './nn/tf-regressor.ts';
import type { MlpKernelName } from './nn/mlp-wasm.ts';

/**
 * DQN hyperparameters. Searched by the recorded, equal-budget search of `orchbench experiment
 * tune` (record: `baselines/searches/2026-11-27/`), on the tuning scenarios only (all five of
 * `scenarios/tuning/`, testing budgets, 2 tuning seeds each), the same budget as the Hybrid
 * Learner's (8 configurations: the previous defaults plus 7 seeded draws), objective the mean
 * normalised area under the greedy curve over log real interactions. Searched ranges:
 * learningRate log-uniform [1e-4, 3e-3], learningStarts {0, 32, 64, 128, 256, 512}, trainEvery
 * {1, 2, 4, 8}, targetUpdateEvery {25, 50, 100, 250, 500}, gamma {0, 0.5, 0.9}, epsilonDecaySteps
 * log-uniform [100, 3000], epsilonEnd {0.01, 0.02, 0.05}. Chosen (trial 2, score 0.467; the
 * previous defaults 0.391, the others 0.173-0.408): learningRate 6.93e-4, learningStarts 128,
 * trainEvery 1, targetUpdateEvery 250, gamma 0.5, epsilonDecaySteps 168, epsilonEnd 0.01. The
 * network size, batch, buffer and Huber delta are the usual DQN values scaled to this task (not
 * searched).
 */
export interface DqnConfig {
  /** Hidden layer widths of the Q-network MLP. */
  hiddenUnits: number[];
  /** Adam learning rate. */
  learningRate: number;
  /** Discount factor for the (continuing) task. */
  gamma: number;
  /** Transitions per gradient step. */
  batchSize: number;
  /** One gradient step every this many real decisions. */
  trainEvery: number;
  /** Real transitions kept in the replay ring buffer. */
  bufferSize: number;
  /** No training before this many real transitions. */
  learningStarts: number;
  /** Hard target-network update every this many gradient steps. */
  targetUpdateEvery: number;
  /** Epsilon at the first decision. */
  epsilonStart: number;
  /** Epsilon after the decay (kept to the end of learning). */
  epsilonEnd: number;
  /** Real decisions over which epsilon decays linearly from start to end. */
  epsilonDecaySteps: number;
  /** Huber loss threshold (reward units). */
  huberDelta: number;
  /** Gradient steps each time training is due (every `trainEvery` decisions); updates per real decision = updatesPerTrain / trainEvery. */
  updatesPerTrain: number;
  /** Give the Q-network each action's public information (tier, accuracy, median compute) as input features. */
  actionFeatures: boolean;
  /**
   * Implementation of the network: `mlp` (typed arrays) or `tfjs` (the reference). Not a
   * hyperparameter: both learn the same curve (see `nn/regressor.ts`). Default `mlp`, or the
   * environment variable `ORCHBENCH_NN` when set.
   */
  network: string;
}

/** Default DQN configuration (see {@link DqnConfig} for the tuning record). */
export const DEFAULT_CONFIG: DqnConfig = {
  hiddenUnits: [64, 64],
  learningRate: 6.93338e-4,
  gamma: 0.5,
  batchSize: 64,
  trainEvery: 1,
  bufferSize: 20_000,
  learningStarts: 128,
  targetUpdateEvery: 250,
  epsilonStart: 1,
  epsilonEnd: 0.01,
  epsilonDecaySteps: 168,
  huberDelta: 1,
  updatesPerTrain: 1,
  actionFeatures: false,
  network: 'mlp',
};

/**
 * The `dqn-informed` control of the Hybrid Learner experiment (issue 11, "Fair comparison"): the
 * DQN given the public action information the Hybrid's model uses (`actionFeatures`) and
 * `updatesPerTrain` 3, the gradient updates per real decision of the first Hybrid (one real update
 * plus 2 planning batches per training step), fixed before any result. The rewritten Hybrid takes
 * no gradient steps (its model is a closed-form Bayesian fit per real outcome; its value learner
 * trains only with gamma > 0), so the control gets more updates than the Hybrid, not fewer. The
 * other fields are the DQN's; nothing here was tuned (the tuning search sets them on the tuning
 * scenarios).
 */
export const INFORMED_CONFIG: DqnConfig = {
  ...DEFAULT_CONFIG,
  actionFeatures: true,
  updatesPerTrain: 3,
};

/** Scales features to [0, 1] by their documented bounds (the network trains better on unit ranges). */
export function scaleFeatures(env: EnvSpec, features: Float32Array, out: Float32Array, offset = 0): void {
  const defs = env.features;
  for (let i = 0; i < defs.length; i++) {
    const { min, max } = defs[i]!;
    out[offset + i] = (features[i]! - min) / (max - min);
  }
}

/** Replay ring buffer of typed arrays. `push` returns the slot, so callers can keep parallel data. */
export class ReplayBuffer {
  readonly capacity: number;
  readonly states: Float32Array;
  readonly nextStates: Float32Array;
  readonly nextMasks: Uint8Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  readonly masks: Uint8Array;
  size = 0;
  private head = 0;

  constructor(capacity: number, readonly featureCount: number, readonly actionCount: number) {
    this.capacity = capacity;
    this.states = new Float32Array(capacity * featureCount);
    this.nextStates = new Float32Array(capacity * featureCount);
    this.masks = new Uint8Array(capacity * actionCount);
    this.nextMasks = new Uint8Array(capacity * actionCount);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
  }

  /** Stores a transition (state scaled by `scaleFeatures`) and returns its slot. */
  push(env: EnvSpec, t: Transition): number {
    const i = this.head;
    scaleFeatures(env, t.obs.features, this.states, i * this.featureCount);
    scaleFeatures(env, t.nextObs.features, this.nextStates, i * this.featureCount);
    this.masks.set(t.obs.actionMask, i * this.actionCount);
    this.nextMasks.set(t.nextObs.actionMask, i * this.actionCount);
    this.actions[i] = t.action;
    this.rewards[i] = t.reward;
    this.head = (i + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    return i;
  }

  /** Draws `n` slots uniformly with replacement into `out`. */
  sample(rng: Rng, out: Int32Array): void {
    for (let k = 0; k < out.length; k++) out[k] = rng.int(this.size);
  }
}

/** Batch scratch arrays reused across gradient steps. */
export interface Batch {
  slots: Int32Array;
  states: Float32Array;
  nextStates: Float32Array;
  nextMasks: Uint8Array;
  /** Targets, batch x actions. */
  targets: Float32Array;
  /** Loss weights, batch x actions (0 = no target for that entry). */
  weights: Float32Array;
}

/** Public action-information features per action (see {@link actionFeatureTable}). */
export const ACTION_FEATURES = ['tier is device', 'tier is edge', 'tier is cloud', 'accuracy top-1 / 100', 'log(1 + median compute ms) / log(1 + largest)'] as const;

/**
 * The public information of each action (`EnvSpec.actions`) as features, `actions x
 * ACTION_FEATURES.length` row-major, each in [0, 1]: its tier (one-hot), its model's accuracy and
 * its median compute time (log-scaled by the largest; 0 where the tier cannot run the model, which
 * is always masked).
 */
export function actionFeatureTable(actions: readonly ActionDef[]): Float32Array {
  const K = ACTION_FEATURES.length;
  const maxMs = Math.max(1, ...actions.map((a) => a.medianComputeMs ?? 0));
  const out = new Float32Array(actions.length * K);
  actions.forEach((a, i) => {
    out[i * K + ['device', 'edge', 'cloud'].indexOf(a.tier)] = 1;
    out[i * K + 3] = a.accuracyTop1Pct / 100;
    out[i * K + 4] = a.medianComputeMs === null ? 0 : Math.log1p(a.medianComputeMs) / Math.log1p(maxMs);
  });
  return out;
}

/**
 * The Q-function on a {@link Regressor} (an MLP with its target copy and Adam). `train` fits
 * Q(s, a) to targets given per (row, action) with per-entry weights, which serves both a DQN batch
 * (one-hot weights on the taken actions) and a planning batch of simulated targets for many
 * actions.
 *
 * Two shapes, both trained on sum(w * huber(Q - y)) / sum(w) over the weighted entries:
 * - state in, one output per action (the classic DQN head): input = the scaled state;
 * - with `actionFeatures` (a table from {@link actionFeatureTable}), state and action in, one
 *   output: Q(s, a) = net([s, features(a)]), so what is learned about one action carries over to
 *   actions with similar public information.
 */
export class QNetwork {
  trainSteps = 0;
  private readonly K: number;
  /** Scratch of the state-action rows (action-feature shape). */
  private x: Float32Array = new Float32Array(0);
  private y: Float32Array = new Float32Array(0);
  private w: Float32Array = new Float32Array(0);

  constructor(
    private readonly reg: Regressor,
    readonly featureCount: number,
    readonly actionCount: number,
    private readonly targetUpdateEvery: number,
    private readonly actionFeatures: Float32Array | null = null,
  ) {
    this.K = actionFeatures ? actionFeatures.length / actionCount : 0;
    const expected = actionFeatures ? [featureCount + this.K, 1] : [featureCount, actionCount];
    if (reg.inputs !== expected[0] || reg.outputs !== expected[1]) {
      throw new Error(`Q-network regressor has ${reg.inputs} inputs and ${reg.outputs} outputs; expected ${expected.join(' and ')}`);
    }
  }

  /** Which implementation runs the network (recorded in results). */
  get backend(): NnBackendName {
    return this.reg.backend;
  }

  /** The typed-array MLP's kernel, if the network is one (recorded in results). */
  get kernel(): MlpKernelName | undefined {
    return this.reg.kernel;
  }

  /** Copies the online weights into the target network. */
  syncTarget(): void {
    this.reg.syncTarget();
  }

  /** Scratch for `rows` state-action rows. */
  private rowsScratch(rows: number): void {
    if (this.y.length >= rows) return;
    this.x = new Float32Array(rows * (this.featureCount + this.K));
    this.y = new Float32Array(rows);
    this.w = new Float32Array(rows);
  }

  /** Writes the row [state r of `states`, features of action a] at row `row` of the scratch. */
  private stateAction(states: Float32Array, r: number, a: number, row: number): void {
    const F = this.featureCount;
    const o = row * (F + this.K);
    this.x.set(states.subarray(r * F, (r + 1) * F), o);
    this.x.set(this.actionFeatures!.subarray(a * this.K, (a + 1) * this.K), o + F);
  }

  /** Q of every action at each of `rows` states, as a possibly scratch `rows x actions` array. */
  private predict(states: Float32Array, rows: number, which: 'online' | 'target'): Float32Array {
    if (!this.actionFeatures) return this.reg.predict(states, rows, which);
    const A = this.actionCount;
    this.rowsScratch(rows * A);
    for (let r = 0; r < rows; r++) for (let a = 0; a < A; a++) this.stateAction(states, r, a, r * A + a);
    return this.reg.predict(this.x, rows * A, which);
  }

  /** Q-values of one scaled state (a fresh array of length actionCount). */
  q(scaledState: Float32Array): Float32Array {
    return this.predict(scaledState, 1, 'online').slice(0, this.actionCount);
  }

  /** Q-values of a batch of scaled states, rows x actions (fresh), from the online or target network. */
  qBatch(states: Float32Array, rows: number, which: 'online' | 'target'): Float32Array {
    return this.predict(states, rows, which).slice(0, rows * this.actionCount);
  }

  /** max over unmasked actions of the target network's Q at each next state. */
  maxTargetQ(b: Batch, rows: number, out: Float32Array): void {
    const q = this.predict(b.nextStates, rows, 'target');
    const A = this.actionCount;
    for (let r = 0; r < rows; r++) {
      out[r] = q[r * A + argmaxMasked(q, r * A, b.nextMasks.subarray(r * A, (r + 1) * A))]!;
    }
  }

  /**
   * One Adam step on the weighted Huber loss sum(w * huber(Q - y)) / sum(w) over batch x actions;
   * hard-updates the target every `targetUpdateEvery` steps.
   */
  train(b: Batch, rows: number): void {
    if (!this.actionFeatures) {
      this.reg.fit(b.states, b.targets, b.weights, rows);
    } else {
      // Only the weighted (state, action) entries become rows: the others carry no loss.
      const A = this.actionCount;
      this.rowsScratch(rows * A);
      let n = 0;
      for (let r = 0; r < rows; r++) {
        for (let a = 0; a < A; a++) {
          const w = b.weights[r * A + a]!;
          if (w === 0) continue;
          this.stateAction(b.states, r, a, n);
          this.y[n] = b.targets[r * A + a]!;
          this.w[n] = w;
          n++;
        }
      }
      if (n > 0) this.reg.fit(this.x, this.y, this.w, n);
    }
    this.trainSteps++;
    if (this.trainSteps % this.targetUpdateEvery === 0) this.syncTarget();
  }

  /** Frees the networks' and optimiser's resources. */
  dispose(): void {
    this.reg.dispose();
  }
}

/** Allocates batch scratch arrays. */
export function newBatch(rows: number, featureCount: number, actionCount: number): Batch {
  return {
    slots: new Int32Array(rows),
    states: new Float32Array(rows * featureCount),
    nextStates: new Float32Array(rows * featureCount),
    nextMasks: new Uint8Array(rows * actionCount),
    targets: new Float32Array(rows * actionCount),
    weights: new Float32Array(rows * actionCount),
  };
}

/** Copies the sampled slots' states and next states into the batch. */
export function gatherStates(buf: ReplayBuffer, b: Batch): void {
  const F = buf.featureCount;
  const A = buf.actionCount;
  for (let r = 0; r < b.slots.length; r++) {
    const i = b.slots[r]!;
    b.states.set(buf.states.subarray(i * F, (i + 1) * F), r * F);
    b.nextStates.set(buf.nextStates.subarray(i * F, (i + 1) * F), r * F);
    b.nextMasks.set(buf.nextMasks.subarray(i * A, (i + 1) * A), r * A);
  }
}

/**
 * One DQN gradient step on a uniform replay batch: target r + gamma * max Q_target(s') on the
 * taken action only. Shared with the Hybrid Learner's model-free part.
 */
export function dqnUpdate(net: QNetwork, buf: ReplayBuffer, b: Batch, rng: Rng, gamma: number, maxNext: Float32Array): void {
  const rows = b.slots.length;
  const A = buf.actionCount;
  buf.sample(rng, b.slots);
  gatherStates(buf, b);
  if (gamma > 0) net.maxTargetQ(b, rows, maxNext);
  b.weights.fill(0);
  for (let r = 0; r < rows; r++) {
    const i = b.slots[r]!;
    const a = buf.actions[i]!;
    b.targets[r * A + a] = buf.rewards[i]! + (gamma > 0 ? gamma * maxNext[r]! : 0);
    b.weights[r * A + a] = 1;
  }
  net.train(b, rows);
}

/** Linear epsilon schedule from `start` to `end` over `decaySteps` decisions. */
export function epsilonAt(step: number, start: number, end: number, decaySteps: number): number {
  if (step >= decaySteps) return end;
  return start + ((end - start) * step) / decaySteps;
}

/**
 * The DQN agent. The Hybrid Learner extends it: `observe` (learn more from each stored real
 * transition), `plan` (simulated updates after the real ones) and `epsilon` are its hooks.
 */
export class DqnAgent implements Agent {
  readonly name: string;
  protected mode: AgentMode = 'learn';
  protected readonly buf: ReplayBuffer;
  protected readonly maxNext: Float32Array;
  private readonly batch: Batch;
  private readonly scaled: Float32Array;
  private readonly exploreRng: Rng;
  private readonly replayRng: Rng;
  protected realSteps = 0;
  protected learnMs = 0;

  /** `label` names the agent and its random streams `(seed, label, "explore" | "replay")`. */
  constructor(
    protected readonly env: EnvSpec,
    protected readonly cfg: DqnConfig,
    protected readonly net: QNetwork,
    protected readonly backend: NnBackendName,
    seed: number,
    label = 'dqn',
  ) {
    const F = env.features.length;
    const A = env.actions.length;
    this.name = label;
    this.buf = new ReplayBuffer(cfg.bufferSize, F, A);
    this.batch = newBatch(cfg.batchSize, F, A);
    this.maxNext = new Float32Array(cfg.batchSize);
    this.scaled = new Float32Array(F);
    this.exploreRng = deriveRng(seed, label, 'explore');
    this.replayRng = deriveRng(seed, label, 'replay');
  }

  /** Exploration rate of the next learning decision. */
  protected epsilon(): number {
    return epsilonAt(this.realSteps, this.cfg.epsilonStart, this.cfg.epsilonEnd, this.cfg.epsilonDecaySteps);
  }

  act(obs: Observation): number {
    // Epsilon-greedy among unmasked actions while learning; greedy in evaluation.
    if (this.mode === 'learn' && this.exploreRng.float() < this.epsilon()) return randomUnmasked(obs.actionMask, this.exploreRng);
    scaleFeatures(this.env, obs.features, this.scaled);
    return argmaxMasked(this.net.q(this.scaled), 0, obs.actionMask);
  }

  learn(t: Transition): void {
    const t0 = performance.now();
    const slot = this.buf.push(this.env, t);
    this.realSteps++;
    this.observe(slot, t);
    const due = this.realSteps % this.cfg.trainEvery === 0;
    if (due && this.buf.size >= this.cfg.learningStarts) {
      for (let u = 0; u < this.cfg.updatesPerTrain; u++) dqnUpdate(this.net, this.buf, this.batch, this.replayRng, this.cfg.gamma, this.maxNext);
    }
    this.learnMs += performance.now() - t0;
    this.plan(due);
  }

  /** Hook: learn more from the real transition just stored in `slot` (nothing for DQN). */
  protected observe(_slot: number, _t: Transition): void {}

  /** Hook: simulated updates after the real ones; `due` = a gradient step was due (none for DQN). */
  protected plan(_due: boolean): void {}

  setMode(mode: AgentMode): void {
    this.mode = mode;
  }

  stats(): AgentStats {
    return {
      realSteps: this.realSteps,
      planningUpdates: 0,
      learnMs: this.learnMs,
      planningMs: 0,
      info: { backend: this.backend, ...(this.net.kernel ? { mlpKernel: this.net.kernel } : {}), trainSteps: this.net.trainSteps },
    };
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** The network implementation: the config's `network` when overridden, else `ORCHBENCH_NN`, else `mlp`. */
function networkChoice(ctx: AgentContext, cfg: DqnConfig): NnBackendChoice {
  const fromConfig = ctx.config !== undefined && Object.hasOwn(ctx.config, 'network');
  const env = process.env.ORCHBENCH_NN;
  const choice = fromConfig || env === undefined || env === '' ? cfg.network : env;
  if (!NN_BACKENDS.includes(choice as NnBackendChoice)) {
    throw new InputError({
      file: fromConfig ? 'agent config' : 'environment variable ORCHBENCH_NN',
      ...(fromConfig ? { pointer: '/network' } : {}),
      expected: NN_BACKENDS.join(' | '),
      found: show(choice),
    });
  }
  return choice as NnBackendChoice;
}

/**
 * Builds the Q-network for an agent context on the configured implementation (loading tfjs only
 * for `tfjs`). Both agents draw the weights from `(seed, "dqn", "qnet", "kernel", layer)`, so for a
 * seed the DQN and the Hybrid Learner start from identical weights.
 */
export async function createQNetwork(ctx: AgentContext, cfg: DqnConfig): Promise<{ net: QNetwork; backend: NnBackendName }> {
  const F = ctx.env.features.length;
  const A = ctx.env.actions.length;
  const actionFeatures = cfg.actionFeatures ? actionFeatureTable(ctx.env.actions) : null;
  const spec: RegressorSpec = {
    sizes: actionFeatures ? [F + ACTION_FEATURES.length, ...cfg.hiddenUnits, 1] : [F, ...cfg.hiddenUnits, A],
    learningRate: cfg.learningRate,
    huberDelta: cfg.huberDelta,
    layerRng: (l) => deriveRng(ctx.seed, 'dqn', 'qnet', 'kernel', l),
  };
  let reg: Regressor;
  if (networkChoice(ctx, cfg) === 'tfjs') {
    const { tf, backend } = await loadTf();
    reg = new TfRegressor(tf, backend, spec);
  } else {
    reg = new MlpRegressor(spec);
  }
  const net = new QNetwork(reg, F, A, cfg.targetUpdateEvery, actionFeatures);
  return { net, backend: net.backend };
}

/** Creates an agent of `label` with the config `defaults` merged with the context's overrides. */
function dqnFactory(label: string, defaults: DqnConfig): AgentFactory {
  return async (ctx: AgentContext) => {
    const cfg = mergeConfig(label, defaults, ctx.config);
    for (const key of ['updatesPerTrain', 'trainEvery', 'targetUpdateEvery', 'batchSize'] as const) {
      if (!(Number.isInteger(cfg[key]) && cfg[key] >= 1)) {
        throw new InputError({ file: `config of agent "${label}"`, pointer: `/${key}`, expected: 'an integer >= 1', found: show(cfg[key]) });
      }
    }
    const { net, backend } = await createQNetwork(ctx, cfg);
    return new DqnAgent(ctx.env, cfg, net, backend, ctx.seed, label);
  };
}

/** Creates a DQN agent. */
export const createAgent: AgentFactory = dqnFactory('dqn', DEFAULT_CONFIG);

/** Creates the `dqn-informed` control (see {@link INFORMED_CONFIG}). */
export const createInformedAgent: AgentFactory = dqnFactory('dqn-informed', INFORMED_CONFIG);
