/**
 * Executes planned jobs on a piscina worker pool and appends each result to the journal as soon
 * as it ends.
 *
 * - At most `workers` jobs are in flight (the pool has exactly that many threads), so a job's time
 *   limit starts when it is handed to a free worker, not while it waits in a queue. Threads are
 *   warmed up (loader and job module imported, the run's scenarios loaded) before the first job;
 *   the limit includes loading the job's agent, and for a thread that replaces a terminated one,
 *   its start-up and the job's scenario.
 * - Jobs of the same scenario and seed run one after another on one lane (see `groupByEpisode`);
 *   groups start longest first by expected cost (`cost.ts`), so the run does not end on one long
 *   group while the other threads idle.
 * - A lane hands its thread the next job before writing the finished one to the journal, so the
 *   journal's fsync (a few ms per line) does not leave a thread idle.
 * - The progress sink gets an ETA from the expected cost of the jobs not finished (learned from
 *   the finished ones, by agent and budget), not from the job count.
 * - A job over its time limit is aborted; piscina terminates the busy thread (a busy worker cannot
 *   be interrupted cooperatively) and starts a new one. A job over the heap limit
 *   (`resourceLimits.maxOldGenerationSizeMb`) or one that kills its thread is recorded the same
 *   way; the run goes on.
 * - A submission's process (sandboxed or external) is stopped by its agent when it breaks a limit;
 *   its job limit ends before the runner's (see `job.ts`). A process left behind by a terminated
 *   thread is killed (`orphans.ts`).
 * - Resume: jobs whose jobHash already has an `ok` line are skipped; `failed` ones are retried
 *   (failures such as time limits can depend on machine load, and a retry that succeeds makes the
 *   result match an uninterrupted run; see `latestByJob`).
 */
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import { checkNumber, RULES } from '../bounds.ts';
import { InputError } from '../errors.ts';
import { seedReferenceCache } from '../reference/cache.ts';
import { DEFAULT_LIMITS } from '../submission/process-agent.ts';
import { CostModel, etaMs } from './cost.ts';
import { failedResult, processLimitsOf } from './identity.ts';
import type { RunJobOptions } from './job.ts';
import { type JournalContents, JournalWriter, latestByJob, readJournal } from './journal.ts';
import { OrphanReaper } from './orphans.ts';
import { prepareOutDir } from './out-dir.ts';
import { silentProgress, type ProgressSink } from './progress.ts';
import type { RunSecret } from './sealed.ts';
import type { JobResult, PlannedJob } from './types.ts';
import { thrownReason, type WorkerFailure, type WorkerTask } from './worker.ts';

export const RESULTS_FILE = 'results.jsonl';

export interface ExecuteOptions {
  outDir: string;
  /** Worker threads (>= 1). */
  workers: number;
  /** Keep an existing journal and skip its `ok` jobs; without it an existing journal is an error. */
  resume?: boolean;
  /** Per-job wall-clock limit in seconds. */
  jobTimeoutS?: number;
  /** Per-worker V8 old-generation heap limit in MB; also the heap limit of a sandboxed submission's process. */
  jobMemoryMb?: number;
  /** Wall-time limit of one decision of a sandboxed or external submission (ms; default 200). */
  decisionMs?: number;
  /** A sealed run's secret, handed to the workers for its sealed jobs (never written by the runner). */
  secret?: RunSecret;
  /** URL of the module exporting `runJob(spec)`; defaults to `./job.ts`. Tests inject fakes. */
  jobModule?: string;
  progress?: ProgressSink;
}

export interface ExecuteSummary {
  /** One result per planned job that has one (sorted by jobHash). */
  results: JobResult[];
  /** Jobs run now, and jobs skipped because the journal already had them. */
  ran: number;
  skipped: number;
  failed: number;
  /** Wall time from creating the pool to every thread warmed up (ms; 0 when nothing ran). */
  startupMs: number;
}

/** How each job runs, from the run's options. */
function jobOptions(opts: ExecuteOptions): RunJobOptions {
  const limits: RunJobOptions['limits'] = {
    ...(opts.decisionMs !== undefined ? { decisionMs: opts.decisionMs } : {}),
    // Resident memory is watched too (ArrayBuffers are outside the heap): allow twice the heap.
    ...(opts.jobMemoryMb !== undefined ? { heapMb: opts.jobMemoryMb, rssMb: Math.max(DEFAULT_LIMITS.rssMb, 2 * opts.jobMemoryMb) } : {}),
  };
  // The run folder's reference cache: each (scenario, seed)'s references computed once per run, kept for --resume and merge.
  return { ...(opts.jobTimeoutS !== undefined ? { jobTimeoutS: opts.jobTimeoutS } : {}), limits, ...(opts.secret ? { secret: opts.secret } : {}), referenceDir: resolve(opts.outDir) };
}

