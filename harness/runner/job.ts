/**
 * One job, start to end, from its spec alone: load the scenario and agent, compute the job's
 * identity, score the agent (`harness/score/job.ts`) and seal the result line. This is what the
 * pool's workers run and what `orchbench verify` re-runs.
 */
import { performance } from 'node:perf_hooks';
import type { CompiledScenario } from '../scenario/compiled.ts';
import { loadScenario } from '../scenario/load.ts';
import { scoreJob } from '../score/job.ts';
import { VERSION } from '../version.ts';
import { resolveAgent } from './agents.ts';
import { agentCodeHash, jobIdentity, sealResult, specFields } from './identity.ts';
import type { JobIdentity, JobResult, JobSpec } from './types.ts';

// Per-thread caches: a worker runs many jobs on few scenarios.
const scenarios = new Map<string, Promise<CompiledScenario>>();

/** The compiled scenario of a job (cached per file and variant). */
export function jobScenario(spec: Pick<JobSpec, 'scenarioFile' | 'variant'>): Promise<CompiledScenario> {
  const key = `${spec.variant}:${spec.scenarioFile}`;
  let s = scenarios.get(key);
  if (!s) {
    s = loadScenario(spec.scenarioFile, { variant: spec.variant });
    scenarios.set(key, s);
  }
  return s;
}

/** The job's identity (its hash and the hashes it is made of), without running it. */
export async function identifyJob(spec: JobSpec): Promise<JobIdentity> {
  const [scenario, agent] = await Promise.all([jobScenario(spec), resolveAgent(spec)]);
  return jobIdentity(spec, {
    harnessVersion: VERSION,
    agentCodeHash: agentCodeHash(agent.files),
    scenarioHash: scenario.hash,
    traceSha256s: scenario.traceSha256s,
  });
}

/**
 * Runs one job and returns its sealed result line.
 * @throws whatever the agent or the scenario throws (the runner records it as a failed job).
 */
export async function runJob(spec: JobSpec): Promise<JobResult> {
  const t0 = performance.now();
  const [scenario, agent, id] = await Promise.all([jobScenario(spec), resolveAgent(spec), identifyJob(spec)]);
  const factory = await agent.load();
  const scored = await scoreJob(scenario, factory, spec.seed, { privileged: agent.privileged });
  return sealResult({
    ...id,
    ...specFields(spec),
    status: 'ok',
    metrics: scored.metrics,
    timing: { wallMs: performance.now() - t0, ...scored.timing },
  });
}
