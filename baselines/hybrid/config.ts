/**
 * The Hybrid Learner's hyperparameters: one typed object, every field documented where it is
 * declared (CleanRL style), with the defaults below. `AgentContext.config` overrides any field by
 * name (`mergeConfig` checks names and types); {@link validateConfig} checks ranges.
 *
 * Status of the defaults: NOT tuned by a recorded search. Round values, the DQN's searched ones
 * where the two share a meaning (epsilon end 0.01, target update every 250 steps, Q Adam step
 * ~7e-4, `baselines/dqn.ts`). Three were set from small checks on v3 testing variants (2000
 * learning decisions, 2 seeds, 4 scenarios), which is less than a search and is said here so: with
 * gamma 0.5 and a lookahead weight of trust alone, the agent, which reads the resident mask, never
 * loaded a model on the device in evaluation (a load is an investment over the user's next
 * requests), scoring 0.3 of the random-to-clairvoyant gap on lte-driving-4u-deadlines-energy-v3
 * and 3g-commute-1u-battery-v3; gamma 0.9 with the model fully used scored 1.16 there; hence
 * gamma 0.9 and planningWeight 2. The equal-effort search on the v4 tuning scenarios (issue 21
 * part 3) replaces them; its record goes here, as for the DQN.
 */
import { InputError, show } from '../../harness/errors.ts';
import { mergeConfig } from '../common.ts';

export interface HybridConfig {
  // --- the model of the environment (model.ts) ---
  /** Hidden layer widths of the environment model's MLP (reward and next state of every action). */
  modelHiddenUnits: number[];
  /** Adam step size of the environment model. */
  modelLearningRate: number;
  /** Weight of the reward output in the model's loss, against 1 for each next-state output. */
  rewardLossWeight: number;
  /** Model gradient steps (each on `batchSize` real transitions) per real transition. */
  modelUpdatesPerStep: number;
  /** Huber threshold of the model's loss (reward units; the next-state outputs lie in [-1, 1]). */
  modelHuberDelta: number;

  // --- the model-free value learner (value.ts) ---
  /** Hidden layer widths of the Q-network MLP: Q(s, a) from the state and the action's inputs. */
  valueHiddenUnits: number[];
  /** Adam step size of the Q-network. */
  valueLearningRate: number;
  /** Discount of the continuing task (each decision is one request). */
  gamma: number;
  /** Hard update of the target Q-network every this many Q gradient steps (real and simulated). */
  targetUpdateEvery: number;
  /** Huber threshold of the Q-network's loss (reward units). */
  huberDelta: number;

  // --- Dyna / MBPO: simulated transitions from the model (value.ts, index.ts) ---
  /**
   * Batches of simulated transitions (`batchSize` each) per real transition at full trust: from real
   * states of the replay buffer, a random legal action, the model's reward and next state. The
   * batches run are `round(trust x this)`.
   */
  simulatedBatchesPerStep: number;

  // --- decision-time planning (planner.ts) ---
  /**
   * Scale of the weight of the model's one-step lookahead (predicted reward + gamma x max Q at the
   * predicted next state) against the model-free Q(s, a) in each action's score: the weight used
   * is `min(1, trust x this)`. At 2 the model decides alone while its held-out error is at most
   * Q's (trust >= 1/2; on the states the agent visits both err alike, but only the model predicts
   * the states an action leads to, e.g. a model loaded on the device), and its weight falls as its
   * error grows beyond Q's; 0 turns decision-time planning off.
   */
  planningWeight: number;

  // --- trust in the model (trust.ts) ---
  /** Half-life (real transitions) of the exponential averages of the held-out errors. */
  trustHalfLife: number;
  /** Real transitions before trust may rise above 0. */
  trustMinSamples: number;
  /**
   * Ablation only (`ablations.ts`): false takes trust as 1 whatever the measure says (the model
   * always fully used).
   */
  trustUsed: boolean;

