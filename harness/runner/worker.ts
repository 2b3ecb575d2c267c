/**
 * The piscina worker: receives a job spec (never a scenario or agent object: workers derive
 * everything from the spec and its seed, which is what makes results independent of worker count
 * and job order) and runs it with the job module's `runJob`.
 */
import { SubmissionError } from '../submission/errors.ts';
import type { RunJobOptions } from './job.ts';
import type { JobResult, JobSpec } from './types.ts';

/**
 * What the main thread sends: one job, or (without `spec`) a warm-up that loads the job module
 * and, when the module can (`warm`), the scenarios of `warm` into the thread's cache.
 */
export interface WorkerTask {
  spec?: JobSpec;
  warm?: Pick<JobSpec, 'scenarioFile' | 'variant'>[];
  /** URL of a module exporting `runJob(spec, options)`: `./job.ts` in real runs, a fake in runner tests. */
  jobModule: string;
  options?: RunJobOptions;
}

/** A job that threw: why, as the one-line reason its result records. */
export interface WorkerFailure {
  thrown: string;
}

interface JobModule {
  runJob(spec: JobSpec, options?: RunJobOptions): Promise<JobResult>;
  warm?(scenarios: Pick<JobSpec, 'scenarioFile' | 'variant'>[]): Promise<void>;
}

// One import per module per worker thread; scenario and agent caches live inside the module.
const modules = new Map<string, Promise<JobModule>>();

/**
 * The reason a job that threw is recorded with: a submission's broken rule as it is ("exceeded the
 * 200 ms per-decision limit (in act)"), anything else as "threw NAME: MESSAGE". Computed here
 * because an error crossing to the main thread loses its class and name.
 */
export function thrownReason(e: unknown): string {
  if (e instanceof SubmissionError) return e.message;
  const err = e instanceof Error ? e : new Error(String(e));
  return `threw ${err.name}: ${err.message}`;
}

/** Runs one job in this worker thread (or only loads the job module: `null`). */
export default async function runTask(task: WorkerTask): Promise<JobResult | WorkerFailure | null> {
  let mod = modules.get(task.jobModule);
  if (!mod) {
    mod = import(task.jobModule) as Promise<JobModule>;
    modules.set(task.jobModule, mod);
  }
  const loaded = await mod;
  if (!task.spec) {
    // A scenario that fails to load fails its jobs, with their own reasons: not the warm-up.
    await loaded.warm?.(task.warm ?? []).catch(() => undefined);
    return null;
  }
  try {
    return await loaded.runJob(task.spec, task.options);
  } catch (e) {
    return { thrown: thrownReason(e) };
  }
}
