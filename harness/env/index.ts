/**
 * The environment package: simulator, features, reference policies, checkEnv and the episode loop.
 *
 * @example
 * ```ts
 * import { loadScenario } from '../scenario/load.ts';
 * import { OrchestrationEnv, checkEnv, createOracle, createRandomAgent, runEpisode } from './index.ts';
 *
 * const scenario = await loadScenario('lte-driving-4u-mixed-v1', { variant: 'testing' });
 * checkEnv(scenario); // throws with a located message if something is off
 * const env = new OrchestrationEnv(scenario);
 * const oracle = runEpisode(env, createOracle(env), 1);
 * const random = runEpisode(env, createRandomAgent(1), 1);
 * console.log(oracle.eval.meanReward, random.eval.meanReward, oracle.logSha256);
 * ```
 */
export { OrchestrationEnv, DEFAULT_EDGE_CORE_POWER_W, slowdownAt, type Phase, type StepResult } from './env.ts';
export { FEATURES, FEATURE_COUNT, discretise, stateCount } from './features.ts';
export { createOracle, createRandomAgent } from './policies.ts';
export { checkEnv, observationProblems, type CheckEnvReport, type CheckEnvOptions } from './check.ts';
export { runEpisode, type EpisodeResult, type EpisodeOptions, type EvalSummary } from './episode.ts';
export { TRANSFER_CAP_MS } from './timeline.ts';