  // --- experience and exploration ---
  /** Real transitions kept (ring buffer), for model fitting, Q updates and simulated starts. */
  bufferSize: number;
  /** Transitions per gradient step, real or simulated. */
  batchSize: number;
  /** No gradient step before this many real transitions. */
  learningStarts: number;
  /** Epsilon of epsilon-greedy at the first learning decision. */
  epsilonStart: number;
  /** Epsilon after the decay, kept to the end of learning. */
  epsilonEnd: number;
  /** Learning decisions over which epsilon decays linearly. */
  epsilonDecaySteps: number;
  /**
   * Optimism while learning: each action's score gets `explorationBonus / sqrt(1 + n)`, n the
   * times it was chosen, so every legal action is tried and the model and Q see data where
   * they would otherwise extrapolate (none in evaluation).
   */
  explorationBonus: number;
}

/** Default configuration (see {@link HybridConfig} for the status of each value). */
export const DEFAULT_CONFIG: HybridConfig = {
  modelHiddenUnits: [32, 32],
  modelLearningRate: 2e-3,
  rewardLossWeight: 4,
  modelUpdatesPerStep: 2,
  modelHuberDelta: 3,
  valueHiddenUnits: [32, 32],
  valueLearningRate: 7e-4,
  gamma: 0.9,
  targetUpdateEvery: 250,
  huberDelta: 1,
  simulatedBatchesPerStep: 2,
  planningWeight: 2,
  trustHalfLife: 50,
  trustMinSamples: 16,
  trustUsed: true,
  bufferSize: 20_000,
  batchSize: 32,
  learningStarts: 16,
  epsilonStart: 1,
  epsilonEnd: 0.01,
  epsilonDecaySteps: 100,
  explorationBonus: 0.5,
};

/** Checks each field's range; throws an InputError at the field's pointer. */
export function validateConfig(agent: string, cfg: HybridConfig): void {
  const file = `config of agent "${agent}"`;
  const need = (ok: boolean, key: keyof HybridConfig, expected: string): void => {
    if (!ok) throw new InputError({ file, pointer: `/${key}`, expected, found: show(cfg[key]) });
  };
  const posInt = (v: number): boolean => Number.isInteger(v) && v >= 1;
  const nonNegInt = (v: number): boolean => Number.isInteger(v) && v >= 0;
  const unit = (v: number): boolean => v >= 0 && v <= 1;
  for (const key of ['modelHiddenUnits', 'valueHiddenUnits'] as const) need(cfg[key].every(posInt), key, 'widths that are integers >= 1');
  for (const key of ['batchSize', 'bufferSize', 'targetUpdateEvery', 'epsilonDecaySteps'] as const) need(posInt(cfg[key]), key, 'an integer >= 1');
  for (const key of ['modelUpdatesPerStep', 'simulatedBatchesPerStep', 'learningStarts', 'trustMinSamples'] as const) need(nonNegInt(cfg[key]), key, 'an integer >= 0');
  for (const key of ['modelLearningRate', 'valueLearningRate', 'huberDelta', 'modelHuberDelta', 'trustHalfLife', 'rewardLossWeight'] as const) need(cfg[key] > 0, key, 'a number > 0');
  need(cfg.explorationBonus >= 0, 'explorationBonus', 'a number >= 0');
  need(cfg.planningWeight >= 0, 'planningWeight', 'a number >= 0');
  for (const key of ['gamma', 'epsilonStart', 'epsilonEnd'] as const) need(unit(cfg[key]), key, 'a number in [0, 1]');
  need(cfg.gamma < 1, 'gamma', 'a number in [0, 1) (a continuing task)');
}

/** The defaults with the context's overrides merged and checked. */
export function resolveConfig(agent: string, overrides: Record<string, unknown> | undefined): HybridConfig {
  const cfg = mergeConfig(agent, DEFAULT_CONFIG, overrides);
  validateConfig(agent, cfg);
  return cfg;
}
