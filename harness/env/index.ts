/**
 * The environment package: simulator, features, reference policies, checkEnv and the episode loop.
 *
 * @example
 * ```ts
 * import { loadScenario } from '../scenario/load.ts';
 * import { OrchestrationEnv, checkEnv, createClairvoyant, createRandomAgent, runEpisode } from './index.ts';
 *
 * const scenario = await loadScenario('lte-driving-4u-mixed-v1', { variant: 'testing' });
 * checkEnv(scenario); // throws with a located message if something is off
 * const env = new OrchestrationEnv(scenario);
 * const best = runEpisode(env, createClairvoyant(env), 1);
 * const random = runEpisode(env, createRandomAgent(1), 1);
 * console.log(best.eval.meanReward, random.eval.meanReward, best.logSha256);
 * ```
 */
export { OrchestrationEnv, DEFAULT_EDGE_CORE_POWER_W, slowdownAt, type DecisionRecord, type Phase, type StepResult } from './env.ts';
export { FEATURES, FEATURE_COUNT, discretise, stateCount } from './features.ts';
export { createClairvoyant, createPlugIn, createRandomAgent } from './policies.ts';
export { checkEnv, observationProblems, type CheckEnvReport, type CheckEnvOptions } from './check.ts';
export { runEpisode, type EpisodeResult, type EpisodeOptions, type EvalSummary } from './episode.ts';
export { TRANSFER_CAP_MS } from './timeline.ts';
