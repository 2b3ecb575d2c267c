/** `orchbench run`: run agents on a suite's scenarios over seeds, on a worker pool, into a results journal. */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { InputError } from '../errors.ts';
import { runMetaFromManifest, writeLeaderboard } from '../report/leaderboard.ts';
import { defaultBaselines } from '../../baselines/index.ts';
import { executeJobs, RESULTS_FILE } from '../runner/execute.ts';
import { writeManifest } from '../runner/merge.ts';
import { parseShard, planJobs, shardJobs, submissionRefs } from '../runner/plan.ts';
import { createProgress } from '../runner/progress.ts';
import type { RunManifest } from '../runner/types.ts';
import type { SuiteName } from '../scenario/load.ts';
import { DEFAULT_LIMITS } from '../submission/process-agent.ts';
import { cliInvocation, VERSION } from '../version.ts';

const SUITES: readonly SuiteName[] = ['default', 'recorded', 'tuning', 'testing'];

interface RunFlags {
  suite: string;
  scenarios?: string;
  agents?: string;
  submissions?: string[];
  sandbox?: boolean;
  trusted?: boolean;
  decisionMs: string;
  seeds: string;
  rootSeed: string;
  workers: string;
  out: string;
  resume?: boolean;
  shard?: string;
  jobTimeoutS?: string;
  jobMemoryMb?: string;
}

/** Parses a numeric flag. @throws InputError naming the flag, the expectation and the value. */
export function numberFlag(flag: string, text: string, expected: string, ok: (n: number) => boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !ok(n)) throw new InputError({ file: flag, expected, found: JSON.stringify(text) });
  return n;
}

const isPositiveInt = (n: number): boolean => Number.isInteger(n) && n >= 1;
const list = (s: string | undefined): string[] | undefined => s?.split(',').map((x) => x.trim()).filter(Boolean);

/** Registers `orchbench run`. */
export function register(program: Command): void {
  program
    .command('run')
    .description('run agents x scenarios x seeds on a worker pool; results are appended to OUT/results.jsonl as jobs end')
    .option('--suite <name>', SUITES.join(' | '), 'default')
    .option('--scenarios <ids>', 'only these scenario ids of the suite (comma-separated)')
    .option('--agents <names>', 'baselines to run (comma-separated; default: all but experiment controls such as dqn-informed)')
    .option('--submissions <dirs...>', 'submission folders to run beside the agents (see `orchbench submission init`)')
    .option('--sandbox', 'run submissions in the sandbox: a separate Node process with no file writes, processes or network, and time and memory limits (the default)')
    .option('--trusted', 'run JavaScript/TypeScript submissions in the worker thread instead: faster, for code you trust (no per-decision limit)')
    .option('--decision-ms <ms>', 'per-decision time limit of a sandboxed or external submission (ms)', String(DEFAULT_LIMITS.decisionMs))
    .option('--seeds <n>', 'seeds 0..n-1, combined with the root seed', '10')
    .option('--root-seed <n>', 'root seed every job seed derives from', '0')
    .option('--workers <n>', 'worker threads', String(availableParallelism()))
    .option('--out <dir>', 'output directory', './results')
    .option('--resume', 'continue OUT/results.jsonl: skip jobs already recorded as ok, retry failed ones')
    .option('--shard <i/n>', 'run only shard i of n (1-based; combine shard outputs with `orchbench merge`)')
    .option('--job-timeout-s <s>', 'per-job wall-clock limit (s); the worker is terminated when exceeded')
    .option('--job-memory-mb <mb>', 'per-worker heap limit (MB); a job exceeding it is recorded as failed')
    .action(async (flags: RunFlags) => {
      if (!SUITES.includes(flags.suite as SuiteName)) throw new InputError({ file: '--suite', expected: SUITES.join(' | '), found: JSON.stringify(flags.suite) });
      if (flags.sandbox && flags.trusted) throw new InputError({ file: '--trusted', expected: 'either --sandbox or --trusted', found: 'both' });
      const suite = flags.suite as SuiteName;
      const seeds = numberFlag('--seeds', flags.seeds, 'integer >= 1', isPositiveInt);
      const rootSeed = numberFlag('--root-seed', flags.rootSeed, 'integer', Number.isInteger);
      const workers = numberFlag('--workers', flags.workers, 'integer >= 1 (threads)', isPositiveInt);
      const jobTimeoutS = flags.jobTimeoutS === undefined ? undefined : numberFlag('--job-timeout-s', flags.jobTimeoutS, 'number > 0 (s)', (n) => n > 0);
      const jobMemoryMb = flags.jobMemoryMb === undefined ? undefined : numberFlag('--job-memory-mb', flags.jobMemoryMb, 'integer >= 16 (MB)', (n) => Number.isInteger(n) && n >= 16);
      const decisionMs = numberFlag('--decision-ms', flags.decisionMs, 'number > 0 (ms)', (n) => n > 0);
      const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
      const scenarios = list(flags.scenarios);
      const baselines = list(flags.agents) ?? defaultBaselines();
      const submissions = submissionRefs(flags.submissions ?? []);
      const sandbox = !flags.trusted;
      const agents = [...baselines.map((name) => ({ name, kind: 'baseline' as const })), ...submissions];

      const plan = await planJobs({ suite, ...(scenarios ? { scenarios } : {}), agents, seeds, rootSeed, sandbox });
      const jobs = shard ? shardJobs(plan, shard) : plan;
      const manifest: RunManifest = {
        command: cliInvocation(),
        harnessVersion: VERSION,
        nodeVersion: process.version,
        suite,
        agents: agents.map((a) => a.name),
        ...(submissions.length ? { submissions: submissions.map(({ name, path }) => ({ name, path })), sandbox } : {}),
        scenarios: [...new Set(plan.map((j) => j.spec.scenario))],
        seeds,
        rootSeed,
        ...(flags.shard ? { shard: flags.shard } : {}),
        jobsPlanned: plan.length,
        jobsInSlice: jobs.length,
      };
      writeManifest(flags.out, manifest);
      // Finished jobs are already durable; only the ones in flight are lost.
      process.once('SIGINT', () => {
        process.stderr.write(`\ninterrupted: finished jobs are in ${flags.out}/${RESULTS_FILE}; rerun with --resume to continue\n`);
        process.exit(130);
      });
      const summary = await executeJobs(jobs, {
        outDir: flags.out,
        workers,
        resume: flags.resume === true,
        ...(jobTimeoutS !== undefined ? { jobTimeoutS } : {}),
        ...(jobMemoryMb !== undefined ? { jobMemoryMb } : {}),
        decisionMs,
        progress: createProgress(),
      });
      const failed = summary.results.filter((r) => r.status === 'failed');
      for (const r of failed) process.stderr.write(`failed: ${r.agent} ${r.scenario} seed ${r.seed}: ${r.reason ?? 'no reason'}\n`);
      if (shard) {
        process.stdout.write(`shard ${flags.shard}: ${summary.results.length} jobs in ${flags.out}/${RESULTS_FILE}; combine shards with \`orchbench merge DIR... --out DIR\`\n`);
        return;
      }
      await writeLeaderboard(flags.out, summary.results, runMetaFromManifest(manifest, summary.results));
      process.stdout.write(`${summary.results.length} jobs (${failed.length} failed; ${summary.skipped} reused from the journal) -> ${flags.out}/${RESULTS_FILE}, leaderboard in ${flags.out}/\n`);
    });
}
