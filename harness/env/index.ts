/**
 * The environment package: simulator, features, checkEnv and the episode loop (the reference
 * policies live in `harness/reference/`).
 *
 * @example
 * ```ts
 * import { loadScenario } from '../scenario/load.ts';
 * import { createClairvoyant, createRandomAgent } from '../reference/index.ts';
 * import { OrchestrationEnv, checkEnv, runEpisode } from './index.ts';
 *
 * const scenario = await loadScenario('lte-driving-4u-mixed-v1', { variant: 'testing' });
 * checkEnv(scenario); // throws with a located message if something is off
 * const env = new OrchestrationEnv(scenario);
 * const best = runEpisode(env, createClairvoyant(env), 1);
 * const random = runEpisode(env, createRandomAgent(1), 1);
 * console.log(best.eval.meanReward, random.eval.meanReward, best.logSha256);
 * ```
 */
export { OrchestrationEnv, DEFAULT_EDGE_CORE_POWER_W, TRUE_INPUTS, slowdownAt, type DecisionRecord, type EnvSnapshot, type Phase, type StepResult, type WhatIf, type WhatIfInputs } from './env.ts';
export { FEATURES, FEATURE_COUNT, discretise, stateCount } from './features.ts';
export { checkEnv, observationProblems, type CheckEnvReport, type CheckEnvOptions } from './check.ts';
export { runEpisode, type EpisodeResult, type EpisodeOptions, type EvalSummary } from './episode.ts';
export { TRANSFER_CAP_MS } from './timeline.ts';
