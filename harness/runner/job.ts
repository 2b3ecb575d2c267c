/**
 * One job, start to end, from its spec alone: load the scenario and agent, compute the job's
 * identity, score the agent (`harness/score/job.ts`) and seal the result line. This is what the
 * pool's workers run and what `orchbench verify` re-runs.
 */
import { performance } from 'node:perf_hooks';
import type { AgentFactory } from '../agent.ts';
import type { Seed } from '../rng.ts';
import type { CompiledScenario } from '../scenario/compiled.ts';
import { loadScenario } from '../scenario/load.ts';
import { CURRENT_SCALE } from '../reference/scale.ts';
import { scoreJob, type ScoreJobOptions } from '../score/job.ts';
import type { ProcessLimits } from '../submission/process-agent.ts';
import { VERSION } from '../version.ts';
import { resolveAgent, type ResolvedAgent } from './agents.ts';
import { agentCodeHash, jobIdentity, processLimitsOf, sealResult, specFields } from './identity.ts';
import { commitmentOf, sealedEpisodeKey, type RunSecret } from './sealed.ts';
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

/**
 * Loads scenarios into this thread's cache before its first job (the pool's warm-up), so a
 * thread's first job is not also the one that compiles the schema and the scenario.
 */
export async function warm(scenarios: Pick<JobSpec, 'scenarioFile' | 'variant'>[]): Promise<void> {
  await Promise.all(scenarios.map((s) => jobScenario(s)));
}

/** The job's identity (its hash and the hashes it is made of), without running it. */
export async function identifyJob(spec: JobSpec): Promise<JobIdentity> {
  const [scenario, agent] = await Promise.all([jobScenario(spec), resolveAgent(spec)]);
  return jobIdentity(spec, {
    harnessVersion: VERSION,
    agentCodeHash: agentCodeHash(agent.files, agent.root),
    scenarioHash: scenario.hash,
    traceSha256s: scenario.traceSha256s,
  });
}

/** How a job runs (not what it computes: none of this changes an ok result). */
export interface RunJobOptions {
  /** The runner's per-job limit (s): a submission's process gets a job limit that ends before it. */
  jobTimeoutS?: number;
  /** Limits of a submission's process (per-decision time, heap); `jobMs` is derived from `jobTimeoutS`. */
  limits?: Partial<Omit<ProcessLimits, 'jobMs'>>;
  /** A sealed run's secret: needed by its sealed jobs (never recorded). */
  secret?: RunSecret;
  /** The run folder whose reference cache the job reads and fills (`harness/reference/cache.ts`); `verify` gives none: it recomputes. */
  referenceDir?: string;
}

/**
 * What a job's streams derive from: its episode seed (open), or the sealed run's key of its seed
 * index, given the secret its commitment names.
 * @throws Error for a sealed job without that secret.
 */
export function jobSeed(spec: Pick<JobSpec, 'seed' | 'sealed'>, secret: RunSecret | undefined): Seed {
  if (spec.sealed === undefined) return spec.seed;
  if (!secret) throw new Error(`a sealed job (commitment ${spec.sealed}) needs its run's secret`);
  const c = commitmentOf(secret);
  if (c !== spec.sealed) throw new Error(`a sealed job (commitment ${spec.sealed}) given another run's secret (commitment ${c})`);
  return sealedEpisodeKey(secret, spec.seed);
}

/**
 * Share of the runner's job limit (at least {@link MIN_MARGIN_MS}) kept free after a submission's
 * own job limit, so the submission's process is stopped by its agent (which kills it) before the
 * runner terminates the thread that owns it.
 */
const MARGIN_SHARE = 0.1;
const MIN_MARGIN_MS = 500;

/**
 * The agent's factory with its process limits. The job limit is fixed when the agent is created:
 * what is left of the runner's limit by then, less the margin.
 */
function limitedFactory(agent: ResolvedAgent, opts: RunJobOptions, t0: number): Promise<AgentFactory> {
  if (opts.jobTimeoutS === undefined) return agent.load(opts.limits);
  const endMs = t0 + opts.jobTimeoutS * 1000 - Math.max(MIN_MARGIN_MS, MARGIN_SHARE * opts.jobTimeoutS * 1000);
  return Promise.resolve(async (ctx) => (await agent.load({ ...opts.limits, jobMs: Math.max(1, endMs - performance.now()) }))(ctx));
}

/** The scale a job is scored on and the reference cache it uses. */
export function scoring(spec: Pick<JobSpec, 'scale'>, opts: Pick<RunJobOptions, 'referenceDir'>): Pick<ScoreJobOptions, 'scale' | 'referenceDir'> {
  return { scale: spec.scale ?? CURRENT_SCALE, ...(opts.referenceDir !== undefined ? { referenceDir: opts.referenceDir } : {}) };
}

/**
 * Runs one job and returns its sealed result line.
 * @throws whatever the agent or the scenario throws (the runner records it as a failed job).
 */
export async function runJob(spec: JobSpec, opts: RunJobOptions = {}): Promise<JobResult> {
  const t0 = performance.now();
  const [scenario, agent, id] = await Promise.all([jobScenario(spec), resolveAgent(spec), identifyJob(spec)]);
  const factory = await limitedFactory(agent, opts, t0);
  const scored = await scoreJob(scenario, factory, jobSeed(spec, opts.secret), { privileged: agent.privileged, ...scoring(spec, opts) });
  return sealResult({
    ...id,
    ...specFields(spec, processLimitsOf(opts)),
    status: 'ok',
    metrics: scored.metrics,
    timing: { wallMs: performance.now() - t0, ...scored.timing },
  });
}