/** Why a pool task failed, as a deterministic one-line reason (no stacks, no timings). */
export function failureReason(e: unknown, opts: Pick<ExecuteOptions, 'jobTimeoutS' | 'jobMemoryMb'>): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  if (err.name === 'AbortError') return `time limit exceeded (${opts.jobTimeoutS ?? '?'} s); worker terminated`;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return `memory limit exceeded (${opts.jobMemoryMb ?? 'default'} MB heap); worker terminated`;
  if (/worker|thread/i.test(err.message) && /exit|terminat/i.test(err.message)) return `worker crashed: ${err.message}`;
  return thrownReason(err);
}

/**
 * Jobs grouped by (scenario, variant, seed), most expensive group first (plan order on ties). A
 * lane runs one group after another,
 * and since a lane has one job in flight, its next job almost always lands on the thread it just
 * freed: that thread's cached scenario and reference episodes (random, oracle: often more work
 * than a cheap agent's job) are reused instead of recomputed on every thread.
 */
export function groupByEpisode(jobs: readonly PlannedJob[]): PlannedJob[][] {
  const groups = new Map<string, PlannedJob[]>();
  for (const j of jobs) {
    const key = `${j.spec.scenarioFile}\0${j.spec.variant}\0${j.spec.seed}`;
    const g = groups.get(key);
    if (g) g.push(j);
    else groups.set(key, [j]);
  }
  const cost = (g: PlannedJob[]): number => g.reduce((sum, j) => sum + CostModel.priorMs(j), 0);
  // Array.prototype.sort is stable: equal costs keep plan order.
  return [...groups.values()].sort((a, b) => cost(b) - cost(a));
}

/**
 * Creates `outDir` if needed and reads its journal, refusing to start over an existing one
 * without `resume`. `orchbench run` calls it before writing anything into the folder.
 * @throws InputError for an unusable folder or journal, or a journal that exists without `resume`
 */
export function openRunJournal(outDir: string, resume: boolean): { file: string; before: JournalContents } {
  prepareOutDir(outDir);
  const file = join(outDir, RESULTS_FILE);
  const before = readJournal(file);
  if (!resume && (before.results.length > 0 || before.skipped.length > 0)) {
    throw new InputError({ file, expected: 'no journal yet (or pass --resume to continue it)', found: `${before.results.length} result lines` });
  }
  return { file, before };
}

/**
 * Runs the jobs not yet in `outDir/results.jsonl`, appending each result as it ends.
 * @throws InputError for out-of-range options, or when the journal exists and `resume` is not set.
 */
