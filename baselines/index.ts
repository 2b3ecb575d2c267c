/**
 * The baseline registry: every reference agent by name, loaded lazily (a runner worker imports
 * only the agents it runs, and tfjs is loaded only with the agents that use it).
 *
 * `file` is the agent's source file relative to this folder, for the agent code hash in results.
 * A `privileged` agent (plug-in, clairvoyant) reads the simulator: the runner creates it with
 * `{ ...ctx, simulator: env }` (see {@link PrivilegedContext}). A `reference` (random,
 * clairvoyant) is the 0 or 1 of normalised scores: the leaderboard shows references in their own
 * band, never ranked among competitors.
 */
import { fileURLToPath } from 'node:url';
import type { AgentFactory } from '../harness/agent.ts';

export type { PrivilegedContext } from './plug-in.ts';

export interface BaselineEntry {
  /** One line: what the agent does. */
  description: string;
  /** Whether it learns from transitions (non-learning agents have flat learning curves). */
  learning: boolean;
  /** Whether it needs the simulator itself (`PrivilegedContext.simulator`). */
  privileged?: boolean;
  /** A reference of the normalised scales (random = 0; the clairvoyant = 1 on `clairvoyant-v3`, below the planning reference of `planning-v1`), not a competitor; says what it knows. */
  reference?: { knows: string };
  /**
   * An experiment's control rather than a leaderboard baseline: left out of `orchbench run`'s
   * default agent list (`--agents NAME` runs it), and run by the experiment that needs it.
   */
  control?: boolean;
  /**
   * Why the agent is run only by name: left out of `orchbench run`'s default agent list and of the
   * registered acceptance counts (`--agents NAME` runs it).
   */
  optIn?: string;
  /** Imports the agent's module and returns its factory. */
  load: () => Promise<AgentFactory>;
  /** The agent's source file, relative to `baselines/`. */
  file: string;
  /** The export of `file` holding the agent's default hyperparameters (default `DEFAULT_CONFIG`). */
  configExport?: string;
}

/**
 * A loader for export `exportName` of `baselines/<file>`. The specifier is not a literal, so the
 * registry type-checks and loads before every agent file exists (dqn.ts and hybrid.ts are written
 * separately); the export is checked when loaded.
 */
function lazy(file: string, exportName = 'createAgent'): () => Promise<AgentFactory> {
  return async () => {
    const mod = (await import(new URL(file, import.meta.url).href)) as Record<string, unknown>;
    const factory = mod[exportName];
    if (typeof factory !== 'function') throw new Error(`baselines/${file} does not export an AgentFactory named "${exportName}"`);
    return factory as AgentFactory;
  };
}

/**
 * `load` with every agent it creates marked `Agent.fixedPolicy` (`act` a pure function of the
 * observation: its greedy evaluation is not repeated at every checkpoint). Not every non-learning
 * agent is one: random draws, and greedy-heuristic keeps per-device bookkeeping that evaluations
 * reset. Declared here rather than in the agents' files so their code hashes, and the published
 * results, stay as they are.
 */
function fixedPolicy(load: () => Promise<AgentFactory>): () => Promise<AgentFactory> {
  return async () => {
    const factory = await load();
    return async (ctx) => Object.assign(await factory(ctx), { fixedPolicy: true });
  };
}

