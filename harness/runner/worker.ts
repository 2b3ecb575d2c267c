/**
 * The piscina worker: receives a job spec (never a scenario or agent object: workers derive
 * everything from the spec and its seed, which is what makes results independent of worker count
 * and job order) and runs it with the job module's `runJob`.
 */
import type { JobResult, JobSpec } from './types.ts';

/** What the main thread sends: one job, or (without `spec`) a warm-up that only loads the job module. */
export interface WorkerTask {
  spec?: JobSpec;
  /** URL of a module exporting `runJob(spec)`: `./job.ts` in real runs, a fake in runner tests. */
  jobModule: string;
}

interface JobModule {
  runJob(spec: JobSpec): Promise<JobResult>;
}

// One import per module per worker thread; scenario and agent caches live inside the module.
const modules = new Map<string, Promise<JobModule>>();

/** Runs one job in this worker thread (or only loads the job module: `null`). */
export default async function runTask(task: WorkerTask): Promise<JobResult | null> {
  let mod = modules.get(task.jobModule);
  if (!mod) {
    mod = import(task.jobModule) as Promise<JobModule>;
    modules.set(task.jobModule, mod);
  }
  const loaded = await mod;
  return task.spec ? loaded.runJob(task.spec) : null;
}