export async function executeJobs(jobs: readonly PlannedJob[], opts: ExecuteOptions): Promise<ExecuteSummary> {
  checkNumber('--workers', opts.workers, RULES.workers);
  if (opts.jobTimeoutS !== undefined) checkNumber('--job-timeout-s', opts.jobTimeoutS, RULES.jobTimeoutS);
  if (opts.jobMemoryMb !== undefined) checkNumber('--job-memory-mb', opts.jobMemoryMb, RULES.jobMemoryMb);
  if (opts.decisionMs !== undefined) checkNumber('--decision-ms', opts.decisionMs, RULES.decisionMs);
  const progress = opts.progress ?? silentProgress;
  const { file, before } = openRunJournal(opts.outDir, opts.resume === true);
  for (const s of before.skipped) progress.note(`${file}:${s.line}: skipped: ${s.reason}`);
  const done = new Set(before.results.filter((r) => r.status === 'ok').map((r) => r.jobHash));
  const unique = [...new Map(jobs.map((j) => [j.id.jobHash, j])).values()];
  const todo = unique.filter((j) => !done.has(j.id.jobHash));
  // The shipped references of the default suite (cache.ts): the same values, not computed again.
  const seeded = todo.length === 0 ? { copied: 0, stale: [] as string[] } : seedReferenceCache(resolve(opts.outDir), new Set(todo.map((j) => j.id.scenarioHash)));
  if (seeded.copied > 0) progress.note(`references: ${seeded.copied} taken from the shipped bundles (scenarios/reference-cache)`);
  for (const name of seeded.stale) progress.note(`references: scenarios/reference-cache/${name} is stale (computed by other simulator or reference code): not used, references computed`);
  progress.start(unique.length, unique.length - todo.length, etaMs(new CostModel(), todo, [], opts.workers));

  const jobModule = opts.jobModule ?? new URL('./job.ts', import.meta.url).href;
  const writer = new JournalWriter(file);
  const tPool = performance.now();
  const pool = todo.length === 0 ? null : new Piscina<WorkerTask, JobResult | WorkerFailure | null>({
    filename: new URL('./worker-entry.mjs', import.meta.url).href,
    minThreads: Math.min(opts.workers, todo.length),
    maxThreads: opts.workers,
    // The entry installs tsx itself; inheriting the parent's flags (e.g. --inspect) would break workers.
    execArgv: [],
    ...(opts.jobMemoryMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: opts.jobMemoryMb } } : {}),
  });

  const options = jobOptions(opts);
  const limits = processLimitsOf(options);
  const reaper = new OrphanReaper();
  let failed = 0;
  let startupMs = 0;
  const runOne = async (job: PlannedJob): Promise<JobResult> => {
    const t0 = performance.now();
    const signal = opts.jobTimeoutS !== undefined ? AbortSignal.timeout(Math.ceil(opts.jobTimeoutS * 1000)) : null;
    try {
      const r = (await pool!.run({ spec: job.spec, jobModule, options }, { signal }))!;
      if ('thrown' in r) return failedResult(job.spec, job.id, r.thrown, performance.now() - t0, limits);
      if (r.jobHash !== job.id.jobHash) {
        return failedResult(job.spec, job.id, `job hash mismatch: the worker computed ${r.jobHash} (inputs changed during the run?)`, performance.now() - t0, limits);
      }
      return r;
    } catch (e) {
      // The job's thread was terminated: a process its agent started may still be running.
      reaper.reapOrphans();
      return failedResult(job.spec, job.id, failureReason(e, opts), performance.now() - t0, limits);
    }
  };
  const groups = groupByEpisode(todo);
  let nextGroup = 0;
  const model = new CostModel();
  const notStarted = new Set(todo);
  const running = new Map<PlannedJob, number>();
  const record = (job: PlannedJob, r: JobResult): void => {
    running.delete(job);
    writer.append(r);
    if (r.status === 'failed') failed++;
    else model.observe(job, r.timing.wallMs);
    const now = performance.now();
    const inFlight = [...running].map(([j, t0]) => ({ job: j, elapsedMs: now - t0 }));
    progress.jobDone(r, etaMs(model, [...notStarted], inFlight, opts.workers));
  };
  // A lane keeps one job in flight and runs one episode group after another.
  const lane = async (): Promise<void> => {
    let group: PlannedJob[] = [];
    let pos = 0;
    const start = (): Promise<[PlannedJob, JobResult]> | null => {
      if (pos >= group.length) {
        if (nextGroup >= groups.length) return null;
        group = groups[nextGroup++]!;
        pos = 0;
      }
      const job = group[pos++]!;
      notStarted.delete(job);
      running.set(job, performance.now());
      return runOne(job).then((r) => [job, r]);
    };
    let current = start();
    while (current) {
      const [job, r] = await current;
      // The thread gets its next job before the journal's write and fsync block this thread.
      current = start();
      record(job, r);
    }
  };
  try {
    // Warm every thread up first (tsx, harness, job module and the run's scenarios) so time limits
    // and the cost model measure jobs.
    // Only threads that replace a terminated one start inside a job's limit.
    const warm = [...new Map(todo.map((j) => [`${j.spec.variant}:${j.spec.scenarioFile}`, { scenarioFile: j.spec.scenarioFile, variant: j.spec.variant }])).values()];
    if (pool) await Promise.all(Array.from({ length: pool.options.minThreads }, () => pool.run({ jobModule, warm })));
    startupMs = pool ? performance.now() - tPool : 0;
    await Promise.all(Array.from({ length: Math.min(opts.workers, groups.length) }, lane));
  } finally {
    writer.close();
    await pool?.destroy();
    reaper.reapOrphans();
    reaper.close();
    progress.stop();
  }
  const planned = new Set(unique.map((j) => j.id.jobHash));
  const results = latestByJob(readJournal(file).results).filter((r) => planned.has(r.jobHash));
  return { results, ran: todo.length, skipped: unique.length - todo.length, failed, startupMs };
}
