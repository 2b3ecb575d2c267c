/** `orchbench run`: run agents on a suite's scenarios over seeds, on a worker pool, into a results journal. */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { parseNumber, RULES } from '../bounds.ts';
import { InputError } from '../errors.ts';
import { requireBubblewrap } from '../submission/isolation.ts';
import { pageMeta, runMetaFromManifest, writeLeaderboard } from '../report/leaderboard.ts';
import { defaultBaselines } from '../../baselines/index.ts';
import { executeJobs, openRunJournal, RESULTS_FILE } from '../runner/execute.ts';
import { writeManifest } from '../runner/merge.ts';
import { withRunLock } from '../runner/out-dir.ts';
import { parseShard, planJobs, shardJobs, submissionRefs } from '../runner/plan.ts';
import { createProgress } from '../runner/progress.ts';
import type { RunManifest } from '../runner/types.ts';
import { selectScenarios } from '../scenario/select.ts';
import { DEFAULT_LIMITS } from '../submission/process-agent.ts';
import { cliInvocation, VERSION } from '../version.ts';
import { type ScenarioFlags, scenarioSelection, withScenarioOptions } from './select.ts';
import { commaList } from './options.ts';

interface RunFlags extends ScenarioFlags {
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
  title?: string;
  allowFailed?: boolean;
}

/** Registers `orchbench run`. */
export function register(program: Command): void {
  withScenarioOptions(program
    .command('run')
    .description('run agents x scenarios x seeds on a worker pool; results are appended to OUT/results.jsonl as jobs end'))
    .option('--agents <names>', 'baselines to run (comma-separated; default: all but experiment controls such as dqn-informed)')
    .option('--submissions <dirs...>', 'submission folders to run beside the agents (see `orchbench submission init`)')
    .option('--sandbox', 'run submissions isolated (the default): bubblewrap namespaces, no network, a read-only view of only their folder and runtime, time, memory and process limits; refused where bubblewrap is missing')
    .option('--trusted', 'run submissions without isolation: JavaScript/TypeScript in the worker thread, others as plain processes; only for code you trust')
    .option('--decision-ms <ms>', 'per-decision time limit of a sandboxed or external submission (ms)', String(DEFAULT_LIMITS.decisionMs))
    .option('--seeds <n>', 'seeds 0..n-1, combined with the root seed', '10')
    .option('--root-seed <n>', 'root seed every job seed derives from', '0')
    .option('--workers <n>', 'worker threads', String(availableParallelism()))
    .option('--out <dir>', 'output directory', './results')
    .option('--resume', 'continue OUT/results.jsonl: skip jobs already recorded as ok, retry failed ones')
    .option('--shard <i/n>', 'run only shard i of n (1-based; combine shard outputs with `orchbench merge`)')
    .option('--job-timeout-s <s>', 'per-job wall-clock limit (s); the worker is terminated when exceeded')
    .option('--job-memory-mb <mb>', 'per-worker heap limit (MB); a job exceeding it is recorded as failed')
    .option('--title <text>', 'the leaderboard page\'s title (default: from the suite)')
    .option('--allow-failed', 'exit 0 when jobs failed (by default a run with a failed job exits 1, after writing its results and leaderboard)')
    .action(async (flags: RunFlags) => {
      if (flags.sandbox && flags.trusted) throw new InputError({ file: '--trusted', expected: 'either --sandbox or --trusted', found: 'both' });
      const selection = scenarioSelection(flags);
      const seeds = parseNumber('--seeds', flags.seeds, RULES.seeds);
      const rootSeed = parseNumber('--root-seed', flags.rootSeed, RULES.seed);
      const workers = parseNumber('--workers', flags.workers, RULES.workers);
      const jobTimeoutS = flags.jobTimeoutS === undefined ? undefined : parseNumber('--job-timeout-s', flags.jobTimeoutS, RULES.jobTimeoutS);
      const jobMemoryMb = flags.jobMemoryMb === undefined ? undefined : parseNumber('--job-memory-mb', flags.jobMemoryMb, RULES.jobMemoryMb);
      const decisionMs = parseNumber('--decision-ms', flags.decisionMs, RULES.decisionMs);
      const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
      const baselines = commaList('--agents', flags.agents) ?? defaultBaselines();
      const submissions = submissionRefs(flags.submissions ?? []);
      const sandbox = !flags.trusted;
      // Refuse before anything is written, and say how to install it.
      if (sandbox && submissions.length) requireBubblewrap();
      const agents = [...baselines.map((name) => ({ name, kind: 'baseline' as const })), ...submissions];

      const plan = await planJobs({ ...selection, agents, seeds, rootSeed, sandbox });
      const jobs = shard ? shardJobs(plan, shard) : plan;
      // Nothing is written into the folder before it is ours and its journal may be used:
      // a refused run must leave an earlier run's run.json as it was.
      await withRunLock(flags.out, (text) => process.stderr.write(text), async () => {
        openRunJournal(flags.out, flags.resume === true);
        const manifest: RunManifest = {
          command: cliInvocation(),
          harnessVersion: VERSION,
          nodeVersion: process.version,
          suite: selectScenarios(selection).suite,
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
        } else {
          await writeLeaderboard(flags.out, summary.results, pageMeta(runMetaFromManifest(manifest, summary.results), flags.title, flags.out));
          process.stdout.write(`${summary.results.length} jobs (${failed.length} failed; ${summary.skipped} reused from the journal) -> ${flags.out}/${RESULTS_FILE}, leaderboard in ${flags.out}/\n`);
        }
        // Failed jobs fail the command (a script or CI must notice), unless the caller accepts them.
        if (failed.length && !flags.allowFailed) {
          process.stderr.write(`${failed.length} of ${summary.results.length} jobs failed (listed above): exit 1; --resume retries them, --allow-failed exits 0\n`);
          process.exitCode = 1;
        }
      });
    });
}