export const BASELINES: Record<string, BaselineEntry> = {
  random: {
    description: 'Uniformly random unmasked action (the 0 of normalised scores).',
    learning: false,
    reference: { knows: 'nothing: uniform over the legal actions' },
    file: 'random.ts',
    load: lazy('random.ts'),
  },
  clairvoyant: {
    description: "Best realised reward of each request, simulated exactly for every legal action (the 1 of normalised scores).",
    learning: false,
    privileged: true,
    reference: {
      knows: "each request's own future (its true compute time and the true future link rates of its transfers) and the current queues; not future arrivals, and it plans nothing ahead: not the queueing its choice causes later requests; with a battery, it prices device energy at the battery's long-run cost when the battery is projected to run empty before the phase ends; its value on a phase is the best, in hindsight on that phase, of its battery-price variants and, with model residency, of variants that score a load as an investment and price evictions. The planning reference (the 1 of the planning-v2 scale on the evaluation phase) is the best of this reference, a rollout planner (the simulator forked, the best of these policies rolled 4 decisions ahead for the 3 best actions) and a beam-search planner over the phase's decisions with hindsight; on the v4 default suite planning adds 13-39% of the random-to-myopic gap (testing and full variants, docs/scenarios.md), on v3 at most 0.2%; an upper bound (each request's best action with its coupling to other requests removed) caps every job and is checked in scoring (docs/references.md)",
    },
    file: 'plug-in.ts',
    load: lazy('plug-in.ts', 'createClairvoyantAgent'),
  },
  'plug-in': {
    description: 'Best reward at the true current link rates and mean compute times (present-state plug-in; privileged).',
    learning: false,
    privileged: true,
    file: 'plug-in.ts',
    load: lazy('plug-in.ts'),
  },
  'static-device': {
    description: "Always the user's device, with its fastest model meeting the accuracy requirement.",
    learning: false,
    file: 'static.ts',
    load: fixedPolicy(lazy('static.ts', 'createDeviceAgent')),
  },
  'static-edge': {
    description: 'Always the edge server, with its fastest model meeting the accuracy requirement.',
    learning: false,
    file: 'static.ts',
    load: fixedPolicy(lazy('static.ts', 'createEdgeAgent')),
  },
  'static-cloud': {
    description: 'Always the cloud, with its fastest model meeting the accuracy requirement.',
    learning: false,
    file: 'static.ts',
    load: fixedPolicy(lazy('static.ts', 'createCloudAgent')),
  },
  'greedy-heuristic': {
    description: 'Fastest action meeting the accuracy requirement by a latency estimate from bandwidth, RTT, load and median compute.',
    learning: false,
    file: 'greedy-heuristic.ts',
    load: lazy('greedy-heuristic.ts'),
  },
  'q-learning': {
    description: 'Tabular epsilon-greedy Q-learning on discretised features (bins for the 15 features of the v1-v3 scenarios).',
    learning: true,
    optIn: 'its config has a bin count for each of the 15 features of the v1-v3 scenarios and refuses the longer vectors of v4; q-learning-v4 is the same agent on any vector; kept for the published lines and experiments that name it',
    file: 'q-learning.ts',
    load: lazy('q-learning.ts'),
  },
  'q-learning-v4': {
    description: 'Tabular epsilon-greedy Q-learning on discretised features: q-learning.ts unchanged, on the first 15 features of any scenario (features a scenario appends get no bins, as the search gave the newer ones).',
    learning: true,
    file: 'q-learning-v4.ts',
    load: lazy('q-learning-v4.ts'),
  },
  bandit: {
    description: 'LinUCB contextual bandit: disjoint per-action ridge models with Sherman-Morrison updates.',
    learning: true,
    file: 'bandit.ts',
    load: lazy('bandit.ts'),
  },
  dqn: {
    description: 'Deep Q-network (typed-array MLP, or tfjs) with experience replay and a target network.',
    learning: true,
    file: 'dqn.ts',
    load: lazy('dqn.ts'),
  },
  'dqn-v4': {
    description: "The DQN (dqn.ts, unchanged: same algorithm, searched defaults and random streams) reading every observation field hybrid-v4 reads: the feature vector, plus the orchestrator's requests in flight on devices and the user's resident mask (one input per action).",
    learning: true,
    optIn: "its defaults are the DQN's (searched on the v1-v3 tuning scenarios); its v4 search's best configuration (leaderboard/tune-v4-testing) is run by the v4 experiment with --tuned, not by default",
    file: 'dqn-v4.ts',
    load: lazy('dqn-v4.ts'),
  },
  'dqn-informed': {
    description: 'DQN given the public action information (tier, accuracy, median compute) and 3 gradient updates per training step: the Hybrid experiment\'s fair-comparison control.',
    learning: true,
    control: true,
    file: 'dqn.ts',
    configExport: 'INFORMED_CONFIG',
    load: lazy('dqn.ts', 'createInformedAgent'),
  },
  hybrid: {
    description: 'The published Hybrid Learner of v2/v3 results (kept so they verify): in effect a Thompson-sampling contextual bandit, a Bayesian linear outcome model per tier with one-step planning.',
    learning: true,
    file: 'hybrid.ts',
    load: lazy('hybrid.ts'),
  },
  'hybrid-v4': {
    description: 'Hybrid Learner: a learned model of the environment (reward and next state of every action), a Q-network trained on real and model-simulated transitions (Dyna/MBPO), and decision-time lookahead weighted by the measured trust in the model.',
    learning: true,
    optIn: "its defaults are not its v4 search's best (leaderboard/tune-v4-testing, run by the v4 experiment with --tuned), and it takes about 7 times dqn-v4's time per job (medians of the v4 search: 10 s against 1.4 s)",
    file: 'hybrid/index.ts',
    load: lazy('hybrid/index.ts'),
  },
};

/** The registered baseline names, in registry order. */
export function listBaselines(): string[] {
  return Object.keys(BASELINES);
}

/** The baselines `orchbench run` runs when `--agents` is not given: every one but the controls. */
export function defaultBaselines(): string[] {
  return listBaselines().filter((n) => BASELINES[n]!.control !== true && BASELINES[n]!.optIn === undefined);
}

/** The registry entry of `name`; throws listing the valid names when there is none. */
export function baselineEntry(name: string): BaselineEntry {
  const entry = Object.hasOwn(BASELINES, name) ? BASELINES[name] : undefined;
  if (!entry) throw new Error(`unknown baseline "${name}": valid names are ${listBaselines().join(', ')}`);
  return entry;
}

/**
 * The default hyperparameters of baseline `name` (its module's `DEFAULT_CONFIG`, or the entry's
 * `configExport`), or undefined for a baseline without a config object. A search records its trial
 * 0 with these values, so the record stays reproducible after the defaults change.
 */
export async function loadDefaultConfig(name: string): Promise<Record<string, unknown> | undefined> {
  const entry = baselineEntry(name);
  const mod = (await import(new URL(entry.file, import.meta.url).href)) as Record<string, unknown>;
  const config = mod[entry.configExport ?? 'DEFAULT_CONFIG'];
  return config !== null && typeof config === 'object' ? { ...(config as Record<string, unknown>) } : undefined;
}

/** The factory of baseline `name` (imports its module); throws listing the valid names when unknown. */
export function loadBaseline(name: string): Promise<AgentFactory> {
  return baselineEntry(name).load();
}

/** Absolute path of a baseline's source file (for code hashing). */
export function baselineFile(name: string): string {
  return fileURLToPath(new URL(baselineEntry(name).file, import.meta.url));
}
