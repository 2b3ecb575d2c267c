/**
 * The worker side of an experiment job (loaded by the runner's pool through `jobModule`): the
 * learner's baseline with its config overrides, scored with the experiment's measure.
 */
import { performance } from 'node:perf_hooks';
import { resolveAgent } from '../runner/agents.ts';
import { sealResult, specFields } from '../runner/identity.ts';
import { jobScenario, jobSeed, scoring, type RunJobOptions } from '../runner/job.ts';
import type { JobResult } from '../runner/types.ts';
import { RECORDED_MEASURE_BASE, scoreJob } from '../score/job.ts';
import { experimentIdentity, type ExperimentJobSpec } from './learners.ts';

/**
 * Runs one experiment job and returns its sealed result line; the learner's config is recorded in
 * `metrics.info.learnerConfig` (JSON).
 * @throws whatever the agent or the scenario throws (the runner records it as a failed job).
 */
export async function runJob(spec: ExperimentJobSpec, opts: Pick<RunJobOptions, 'secret' | 'referenceDir'> = {}): Promise<JobResult> {
  const t0 = performance.now();
  const base = { ...spec, agent: spec.baseAgent };
  const [scenario, agent, id] = await Promise.all([jobScenario(base), resolveAgent(base), experimentIdentity(spec)]);
  const scored = await scoreJob(scenario, await agent.load(), jobSeed(spec, opts.secret), {
    privileged: agent.privileged,
    ...(spec.config ? { config: spec.config } : {}),
    threshold: spec.measure.threshold,
    windowDecisions: spec.measure.windowDecisions,
    // A measure recorded before the fine start existed keeps its schedule.
    checkpointEval: { ...RECORDED_MEASURE_BASE, ...spec.measure.checkpoints },
    purityCheck: spec.purityCheck,
    ...scoring(spec, opts),
  });
  const metrics = spec.config ? { ...scored.metrics, info: { ...scored.metrics.info, learnerConfig: JSON.stringify(spec.config) } } : scored.metrics;
  return sealResult({ ...id, ...specFields(spec), status: 'ok', metrics, timing: { wallMs: performance.now() - t0, ...scored.timing } });
}
